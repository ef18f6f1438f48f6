// select.select(): CPython's argument errors, Linux's readiness, waits
// that wake on the first change, timeouts, aborts, and many sockets.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";
import {
  closedPort,
  drain,
  fill,
  tcpPair,
  tcpPairs,
  timed,
} from "../_select_helpers.ts";

const enc = new TextEncoder();

Deno.test("select: argument errors are CPython's", async () => {
  using s = socket.socket();
  const cases: Array<
    [unknown[], typeof TypeError | typeof RangeError, RegExp]
  > = [
    [[1, [], []], TypeError, /arguments 1-3 must be sequences/],
    [[[], null, []], TypeError, /arguments 1-3 must be sequences/],
    [
      [[{}], [], []],
      TypeError,
      /argument must be an int, or have a fileno\(\) method\./,
    ],
    [[["3"], [], []], TypeError, /argument must be an int/],
    [[[1.5], [], []], TypeError, /argument must be an int/],
    [[[true], [], []], TypeError, /argument must be an int/],
    [
      [[{ fileno: () => "3" }], [], []],
      TypeError,
      /fileno\(\) returned a non-integer/,
    ],
    [
      [[-1], [], []],
      RangeError,
      /file descriptor cannot be a negative integer \(-1\)/,
    ],
    [
      [[2 ** 31], [], []],
      RangeError,
      /Python int too large to convert to C int/,
    ],
    [[[], [], [], -1], RangeError, /timeout must be non-negative/],
    [[[], [], [], NaN], RangeError, /Invalid value NaN \(not a number\)/],
    [[[], [], [], "1"], TypeError, /timeout must be a float or None/],
    [
      [[], [], [], 1e300],
      RangeError,
      /timestamp out of range for platform time_t/,
    ],
    [[[], [], [], Infinity], RangeError, /timestamp out of range/],
    [[[s], [], [], 0, { signal: "no" }], TypeError, /AbortSignal/],
  ];
  for (const [args, cls, message] of cases) {
    await assert.rejects(
      // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
      (select.select as Function)(...args),
      (e: unknown) => e instanceof cls && message.test((e as Error).message),
      `select(${Deno.inspect(args)})`,
    );
  }
});

Deno.test("select: the timeout is checked before the lists, as CPython", async () => {
  await assert.rejects(
    // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
    (select.select as Function)(1, [], [], -1),
    RangeError,
  );
});

Deno.test("select: a closed Socket object is a negative descriptor; a number no socket has is EBADF", async () => {
  const s = socket.socket();
  const fd = s.fileno();
  s.close();
  await assert.rejects(
    select.select([s], [], [], 0),
    /file descriptor cannot be a negative integer \(-1\)/,
  );
  await assert.rejects(
    select.select([], [fd], [], 0),
    (e: unknown) => e instanceof socket.error && e.errno === socket.errno.EBADF,
  );
  await assert.rejects(
    select.select([], [], [123456], 0),
    (e: unknown) => e instanceof select.error && e.errno === 9,
  );
});

Deno.test("select: the ready subsets of the same objects, in order, duplicates kept", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const file = { fileno: () => b.fileno() };
  await a.sendall("x");
  // Readable is known once pysocket has read the data: wait for that first.
  await select.select([b], [], [], 1);
  const [r, w, x] = await select.select(
    [b, b.fileno(), file, a, b],
    [a, b],
    [a, b],
    1,
  );
  assert.deepEqual(r, [b, b.fileno(), file, b]);
  assert.equal(r[0], b);
  assert.equal(r[2], file);
  assert.deepEqual(w, [a, b]);
  assert.deepEqual(x, []);
  const [r2, w2, x2] = await select.select([], [], [], 0);
  assert.notEqual(r2, w2);
  assert.notEqual(r2, x2);
});

Deno.test("select: a list whose items' fileno() change it is read as it stands (CPython's test_select_mutated)", async () => {
  using pair = await tcpPair();
  const [a] = pair;
  const list: Array<{ fileno(): number }> = [];
  const item = {
    fileno(): number {
      list.pop();
      return a.fileno();
    },
  };
  for (let i = 0; i < 10; i++) list.push(item);
  const [, w] = await select.select([], list, [], 1);
  assert.equal(w.length, 5);
});

Deno.test("select: iterables other than arrays are taken (sets, generators, strings are sequences)", async () => {
  using pair = await tcpPair();
  const [a] = pair;
  const [, w] = await select.select([], new Set([a]), [], 0);
  assert.deepEqual(w, [a]);
  function* gen(): Generator<socket.Socket> {
    yield a;
  }
  const [, w2] = await select.select([], gen(), [], 0);
  assert.deepEqual(w2, [a]);
  await assert.rejects(
    // deno-lint-ignore ban-types -- a str is a sequence of str, each refused
    (select.select as Function)("ab", [], [], 0),
    /argument must be an int/,
  );
});

