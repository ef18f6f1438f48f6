// Yardstick: CPython 3.11 test_socket.py NetworkConnectionNoServer,
// NetworkConnectionAttributesTest, NetworkConnectionBehaviourTest,
// ContextManagersTest, CreateServerTest and CreateServerFunctionalTest, as
// pysocket tests.

import assert from "node:assert/strict";
import { runtime } from "../../_runtime/runtime.ts";
import {
  cpythonCase,
  rejectsErrno,
  rejectsWith,
  sleep,
  socket,
  tcpServer,
  text,
} from "./_util.ts";

const { errno } = socket;

/** A TCP port nobody listens on (bound, then closed). */
async function unusedPort(family: number = socket.AF_INET): Promise<number> {
  const s = socket.socket(family, socket.SOCK_STREAM);
  s.bind([family === socket.AF_INET6 ? "::1" : "127.0.0.1", 0]);
  const port = s.getsockname()[1] as number;
  await s[Symbol.asyncDispose]();
  // Node.js frees a closed listener's port a few milliseconds after
  // asyncDispose resolves (where Linux frees it at close()): let it.
  if (runtime.name === "node") await sleep(50);
  return port;
}

const ns = cpythonCase("NetworkConnectionNoServer");

ns("test_connect", "connect to a closed port: ECONNREFUSED", async () => {
  const port = await unusedPort();
  await using cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await rejectsErrno(
    () => cli.connect(["127.0.0.1", port]),
    errno.ECONNREFUSED,
  );
});

ns("test_create_connection", "the error keeps its errno", async () => {
  const port = await unusedPort();
  await rejectsErrno(
    () => socket.create_connection(["localhost", port]),
    [errno.ECONNREFUSED, errno.EADDRNOTAVAIL],
  );
});

ns(
  "test_create_connection_all_errors",
  "all_errors: one error per address",
  async () => {
    const port = await unusedPort();
    const cc = socket.create_connection as unknown as (
      ...a: unknown[]
    ) => Promise<socket.Socket>;
    let group: unknown = null;
    try {
      await cc(["localhost", port], undefined, undefined, true);
    } catch (e) {
      group = e;
    }
    assert.ok(group instanceof AggregateError, `got ${group}`);
    for (const e of group.errors) assert.ok(e instanceof socket.error);
    const addresses = await socket.getaddrinfo(
      "localhost",
      port,
      0,
      socket.SOCK_STREAM,
    );
    assert.equal(group.errors.length, addresses.length);
  },
);

ns(
  "test_create_connection_timeout",
  "a connect timeout stays a timeout",
  async () => {
    const proto = socket.Socket.prototype as unknown as {
      connect: (...a: unknown[]) => Promise<void>;
    };
    const original = proto.connect;
    proto.connect = () => Promise.reject(new socket.timeout("timed out"));
    try {
      await rejectsWith(
        () => socket.create_connection(["127.0.0.1", 1234]),
        socket.timeout,
      );
    } finally {
      proto.connect = original;
    }
  },
);

const attrs = cpythonCase("NetworkConnectionAttributesTest");

/** Connects with `create_connection(...args)` to a fresh server. */
async function connectTo(
  f: (addr: [string, number]) => Promise<socket.Socket>,
): Promise<socket.Socket> {
  await using serv = tcpServer();
  const accepting = serv.accept();
  const cli = await f(serv.getsockname());
  const [conn] = await accepting;
  await conn[Symbol.asyncDispose]();
  return cli;
}

attrs("testFamily", "the socket is AF_INET", async () => {
  await using cli = await connectTo((a) => socket.create_connection(a, 30));
  assert.equal(cli.family, 2);
});

attrs(
  "testSourceAddress",
  `source_address (${runtime.name}: ${
    runtime.capabilities.connectFromLocal ? "bound" : "EOPNOTSUPP, documented"
  })`,
  async () => {
    const port = await unusedPort();
    if (runtime.capabilities.connectFromLocal) {
      await using cli = await connectTo((a) =>
        socket.create_connection(a, 30, ["", port])
      );
      assert.equal((cli.getsockname() as [string, number])[1], port);
    } else {
      // README "No local address before connect": Deno cannot connect from
      // a chosen port.
      await using serv = tcpServer();
      await rejectsErrno(
        () => socket.create_connection(serv.getsockname(), 30, ["", port]),
        errno.EOPNOTSUPP,
      );
    }
  },
);

