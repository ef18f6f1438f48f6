// Connecting from a bound local address. Node.js can: the connection leaves
// from the address and port the bind took, as on Linux. Deno cannot: such a
// connect gives EOPNOTSUPP and the socket stays bound. Each runtime is held
// to its own documented outcome (README, "No local address before
// connect"); a bind to the wildcard address and port 0 is let go on both.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { runtime } from "../../_runtime/runtime.ts";
import { assertErrno, closeAll, text } from "./_helpers.ts";

const { errno } = socket;
const OUTCOME = runtime.capabilities.connectFromLocal
  ? "connects from it"
  : "EOPNOTSUPP";

function server(family: number, host: string): socket.Socket {
  const s = socket.socket(family);
  s.bind([host, 0]);
  s.listen();
  return s;
}

/** Accepts the client's connection and checks it came from `from`. */
async function acceptFrom(
  srv: socket.Socket,
  client: socket.Socket,
  from: socket.Address,
): Promise<void> {
  const [conn, peer] = await srv.accept();
  try {
    assert.deepEqual(peer, from);
    assert.deepEqual(client.getsockname(), from);
    assert.deepEqual(conn.getpeername(), from);
    await client.sendall("from the bound address");
    assert.equal(text(await conn.recv(100)), "from the bound address");
  } finally {
    await closeAll(conn);
  }
}

Deno.test(`connect from a bound address and port (${runtime.name}: ${OUTCOME})`, async () => {
  assert.equal(runtime.capabilities.connectFromLocal, runtime.name === "node");
  // 127.0.0.2 is on the loopback too: the server sees which one was bound.
  using srv = server(socket.AF_INET, "127.0.0.1");
  using c = socket.socket();
  c.bind(["127.0.0.2", 0]);
  const bound = c.getsockname();
  assert.equal(bound[0], "127.0.0.2");
  assert.ok((bound[1] as number) > 0);
  if (runtime.capabilities.connectFromLocal) {
    await c.connect(srv.getsockname());
    await acceptFrom(srv, c, bound);
  } else {
    await assertErrno(() => c.connect(srv.getsockname()), errno.EOPNOTSUPP);
    // Refused before anything changed: still bound, not connected.
    assert.deepEqual(c.getsockname(), bound);
    await assertErrno(() => c.recv(1), errno.ENOTCONN);
  }
});

Deno.test(`connect from a bound IPv6 address (${runtime.name}: ${OUTCOME})`, async () => {
  if (!socket.has_ipv6) {
    console.log("SKIP: no IPv6 on this machine");
    return;
  }
  using srv = server(socket.AF_INET6, "::1");
  using c = socket.socket(socket.AF_INET6);
  c.bind(["::1", 0]);
  const bound = c.getsockname();
  if (runtime.capabilities.connectFromLocal) {
    await c.connect(srv.getsockname());
    await acceptFrom(srv, c, bound);
  } else {
    await assertErrno(() => c.connect(srv.getsockname()), errno.EOPNOTSUPP);
    assert.deepEqual(c.getsockname(), bound);
  }
});

Deno.test(`connect from a bound address: with a timeout, non-blocking, create_connection (${runtime.name}: ${OUTCOME})`, async () => {
  using srv = server(socket.AF_INET, "127.0.0.1");
  const to = srv.getsockname();

  // A timeout: the connect waits with a deadline.
  using t = socket.socket();
  t.settimeout(5);
  t.bind(["127.0.0.3", 0]);
  const tBound = t.getsockname();
  if (runtime.capabilities.connectFromLocal) {
    await t.connect(to);
    await acceptFrom(srv, t, tBound);
  } else {
    await assertErrno(() => t.connect(to), errno.EOPNOTSUPP);
  }

  // Non-blocking: EINPROGRESS, then the connection is from the bound address.
  using n = socket.socket();
  n.setblocking(false);
  n.bind(["127.0.0.4", 0]);
  const nBound = n.getsockname();
  if (runtime.capabilities.connectFromLocal) {
    assert.equal(await n.connect_ex(to), errno.EINPROGRESS);
    srv.settimeout(5);
    const [conn, peer] = await srv.accept();
    await closeAll(conn);
    assert.deepEqual(peer, nBound);
  } else {
    assert.equal(await n.connect_ex(to), errno.EOPNOTSUPP);
  }

  // create_connection's source_address binds first.
  if (runtime.capabilities.connectFromLocal) {
    await using cc = await socket.create_connection(to as [string, number], 5, [
      "127.0.0.5",
      0,
    ]);
    assert.equal(cc.getsockname()[0], "127.0.0.5");
    await acceptFrom(srv, cc, cc.getsockname());
  } else {
    await assertErrno(
      () =>
        socket.create_connection(to as [string, number], 5, ["127.0.0.5", 0]),
      errno.EOPNOTSUPP,
    );
  }

  // The wildcard address with port 0 asks for nothing: let go on both.
  using w = socket.socket();
  w.bind(["", 0]);
  await w.connect(to);
  const [conn, peer] = await srv.accept();
  await closeAll(conn);
  assert.deepEqual(peer, w.getsockname());
});
