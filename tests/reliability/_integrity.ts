// The data-integrity workload, shared by the test (256 MiB each way) and the
// soak: one connection, both directions at once, each reader and writer
// mixing every way of moving bytes that pysocket offers.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { firstDifference, mib, Rng, sha256Hex, sleep } from "./_util.ts";

const MIB = 1024 * 1024;

/** What one direction did, for the report. */
export interface DirectionStats {
  bytes: number;
  sha256: string;
  reads: Record<string, number>;
  writes: Record<string, number>;
  timeouts: number;
  partialSends: number;
}

function count(r: Record<string, number>, k: string): void {
  r[k] = (r[k] ?? 0) + 1;
}

/**
 * Writes `data`: awaited `send` (partial writes resumed), awaited `sendall`,
 * bursts of un-awaited `sendall`s in the middle, short pauses (so that the
 * peer's timeouts fire), then, once `before` has settled, the last bytes as
 * un-awaited `sendall`s followed at once by `close()` or `shutdown(SHUT_WR)`.
 */
async function writer(
  s: socket.Socket,
  data: Uint8Array,
  rng: Rng,
  finish: "close" | "shutdown",
  before: Promise<unknown>,
  stats: DirectionStats,
): Promise<void> {
  const tailSize = Math.min(data.length, 4 * MIB);
  const tailStart = data.length - tailSize;
  let off = 0;
  const unawaited: Promise<void>[] = [];
  while (off < tailStart) {
    const size = Math.min(rng.logInt(1, MIB), tailStart - off);
    const chunk = data.subarray(off, off + size);
    const op = rng.int(0, 9);
    if (op < 4) {
      const n = await s.send(chunk);
      assert.ok(n > 0 && n <= size, `send returned ${n} of ${size}`);
      if (n < size) stats.partialSends++;
      off += n;
      count(stats.writes, "send");
    } else if (op < 8) {
      await s.sendall(chunk);
      off += size;
      count(stats.writes, "sendall");
    } else {
      // A burst of un-awaited sends: the queue keeps them in order.
      const parts = rng.int(2, 6);
      let at = off;
      for (let i = 0; i < parts && at < tailStart; i++) {
        const k = Math.min(rng.logInt(1, 256 * 1024), tailStart - at);
        unawaited.push(s.sendall(data.subarray(at, at + k)));
        at += k;
        count(stats.writes, "sendall (not awaited)");
      }
      off = at;
    }
    if (rng.chance(0.03)) await sleep(rng.int(1, 10));
  }
  await before;
  let at = tailStart;
  while (at < data.length) {
    const k = Math.min(rng.logInt(1, MIB), data.length - at);
    unawaited.push(s.sendall(data.subarray(at, at + k)));
    at += k;
    count(stats.writes, "sendall before " + finish);
  }
  if (finish === "close") s.close();
  else s.shutdown(socket.SHUT_WR);
  // Every queued send is delivered after close() too, and none rejects.
  await Promise.all(unawaited);
}

/**
 * Reads, on a dup of `sock`, exactly `expected` bytes and then the end of the stream, mixing
 * `recv` of 1 byte to 1 MiB, `recv_into`, `MSG_PEEK` (checked against the
 * `recv` that follows), `MSG_WAITALL`, `makefile` `read`/`readline`, and
 * short timeouts that keep firing.
 */
async function reader(
  sock: socket.Socket,
  expected: number,
  rng: Rng,
  stats: DirectionStats,
): Promise<Uint8Array> {
  // A timeout is per socket object: the reader's own object (a dup) gets
  // the timeouts, so the writer's sends on the original never time out.
  const s = sock.dup();
  const out = new Uint8Array(expected);
  // The file is made on a dup of its own that stays blocking, so that its
  // reads wait (a file follows its socket's timeout, and after a timeout
  // refuses to read, as CPython's SocketIO).
  const fs = sock.dup();
  const file = fs.makefile("rb");
  let got = 0;
  const put = (chunk: Uint8Array): void => {
    assert.ok(
      got + chunk.length <= expected,
      `more bytes than were sent (${got} + ${chunk.length} > ${expected})`,
    );
    out.set(chunk, got);
    got += chunk.length;
  };
  try {
    while (got < expected) {
      if (rng.chance(0.02)) {
        s.settimeout(rng.chance(0.5) ? rng.int(1, 4) / 1000 : null);
      }
      const size = Math.min(rng.logInt(1, MIB), expected - got);
      const op = rng.int(0, 9);
      try {
        if (op < 3) {
          const c = await s.recv(size);
          assert.ok(c.length > 0, "early end of stream");
          put(c);
          count(stats.reads, "recv");
        } else if (op < 5) {
          const n = await s.recv_into(out.subarray(got), size);
          assert.ok(n > 0 && n <= size, `recv_into gave ${n}`);
          got += n;
          count(stats.reads, "recv_into");
        } else if (op === 5) {
          const peeked = await s.recv(size, socket.MSG_PEEK);
          assert.ok(peeked.length > 0, "early end of stream (peek)");
          const copy = peeked.slice();
          const c = await s.recv(copy.length);
          assert.equal(c.length, copy.length, "recv after MSG_PEEK");
          assert.equal(
            firstDifference(c, copy),
            -1,
            "MSG_PEEK showed other bytes",
          );
          put(c);
          count(stats.reads, "recv MSG_PEEK + recv");
        } else if (op === 6) {
          const c = await s.recv(size, socket.MSG_WAITALL);
          assert.ok(c.length > 0, "early end of stream (waitall)");
          put(c);
          count(stats.reads, "recv MSG_WAITALL");
        } else if (op < 9) {
          const c = await file.read(size) as Uint8Array;
          assert.equal(c.length, size, "makefile read(n) gave fewer bytes");
          put(c);
          count(stats.reads, "makefile read");
        } else {
          const c = await file.readline(size) as Uint8Array;
          assert.ok(c.length > 0 && c.length <= size, "makefile readline");
          put(c);
          count(stats.reads, "makefile readline");
        }
      } catch (e) {
        if (!(e instanceof socket.timeout)) throw e;
        stats.timeouts++;
      }
    }
    s.settimeout(null);
    const end = await s.recv(1);
    assert.equal(end.length, 0, "bytes after the expected end");
  } finally {
    await file.close();
    fs.close();
    s.close();
  }
  return out;
}

