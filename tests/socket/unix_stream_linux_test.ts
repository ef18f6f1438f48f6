// Stream set-up paths where Linux treats AF_UNIX and TCP differently: the
// errnos of an unconnected socket, socketpair's names, create_server's
// message, TCP options, what accept inherits, and shutdown on a listener.
// The expected values were checked against CPython 3 on Linux.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  assertErrno,
  assertErrnoSync,
  closeAll,
  INET,
  INET6,
  listener,
  pair,
  sleep,
  UNIX,
  unixPath,
} from "./_helpers.ts";

const { errno } = socket;

Deno.test("AF_UNIX unconnected: recv EINVAL, send ENOTCONN, shutdown ok", async () => {
  for (const bound of [false, true]) {
    using s = socket.socket(socket.AF_UNIX);
    if (bound) s.bind(unixPath());
    const what = bound ? "bound" : "new";
    await assertErrno(() => s.recv(1), errno.EINVAL, `${what} recv`);
    await assertErrno(
      () => s.recv_into(new Uint8Array(1)),
      errno.EINVAL,
      `${what} recv_into`,
    );
    await assertErrno(() => s.recvfrom(1), errno.EINVAL, `${what} recvfrom`);
    await assertErrno(() => s.send("x"), errno.ENOTCONN, `${what} send`);
    await assertErrno(() => s.sendall("x"), errno.ENOTCONN, `${what} sendall`);
    s.settimeout(0);
    await assertErrno(() => s.recv(1), errno.EINVAL, `${what} recv, nb`);
    assert.equal(s.shutdown(socket.SHUT_RDWR), undefined);
    s.shutdown(socket.SHUT_RD);
    s.shutdown(socket.SHUT_WR);
    assertErrnoSync(() => s.shutdown(99), errno.EINVAL, `${what} bad how`);
    await assertErrno(() => s.recv(1), errno.EINVAL, `${what} recv after`);
    assertErrnoSync(() => s.getpeername(), errno.ENOTCONN, "getpeername");
  }
});

Deno.test("AF_UNIX listening: recv EINVAL, send ENOTCONN, connect EINVAL; TCP unchanged", async () => {
  using s = listener(UNIX);
  using other = listener(UNIX);
  await assertErrno(() => s.recv(1), errno.EINVAL, "recv");
  await assertErrno(() => s.send("x"), errno.ENOTCONN, "send");
  await assertErrno(() => s.connect(s.getsockname()), errno.EINVAL, "self");
  await assertErrno(
    () => s.connect(other.getsockname()),
    errno.EINVAL,
    "other",
  );
  assert.equal(await s.connect_ex(other.getsockname()), errno.EINVAL);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  // TCP keeps its own errnos for the same calls.
  using t = socket.socket();
  await assertErrno(() => t.recv(1), errno.ENOTCONN, "tcp recv");
  await assertErrno(() => t.send("x"), errno.EPIPE, "tcp send");
  assertErrnoSync(() => t.shutdown(socket.SHUT_RDWR), errno.ENOTCONN);
  t.listen();
  await assertErrno(() => t.connect(t.getsockname()), errno.EISCONN);
});

Deno.test("socketpair: neither end of an AF_UNIX pair has a name", async () => {
  const [a, b] = await socket.socketpair();
  try {
    assert.equal(a.getsockname(), "");
    assert.equal(a.getpeername(), "");
    assert.equal(b.getsockname(), "");
    assert.equal(b.getpeername(), "");
    using c = a.dup();
    assert.equal(c.getpeername(), "");
  } finally {
    await closeAll(a, b);
  }
});

Deno.test("create_server: address in use names it as Python's repr", async () => {
  await using v4 = socket.create_server(["127.0.0.1", 0]);
  const [h4, p4] = v4.getsockname() as [string, number];
  let e = await assertErrno(
    () => socket.create_server(v4.getsockname()),
    errno.EADDRINUSE,
  );
  assert.equal(
    e.message,
    `[Errno 98] Address already in use (while attempting to bind on address ('${h4}', ${p4}))`,
  );
  await using v6 = socket.create_server(["::1", 0], {
    family: socket.AF_INET6,
  });
  const p6 = v6.getsockname()[1];
  e = await assertErrno(
    () => socket.create_server(["::1", p6, 0, 0], { family: socket.AF_INET6 }),
    errno.EADDRINUSE,
  );
  assert.match(
    e.message,
    /\(while attempting to bind on address \('::1', \d+, 0, 0\)\)$/,
  );
  const path = unixPath();
  await using u = socket.create_server(path, { family: socket.AF_UNIX });
  e = await assertErrno(
    () => socket.create_server(path, { family: socket.AF_UNIX }),
    errno.EADDRINUSE,
  );
  assert.ok(
    e.message.endsWith(`(while attempting to bind on address '${path}')`),
    e.message,
  );
  const quoted = unixPath().replace(/\.sock$/, "it's.sock");
  await using q = socket.create_server(quoted, { family: socket.AF_UNIX });
  e = await assertErrno(
    () => socket.create_server(quoted, { family: socket.AF_UNIX }),
    errno.EADDRINUSE,
  );
  assert.ok(e.message.endsWith(`address "${quoted}")`), e.message);
  void u;
  void q;
});

