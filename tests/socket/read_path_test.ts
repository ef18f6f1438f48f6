// The read path: results that own exactly their bytes, peeks that see what
// has arrived, no false end of stream with two readers, and a `readable`
// that takes nothing nobody asked for.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { FAMILIES, INET, pair, sleep, text } from "./_helpers.ts";
import { hasPython, skipReason } from "../_python.ts";
import { runtime } from "../../_runtime/runtime.ts";
import { runGcChild } from "../_child.ts";

const enc = new TextEncoder();

function owns(b: Uint8Array): boolean {
  return b.byteOffset === 0 && b.buffer.byteLength === b.byteLength;
}

for (const fc of FAMILIES) {
  Deno.test(`read path (${fc.name}): recv results own exactly their bytes, whatever the path`, async () => {
    await using p = await pair(fc);
    // Blocking with nothing buffered (the read goes straight to the caller),
    // with a timeout (through the receive store), and iteration.
    const got: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      const waiting = p.conn.recv(65536);
      await p.client.send(`m${i}`);
      got.push(await waiting);
    }
    p.conn.settimeout(5);
    for (let i = 0; i < 20; i++) {
      await p.client.send(`t${i}`);
      got.push(await p.conn.recv(65536));
    }
    p.conn.settimeout(null);
    await p.client.send("it");
    p.client.shutdown(socket.SHUT_WR);
    for await (const chunk of p.conn) got.push(chunk);
    for (const b of got) {
      assert.ok(
        owns(b),
        `a ${b.length}-byte result holds ${b.buffer.byteLength} bytes`,
      );
    }
    assert.equal(text(got[0]!), "m0");
    assert.equal(text(got[20]!), "t0");
  });
}

Deno.test("read path: MSG_PEEK sees everything that has arrived, not only the first read's worth", async () => {
  await using p = await pair(INET);
  const data = new Uint8Array(100_000).map((_, i) => i % 251);
  await p.client.sendall(data);
  // Let the bytes cross loopback into the receiver's kernel buffer.
  await sleep(50);
  const peeked = await p.conn.recv(100_000, socket.MSG_PEEK);
  assert.equal(peeked.length, 100_000);
  assert.deepEqual(peeked, data);
  assert.deepEqual(await p.conn.recv(100_000, socket.MSG_WAITALL), data);
});

Deno.test("read path: two readers of one connection never see a false end of stream", async () => {
  await using p = await pair(INET);
  using other = p.conn.dup();
  p.conn.settimeout(5);
  other.settimeout(5);
  const a = p.conn.recv(10);
  const b = other.recv(10);
  await p.client.send("1");
  const first = await Promise.race([a, b]);
  assert.equal(text(first), "1");
  // The other reader keeps waiting: data is still coming.
  const late = await Promise.race([a, b, sleep(100).then(() => null)]);
  assert.ok(
    late === first || late === null,
    "no empty result while the peer sends",
  );
  await p.client.send("2");
  const [ra, rb] = await Promise.all([a, b]);
  assert.deepEqual([text(ra), text(rb)].sort(), ["1", "2"]);
});

Deno.test("read path: readable takes nothing ahead; releasing or cancelling it loses nothing", async () => {
  await using p = await pair(INET);
  const reader = p.conn.readable.getReader();
  await p.client.send("a");
  const first = await reader.read();
  assert.equal(text(first.value ?? new Uint8Array()), "a");
  reader.releaseLock();
  await p.client.send("b");
  await sleep(20);
  assert.equal(text(await p.conn.recv(10)), "b");
  // A BYOB reader works (a byte stream), and cancel loses nothing.
  const byob = p.conn.readable.getReader({ mode: "byob" });
  await p.client.send("cd");
  const r = await byob.read(new Uint8Array(1));
  assert.equal(text(r.value ?? new Uint8Array()), "c");
  await byob.cancel();
  assert.equal(text(await p.conn.recv(10)), "d");
  // The socket stays open after cancel.
  await p.client.send("e");
  assert.equal(text(await p.conn.recv(10)), "e");
});

Deno.test("read path: results of many small reads pin no larger buffers", async () => {
  await using p = await pair(INET);
  p.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  let held = 0;
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    const waiting = p.conn.recv(65536);
    await p.client.send(enc.encode("x".repeat(1 + (i % 7))));
    const r = await waiting;
    held += r.buffer.byteLength;
    bytes += r.length;
  }
  assert.equal(held, bytes);
});

Deno.test("read path: 3,000 one-byte segments into a pending readline stay bounded", async () => {
  if (runtime.name !== "deno") {
    skipReason(
      "one-byte segments memory",
      "the child is a TypeScript program run by `deno run` with --expose-gc",
    );
    return;
  }
  if (!hasPython()) {
    skipReason("one-byte segments memory", "python3 is missing (the peer)");
    return;
  }
  const r = await runGcChild<{
    before: number;
    during: number;
    length: number;
  }>(new URL("./_segments_child.ts", import.meta.url));
  const grown = r.during - r.before;
  console.log(`3000 one-byte segments buffered: ${grown} bytes held`);
  assert.equal(r.length, 3001);
  // Before the reused read buffer, each segment kept its 64 KiB read
  // buffer alive (26 MB here).
  assert.ok(grown < 4 * 2 ** 20, `${grown} bytes held`);
});