/** Figures of one run. */
export interface IntegrityResult {
  seed: number;
  seconds: number;
  up: DirectionStats;
  down: DirectionStats;
}

function newStats(): DirectionStats {
  return {
    bytes: 0,
    sha256: "",
    reads: {},
    writes: {},
    timeouts: 0,
    partialSends: 0,
  };
}

/**
 * Moves `total` bytes each way on one connection of `family` and checks
 * them by SHA-256 (and by a byte comparison that names the first bad
 * offset).
 */
export async function runIntegrity(
  total: number,
  seed: number,
  family: number = socket.AF_INET,
): Promise<IntegrityResult> {
  const start = performance.now();
  const rng = new Rng(seed);
  const upData = new Rng(rng.u32()).bytes(total);
  const downData = new Rng(rng.u32()).bytes(total);
  const [upHash, downHash] = await Promise.all([
    sha256Hex(upData),
    sha256Hex(downData),
  ]);

  const server = socket.socket(family, socket.SOCK_STREAM);
  server.bind([family === socket.AF_INET6 ? "::1" : "127.0.0.1", 0]);
  server.listen();
  const client = socket.socket(family, socket.SOCK_STREAM);
  const connecting = client.connect(server.getsockname());
  const [conn] = await server.accept();
  await connecting;
  await server[Symbol.asyncDispose]();

  const up = newStats();
  const down = newStats();
  try {
    // client -> conn is "up", conn -> client is "down". The client's
    // writer closes the socket, so it waits until the client has read all
    // of "down"; the server side ends with shutdown(SHUT_WR).
    const downRead = reader(client, total, new Rng(rng.u32()), down);
    const upRead = reader(conn, total, new Rng(rng.u32()), up);
    const results = await Promise.all([
      writer(client, upData, new Rng(rng.u32()), "close", downRead, up),
      writer(
        conn,
        downData,
        new Rng(rng.u32()),
        "shutdown",
        Promise.resolve(),
        down,
      ),
      upRead,
      downRead,
    ]);
    const upGot = results[2];
    const downGot = results[3];
    up.bytes = upGot.length;
    down.bytes = downGot.length;
    up.sha256 = await sha256Hex(upGot);
    down.sha256 = await sha256Hex(downGot);
    if (up.sha256 !== upHash) {
      assert.fail(
        `up: SHA-256 differs, first bad byte at ${
          firstDifference(upGot, upData)
        }`,
      );
    }
    if (down.sha256 !== downHash) {
      assert.fail(
        `down: SHA-256 differs, first bad byte at ${
          firstDifference(downGot, downData)
        }`,
      );
    }
  } finally {
    await client[Symbol.asyncDispose]();
    await conn[Symbol.asyncDispose]();
  }
  return { seed, seconds: (performance.now() - start) / 1000, up, down };
}

/** One line per direction, for the log. */
export function describeIntegrity(r: IntegrityResult): string {
  const line = (name: string, d: DirectionStats): string =>
    `  ${name}: ${mib(d.bytes)} sha256 ${d.sha256.slice(0, 16)}..., ` +
    `${d.timeouts} timeouts, ${d.partialSends} partial sends\n` +
    `    reads ${JSON.stringify(d.reads)}\n    writes ${
      JSON.stringify(d.writes)
    }`;
  return `integrity: seed ${r.seed}, ${r.seconds.toFixed(1)} s\n` +
    line("up (client -> server)", r.up) + "\n" +
    line("down (server -> client)", r.down);
}
