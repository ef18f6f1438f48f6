// setsockopt/getsockopt: every option pysocket honours, and the refusals.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  assertErrnoSync,
  closeAll,
  FAMILIES,
  INET,
  pair,
  text,
} from "./_helpers.ts";

const { errno } = socket;

Deno.test("flags are set and reported back", () => {
  using s = socket.socket();
  for (
    const [level, opt] of [
      [socket.SOL_SOCKET, socket.SO_REUSEADDR],
      [socket.SOL_SOCKET, socket.SO_REUSEPORT],
      [socket.SOL_SOCKET, socket.SO_KEEPALIVE],
      [socket.IPPROTO_TCP, socket.TCP_NODELAY],
    ] satisfies Array<[number, number]>
  ) {
    assert.equal(s.getsockopt(level, opt), 0);
    s.setsockopt(level, opt, 1);
    assert.equal(s.getsockopt(level, opt), 1);
    s.setsockopt(level, opt, true);
    assert.equal(s.getsockopt(level, opt), 1);
    s.setsockopt(level, opt, 0);
    assert.equal(s.getsockopt(level, opt), 0);
    s.setsockopt(level, opt, new Uint8Array([1, 0, 0, 0]));
    assert.equal(s.getsockopt(level, opt), 1);
    assertErrnoSync(
      () => s.setsockopt(level, opt, new Uint8Array(0)),
      errno.EINVAL,
    );
  }
});

Deno.test("buffer sizes are doubled and floored as Linux does", () => {
  using s = socket.socket();
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 131072);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), 16384);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 8192);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 2304);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), 4608);
});

Deno.test("read-only options", async () => {
  for (const fc of FAMILIES) {
    await using p = await pair(fc);
    const s = p.client;
    assert.equal(
      s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
      socket.SOCK_STREAM,
    );
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN), fc.family);
    assert.equal(
      s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
      fc.family === socket.AF_UNIX ? 0 : socket.IPPROTO_TCP,
    );
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
    assert.equal(
      p.server.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
      1,
    );
    const e = assert.throws(
      () => s.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1),
      (e: unknown) =>
        e instanceof socket.error && e.errno === errno.ENOPROTOOPT,
    );
    void e;
  }
});

Deno.test("getsockopt with buflen gives bytes", () => {
  using s = socket.socket();
  assert.deepEqual(
    s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 4),
    new Uint8Array([1, 0, 0, 0]),
  );
  assert.deepEqual(
    s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2),
    new Uint8Array([1, 0]),
  );
  assert.deepEqual(
    s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 8),
    new Uint8Array([1, 0, 0, 0]),
  );
  // CPython: an OSError with only a message for a buflen outside 0..1024,
  // and the int for a buflen of 0.
  for (const buflen of [-1, 1025]) {
    assert.throws(
      () => s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, buflen),
      (e: unknown) =>
        e instanceof socket.error && e.errno === null &&
        e.message === "getsockopt buflen out of range",
    );
  }
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0), 1);
});

Deno.test("unsupported options are refused with ENOPROTOOPT naming them", () => {
  using s = socket.socket();
  assert.throws(
    () => s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Uint8Array(8)),
    (e: unknown) =>
      e instanceof socket.error && e.errno === errno.ENOPROTOOPT &&
      e.message.includes("SO_LINGER"),
  );
  assert.throws(
    () => s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CORK),
    (e: unknown) =>
      e instanceof socket.error && e.errno === errno.ENOPROTOOPT &&
      e.message.includes("TCP_CORK"),
  );
  assert.throws(
    () => s.getsockopt(9999, 1),
    (e: unknown) =>
      e instanceof socket.error && e.message.includes("level 9999 option 1"),
  );
  assert.throws(
    () =>
      s.setsockopt(
        socket.SOL_SOCKET,
        socket.SO_REUSEADDR,
        "1" as unknown as number,
      ),
    TypeError,
  );
});

Deno.test("IPV6_V6ONLY: 0 is what Deno gives; 1 is refused", () => {
  using s = socket.socket(socket.AF_INET6);
  assert.equal(s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 0);
  s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0);
  assertErrnoSync(
    () => s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1),
    errno.ENOPROTOOPT,
  );
});

Deno.test("options on a connected socket reach the connection", async () => {
  await using p = await pair(INET);
  p.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  p.client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
  assert.equal(p.client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1);
  // A small receive buffer still passes everything through.
  p.conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1);
  const data = new Uint8Array(200_000).fill(7);
  const sending = p.client.sendall(data);
  let got = 0;
  while (got < data.length) got += (await p.conn.recv(65536)).length;
  await sending;
  assert.equal(got, data.length);
});

Deno.test("SO_REUSEPORT lets two sockets listen on one port", async () => {
  using a = socket.socket();
  a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1);
  a.bind(["127.0.0.1", 0]);
  a.listen();
  using b = socket.socket();
  b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1);
  b.bind(a.getsockname());
  b.listen();
  assert.deepEqual(b.getsockname(), a.getsockname());
  // With the first one closed, the second still takes connections.
  await closeAll(a);
  await using c = await socket.create_connection(
    b.getsockname() as [string, number],
  );
  const [conn] = await b.accept();
  await c.sendall("via b");
  assert.equal(text(await conn.recv(10)), "via b");
  await closeAll(conn);
});
