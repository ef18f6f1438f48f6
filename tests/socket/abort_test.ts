// `{ signal }` on every waiting call: an abort rejects with the signal's
// reason and, exactly as a timeout, loses nothing (data that arrives later
// goes to the next receive, an aborted accept loses no connection); an
// already aborted signal rejects at once and changes nothing.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { closeAll, FAMILIES, listener, pair, sleep, text } from "./_helpers.ts";

function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === "AbortError";
}

/** An already aborted signal. */
function aborted(reason?: unknown): AbortSignal {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
}

// Each receive call, in the form that takes only `{ signal }` after the
// required argument, reduced to the bytes it got.
const RECEIVES: ReadonlyArray<
  [string, (s: socket.Socket, signal: AbortSignal) => Promise<Uint8Array>]
> = [
  ["recv", (s, signal) => s.recv(100, { signal })],
  ["recv with flags", (s, signal) => s.recv(100, 0, { signal })],
  ["recvfrom", async (s, signal) => (await s.recvfrom(100, { signal }))[0]],
  ["recv_into", async (s, signal) => {
    const buf = new Uint8Array(100);
    return buf.subarray(0, await s.recv_into(buf, { signal }));
  }],
  ["recv_into with nbytes", async (s, signal) => {
    const buf = new Uint8Array(100);
    return buf.subarray(0, await s.recv_into(buf, 50, 0, { signal }));
  }],
  ["recvfrom_into", async (s, signal) => {
    const buf = new Uint8Array(100);
    return buf.subarray(0, (await s.recvfrom_into(buf, { signal }))[0]);
  }],
];

