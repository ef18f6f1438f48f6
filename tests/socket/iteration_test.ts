// Iterating a socket: a stream socket gives chunks, a datagram socket
// `[data, address]` pairs; leaving the loop, or cancelling `readable`,
// leaves the socket open and loses nothing.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { FAMILIES, pair, sleep, text } from "./_helpers.ts";

for (const fc of FAMILIES) {
  Deno.test(`${fc.name}: leaving a for await loop leaves the socket open`, async () => {
    await using p = await pair(fc);
    await p.client.sendall("one");
    for await (const chunk of p.conn) {
      assert.equal(text(chunk), "one");
      // Sent while the loop body runs: not taken by the loop.
      await p.client.sendall("two");
      await sleep(10);
      break;
    }
    assert.ok(p.conn.fileno() > 0);
    assert.equal(text(await p.conn.recv(10)), "two");
    await p.conn.sendall("back");
    assert.equal(text(await p.client.recv(10)), "back");
    // A new loop picks up where the last one left off.
    await p.client.sendall("three");
    p.client.shutdown(socket.SHUT_WR);
    const rest: string[] = [];
    for await (const chunk of p.conn) rest.push(text(chunk));
    assert.equal(rest.join(""), "three");
  });

  Deno.test(`${fc.name}: a throw out of the loop leaves the socket open`, async () => {
    await using p = await pair(fc);
    await p.client.sendall("x");
    await assert.rejects(async () => {
      for await (const _ of p.conn) throw new Error("out");
    }, /out/);
    await p.client.sendall("y");
    assert.equal(text(await p.conn.recv(10)), "y");
  });

  Deno.test(`${fc.name}: cancelling readable leaves the socket open; readable is new after`, async () => {
    await using p = await pair(fc);
    const first = p.conn.readable;
    await p.client.sendall("a");
    for await (const chunk of first) {
      assert.equal(text(chunk), "a");
      break; // cancels the stream
    }
    assert.notEqual(p.conn.readable, first);
    await p.client.sendall("b");
    p.client.shutdown(socket.SHUT_WR);
    assert.equal(await new Response(p.conn.readable).text(), "b");
  });
}

Deno.test("datagram: iteration gives [data, address] pairs", async () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.bind(["127.0.0.1", 0]);
  for (const m of ["one", "", "three"]) await tx.sendto(m, rx.getsockname());
  const got: Array<[string, [string, number]]> = [];
  for await (const [data, address] of rx) {
    got.push([text(data), address]);
    if (got.length === 2) break;
  }
  assert.deepEqual(got, [["one", tx.getsockname()], ["", tx.getsockname()]]);
  // The socket is open and the third datagram is still queued.
  const [data, from] = await rx.recvfrom(100);
  assert.equal(text(data), "three");
  await rx.sendto(data, from);
  assert.equal(text(await tx.recv(100)), "three");
});

Deno.test("datagram: closing the socket ends a loop over it", async () => {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(["127.0.0.1", 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await tx.sendto("only", rx.getsockname());
  const seen: string[] = [];
  const loop = (async () => {
    for await (const [data] of rx) {
      seen.push(text(data));
      // Close once the first datagram is in, while the loop waits again.
      setTimeout(() => rx.close(), 10);
    }
  })();
  await loop;
  assert.deepEqual(seen, ["only"]);
  assert.equal(rx.fileno(), -1);
});

Deno.test("datagram: AF_UNIX iteration gives the sender's path", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pysocket-iter-" });
  try {
    using rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    rx.bind(`${dir}/rx`);
    using tx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
    tx.bind(`${dir}/tx`);
    await tx.sendto("hi", `${dir}/rx`);
    for await (const [data, from] of rx) {
      assert.equal(text(data), "hi");
      assert.equal(from, `${dir}/tx`);
      break;
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