Deno.test("select: readable means recv would not wait: data, end of stream, a listener's connection", async () => {
  using server = socket.socket();
  server.bind(["127.0.0.1", 0]);
  server.listen();
  assert.deepEqual(await select.select([server], [], [], 0), [[], [], []]);
  using client = socket.socket();
  await client.connect(server.getsockname());
  const [r] = await select.select([server], [], [], 2);
  assert.deepEqual(r, [server]);
  const [conn] = await server.accept();
  using _conn = conn;
  assert.deepEqual((await select.select([conn], [], [], 0))[0], []);
  await client.sendall("hello");
  assert.deepEqual((await select.select([conn], [], [], 2))[0], [conn]);
  assert.equal(new TextDecoder().decode(await conn.recv(100)), "hello");
  assert.deepEqual((await select.select([conn], [], [], 0))[0], []);
  client.shutdown(socket.SHUT_WR);
  assert.deepEqual((await select.select([conn], [], [], 2))[0], [conn]);
  assert.equal((await conn.recv(100)).length, 0);
  // Still readable: recv keeps returning the end at once.
  assert.deepEqual((await select.select([conn], [], [], 0))[0], [conn]);
});

Deno.test("select: watching never consumes: every byte is still there for recv and MSG_PEEK", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const data = enc.encode("0123456789".repeat(1000));
  await a.sendall(data);
  for (let i = 0; i < 5; i++) await select.select([b], [], [], 1);
  const peeked = await b.recv(10, socket.MSG_PEEK);
  assert.equal(new TextDecoder().decode(peeked), "0123456789");
  let got = 0;
  while (got < data.length) {
    await select.select([b], [], [], 1);
    got += (await b.recv(777)).length;
  }
  assert.equal(got, data.length);
  assert.deepEqual(await select.select([b], [], [], 0), [[], [], []]);
});

Deno.test("select: writable means send would not wait; not once the send queue is full, again once drained", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  assert.deepEqual((await select.select([], [a], [], 0))[1], [a]);
  const queued = await fill(a);
  assert.deepEqual((await select.select([], [a], [], 0))[1], []);
  const writable = select.select([], [a], [], 10);
  await drain(b, queued);
  const [[, w], ms] = await timed(() => writable);
  assert.deepEqual(w, [a]);
  assert.ok(ms < 5000, `woke after ${ms} ms`);
});

Deno.test("select: a new or bound stream socket is readable and writable (POLLHUP), as on Linux", async () => {
  using s = socket.socket();
  assert.deepEqual(await select.select([s], [s], [s], 0), [[s], [s], []]);
  s.bind(["127.0.0.1", 0]);
  assert.deepEqual(await select.select([s], [s], [s], 0), [[s], [s], []]);
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.deepEqual(await select.select([u], [u], [u], 0), [[], [u], []]);
});

Deno.test("select: a non-blocking connect is writable once it ends, and SO_ERROR says how", async () => {
  using server = socket.socket();
  server.bind(["127.0.0.1", 0]);
  server.listen();
  using ok = socket.socket();
  ok.setblocking(false);
  assert.equal(
    await ok.connect_ex(server.getsockname()),
    socket.errno.EINPROGRESS,
  );
  const [, w] = await select.select([], [ok], [], 5);
  assert.deepEqual(w, [ok]);
  assert.equal(ok.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
  const [conn] = await server.accept();
  conn.close();

  using refused = socket.socket();
  refused.setblocking(false);
  await refused.connect_ex(["127.0.0.1", closedPort()]);
  const [r2, w2] = await select.select([refused], [refused], [], 5);
  // Linux: the failed socket is hung up with an error, readable too.
  assert.deepEqual(w2, [refused]);
  assert.deepEqual(r2, [refused]);
  assert.equal(
    refused.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
    socket.errno.ECONNREFUSED,
  );
  assert.equal(refused.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
});

Deno.test("select: a blocking connect in another task wakes a select waiting for writability", async () => {
  using server = socket.socket();
  server.bind(["127.0.0.1", 0]);
  server.listen();
  using c = socket.socket();
  const connecting = c.connect(server.getsockname());
  const [, w] = await select.select([], [c], [], 5);
  assert.deepEqual(w, [c]);
  await connecting;
  assert.ok(c.getpeername());
  const [conn] = await server.accept();
  conn.close();
});

Deno.test("select: data arriving while select waits wakes it at once, not at the timeout", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  setTimeout(() => a.send("late").catch(() => {}), 50);
  const [[r], ms] = await timed(() => select.select([b], [], [], 10));
  assert.deepEqual(r, [b]);
  assert.ok(ms >= 40 && ms < 5000, `woke after ${ms} ms`);
  assert.equal(new TextDecoder().decode(await b.recv(10)), "late");
});

Deno.test("select: one of many waiting readers becomes ready", async () => {
  using many = await tcpPairs(50);
  const readers = many.pairs.map(([, b]) => b);
  const [a] = many.pairs[37] ?? [];
  assert.ok(a);
  setTimeout(() => a.send("x").catch(() => {}), 30);
  const [r] = await select.select(readers, [], [], 10);
  assert.deepEqual(r, [readers[37]]);
});

Deno.test("select: a socket closed while watched rejects the wait with EBADF", async () => {
  using pair = await tcpPair();
  const [, b] = pair;
  const extra = b.dup();
  const waiting = select.select([extra], [], [], 10);
  setTimeout(() => extra.close(), 30);
  // The dup shares the connection: closing its number is what select sees.
  await assert.rejects(
    waiting,
    (e: unknown) => e instanceof socket.error && e.errno === socket.errno.EBADF,
  );
});

Deno.test("select: the last socket closed while watched rejects with EBADF", async () => {
  const [a, b] = await socket.socketpair();
  const waiting = select.select([b], [], [], 10);
  setTimeout(() => b.close(), 30);
  await assert.rejects(
    waiting,
    (e: unknown) => e instanceof socket.error && e.errno === socket.errno.EBADF,
  );
  a.close();
});

Deno.test("select: timeouts: 0 polls, a number waits that long, and no timer outlives the call", async () => {
  using pair = await tcpPair();
  const [, b] = pair;
  const [r0, ms0] = await timed(() => select.select([b], [], [], 0));
  assert.deepEqual(r0, [[], [], []]);
  assert.ok(ms0 < 500, `${ms0} ms`);
  const [r1, ms1] = await timed(() => select.select([b], [], [], 0.1));
  assert.deepEqual(r1, [[], [], []]);
  assert.ok(ms1 >= 95 && ms1 < 2000, `${ms1} ms`);
  const [r2, ms2] = await timed(() => select.select([], [], [], 0.05));
  assert.deepEqual(r2, [[], [], []]);
  assert.ok(ms2 >= 45, `${ms2} ms`);
});

Deno.test("select: a loop of zero-timeout selects sees data that comes (it does not starve the reads it arms)", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  await a.sendall("polled");
  let turns = 0;
  for (;;) {
    const [r] = await select.select([b], [], [], 0);
    if (r.length > 0) break;
    assert.ok(++turns < 1000, "never readable");
  }
  assert.equal(new TextDecoder().decode(await b.recv(10)), "polled");
});