attrs("testTimeoutDefault", "no timeout: the default timeout", async () => {
  assert.equal(socket.getdefaulttimeout(), null);
  socket.setdefaulttimeout(42);
  let cli: socket.Socket;
  try {
    cli = await connectTo((a) => socket.create_connection(a));
  } finally {
    socket.setdefaulttimeout(null);
  }
  await using _cli = cli;
  assert.equal(cli.gettimeout(), 42);
});

attrs("testTimeoutNone", "timeout=None is blocking", async () => {
  socket.setdefaulttimeout(30);
  let cli: socket.Socket;
  try {
    cli = await connectTo((a) => socket.create_connection(a, null));
  } finally {
    socket.setdefaulttimeout(null);
  }
  await using _cli = cli;
  assert.equal(cli.gettimeout(), null);
});

attrs("testTimeoutValueNamed", "timeout=30", async () => {
  await using cli = await connectTo((a) => socket.create_connection(a, 30));
  assert.equal(cli.gettimeout(), 30);
});

attrs("testTimeoutValueNonamed", "positional 30", async () => {
  await using cli = await connectTo((a) => socket.create_connection(a, 30));
  assert.equal(cli.gettimeout(), 30);
});

const behaviour = cpythonCase("NetworkConnectionBehaviourTest");

/** The server side: accept, wait `ms`, send "done!". */
async function lateSender(serv: socket.Socket, ms: number): Promise<void> {
  const [conn] = await serv.accept();
  await using _conn = conn;
  await sleep(ms);
  try {
    await conn.send("done!");
  } catch {
    // the client may have gone after its timeout
  }
}

behaviour("testInsideTimeout", "no timeout: recv waits", async () => {
  await using serv = tcpServer();
  const server = lateSender(serv, 600);
  await using sock = await socket.create_connection(serv.getsockname());
  assert.equal(text(await sock.recv(5)), "done!");
  await server;
});

behaviour("testOutsideTimeout", "timeout=0.2: recv times out", async () => {
  await using serv = tcpServer();
  const server = lateSender(serv, 600);
  await using sock = await socket.create_connection(serv.getsockname(), 0.2);
  await rejectsWith(() => sock.recv(5), socket.timeout);
  await server;
});

const cm = cpythonCase("ContextManagersTest");

/** An echo of one message. */
async function echoOnce(serv: socket.Socket): Promise<void> {
  const [conn] = await serv.accept();
  await using _conn = conn;
  const data = await conn.recv(1024);
  if (data.length) await conn.sendall(data);
}

cm("testCreateConnectionBase", "using: open inside, closed after", async () => {
  await using serv = tcpServer();
  const server = echoOnce(serv);
  let outer: socket.Socket;
  {
    await using sock = await socket.create_connection(serv.getsockname());
    outer = sock;
    assert.notEqual(sock.fileno(), -1);
    await sock.sendall("foo");
    assert.equal(text(await sock.recv(1024)), "foo");
  }
  assert.equal(outer.fileno(), -1);
  await server;
});

cm(
  "testCreateConnectionClose",
  "close inside using, then OSError",
  async () => {
    await using serv = tcpServer();
    const server = echoOnce(serv);
    let outer: socket.Socket;
    {
      await using sock = await socket.create_connection(serv.getsockname());
      outer = sock;
      sock.close();
    }
    assert.equal(outer.fileno(), -1);
    await rejectsErrno(() => outer.sendall("foo"), errno.EBADF);
    await server;
  },
);

const cs = cpythonCase("CreateServerTest");

