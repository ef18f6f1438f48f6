// What the Node.js adapter can do that Deno cannot (its `capabilities`),
// through the socket API: Linux abstract Unix names and IPV6_V6ONLY. Node.js
// and Bun only: on Deno every test prints why it is skipped (Deno's own
// limits are checked in tests/socket/). The npm build includes this file.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { runtime } from "../../_runtime/runtime.ts";

const { errno } = socket;

/** Why this test cannot run here, or `null`. */
function skipReason(what: string): string | null {
  if (runtime.name !== "node") {
    return `${what}: a capability of the Node.js adapter; Deno has none (${runtime.name})`;
  }
  return null;
}

async function closeAll(...socks: socket.Socket[]): Promise<void> {
  await Promise.all(socks.map((s) => s[Symbol.asyncDispose]()));
}

function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

async function assertErrno(fn: () => unknown, code: number): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof socket.error, `not a socket.error: ${e}`);
    assert.equal(e.errno, code, String(e));
    return;
  }
  assert.fail(`expected errno ${code}, nothing was thrown`);
}

Deno.test("Node adapter: capabilities say what Node.js can do", () => {
  const why = skipReason("capabilities");
  if (why !== null) {
    console.log(`SKIP ${why}`);
    return;
  }
  assert.deepEqual(runtime.capabilities, {
    connectFromLocal: true,
    abstractUnixNames: runtime.platform() === "linux",
    unixDatagrams: false,
    udp: true,
    ipv6Only: true,
    permissionFlags: false,
    datagramWakeup: true,
  });
});

Deno.test("Node adapter: an abstract Unix name binds, connects and leaves no file", async () => {
  const why = skipReason("abstract Unix names") ??
    (runtime.platform() !== "linux" ? "abstract Unix names: Linux only" : null);
  if (why !== null) {
    console.log(`SKIP ${why}`);
    return;
  }
  assert.equal(runtime.capabilities.abstractUnixNames, true);
  const name = `\0pysocket-test-${Deno.pid}-${
    Math.random().toString(36).slice(2)
  }`;
  const srv = socket.socket(socket.AF_UNIX);
  srv.bind(name);
  srv.listen();
  assert.equal(srv.getsockname(), name);
  // The same name again is in use, as on Linux.
  const other = socket.socket(socket.AF_UNIX);
  await assertErrno(() => other.bind(name), errno.EADDRINUSE);
  other.close();
  const client = socket.socket(socket.AF_UNIX);
  await client.connect(name);
  const [conn] = await srv.accept();
  try {
    assert.equal(client.getpeername(), name);
    assert.equal(conn.getsockname(), name);
    await client.sendall("over an abstract name");
    assert.equal(text(await conn.recv(100)), "over an abstract name");
    await conn.sendall("and back");
    assert.equal(text(await client.recv(100)), "and back");
    // Abstract names live outside the file system.
    assert.equal(runtime.pathKind(name.slice(1)), "missing");
  } finally {
    await closeAll(client, conn, srv);
  }
});

Deno.test("Node adapter: IPV6_V6ONLY on a listener leaves the IPv4 port free", async () => {
  const why = skipReason("IPV6_V6ONLY") ??
    (socket.has_ipv6 ? null : "IPV6_V6ONLY: no IPv6 on this machine");
  if (why !== null) {
    console.log(`SKIP ${why}`);
    return;
  }
  const { IPPROTO_IPV6, IPV6_V6ONLY } = socket;
  // v6-only: 127.0.0.1 on the same port is another socket's.
  const v6 = socket.socket(socket.AF_INET6);
  assert.equal(v6.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 0);
  v6.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 1);
  assert.equal(v6.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 1);
  v6.bind(["::", 0]);
  v6.listen();
  // Linux: only before the bind.
  await assertErrno(
    () => v6.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0),
    errno.EINVAL,
  );
  const port = v6.getsockname()[1] as number;
  const v4 = socket.socket(socket.AF_INET);
  v4.bind(["127.0.0.1", port]);
  v4.listen();
  const client = await socket.create_connection(["127.0.0.1", port]);
  const [conn] = await v4.accept();
  try {
    await client.sendall("to the IPv4 listener");
    assert.equal(text(await conn.recv(100)), "to the IPv4 listener");
  } finally {
    await closeAll(client, conn, v4, v6);
  }
  // Dual-stack (the default): the IPv4 side of the port is taken.
  const dual = socket.socket(socket.AF_INET6);
  dual.bind(["::", 0]);
  dual.listen();
  const taken = socket.socket(socket.AF_INET);
  try {
    await assertErrno(
      () => taken.bind(["127.0.0.1", dual.getsockname()[1] as number]),
      errno.EADDRINUSE,
    );
  } finally {
    await closeAll(taken, dual);
  }
});

Deno.test("Node adapter: IPV6_V6ONLY on a UDP socket leaves the IPv4 port free", async () => {
  const why = skipReason("IPV6_V6ONLY (UDP)") ??
    (socket.has_ipv6 ? null : "IPV6_V6ONLY: no IPv6 on this machine");
  if (why !== null) {
    console.log(`SKIP ${why}`);
    return;
  }
  const { IPPROTO_IPV6, IPV6_V6ONLY, SOCK_DGRAM } = socket;
  const v6 = socket.socket(socket.AF_INET6, SOCK_DGRAM);
  v6.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 1);
  v6.bind(["::", 0]);
  const port = v6.getsockname()[1] as number;
  const v4 = socket.socket(socket.AF_INET, SOCK_DGRAM);
  const sender = socket.socket(socket.AF_INET, SOCK_DGRAM);
  try {
    v4.bind(["127.0.0.1", port]);
    await sender.sendto("to the IPv4 socket", ["127.0.0.1", port]);
    const [data] = await v4.recvfrom(100);
    assert.equal(text(data), "to the IPv4 socket");
  } finally {
    await closeAll(sender, v4, v6);
  }
  const dual = socket.socket(socket.AF_INET6, SOCK_DGRAM);
  dual.bind(["::", 0]);
  const taken = socket.socket(socket.AF_INET, SOCK_DGRAM);
  try {
    await assertErrno(
      () => taken.bind(["127.0.0.1", dual.getsockname()[1] as number]),
      errno.EADDRINUSE,
    );
  } finally {
    await closeAll(taken, dual);
  }
});