for (const fc of FAMILIES) {
  for (const [name, receive] of RECEIVES) {
    Deno.test(`${fc.name}: ${name} aborted while waiting, then the data comes`, async () => {
      await using p = await pair(fc);
      const c = new AbortController();
      const pending = receive(p.conn, c.signal);
      await sleep(10);
      c.abort();
      await assert.rejects(pending, isAbortError);
      await p.client.sendall("after");
      assert.equal(
        text(await receive(p.conn, new AbortController().signal)),
        "after",
      );
    });

    Deno.test(`${fc.name}: ${name} with an aborted signal leaves queued data`, async () => {
      await using p = await pair(fc);
      await p.client.sendall("queued");
      // Let the bytes reach the receiver before the aborted call.
      await p.conn.recv(1, socket.MSG_PEEK);
      const reason = new Error("mine");
      await assert.rejects(
        receive(p.conn, aborted(reason)),
        (e) => e === reason,
      );
      assert.equal(text(await p.conn.recv(100)), "queued");
    });
  }

  Deno.test(`${fc.name}: an abort racing data arrival loses no byte`, async () => {
    await using p = await pair(fc);
    const ROUNDS = 200;
    let got = "";
    let aborts = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const c = new AbortController();
      const pending = p.conn.recv(100, { signal: c.signal });
      // Data and abort in the same turn, in either order, or one turn apart.
      if (i % 3 === 0) {
        c.abort();
        void p.client.send(`${i % 10}`);
      } else if (i % 3 === 1) {
        void p.client.send(`${i % 10}`);
        c.abort();
      } else {
        void p.client.send(`${i % 10}`);
        await Promise.resolve();
        c.abort();
      }
      try {
        got += text(await pending);
      } catch (e) {
        assert.ok(isAbortError(e), String(e));
        aborts++;
      }
    }
    p.client.shutdown(socket.SHUT_WR);
    for (;;) {
      const chunk = await p.conn.recv(1000);
      if (chunk.length === 0) break;
      got += text(chunk);
    }
    let want = "";
    for (let i = 0; i < ROUNDS; i++) want += `${i % 10}`;
    assert.equal(got, want);
    assert.ok(aborts > 0, "no receive was aborted");
  });

  Deno.test(`${fc.name}: accept aborted, then the connection is accepted`, async () => {
    using server = listener(fc);
    const c = new AbortController();
    const pending = server.accept({ signal: c.signal });
    await sleep(10);
    c.abort();
    await assert.rejects(pending, isAbortError);
    using client = socket.socket(fc.family);
    await client.connect(server.getsockname());
    // The connection is queued now; an aborted signal leaves it there.
    await sleep(20);
    await assert.rejects(server.accept({ signal: aborted() }), isAbortError);
    const [conn] = await server.accept({
      signal: new AbortController().signal,
    });
    await client.sendall("hello");
    assert.equal(text(await conn.recv(10)), "hello");
    await closeAll(conn);
  });

  Deno.test(`${fc.name}: connect and connect_ex with an aborted signal change nothing`, async () => {
    using server = listener(fc);
    using client = socket.socket(fc.family);
    await assert.rejects(
      client.connect(server.getsockname(), { signal: aborted() }),
      isAbortError,
    );
    // connect_ex gives errnos, not aborts.
    await assert.rejects(
      client.connect_ex(server.getsockname(), { signal: aborted() }),
      isAbortError,
    );
    assert.equal(
      await client.connect_ex(server.getsockname(), {
        signal: new AbortController().signal,
      }),
      0,
    );
    const [conn] = await server.accept();
    await closeAll(conn);
  });

  Deno.test(`${fc.name}: send and sendall with an aborted signal send nothing`, async () => {
    await using p = await pair(fc);
    await assert.rejects(
      p.client.send("x", { signal: aborted() }),
      isAbortError,
    );
    await assert.rejects(
      p.client.sendall("y", 0, { signal: aborted() }),
      isAbortError,
    );
    assert.equal(
      await p.client.send("a", { signal: new AbortController().signal }),
      1,
    );
    await p.client.sendall("b", { signal: new AbortController().signal });
    p.client.shutdown(socket.SHUT_WR);
    let got = "";
    for await (const chunk of p.conn) got += text(chunk);
    assert.equal(got, "ab");
  });

  Deno.test(`${fc.name}: sendall aborted while blocked keeps the stream whole`, async () => {
    await using p = await pair(fc);
    p.client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096);
    p.conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096);
    const big = new Uint8Array(32 * 1024 * 1024).fill(0x61);
    const c = new AbortController();
    const pending = p.client.sendall(big, { signal: c.signal });
    await sleep(50);
    c.abort();
    await assert.rejects(pending, isAbortError);
    // What went out is a prefix of `big`, and later sends follow it.
    const ending = p.client.sendall("END").then(() =>
      p.client.shutdown(socket.SHUT_WR)
    );
    // Every byte up to the first that is not "a", then exactly "END".
    let prefix = 0;
    let rest = "";
    for await (const chunk of p.conn) {
      let i = 0;
      if (rest === "") {
        while (i < chunk.length && chunk[i] === 0x61) i++;
        prefix += i;
      }
      rest += text(chunk.subarray(i));
    }
    await ending;
    assert.equal(rest, "END");
    assert.ok(prefix < big.length, String(prefix));
  });
}

Deno.test("datagram: recvfrom aborted, then the datagram comes", async () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  for (const receive of RECEIVES) {
    const c = new AbortController();
    const pending = receive[1](rx, c.signal);
    await sleep(5);
    c.abort();
    await assert.rejects(pending, isAbortError, receive[0]);
  }
  await tx.sendto("one", rx.getsockname(), {
    signal: new AbortController().signal,
  });
  await tx.sendto("two", 0, rx.getsockname(), {
    signal: new AbortController().signal,
  });
  const [d1, a1] = await rx.recvfrom(100, {
    signal: new AbortController().signal,
  });
  assert.equal(text(d1), "one");
  assert.deepEqual(a1, tx.getsockname());
  assert.equal(text(await rx.recv(100)), "two");
});

Deno.test("datagram: an abort racing datagram arrival loses none", async () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const ROUNDS = 100;
  const got: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const c = new AbortController();
    const pending = rx.recv(100, { signal: c.signal }).then(text, (e) => {
      assert.ok(isAbortError(e), String(e));
      return null;
    });
    const sent = tx.sendto(String(i), rx.getsockname());
    if (i % 2) await sent;
    c.abort();
    await sent;
    const one = await pending;
    if (one !== null) got.push(one);
  }
  rx.settimeout(2);
  while (got.length < ROUNDS) got.push(text(await rx.recv(100)));
  assert.deepEqual(
    got.map(Number).sort((a, b) => a - b),
    Array.from({ length: ROUNDS }, (_, i) => i),
  );
});

