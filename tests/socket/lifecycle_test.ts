// The send path and the lifecycle against careless peers: a settled send
// never reads the caller's buffer again, a close always lets go, a pending
// connect ends with the close, an adopted descriptor closes, and timeouts
// neither fire early nor leak.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { INET, pair, sleep, text } from "./_helpers.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { runtime } from "../../_runtime/runtime.ts";

function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

// Waits (up to 2 s: the runtime frees a closed resource's descriptor in the
// background) for the count to be back at `before`; resolves to the excess.
async function fdsAbove(before: number): Promise<number> {
  const until = performance.now() + 2000;
  while (openFds() > before && performance.now() < until) await sleep(20);
  return openFds() - before;
}

// The descriptor count once the runtime's own lazily opened ones exist.
async function baseFds(): Promise<number> {
  await (await pair(INET))[Symbol.asyncDispose]();
  return openFds();
}

// Reads everything the peer sends until it closes.
async function drain(s: socket.Socket): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const chunk = await s.recv(1 << 20);
    if (chunk.length === 0) return parts;
    parts.push(chunk);
  }
}

function count(parts: Uint8Array[], byte: number): number {
  let n = 0;
  for (const p of parts) for (const b of p) if (b === byte) n++;
  return n;
}

Deno.test("lifecycle: a non-blocking sendall has copied the caller's buffer when it resolves", async () => {
  await using p = await pair(INET);
  // A send still on its way, so that the next one waits in the queue.
  const first = p.client.sendall(new Uint8Array(8000).fill(0x43));
  p.client.setblocking(false);
  const buf = new Uint8Array(1000).fill(0x41);
  await p.client.sendall(buf);
  buf.fill(0x42);
  await first;
  p.client.setblocking(true);
  p.client.shutdown(socket.SHUT_WR);
  const got = await drain(p.conn);
  assert.equal(count(got, 0x41), 1000);
  assert.equal(count(got, 0x42), 0);
  assert.equal(count(got, 0x43), 8000);
});

Deno.test("lifecycle: a sendall that timed out never reads the caller's buffer again, and close() lets go", async () => {
  const before = await baseFds();
  const p = await pair(INET);
  p.client.settimeout(0.2);
  const buf = new Uint8Array(8 << 20).fill(0x41);
  await assert.rejects(p.client.sendall(buf), socket.timeout);
  buf.fill(0x42);
  // What reaches the peer is only ever the caller's bytes from before.
  p.conn.settimeout(0.5);
  const got: Uint8Array[] = [];
  try {
    for (;;) got.push(await p.conn.recv(1 << 20));
  } catch (e) {
    if (!(e instanceof socket.timeout)) throw e;
  }
  assert.equal(count(got, 0x42), 0, "bytes written after the send settled");
  assert.ok(count(got, 0x41) < buf.length, "the send did time out");
  // The peer stays connected and stops reading: close() must still let go,
  // within the stall bound, and free the descriptor.
  p.conn.settimeout(null);
  const t0 = performance.now();
  await p.client[Symbol.asyncDispose]();
  const took = performance.now() - t0;
  assert.ok(took < 15_000, `close took ${took} ms`);
  await p.conn[Symbol.asyncDispose]();
  await p.server[Symbol.asyncDispose]();
  const left = await fdsAbove(before);
  assert.ok(left <= 0, `${left} descriptors left`);
});

Deno.test("lifecycle: close() ends a pending connect at once", async () => {
  if (!hasPython()) {
    skipReason("close ends a pending connect", "python3 is missing");
    return;
  }
  // A listener whose accept queue is full: Linux drops further SYNs, so a
  // connect to it hangs (the kernel's SYN retries) until given up.
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      "import socket, sys, time\n" +
      "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)\n" +
      "print(s.getsockname()[1], flush=True)\n" +
      "sys.stdin.read()\n",
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const port = Number(new TextDecoder().decode(value).trim());
  const fillers: socket.Socket[] = [];
  try {
    // Fill the queue: connects that complete; then one that hangs.
    let hanging: socket.Socket | null = null;
    let pending: Promise<void> | null = null;
    for (let i = 0; i < 8 && hanging === null; i++) {
      const c = socket.socket();
      const attempt = c.connect(["127.0.0.1", port]);
      const done = await Promise.race([
        attempt.then(() => true),
        sleep(300).then(() => false),
      ]);
      if (done) fillers.push(c);
      else {
        hanging = c;
        pending = attempt;
      }
    }
    assert.ok(hanging !== null && pending !== null, "a connect that hangs");
    const t0 = performance.now();
    const settled = pending.then(
      () => "connected",
      (e) => e instanceof socket.error ? `errno ${e.errno}` : String(e),
    );
    await hanging[Symbol.asyncDispose]();
    const outcome = await settled;
    const took = performance.now() - t0;
    assert.equal(outcome, `errno ${socket.errno.EBADF}`);
    assert.ok(took < 2000, `the connect settled ${took} ms after close`);
  } finally {
    for (const c of fillers) await c[Symbol.asyncDispose]();
    const w = child.stdin.getWriter();
    await w.close();
    await child.status;
    await child.stdout.cancel();
  }
});