Deno.test("create_server: AF_UNIX sets SO_REUSEADDR as CPython does", async () => {
  await using u = socket.create_server(unixPath(), {
    family: socket.AF_UNIX,
  });
  assert.equal(u.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
});

Deno.test("AF_UNIX: IPPROTO_TCP/IP/IPV6 options give EOPNOTSUPP", async () => {
  for (const s of [socket.socket(socket.AF_UNIX), listener(UNIX)]) {
    using _ = s;
    for (
      const [level, opt] of [
        [socket.IPPROTO_TCP, socket.TCP_NODELAY],
        [socket.IPPROTO_TCP, socket.TCP_MAXSEG],
        [socket.IPPROTO_TCP, 999],
        [socket.IPPROTO_IP, socket.IP_MULTICAST_TTL],
        [socket.IPPROTO_IPV6, socket.IPV6_V6ONLY],
      ] satisfies Array<[number, number]>
    ) {
      assertErrnoSync(() => s.getsockopt(level, opt), errno.EOPNOTSUPP);
      assertErrnoSync(() => s.getsockopt(level, opt, 4), errno.EOPNOTSUPP);
      assertErrnoSync(() => s.setsockopt(level, opt, 1), errno.EOPNOTSUPP);
    }
    // SOL_SOCKET options stay.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 1);
  }
  await using p = await pair(UNIX);
  assertErrnoSync(
    () => p.client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),
    errno.EOPNOTSUPP,
  );
});

Deno.test("accept: AF_UNIX inherits no options, TCP inherits Linux's", async () => {
  for (const fc of [INET, UNIX]) {
    using s = socket.socket(fc.family);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    s.bind(fc.address());
    s.listen();
    using c = socket.socket(fc.family);
    const connecting = c.connect(s.getsockname());
    const [conn] = await s.accept();
    await connecting;
    const want = fc.family === socket.AF_UNIX ? 0 : 1;
    assert.equal(
      conn.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
      want,
      `${fc.name} keepalive`,
    );
    assert.equal(
      conn.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR),
      want,
      `${fc.name} reuseaddr`,
    );
    await closeAll(conn, c);
  }
});

Deno.test("shutdown on a TCP listener: SHUT_WR does nothing, SHUT_RD stops it", async () => {
  for (const fc of [INET, INET6]) {
    using s = listener(fc);
    const name = s.getsockname();
    assert.equal(s.shutdown(socket.SHUT_WR), undefined);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
    s.settimeout(0);
    await assertErrno(() => s.accept(), errno.EAGAIN, "after SHUT_WR");
    s.settimeout(null);
    for (const how of [socket.SHUT_RD, socket.SHUT_RDWR]) {
      // A blocked accept is woken with EINVAL.
      const pending = s.accept();
      await sleep(20);
      assert.equal(s.shutdown(how), undefined);
      await assertErrno(() => pending, errno.EINVAL, "pending accept");
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0);
      assert.deepEqual(s.getsockname(), name);
      await assertErrno(() => s.accept(), errno.EINVAL, "accept after");
      s.settimeout(0);
      await assertErrno(() => s.accept(), errno.EINVAL, "nb accept after");
      s.settimeout(null);
      assertErrnoSync(() => s.shutdown(how), errno.ENOTCONN, "again");
      // listen() again takes connections again.
      s.listen();
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
      using c = socket.socket(fc.family);
      const connecting = c.connect(name);
      const [conn] = await s.accept();
      await connecting;
      await c.sendall("x");
      assert.equal((await conn.recv(1)).length, 1);
      await closeAll(conn, c);
    }
  }
});

Deno.test("shutdown on an AF_UNIX listener: only a blocking accept gives EINVAL", async () => {
  using s = listener(UNIX);
  s.shutdown(socket.SHUT_WR);
  s.settimeout(0);
  await assertErrno(() => s.accept(), errno.EAGAIN, "after SHUT_WR");
  s.settimeout(null);
  const pending = s.accept();
  await sleep(20);
  assert.equal(s.shutdown(socket.SHUT_RDWR), undefined);
  await assertErrno(() => pending, errno.EINVAL, "pending accept");
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  s.shutdown(socket.SHUT_RDWR); // again: allowed
  await assertErrno(() => s.accept(), errno.EINVAL, "blocking accept");
  s.settimeout(0);
  await assertErrno(() => s.accept(), errno.EAGAIN, "non-blocking accept");
  s.settimeout(0.05);
  await assert.rejects(s.accept(), socket.timeout);
});

Deno.test("AF_UNIX stream sendto: EISCONN connected, EOPNOTSUPP before", async () => {
  await using p = await pair(UNIX);
  await assertErrno(
    () => p.client.sendto("x", p.server.getsockname()),
    errno.EISCONN,
  );
  await assertErrno(
    () => p.client.sendto("x", 0, p.server.getsockname()),
    errno.EISCONN,
  );
  using s = socket.socket(socket.AF_UNIX);
  await assertErrno(
    () => s.sendto("x", p.server.getsockname()),
    errno.EOPNOTSUPP,
  );
});