Deno.test("datagram: sendto with an aborted signal sends nothing", async () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await assert.rejects(
    tx.sendto("no", rx.getsockname(), { signal: aborted() }),
    isAbortError,
  );
  await assert.rejects(
    tx.sendto("no", 0, rx.getsockname(), { signal: aborted() }),
    isAbortError,
  );
  await tx.sendto("yes", rx.getsockname());
  assert.equal(text(await rx.recv(100)), "yes");
});

Deno.test("options: not an object, or a bad signal, is a TypeError", async () => {
  await using p = await pair(FAMILIES[0]!);
  await assert.rejects(
    p.conn.recv(10, { signal: "no" as unknown as AbortSignal }),
    TypeError,
  );
  await assert.rejects(
    p.conn.recv(10, { signal: aborted() }, 0 as unknown as socket.WaitOptions),
    TypeError,
  );
});

Deno.test("create_connection: aborted signal, in place of the options", async () => {
  using server = socket.create_server(["127.0.0.1", 0]);
  const address = server.getsockname();
  await assert.rejects(
    socket.create_connection(address, { signal: aborted() }),
    isAbortError,
  );
  await assert.rejects(
    socket.create_connection(address, 5, null, { signal: aborted() }),
    isAbortError,
  );
  using client = await socket.create_connection(address, 5, {
    signal: new AbortController().signal,
  });
  assert.equal(client.gettimeout(), 5);
  const [conn] = await server.accept();
  await closeAll(conn);
});

Deno.test("look-ups: an aborted signal rejects at once", async () => {
  const signal = aborted();
  const calls: Array<[string, () => Promise<unknown>]> = [
    ["getaddrinfo", () => socket.getaddrinfo("localhost", 80, { signal })],
    [
      "getaddrinfo, all arguments",
      () => socket.getaddrinfo("localhost", 80, 0, 0, 0, 0, { signal }),
    ],
    ["gethostbyname", () => socket.gethostbyname("localhost", { signal })],
    [
      "gethostbyname_ex",
      () => socket.gethostbyname_ex("localhost", { signal }),
    ],
    ["gethostbyaddr", () => socket.gethostbyaddr("127.0.0.1", { signal })],
    ["getnameinfo", () => socket.getnameinfo(["127.0.0.1", 80], 0, { signal })],
    ["getfqdn", () => socket.getfqdn({ signal })],
    ["getfqdn(name)", () => socket.getfqdn("127.0.0.1", { signal })],
  ];
  for (const [name, call] of calls) {
    await assert.rejects(call(), isAbortError, name);
  }
  // A signal that does not abort changes nothing.
  const live = new AbortController().signal;
  assert.deepEqual(
    await socket.getaddrinfo(
      "127.0.0.1",
      80,
      socket.AF_INET,
      socket.SOCK_STREAM,
      {
        signal: live,
      },
    ),
    await socket.getaddrinfo(
      "127.0.0.1",
      80,
      socket.AF_INET,
      socket.SOCK_STREAM,
    ),
  );
  assert.equal(
    await socket.gethostbyname("127.0.0.1", { signal: live }),
    "127.0.0.1",
  );
});

Deno.test("look-ups: an abort ends a DNS query that gets no answer", async () => {
  // A DNS server that never answers.
  using silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  silent.bind(["127.0.0.1", 0]);
  const [, port] = silent.getsockname();
  socket.set_resolver({
    nameServer: { ipAddr: "127.0.0.1", port },
    hostsFile: null,
    search: [],
    timeout: 0.5,
    attempts: 1,
  });
  try {
    const c = new AbortController();
    const started = performance.now();
    const pending = socket.getaddrinfo("nothing.example.", 80, {
      signal: c.signal,
    });
    setTimeout(() => c.abort(), 50);
    await assert.rejects(pending, isAbortError);
    assert.ok(
      performance.now() - started < 400,
      "the abort did not end the wait",
    );
  } finally {
    // The query given up runs to its own timeout.
    await sleep(700);
    socket.reset_resolver();
  }
});