Deno.test("lifecycle: socket(fileno=s.detach()) adopts the descriptor, and its close ends the connection", async () => {
  await using p = await pair(INET);
  const fd = p.client.detach();
  const adopted = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd);
  assert.equal(adopted.fileno(), fd);
  await adopted.send("bye");
  adopted.close();
  assert.equal(text(await p.conn.recv(10)), "bye");
  p.conn.settimeout(5);
  assert.equal((await p.conn.recv(10)).length, 0, "the peer sees the end");
});

Deno.test("lifecycle: an un-awaited sendall then close() under a timeout is delivered and raises nothing", async () => {
  await using p = await pair(INET);
  p.client.settimeout(0.1);
  const data = new Uint8Array(4 << 20).fill(7);
  // The README's pattern: the close takes the send over.
  p.client.sendall(data);
  p.client.close();
  // The peer starts reading well after the send's timeout.
  await sleep(400);
  const got = await drain(p.conn);
  assert.equal(got.reduce((n, c) => n + c.length, 0), data.length);
});

Deno.test("lifecycle: a busy event loop does not make sends time out", async () => {
  await using p = await pair(INET);
  p.client.settimeout(0.002);
  let spurious = 0;
  const reading = drain(p.conn);
  for (let i = 0; i < 400; i++) {
    const sending = p.client.send("x");
    // Busy longer than the timeout, with the write's result waiting.
    const until = performance.now() + 6;
    while (performance.now() < until) { /* busy */ }
    try {
      assert.equal(await sending, 1);
    } catch (e) {
      if (!(e instanceof socket.timeout)) throw e;
      spurious++;
    }
  }
  p.client.shutdown(socket.SHUT_WR);
  const got = await reading;
  assert.equal(spurious, 0, `${spurious} sends timed out`);
  assert.equal(got.reduce((n, c) => n + c.length, 0), 400);
});

Deno.test("lifecycle: timeouts past 2^31 ms wait; past CPython's range they are refused", async () => {
  await using p = await pair(INET);
  p.conn.settimeout(25 * 86400);
  const waiting = p.conn.recv(10);
  const early = await Promise.race([
    waiting.then(() => "settled", () => "rejected"),
    sleep(200).then(() => "waiting"),
  ]);
  assert.equal(early, "waiting");
  await p.client.send("ok");
  assert.equal(text(await waiting), "ok");
  for (const bad of [Infinity, 1e300, 9.3e9]) {
    assert.throws(() => p.conn.settimeout(bad), RangeError, String(bad));
    assert.throws(() => socket.setdefaulttimeout(bad), RangeError);
  }
  assert.equal(socket.getdefaulttimeout(), null);
  if (hasPython()) {
    const py = await runPython(
      "import socket\ns = socket.socket()\nout = []\n" +
        "for v in [float('inf'), 1e300, 9.3e9]:\n" +
        "    try: s.settimeout(v); out.append('ok')\n" +
        "    except OverflowError: out.append('OverflowError')\n" +
        "s.settimeout(25 * 86400); out.append(str(s.gettimeout()))\n" +
        "print(' '.join(out))",
    );
    assert.equal(
      py.trim(),
      "OverflowError OverflowError OverflowError 2160000.0",
    );
  } else {
    skipReason("timeouts vs CPython", "python3 is missing");
  }
});