cs("test_address", "the address asked for", async () => {
  const port = await unusedPort();
  {
    await using s = socket.create_server(["127.0.0.1", port]);
    assert.deepEqual(s.getsockname(), ["127.0.0.1", port]);
  }
  const port6 = await unusedPort(socket.AF_INET6);
  await using s6 = socket.create_server(["::1", port6], {
    family: socket.AF_INET6,
  });
  const name = s6.getsockname() as unknown[];
  assert.equal(name[0], "::1");
  assert.equal(name[1], port6);
});

cs("test_family_and_type", "AF_INET / AF_INET6, SOCK_STREAM", async () => {
  {
    await using s = socket.create_server(["127.0.0.1", 0]);
    assert.equal(s.family, socket.AF_INET);
    assert.equal(s.type, socket.SOCK_STREAM);
  }
  await using s6 = socket.create_server(["::1", 0], {
    family: socket.AF_INET6,
  });
  assert.equal(s6.family, socket.AF_INET6);
  assert.equal(s6.type, socket.SOCK_STREAM);
});

cs(
  "test_reuse_port",
  "SO_REUSEPORT off by default, on when asked",
  async () => {
    {
      await using s = socket.create_server(["localhost", 0]);
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0);
    }
    await using s = socket.create_server(["localhost", 0], {
      reuse_port: true,
    });
    assert.notEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0);
  },
);

cs(
  "test_ipv6_only_default",
  `IPV6_V6ONLY on an AF_INET6 server (${runtime.name})`,
  async () => {
    await using s = socket.create_server(["::1", 0], {
      family: socket.AF_INET6,
    });
    const v6only = s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY);
    if (runtime.name === "deno") {
      // README "IPv6 sockets are dual-stack": Deno cannot set IPV6_V6ONLY.
      assert.equal(v6only, 0);
    } else {
      assert.notEqual(v6only, 0);
    }
  },
);

cs("test_dualstack_ipv6_family", "dualstack_ipv6 gives AF_INET6", async () => {
  assert.equal(socket.has_dualstack_ipv6(), true);
  await using s = socket.create_server(["::1", 0], {
    family: socket.AF_INET6,
    dualstack_ipv6: true,
  });
  assert.equal(s.family, socket.AF_INET6);
});

const csf = cpythonCase("CreateServerFunctionalTest");

/** Echoes one message on `serv`'s first connection. */
async function echoServer(serv: socket.Socket): Promise<void> {
  serv.settimeout(10);
  const [conn] = await serv.accept();
  await using _conn = conn;
  const msg = await conn.recv(1024);
  if (msg.length) await conn.sendall(msg);
}

async function echoClient(
  addr: socket.Address,
  family: number,
): Promise<void> {
  await using sock = socket.socket(family);
  sock.settimeout(10);
  await sock.connect(addr);
  await sock.sendall("foo");
  assert.equal(text(await sock.recv(1024)), "foo");
}

csf("test_tcp4", "an AF_INET server on ''", async () => {
  const port = await unusedPort();
  await using s = socket.create_server(["", port]);
  const server = echoServer(s);
  await echoClient(["127.0.0.1", port], socket.AF_INET);
  await server;
});

csf("test_tcp6", "an AF_INET6 server on ''", async () => {
  const port = await unusedPort(socket.AF_INET6);
  await using s = socket.create_server(["", port], {
    family: socket.AF_INET6,
  });
  const server = echoServer(s);
  await echoClient(["::1", port], socket.AF_INET6);
  await server;
});

csf(
  "test_dual_stack_client_v4",
  "an IPv4 client of a dual-stack server",
  async () => {
    const port = await unusedPort(socket.AF_INET6);
    await using s = socket.create_server(["", port], {
      family: socket.AF_INET6,
      dualstack_ipv6: true,
    });
    const server = echoServer(s);
    await echoClient(["127.0.0.1", port], socket.AF_INET);
    await server;
  },
);

csf(
  "test_dual_stack_client_v6",
  "an IPv6 client of a dual-stack server",
  async () => {
    const port = await unusedPort(socket.AF_INET6);
    await using s = socket.create_server(["", port], {
      family: socket.AF_INET6,
      dualstack_ipv6: true,
    });
    const server = echoServer(s);
    await echoClient(["::1", port], socket.AF_INET6);
    await server;
  },
);
