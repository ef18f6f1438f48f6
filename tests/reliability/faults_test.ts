// Issue 7, part 3: faults. Each one gives the documented errno and leaves
// the rest of the process unharmed: after each, the same server (made once
// for the whole test) serves a new client.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  concat,
  firstDifference,
  noUnhandledRejections,
  Rng,
  seedFor,
  sleep,
} from "./_util.ts";

const MIB = 1024 * 1024;
const { EBADF, ECONNREFUSED, ECONNRESET, EPIPE } = socket.errno;

/** How one server-side connection ended. */
interface Outcome {
  mode: string;
  bytes: number;
  /** The errno the server's call was rejected with, or null. */
  errno: number | null;
  error?: unknown;
}

/**
 * A pysocket server; the first byte a client sends picks what it does:
 * `E` echo, `S` sendall 64 MiB, `R` send a greeting then read to the end,
 * `H` read to the end then answer 1 MiB and close.
 */
class FaultServer {
  readonly sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  readonly #outcomes: Outcome[] = [];
  readonly #waiting: ((o: Outcome) => void)[] = [];
  readonly #handlers = new Set<Promise<void>>();
  readonly #loop: Promise<void>;
  served = 0;
  /** An error that ended the accept loop (anything but the final EBADF). */
  loopError: unknown = null;
  /** Bytes the current "r" connection has received so far. */
  received = 0;
  readonly bulk: Uint8Array;
  readonly answer: Uint8Array;

  constructor(rng: Rng) {
    this.bulk = rng.bytes(64 * MIB);
    this.answer = rng.bytes(MIB);
    this.sock.bind(["127.0.0.1", 0]);
    this.sock.listen();
    this.#loop = this.#acceptLoop().catch((e) => {
      this.loopError = e;
    });
  }

  get port(): number {
    return this.sock.getsockname()[1] as number;
  }

  async #acceptLoop(): Promise<void> {
    for (;;) {
      let conn: socket.Socket;
      try {
        [conn] = await this.sock.accept();
      } catch (e) {
        if (e instanceof socket.error && e.errno === EBADF) return;
        throw e;
      }
      this.served++;
      const h = this.#handle(conn).then((o) => {
        const w = this.#waiting.shift();
        if (w) w(o);
        else this.#outcomes.push(o);
      });
      this.#handlers.add(h);
      h.finally(() => this.#handlers.delete(h));
    }
  }

  async #handle(conn: socket.Socket): Promise<Outcome> {
    let mode = "?";
    let bytes = 0;
    try {
      mode = new TextDecoder().decode(await conn.recv(1, socket.MSG_WAITALL));
      if (mode === "E") {
        for (;;) {
          const d = await conn.recv(65536);
          if (d.length === 0) break;
          bytes += d.length;
          await conn.sendall(d);
        }
      } else if (mode === "S") {
        await conn.sendall(this.bulk);
        bytes = this.bulk.length;
      } else if (mode === "R" || mode === "r") {
        await conn.sendall("greeting left unread");
        // "R": the reset arrives behind data not yet read; "r": while a
        // read is pending on an empty buffer.
        if (mode === "R") await sleep(60);
        this.received = 0;
        for (;;) {
          const d = await conn.recv(65536);
          if (d.length === 0) break;
          bytes += d.length;
          this.received = bytes;
        }
      } else if (mode === "H") {
        for (;;) {
          const d = await conn.recv(65536);
          if (d.length === 0) break;
          bytes += d.length;
        }
        // The peer's half-close leaves our direction open.
        await conn.sendall(this.answer);
      }
      return { mode, bytes, errno: null };
    } catch (e) {
      return {
        mode,
        bytes,
        errno: e instanceof socket.error ? e.errno : null,
        error: e,
      };
    } finally {
      await conn[Symbol.asyncDispose]();
    }
  }

  /** The outcome of the next connection to end. */
  outcome(): Promise<Outcome> {
    const o = this.#outcomes.shift();
    if (o) return Promise.resolve(o);
    return new Promise((r) => this.#waiting.push(r));
  }

  async close(): Promise<void> {
    await this.sock[Symbol.asyncDispose]();
    await this.#loop;
    await Promise.all(this.#handlers);
  }
}

/** A new pysocket client echoes a random message through the server. */
async function serverStillServes(server: FaultServer, rng: Rng): Promise<void> {
  assert.equal(
    server.loopError,
    null,
    `the server's accept failed: ${server.loopError}`,
  );
  const before = server.served;
  await using c = await socket.create_connection(["127.0.0.1", server.port], 5);
  const msg = rng.bytes(rng.int(1, 100_000));
  await c.sendall("E");
  await c.sendall(msg);
  c.shutdown(socket.SHUT_WR);
  const back: Uint8Array[] = [];
  for await (const chunk of c) back.push(chunk);
  const got = concat(back);
  assert.equal(firstDifference(got, msg), -1, "echo after the fault");
  const o = await server.outcome();
  assert.deepEqual([o.mode, o.bytes, o.errno], ["E", msg.length, null]);
  assert.equal(server.served, before + 1);
}

async function expectErrno(
  p: Promise<unknown>,
  codes: number[],
  what: string,
): Promise<socket.error> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof socket.error, `${what}: not an error: ${e}`);
    assert.ok(
      codes.includes(e.errno!),
      `${what}: errno ${e.errno} (${e.message}), expected one of ${codes}`,
    );
    return e;
  }
  assert.fail(`${what}: resolved, expected errno ${codes}`);
}

