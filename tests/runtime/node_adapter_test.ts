// The Node.js adapter: its translation of Node's errors into
// `RuntimeError`s (and through socket/errors.ts into Python's classes), and
// its binds, which finish in the call although Node.js binds a TCP server
// given a host (and Bun a UDP socket) only on a later tick. Everything here
// holds on Deno too (its adapter binds in the call), so it runs on every
// runtime; the translation is a plain function of node.ts. The npm build
// includes this file.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { runtime as nodeRuntime, translate } from "../../_runtime/node.ts";
import { runtime, RuntimeError } from "../../_runtime/runtime.ts";
import { fromRuntimeError } from "../../socket/errors.ts";

const { errno } = socket;

/** A Node.js system error as Node makes them. */
function nodeError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${syscall} ${code}`), {
    code,
    syscall,
    errno: -1,
  });
}

Deno.test("Node adapter: Node's codes become RuntimeErrors with Node's error as cause", () => {
  const cases: Array<[unknown, string, number | null]> = [
    [nodeError("ECONNREFUSED", "connect"), "ECONNREFUSED", 111],
    [nodeError("ECONNRESET", "read"), "ECONNRESET", 104],
    [nodeError("EADDRINUSE", "listen"), "EADDRINUSE", 98],
    [nodeError("EADDRNOTAVAIL", "bind"), "EADDRNOTAVAIL", 99],
    [nodeError("EPIPE", "write"), "EPIPE", 32],
    [nodeError("ENODEV", "addMembership"), "ENODEV", 19],
    // Node's own codes for conditions with an errno.
    [
      Object.assign(new Error("write after end"), {
        code: "ERR_STREAM_WRITE_AFTER_END",
      }),
      "EPIPE",
      32,
    ],
    [
      Object.assign(new Error("closed"), { code: "ERR_SOCKET_CLOSED" }),
      "EBADF",
      9,
    ],
    [
      Object.assign(new Error("not running"), {
        code: "ERR_SOCKET_DGRAM_NOT_RUNNING",
      }),
      "EBADF",
      9,
    ],
    // No errno: Node's word for it.
    [nodeError("UNKNOWN", "read"), "UNKNOWN", null],
    [
      Object.assign(new Error("x"), { code: "ERR_SOMETHING_ELSE" }),
      "UNKNOWN",
      null,
    ],
    [new Error("no code"), "UNKNOWN", null],
    ["a string", "UNKNOWN", null],
    [null, "UNKNOWN", null],
  ];
  for (const [input, code, n] of cases) {
    const translated = translate(input, "connect");
    assert.ok(translated instanceof RuntimeError, String(input));
    assert.equal(translated.code, code, String(input));
    assert.equal(translated.syscall, "connect");
    assert.equal(translated.permissionFlag, null);
    assert.equal(translated.cause, input);
    const out = fromRuntimeError(translated);
    assert.ok(out instanceof socket.error, String(input));
    assert.equal(out.errno, n, String(input));
    // Nothing of the runtime's error is lost.
    if (input instanceof Error) assert.equal(out.cause, input);
  }
  // A RuntimeError passes through unchanged.
  const already = new RuntimeError("EINVAL", "bind");
  assert.equal(translate(already, "connect"), already);
});

Deno.test("runtime port: a refused connect rejects with a RuntimeError", async () => {
  // A port that was just free: nothing listens on it.
  const probe = socket.socket();
  probe.bind(["127.0.0.1", 0]);
  const port = probe.getsockname()[1] as number;
  probe.close();
  const e = await runtime.connectStream({
    transport: "tcp",
    hostname: "127.0.0.1",
    port,
  }).then(
    (c) => {
      c.close();
      return null;
    },
    (e: unknown) => e,
  );
  assert.ok(e instanceof RuntimeError, String(e));
  assert.equal(e.code, "ECONNREFUSED");
  assert.equal(e.syscall, "connect");
  assert.equal((e.cause as { code?: string }).code, "ECONNREFUSED");
});

Deno.test("runtime port: binds finish in the call, also twice in one tick", async () => {
  for (
    const [family, host] of [
      [socket.AF_INET, "127.0.0.1"],
      [socket.AF_INET6, "::1"],
    ] as const
  ) {
    if (family === socket.AF_INET6 && !socket.has_ipv6) continue;
    for (const type of [socket.SOCK_STREAM, socket.SOCK_DGRAM]) {
      const what = `${socket.AddressFamily[family]} ${socket.SocketKind[type]}`;
      const a = socket.socket(family, type);
      const b = socket.socket(family, type);
      const c = socket.socket(family, type);
      try {
        a.bind([host, 0]);
        const port = a.getsockname()[1] as number;
        assert.ok(port > 0, what);
        // Before the event loop has run: the port is already a's.
        assert.throws(
          () => b.bind([host, port]),
          (e: unknown) =>
            e instanceof socket.error && e.errno === errno.EADDRINUSE,
          what,
        );
        // Another port 0 in the same tick gets another port.
        c.bind([host, 0]);
        assert.notEqual(c.getsockname()[1], port, what);
      } finally {
        await Promise.all([a, b, c].map((s) => s[Symbol.asyncDispose]()));
      }
    }
  }
});

Deno.test("runtime port: a listener takes connections right after bind and listen", async () => {
  const srv = socket.socket();
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  const client = socket.socket();
  try {
    await client.connect(srv.getsockname());
    const [conn] = await srv.accept();
    await client.sendall("hello");
    assert.equal(new TextDecoder().decode(await conn.recv(10)), "hello");
    await conn[Symbol.asyncDispose]();
  } finally {
    await Promise.all([client, srv].map((s) => s[Symbol.asyncDispose]()));
  }
});

Deno.test("runtime port: a host name is resolved in bind", async () => {
  const hosts = runtime.readTextFileSync("/etc/hosts") ?? "";
  if (!/^\s*127\.0\.0\.1\s.*\blocalhost\b/m.test(hosts)) {
    console.log("SKIP bind to a name: /etc/hosts has no 127.0.0.1 localhost");
    return;
  }
  const s = socket.socket();
  try {
    s.bind(["localhost", 0]);
    assert.equal(s.getsockname()[0], "127.0.0.1");
  } finally {
    await s[Symbol.asyncDispose]();
  }
});

Deno.test("Node adapter: tryLockSync is ENOSYS (Node.js has no flock; pysocket locks only under Deno's flags)", () => {
  assert.throws(
    () => nodeRuntime.tryLockSync("/tmp/pysocket/pair.lock"),
    (e: unknown) =>
      e instanceof RuntimeError && e.code === "ENOSYS" &&
      e.syscall === "flock",
  );
});