Deno.test("lifecycle: timed-out waits on an idle socket keep nothing", async () => {
  if (runtime.name !== "deno") {
    skipReason(
      "timed-out waits keep nothing",
      "the child is a TypeScript program run by `deno eval` with --expose-gc",
    );
    return;
  }
  // Measured in a child with a GC to call: retained heap after 2,000
  // timed-out receives on one idle socket.
  const code = `
    import * as socket from ${
    JSON.stringify(new URL("../../mod.ts", import.meta.url).href)
  };
    const [a, b] = await socket.socketpair();
    a.settimeout(0.0001);
    const gc = (globalThis as unknown as { gc: () => void }).gc;
    const waitOut = async (n: number) => {
      for (let i = 0; i < n; i++) {
        try { await a.recv(10); } catch (e) { if (!(e instanceof socket.timeout)) throw e; }
      }
    };
    await waitOut(300);
    gc(); gc();
    const before = Deno.memoryUsage().heapUsed;
    await waitOut(2000);
    gc(); gc();
    console.log(Deno.memoryUsage().heapUsed - before);
    a.close(); b.close();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", "--ext=ts", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const grown = Number(new TextDecoder().decode(out.stdout).trim());
  console.log(`heap grown by ${grown} bytes over 2000 timed-out waits`);
  assert.ok(grown < 500_000, `${grown} bytes kept`);
});

Deno.test("lifecycle: a close whose peer never reads is cut after the stall bound, freeing everything", async () => {
  const before = await baseFds();
  const p = await pair(INET);
  // Far more than the kernel buffers hold; the peer never reads.
  p.client.sendall(new Uint8Array(16 << 20));
  await sleep(100);
  const t0 = performance.now();
  await p.client[Symbol.asyncDispose]();
  const took = performance.now() - t0;
  console.log(`close settled after ${Math.round(took)} ms`);
  assert.ok(took >= 5_000, `cut after ${took} ms: too early`);
  assert.ok(took < 20_000, `cut after ${took} ms`);
  await p.conn[Symbol.asyncDispose]();
  await p.server[Symbol.asyncDispose]();
  const left = await fdsAbove(before);
  assert.ok(left <= 0, `${left} descriptors left`);
});

Deno.test("module dup(fd) and close(fd) on fileno() numbers; get_inheritable/set_inheritable", async () => {
  await using p = await pair(INET);
  const a = p.client;
  const b = p.conn;
  {
    // dup: a new number on the same connection, held by no object until
    // socket(fileno=...) takes it up.
    const fd = socket.dup(a.fileno());
    assert.notEqual(fd, a.fileno());
    const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fd);
    assert.equal(c.fileno(), fd);
    await c.sendall("via the copy");
    assert.equal(text(await b.recv(100)), "via the copy");
    // close(fd) closes the number under its object, which gives EBADF, and
    // leaves the original open.
    socket.close(fd);
    await assert.rejects(
      () => c.recv(1),
      (e: unknown) =>
        e instanceof socket.error && e.errno === socket.errno.EBADF,
    );
    assert.equal(c.fileno(), fd, "the object keeps its number, as CPython's");
    // Its own close then gives EBADF, once, as CPython's.
    assert.throws(
      () => c.close(),
      (e: unknown) =>
        e instanceof socket.error && e.errno === socket.errno.EBADF,
    );
    c.close();
    await a.sendall("still open");
    assert.equal(text(await b.recv(100)), "still open");
    // A number dup gave and nobody took up is freed by close.
    const spare = socket.dup(a.fileno());
    socket.close(spare);
    assert.throws(
      () => socket.close(spare),
      (e: unknown) =>
        e instanceof socket.error && e.errno === socket.errno.EBADF,
    );
    // fromfd takes a dup'ed number up under a new one.
    const more = socket.dup(b.fileno());
    const d = socket.fromfd(more, socket.AF_INET, socket.SOCK_STREAM);
    assert.throws(() => socket.close(more), socket.error);
    d.close();
    // Never inherited by a child process.
    assert.equal(a.get_inheritable(), false);
    a.set_inheritable(false);
    assert.throws(
      () => a.set_inheritable(true),
      (e: unknown) =>
        e instanceof socket.error && e.errno === socket.errno.EOPNOTSUPP &&
        e.message.includes("child process"),
    );
  }
});

Deno.test("sendmsg: ancillary data is refused with EOPNOTSUPP naming it", async () => {
  await using p = await pair(INET);
  await assert.rejects(
    () =>
      p.client.sendmsg(["x"], [[
        socket.SOL_SOCKET,
        socket.SCM_RIGHTS,
        new Uint8Array(4),
      ]]),
    (e: unknown) =>
      e instanceof socket.error && e.errno === socket.errno.EOPNOTSUPP &&
      e.message.includes("SCM_RIGHTS"),
  );
  // Nothing was sent.
  await p.client.sendmsg(["after"]);
  assert.equal(text(await p.conn.recv(100)), "after");
});