/** A raw Deno connection to the server that sends `mode` and `data`. */
async function rawPeer(
  port: number,
  mode: string,
  data: Uint8Array,
): Promise<Deno.TcpConn> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  await c.write(new TextEncoder().encode(mode));
  let off = 0;
  while (off < data.length) off += await c.write(data.subarray(off));
  return c;
}

const faults: Record<string, (s: FaultServer, rng: Rng) => Promise<string>> = {
  async "peer resets mid-transfer while the server reads (RST behind data)"(
    s,
    rng,
  ) {
    const c = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    await c.write(new TextEncoder().encode("R"));
    const data = rng.bytes(MIB);
    const n = await c.write(data); // one write: what fits is in flight
    await sleep(20); // the greeting is in c's receive buffer, unread
    c.close(); // Linux answers with RST
    const o = await s.outcome();
    assert.equal(
      o.errno,
      ECONNRESET,
      `server got ${JSON.stringify(o)} ${o.error}`,
    );
    assert.ok(o.bytes <= n);
    return `server recv: ECONNRESET after ${o.bytes} of ${n} bytes in flight`;
  },

  async "peer resets while the server's read waits on an empty buffer"(s, rng) {
    const data = rng.bytes(MIB);
    const c = await rawPeer(s.port, "r", data);
    // Until the server has read everything (an RST drops what the kernel
    // still holds) and waits again on an empty buffer.
    const until = performance.now() + 10_000;
    while (s.received < data.length && performance.now() < until) {
      await sleep(5);
    }
    await sleep(30);
    c.close(); // unread greeting: RST
    const o = await s.outcome();
    assert.equal(o.bytes, data.length);
    // CPython gets ECONNRESET here. Deno's runtime read reports an RST
    // that arrives while the read is pending as the end of the stream, and
    // pysocket cannot tell them apart; either way the read ends at once.
    assert.ok(o.errno === ECONNRESET || o.errno === null, `${o.error}`);
    return o.errno === ECONNRESET
      ? "server recv: ECONNRESET"
      : "server recv: end of stream (KNOWN DIFFERENCE: CPython gives ECONNRESET; Deno's read reports this RST as EOF)";
  },

  async "peer resets while the client reads (pysocket client, raw server)"(
    _s,
    rng,
  ) {
    const raw = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const data = rng.bytes(4 * MIB);
    await using c = socket.socket();
    const accepting = raw.accept();
    await c.connect(["127.0.0.1", raw.addr.port]);
    const peer = await accepting;
    await c.sendall("left unread by the peer");
    let off = 0;
    while (off < MIB) off += await peer.write(data.subarray(off, MIB));
    await sleep(20);
    peer.close(); // unread bytes: RST
    raw.close();
    let got = 0;
    const err = await expectErrno(
      (async () => {
        for (;;) {
          const d = await c.recv(65536);
          if (d.length === 0) throw new Error("end of stream instead of reset");
          assert.equal(
            firstDifference(d, data.subarray(got, got + d.length)),
            -1,
          );
          got += d.length;
        }
      })(),
      [ECONNRESET],
      "client recv after RST",
    );
    assert.ok(err instanceof socket.ConnectionResetError);
    // The error is given once; the stream has ended after it.
    assert.equal((await c.recv(10)).length, 0);
    return `client recv: ECONNRESET after ${got} bytes, then end of stream`;
  },

  async "CPython peer resets mid-transfer (SO_LINGER 0)"(s) {
    if (!hasPython()) return "SKIP: python3 not found";
    // The peer reads the greeting (so the server has accepted it), sends,
    // and closes with SO_LINGER 0: an RST whatever is left in flight.
    const out = await new Deno.Command("python3", {
      args: [
        "-c",
        `import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"R")
s.recv(100)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.sendall(bytes(300000))
s.close()`,
        String(s.port),
      ],
      stdin: "null",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const o = await s.outcome();
    assert.equal(o.errno, ECONNRESET, `server got ${o.error}`);
    return `server recv: ECONNRESET after ${o.bytes} bytes`;
  },

  async "a connection reset before accept does not break the listener"() {
    if (!hasPython()) return "SKIP: python3 not found";
    await using l = socket.socket();
    l.bind(["127.0.0.1", 0]);
    l.listen();
    const port = l.getsockname()[1] as number;
    // Connected, then reset (SO_LINGER 0) before anyone accepts it.
    const out = await new Deno.Command("python3", {
      args: [
        "-c",
        `import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()`,
        String(port),
      ],
      stdin: "null",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    await sleep(20);
    await using c = await socket.create_connection(["127.0.0.1", port]);
    const [conn, addr] = await l.accept();
    await using _conn = conn;
    // CPython's accept would first hand out the reset connection (whose
    // recv gives ECONNRESET); Deno cannot accept it, so pysocket skips it.
    assert.deepEqual(addr, c.getsockname());
    await c.sendall("after the reset");
    assert.equal(
      new TextDecoder().decode(await conn.recv(100)),
      "after the reset",
    );
    return "the reset connection is skipped; accept gives the next one";
  },

  async "peer half-closes: the server reads to the end and still answers"(
    s,
    rng,
  ) {
    await using c = socket.socket();
    await c.connect(["127.0.0.1", s.port]);
    const msg = rng.bytes(rng.int(1, MIB));
    await c.sendall("H");
    await c.sendall(msg);
    c.shutdown(socket.SHUT_WR);
    await expectErrno(c.send("x"), [EPIPE], "send after SHUT_WR");
    const parts: Uint8Array[] = [];
    for await (const chunk of c) parts.push(chunk);
    const got = concat(parts);
    assert.equal(firstDifference(got, s.answer), -1, "answer after half-close");
    const o = await s.outcome();
    assert.deepEqual([o.mode, o.bytes, o.errno], ["H", msg.length, null]);
    return `server read ${msg.length} bytes, end of stream, answered ${got.length}`;
  },

  async "peer process killed during the server's sendall"(s) {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const c = await Deno.connect({ hostname: "127.0.0.1", port: ${s.port} });
await c.write(new TextEncoder().encode("S"));
const buf = new Uint8Array(65536);
let n = 0;
while (n < 1 << 20) n += (await c.read(buf)) ?? 0;
console.log("ready");
await new Promise(() => {});`,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /ready/);
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    const o = await s.outcome();
    assert.ok(
      o.errno === EPIPE || o.errno === ECONNRESET,
      `server sendall: ${o.error}`,
    );
    return `server sendall: errno ${o.errno} (${
      socket.errno.EPIPE === o.errno ? "EPIPE" : "ECONNRESET"
    })`;
  },

  async "connect to a closed port"() {
    const probe = socket.socket();
    probe.bind(["127.0.0.1", 0]);
    const port = probe.getsockname()[1] as number;
    await probe[Symbol.asyncDispose]();
    await using c = socket.socket();
    const e = await expectErrno(
      c.connect(["127.0.0.1", port]),
      [ECONNREFUSED],
      "connect",
    );
    assert.ok(e instanceof socket.ConnectionRefusedError);
    assert.equal(e.message, "[Errno 111] Connection refused");
    await using d = socket.socket();
    assert.equal(await d.connect_ex(["127.0.0.1", port]), ECONNREFUSED);
    await expectErrno(
      socket.create_connection(["127.0.0.1", port]),
      [ECONNREFUSED],
      "create_connection",
    );
    return "connect, connect_ex, create_connection: ECONNREFUSED";
  },

  async "listener closed while accept is pending"() {
    const l = socket.socket();
    l.bind(["127.0.0.1", 0]);
    l.listen();
    // Each pending call has its handler from the start (no unhandled
    // rejection while another is awaited).
    const pending = expectErrno(l.accept(), [EBADF], "accept");
    const timed = l.dup();
    timed.settimeout(30);
    const pendingTimed = expectErrno(
      timed.accept(),
      [EBADF],
      "accept with a timeout",
    );
    await sleep(10);
    l.close();
    timed.close();
    await pending;
    await pendingTimed;
    await expectErrno(l.accept(), [EBADF], "accept after close");
    return "pending accepts (blocking and with timeout): EBADF";
  },

  async "socket closed while recv, send and accept are pending"(s, rng) {
    // recv pending on a connection to the fault server (echo mode).
    const c = socket.socket();
    await c.connect(["127.0.0.1", s.port]);
    await c.sendall("E");
    const recv = expectErrno(c.recv(100), [EBADF], "recv");
    const recvTimed = c.dup();
    recvTimed.settimeout(30);
    const recv2 = expectErrno(
      recvTimed.recv_into(new Uint8Array(100)),
      [EBADF],
      "recv_into with a timeout",
    );
    await sleep(10);
    c.close();
    recvTimed.close();
    await recv;
    await recv2;
    const o = await s.outcome();
    assert.deepEqual([o.mode, o.errno], ["E", null]);

    // send pending: a peer that does not read, so the send cannot finish.
    const l = socket.socket();
    l.bind(["127.0.0.1", 0]);
    l.listen();
    const accept = l.accept();
    const w = socket.socket();
    await w.connect(l.getsockname());
    const [peer] = await accept;
    const big = rng.bytes(32 * MIB);
    const send = expectErrno(w.sendall(big), [EBADF], "sendall");
    const accept2 = expectErrno(l.accept(), [EBADF], "accept");
    await sleep(50);
    w.close();
    l.close();
    await accept2;
    // The queued bytes are still owed to the peer (close() delivers queued
    // sends); the peer leaving without reading them ends the send with EBADF.
    await peer[Symbol.asyncDispose]();
    await send;
    return "recv, recv_into, sendall, accept: EBADF";
  },

  async "close delivers queued sends to a peer that reads them"(_s, rng) {
    const l = socket.socket();
    l.bind(["127.0.0.1", 0]);
    l.listen();
    const accept = l.accept();
    const w = socket.socket();
    await w.connect(l.getsockname());
    const [peer] = await accept;
    await l[Symbol.asyncDispose]();
    const big = rng.bytes(16 * MIB);
    const send = w.sendall(big);
    w.close();
    const got: Uint8Array[] = [];
    for await (const chunk of peer) got.push(chunk);
    await peer[Symbol.asyncDispose]();
    await send;
    const all = concat(got);
    assert.equal(firstDifference(all, big), -1);
    return `${all.length} bytes delivered after close()`;
  },

  async "DNS server dead (silent): gaierror EAI_AGAIN within the timeout"() {
    const silent = Deno.listenDatagram({
      transport: "udp",
      hostname: "127.0.0.1",
      port: 0,
    });
    const port = (silent.addr as Deno.NetAddr).port;
    try {
      socket.set_resolver({
        nameServer: { ipAddr: "127.0.0.1", port },
        hostsFile: null,
        search: [],
        timeout: 1,
        attempts: 1,
      });
      const t0 = performance.now();
      for (
        const call of [
          () => socket.gethostbyname("dead.reliability.test."),
          () => socket.getaddrinfo("dead.reliability.test.", 80),
        ]
      ) {
        const e = await expectErrno(call(), [socket.EAI_AGAIN], "look-up");
        assert.ok(e instanceof socket.gaierror);
      }
      const ms = performance.now() - t0;
      assert.ok(ms < 2 * 1000 + 2000, `took ${ms} ms`);
      return `gaierror EAI_AGAIN, two look-ups in ${Math.round(ms)} ms`;
    } finally {
      socket.reset_resolver();
      silent.close();
    }
  },

  async "DNS server answering garbage: gaierror, never a hang"(_s, rng) {
    const udp = Deno.listenDatagram({
      transport: "udp",
      hostname: "127.0.0.1",
      port: 0,
    });
    const port = (udp.addr as Deno.NetAddr).port;
    let answered = 0;
    const serve = (async () => {
      try {
        for (;;) {
          const [q, from] = await udp.receive();
          // Random bytes; every other answer keeps the query's id, so that
          // the resolver has to parse the rest.
          const a = rng.bytes(rng.int(0, 600));
          if (answered % 2 === 1 && a.length >= 2 && q.length >= 2) {
            a.set(q.subarray(0, 2));
          }
          answered++;
          await udp.send(a, from);
        }
      } catch {
        // closed
      }
    })();
    const codes: number[] = [];
    try {
      socket.set_resolver({
        nameServer: { ipAddr: "127.0.0.1", port },
        hostsFile: null,
        search: [],
        timeout: 1,
        attempts: 1,
      });
      const t0 = performance.now();
      for (let i = 0; i < 6; i++) {
        const name = `garbage${i}.reliability.test.`;
        const p = i % 2
          ? socket.getaddrinfo(name, 80)
          : socket.gethostbyname(name);
        try {
          await p;
          assert.fail("a garbage answer resolved");
        } catch (e) {
          assert.ok(e instanceof socket.gaierror, `not a gaierror: ${e}`);
          codes.push(e.errno!);
        }
      }
      const ms = performance.now() - t0;
      assert.ok(ms < 6 * 2000 + 2000, `took ${ms} ms`);
      assert.ok(answered > 0, "the garbage server was asked");
      return `6 look-ups, ${answered} garbage answers: gaierror ${[
        ...new Set(codes),
      ]} in ${Math.round(ms)} ms`;
    } finally {
      socket.reset_resolver();
      udp.close();
      await serve;
    }
  },
};

function hasPython(): boolean {
  try {
    return new Deno.Command("python3", {
      args: ["-c", "import socket, struct"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test(`faults: ${Object.keys(faults).length} faults, the same server serves after each`, async (t) => {
  const rng = new Rng(seedFor("faults"));
  const server = new FaultServer(rng);
  let injected = 0;
  try {
    await noUnhandledRejections(async () => {
      await serverStillServes(server, rng);
      for (const [name, fault] of Object.entries(faults)) {
        // The server's accept stays pending across steps: the test as a
        // whole is sanitized, each step is not.
        await t.step({
          name,
          sanitizeOps: false,
          sanitizeResources: false,
          fn: async () => {
            const what = await fault(server, rng);
            console.log(`  ${name}: ${what}`);
            if (!what.startsWith("SKIP")) injected++;
            await serverStillServes(server, rng);
          },
        });
      }
    });
  } finally {
    await server.close();
  }
  console.log(
    `faults: ${injected} injected, server served ${server.served} connections`,
  );
});
