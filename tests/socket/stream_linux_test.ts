// Stream sockets where pysocket once differed from CPython on Linux:
// shutdown(SHUT_RD) with data on its way, MSG_WAITALL under a timeout,
// dup() and the timeout, and connect to port 0. Each expectation was taken
// from python3 on Linux.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { assertErrno, FAMILIES, pair, sleep, text } from "./_helpers.ts";

const { errno } = socket;

for (const fc of FAMILIES) {
  const t = (name: string, fn: () => Promise<void> | void): void => {
    Deno.test(`${fc.name}: ${name}`, fn);
  };
  const tcp = fc.family !== socket.AF_UNIX;

  t(
    "shutdown(SHUT_RD): data that already arrived is still received",
    async () => {
      await using p = await pair(fc);
      await p.client.sendall("before");
      await sleep(100);
      p.conn.shutdown(socket.SHUT_RD);
      assert.equal(text(await p.conn.recv(100)), "before");
      // Nothing queued: the end of stream at once, not a wait.
      const start = performance.now();
      assert.equal((await p.conn.recv(100)).length, 0);
      assert.ok(performance.now() - start < 1000);
    },
  );

  t(
    "shutdown(SHUT_RD): recv_into and MSG_PEEK see data that arrived",
    async () => {
      await using p = await pair(fc);
      await p.client.sendall("abcdef");
      await sleep(100);
      p.conn.shutdown(socket.SHUT_RD);
      assert.equal(text(await p.conn.recv(3, socket.MSG_PEEK)), "abc");
      const buf = new Uint8Array(10);
      assert.equal(await p.conn.recv_into(buf), 6);
      assert.equal(text(buf.subarray(0, 6)), "abcdef");
      assert.equal(await p.conn.recv_into(buf), 0);
    },
  );

  if (tcp) {
    t("shutdown(SHUT_RD): the bytes of a read in flight are kept", async () => {
      await using p = await pair(fc);
      p.conn.setblocking(false);
      // Starts a runtime read, then gives EAGAIN.
      await assertErrno(() => p.conn.recv(100), errno.EAGAIN);
      p.conn.shutdown(socket.SHUT_RD);
      await p.client.sendall("in flight");
      await sleep(100);
      assert.equal(text(await p.conn.recv(100)), "in flight");
      assert.equal((await p.conn.recv(100)).length, 0);
    });

    t("shutdown(SHUT_RD): TCP data arriving later is received", async () => {
      await using p = await pair(fc);
      p.conn.shutdown(socket.SHUT_RD);
      assert.equal((await p.conn.recv(100)).length, 0);
      await p.client.sendall("after");
      await sleep(100);
      assert.equal(text(await p.conn.recv(100)), "after");
      assert.equal((await p.conn.recv(100)).length, 0);
    });
  }

  t("MSG_WAITALL with a timeout returns what is there at once", async () => {
    await using p = await pair(fc);
    p.conn.settimeout(3);
    await p.client.sendall("abc");
    await sleep(50);
    let start = performance.now();
    assert.equal(text(await p.conn.recv(10, socket.MSG_WAITALL)), "abc");
    assert.ok(performance.now() - start < 1500, "recv waited for the timeout");
    await p.client.sendall("xy");
    await sleep(50);
    const buf = new Uint8Array(10);
    start = performance.now();
    assert.equal(await p.conn.recv_into(buf, 10, socket.MSG_WAITALL), 2);
    assert.equal(text(buf.subarray(0, 2)), "xy");
    assert.ok(performance.now() - start < 1500, "recv_into waited");
  });

  t("MSG_WAITALL with a timeout waits only for the first bytes", async () => {
    await using p = await pair(fc);
    p.conn.settimeout(3);
    const waiting = p.conn.recv(10, socket.MSG_WAITALL);
    const start = performance.now();
    await sleep(50);
    await p.client.sendall("12");
    assert.equal(text(await waiting), "12");
    assert.ok(performance.now() - start < 1500, "recv waited for the timeout");
    // With nothing at all, the timeout still applies.
    p.conn.settimeout(0.05);
    await assert.rejects(
      p.conn.recv(10, socket.MSG_WAITALL),
      socket.timeout,
    );
  });
}

Deno.test("dup() keeps the timeout and the blocking mode", () => {
  using s = socket.socket();
  s.settimeout(2.5);
  using a = s.dup();
  assert.equal(a.gettimeout(), 2.5);
  s.setblocking(false);
  using b = s.dup();
  assert.equal(b.gettimeout(), 0);
  assert.equal(b.getblocking(), false);
  // The copy is a copy: changing one leaves the other.
  s.settimeout(1);
  assert.equal(b.gettimeout(), 0);
  socket.setdefaulttimeout(3);
  try {
    s.settimeout(null);
    using c = s.dup();
    assert.equal(c.gettimeout(), null);
  } finally {
    socket.setdefaulttimeout(null);
  }
});

Deno.test("connect to port 0 is refused, as on Linux", async () => {
  const targets: [number, socket.Address][] = [
    [socket.AF_INET, ["127.0.0.1", 0]],
    [socket.AF_INET, ["0.0.0.0", 0]],
    [socket.AF_INET6, ["::1", 0]],
    [socket.AF_INET6, ["::", 0]],
  ];
  for (const [family, address] of targets) {
    for (const timeout of [null, 1]) {
      const what = `${JSON.stringify(address)} timeout ${timeout}`;
      using s = socket.socket(family);
      s.settimeout(timeout);
      const e = await assertErrno(
        () => s.connect(address),
        errno.ECONNREFUSED,
        what,
      );
      assert.ok(e instanceof socket.ConnectionRefusedError, what);
      using s2 = socket.socket(family);
      s2.settimeout(timeout);
      assert.equal(await s2.connect_ex(address), errno.ECONNREFUSED, what);
    }
  }
});