Deno.test("select: {signal}: an aborted signal rejects at once; an abort ends the wait; nothing is lost", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const done = new AbortController();
  done.abort();
  await assert.rejects(
    select.select([b], [], [], { signal: done.signal }),
    (e: unknown) => e instanceof DOMException && e.name === "AbortError",
  );
  const ac = new AbortController();
  const reason = new Error("enough");
  setTimeout(() => ac.abort(reason), 30);
  const [, ms] = await timed(() =>
    assert.rejects(
      select.select([b], [], [], 10, { signal: ac.signal }),
      (e) => e === reason,
    )
  );
  assert.ok(ms < 5000);
  await a.sendall("kept");
  const [r] = await select.select([b], [], [], {
    signal: new AbortController().signal,
  });
  assert.deepEqual(r, [b]);
  assert.equal(new TextDecoder().decode(await b.recv(10)), "kept");
});

Deno.test("select: an abort while readiness is being waited for on data loses no byte", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  for (let i = 0; i < 20; i++) {
    const ac = new AbortController();
    const waiting = select.select([b], [], [], { signal: ac.signal });
    const sent = a.sendall(`m${i};`);
    ac.abort();
    await waiting.catch(() => {});
    await sent;
  }
  let text = "";
  while (text.length < "m0;".length * 10 + "m10;".length * 10) {
    text += new TextDecoder().decode(await b.recv(1000));
  }
  assert.equal(text, [...Array(20).keys()].map((i) => `m${i};`).join(""));
});

Deno.test("select: thousands of sockets in one call, one wait for all", async () => {
  const n = 1000;
  using many = await tcpPairs(n);
  const readers = many.pairs.map(([, b]) => b);
  const writers = many.pairs.map(([a]) => a);
  const [[r0, w0], ms0] = await timed(() =>
    select.select(readers, writers, [], 0)
  );
  assert.equal(r0.length, 0);
  assert.equal(w0.length, n);
  assert.ok(ms0 < 5000, `${ms0} ms`);
  for (const i of [3, 500, 999]) {
    const [a] = many.pairs[i] ?? [];
    setTimeout(() => a?.send("x").catch(() => {}), 20);
    const [r] = await select.select(readers, [], [], 10);
    assert.ok(r.includes(readers[i] as socket.Socket));
    await readers[i]?.recv(1);
  }
});

Deno.test("select: a timeout past 2^31 ms waits (no timer fires early)", async () => {
  using pair = await tcpPair();
  const [, b] = pair;
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const [, ms] = await timed(() =>
    assert.rejects(
      select.select([b], [], [], 2 ** 31 / 1000 + 10, { signal: ac.signal }),
      { name: "AbortError" },
    )
  );
  assert.ok(ms >= 45, `${ms} ms`);
  const ep = select.epoll();
  const ac2 = new AbortController();
  setTimeout(() => ac2.abort(), 50);
  await assert.rejects(ep.poll(2_000_000, { signal: ac2.signal }), {
    name: "AbortError",
  });
  ep.close();
});
