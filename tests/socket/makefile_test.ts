// makefile(): what tests/interop/makefile_cpython_test.ts cannot compare
// with CPython call by call (timings, buffer sizes, pysocket's choices).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

Deno.test("makefile: a timeout set after makefile() applies to the next read", async () => {
  const [a, b] = await socket.socketpair();
  const f = a.makefile("rb");
  a.settimeout(0.5);
  const t0 = performance.now();
  const e = await f.read(1).then(() => null, (e) => e);
  const took = (performance.now() - t0) / 1000;
  assert.ok(e instanceof socket.timeout, String(e));
  assert.equal(e.message, "timed out");
  assert.ok(took >= 0.45 && took < 5, `took ${took} s`);
  // As CPython's SocketIO: the file reads no more; the socket does.
  await b.sendall("xyz");
  const again = await f.read(1).then(() => null, (e) => e);
  assert.ok(again instanceof socket.error, String(again));
  assert.equal(again.message, "cannot read from timed out object");
  assert.equal(text(await a.recv(10)), "xyz");
  await f.close();
  a.close();
  b.close();
});

Deno.test("makefile: a text file follows the socket's timeout too", async () => {
  const [a, b] = await socket.socketpair();
  const f = a.makefile("r");
  a.settimeout(0.2);
  await assert.rejects(f.readline(), socket.timeout);
  await f.close();
  a.close();
  b.close();
});

Deno.test("makefile: an unbuffered non-blocking write gives its count, then null", async () => {
  const [a, b] = await socket.socketpair();
  a.setblocking(false);
  const w = a.makefile("wb", 0);
  let total = 0;
  let last: number | null = 0;
  for (let i = 0; i < 10_000 && last !== null; i++) {
    last = await w.write(new Uint8Array(65536).fill(i & 0xff));
    if (last !== null) {
      assert.ok(last > 0 && last <= 65536);
      total += last;
    }
  }
  assert.equal(last, null, "the buffer never filled");
  await w.close();
  a.close();
  // What the writes took, and nothing more, arrives.
  let got = 0;
  for (;;) {
    const chunk = await b.recv(1 << 20);
    if (chunk.length === 0) break;
    got += chunk.length;
  }
  assert.equal(got, total);
  b.close();
});

Deno.test("makefile: an unbuffered non-blocking read gives null when nothing is there", async () => {
  const [a, b] = await socket.socketpair();
  a.setblocking(false);
  const r = a.makefile("rb", 0);
  assert.equal(await r.read(10), null);
  assert.equal(await r.readinto(new Uint8Array(4)), null);
  // The buffered file's read cannot be null by its type: BlockingIOError.
  const buffered = a.makefile("rb");
  await assert.rejects(buffered.read(4), socket.BlockingIOError);
  assert.equal((await buffered.read1(4)).length, 0);
  await r.close();
  await buffered.close();
  a.close();
  b.close();
});

Deno.test("makefile: close() with a file open leaves the socket usable until the file closes", async () => {
  const [a, b] = await socket.socketpair();
  const f = a.makefile("rb");
  const fd = a.fileno();
  a.close();
  assert.equal(a.fileno(), fd, "as CPython: the descriptor stays");
  assert.match(String(a), new RegExp(`^<socket.socket \\[closed\\] fd=${fd},`));
  assert.equal(f.name, fd);
  assert.equal(f.fileno(), fd);
  await b.sendall("one\ntwo\n");
  assert.equal(text(await f.readline()), "one\n");
  assert.equal(text(await a.recv(4)), "two\n", "recv works too");
  a.close(); // again: still deferred
  await f.close();
  assert.equal(a.fileno(), -1);
  assert.equal(f.name, -1);
  assert.throws(() => f.fileno(), RangeError);
  await assert.rejects(
    a.recv(1),
    (e: unknown) => e instanceof socket.error && e.errno === socket.errno.EBADF,
  );
  // The peer sees the end of the stream once the last holder let go.
  assert.equal((await b.recv(10)).length, 0);
  b.close();
});

Deno.test("makefile: two files and await using", async () => {
  const [a, b] = await socket.socketpair();
  const r = a.makefile("rb");
  {
    await using w = a.makefile("w");
    await a[Symbol.asyncDispose]();
    await w.write("hi\n");
  }
  assert.ok(a.fileno() > 0, "the reader still holds the socket");
  assert.equal(text(await b.recv(10)), "hi\n");
  await r.close();
  assert.equal(a.fileno(), -1);
  b.close();
});

Deno.test("makefile: detach() ends the files' use of the socket", async () => {
  const [a, b] = await socket.socketpair();
  const f = a.makefile("rb");
  const fd = a.detach();
  await assert.rejects(
    f.read(1),
    (e: unknown) => e instanceof socket.error && e.errno === socket.errno.EBADF,
  );
  await f.close();
  socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM).close();
  b.close();
});

Deno.test("makefile: read(n) of a large n over TCP, and read() to the end", async () => {
  using srv = socket.create_server(["127.0.0.1", 0]);
  const [, port] = srv.getsockname() as [string, number];
  const c = await socket.create_connection(["127.0.0.1", port]);
  const [conn] = await srv.accept();
  const size = 16 * 1024 * 1024 + 7;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7) & 0xff;
  const sending = c.sendall(data).then(() => c.shutdown(socket.SHUT_WR));
  const f = conn.makefile("rb");
  const head = await f.readline(3);
  const big = await f.read(size - 3 - 5);
  const tail = await f.read();
  await sending;
  assert.equal(head.length + big.length + tail.length, size);
  assert.deepEqual(head, data.subarray(0, 3));
  assert.ok(big.every((v, i) => v === data[i + 3]), "read(n) bytes differ");
  assert.deepEqual(tail, data.subarray(size - 5));
  await f.close();
  conn.close();
  c.close();
});

Deno.test("makefile: text read() of many chunks counts characters", async () => {
  const [a, b] = await socket.socketpair();
  const line = "\u00e9\u{1f4a5}a".repeat(10_000) + "\n";
  const sending = a.sendall(line.repeat(3)).then(() => a.close());
  const f = b.makefile("r");
  const first = await f.readline();
  assert.equal(first, line);
  const some = await f.read(30_001);
  assert.equal(some, line);
  assert.equal((await f.read()).length, line.length);
  await sending;
  await f.close();
  b.close();
});

Deno.test("makefile: bytes a failed read(n) had taken are kept for the next read", async () => {
  const [a, b] = await socket.socketpair();
  const f = a.makefile("rb");
  await b.sendall("abc");
  await a.recv(1, socket.MSG_PEEK);
  a.settimeout(0.2);
  await assert.rejects(f.read(10), socket.timeout);
  a.settimeout(null);
  assert.equal(text(await f.read(3)), "abc");
  await f.close();
  a.close();
  b.close();
});

Deno.test("makefile: buffered writes go out when the buffer fills", async () => {
  const [a, b] = await socket.socketpair();
  const w = a.makefile("wb", 16);
  assert.equal(await w.write(new Uint8Array(10)), 10);
  b.settimeout(0.1);
  await assert.rejects(b.recv(100), socket.timeout, "nothing sent yet");
  b.settimeout(null);
  assert.equal(await w.write(new Uint8Array(100)), 100);
  let got = 0;
  while (got < 110) got += (await b.recv(1000)).length;
  assert.equal(got, 110);
  await w.close();
  a.close();
  b.close();
});
