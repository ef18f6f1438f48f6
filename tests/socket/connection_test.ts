// socketpair, create_connection, create_server, has_dualstack_ipv6.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { assertErrno, closeAll, text, unixPath } from "./_helpers.ts";

const { errno } = socket;

Deno.test("socketpair: AF_UNIX by default, and loopback TCP", async () => {
  for (const family of [undefined, socket.AF_INET, socket.AF_INET6]) {
    const [a, b] = await socket.socketpair(family);
    assert.equal(a.family, family ?? socket.AF_UNIX);
    await a.sendall("ping");
    assert.equal(text(await b.recv(10)), "ping");
    await b.sendall("pong");
    assert.equal(text(await a.recv(10)), "pong");
    await closeAll(a, b);
  }
  await assertErrno(() => socket.socketpair(12345), errno.EAFNOSUPPORT);
  // Datagram pairs are AF_UNIX only, as on Linux.
  await assertErrno(
    () => socket.socketpair(socket.AF_INET, socket.SOCK_DGRAM),
    errno.EOPNOTSUPP,
  );
});

Deno.test("create_connection: all_errors gives an AggregateError of every address's error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/hosts`,
      "::1 two-addresses\n127.0.0.1 two-addresses\n",
    );
    socket.set_resolver({ hostsFile: `${dir}/hosts` });
    const probe = socket.socket();
    probe.bind(["127.0.0.1", 0]);
    const port = (probe.getsockname() as [string, number])[1];
    probe.close();
    const address: [string, number] = ["two-addresses", port];
    // Without it: the first address's error, as CPython.
    await assertErrno(
      () => socket.create_connection(address),
      errno.ECONNREFUSED,
    );
    await assert.rejects(
      () => socket.create_connection(address, null, null, true),
      (e: unknown) => {
        assert.ok(e instanceof AggregateError);
        assert.equal(e.message, "create_connection failed");
        assert.equal(e.errors.length, 2);
        for (const one of e.errors) {
          assert.ok(one instanceof socket.ConnectionRefusedError);
          assert.equal(one.errno, errno.ECONNREFUSED);
        }
        return true;
      },
    );
  } finally {
    socket.reset_resolver();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("create_connection: timeout, resolution, refusal", async () => {
  await using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as [string, number])[1];
  await using c = await socket.create_connection(["localhost", port], 2.5);
  assert.equal(c.gettimeout(), 2.5);
  const [conn] = await srv.accept();
  await c.sendall("x");
  assert.equal(text(await conn.recv(1)), "x");
  await closeAll(conn);
  await using d = await socket.create_connection(
    ["127.0.0.1", port],
    undefined,
    ["", 0],
  );
  assert.equal(d.gettimeout(), null);
  const [conn2] = await srv.accept();
  await closeAll(conn2);
  srv.close();
  await assertErrno(
    () => socket.create_connection(["127.0.0.1", port]),
    errno.ECONNREFUSED,
  );
  await assert.rejects(
    socket.create_connection("127.0.0.1" as unknown as [string, number]),
    TypeError,
  );
});

Deno.test("create_server: reuse_port, dualstack, AF_UNIX, errors", async () => {
  await using a = socket.create_server(["127.0.0.1", 0], {
    reuse_port: true,
    backlog: 8,
  });
  assert.equal(a.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  assert.equal(a.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1);
  await using b = socket.create_server(a.getsockname(), { reuse_port: true });
  assert.deepEqual(b.getsockname(), a.getsockname());
  const e = await assertErrno(
    () => socket.create_server(a.getsockname()),
    errno.EADDRINUSE,
  );
  assert.match(e.message, /while attempting to bind on address/);
  if (socket.has_dualstack_ipv6()) {
    await using d = socket.create_server(["", 0], {
      family: socket.AF_INET6,
      dualstack_ipv6: true,
    });
    const port = d.getsockname()[1];
    await using c4 = await socket.create_connection(["127.0.0.1", port]);
    const [conn, addr] = await d.accept();
    assert.equal((addr as unknown[])[0], "::ffff:127.0.0.1");
    await closeAll(conn);
    void c4;
  }
  assert.throws(
    () => socket.create_server(["", 0], { dualstack_ipv6: true }),
    RangeError,
  );
  const path = unixPath();
  await using u = socket.create_server(path, { family: socket.AF_UNIX });
  assert.equal(u.getsockname(), path);
});
