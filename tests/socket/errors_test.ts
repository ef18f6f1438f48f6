// The exception classes, their messages, and the one mapping from runtime
// errors to `error`.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import {
  fromRuntimeError,
  osError,
  permissionError,
  timedOut,
} from "../../socket/errors.ts";
import { RuntimeError } from "../../_runtime/runtime.ts";

Deno.test("messages read like Python's", () => {
  const cases: Array<[Error, string, number | null, string]> = [
    [new socket.error(111), "[Errno 111] Connection refused", 111, "OSError"],
    [new socket.error(98, "custom"), "[Errno 98] custom", 98, "OSError"],
    [
      new socket.error("service/proto not found"),
      "service/proto not found",
      null,
      "OSError",
    ],
    [
      new socket.gaierror(-2),
      "[Errno -2] Name or service not known",
      -2,
      "gaierror",
    ],
    [
      new socket.gaierror(-3),
      "[Errno -3] Temporary failure in name resolution",
      -3,
      "gaierror",
    ],
    [
      new socket.gaierror(-8),
      "[Errno -8] Servname not supported for ai_socktype",
      -8,
      "gaierror",
    ],
    [new socket.herror(1), "[Errno 1] Unknown host", 1, "herror"],
    [new socket.herror(2), "[Errno 2] Host name lookup failure", 2, "herror"],
    [new socket.timeout("timed out"), "timed out", null, "TimeoutError"],
    [timedOut(), "timed out", null, "TimeoutError"],
  ];
  for (const [e, message, code, name] of cases) {
    assert.ok(e instanceof socket.error);
    assert.equal(e.message, message);
    assert.equal((e as socket.error).errno, code);
    assert.equal(e.name, name);
  }
  assert.equal(new socket.error(111).strerror, "Connection refused");
  assert.equal(new socket.error("plain").strerror, "plain");
  assert.equal(socket.OSError, socket.error);
  assert.equal(socket.TimeoutError, socket.timeout);
  assert.equal(
    new socket.gaierror(-99).message,
    "[Errno -99] Unknown error -99",
  );
});

Deno.test("osError picks Python's subclass for the errno", () => {
  const e = socket.errno;
  const cases: Array<[number, typeof socket.error]> = [
    [e.EAGAIN, socket.BlockingIOError],
    [e.EINPROGRESS, socket.BlockingIOError],
    [e.EPIPE, socket.BrokenPipeError],
    [e.ECONNABORTED, socket.ConnectionAbortedError],
    [e.ECONNREFUSED, socket.ConnectionRefusedError],
    [e.ECONNRESET, socket.ConnectionResetError],
    [e.ENOENT, socket.FileNotFoundError],
    [e.EACCES, socket.PermissionError],
    [e.ETIMEDOUT, socket.timeout],
    [e.EBADF, socket.error],
  ];
  for (const [code, cls] of cases) {
    const err = osError(code);
    assert.ok(err instanceof cls, `${code}: ${err.name}`);
    assert.equal(err.constructor, cls);
    assert.equal(err.errno, code);
  }
  assert.ok(osError(e.ECONNRESET) instanceof socket.ConnectionError);
  assert.equal(
    osError(e.ETIMEDOUT).message,
    "[Errno 110] Connection timed out",
  );
});

Deno.test("errno: Linux values, as the API lists them", () => {
  const want: Array<[keyof typeof socket.errno, number]> = [
    ["ECONNREFUSED", 111],
    ["EADDRINUSE", 98],
    ["EBADF", 9],
    ["ENOTCONN", 107],
    ["EAGAIN", 11],
    ["EINPROGRESS", 115],
    ["ECONNRESET", 104],
    ["EPIPE", 32],
    ["EINVAL", 22],
    ["EISCONN", 106],
    ["ENOPROTOOPT", 92],
    ["EACCES", 13],
    ["EAFNOSUPPORT", 97],
    ["EADDRNOTAVAIL", 99],
    ["ETIMEDOUT", 110],
  ];
  for (const [name, value] of want) {
    assert.equal(socket.errno[name], value, name);
  }
});

Deno.test("fromRuntimeError: runtime errors, Node's codes, permissions", () => {
  const cases: Array<[unknown, number | null]> = [
    [new RuntimeError("ECONNREFUSED", "connect"), 111],
    [new RuntimeError("EADDRINUSE", "bind"), 98],
    [new RuntimeError("ENODEV", "setsockopt"), 19],
    [
      Object.assign(new Error("connect ECONNREFUSED"), {
        code: "ECONNREFUSED",
      }),
      111,
    ],
    [Object.assign(new Error("write EPIPE"), { code: "EPIPE" }), 32],
    [new Error("something else"), null],
    ["a string", null],
    [null, null],
  ];
  for (const [input, code] of cases) {
    const out = fromRuntimeError(input);
    assert.ok(out instanceof socket.error, String(input));
    assert.equal(out.errno, code, String(input));
  }
  // The runtime's own error is kept as the cause.
  const raw = new Error("refused");
  const refused = fromRuntimeError(
    new RuntimeError("ECONNREFUSED", "connect", { cause: raw }),
  );
  assert.equal(refused.cause, raw);
  const kept = new socket.gaierror(-2);
  assert.equal(fromRuntimeError(kept), kept);
  assert.ok(fromRuntimeError(new TypeError("t")) instanceof TypeError);
  const denied = fromRuntimeError(
    new RuntimeError("EACCES", "connect", {
      permissionFlag: "--allow-net=127.0.0.1:8080",
    }),
  ) as socket.error;
  assert.equal(denied.errno, 13);
  assert.ok(denied instanceof socket.PermissionError);
  assert.equal(
    denied.message,
    "[Errno 13] Permission denied: run Deno with --allow-net=127.0.0.1:8080",
  );
  assert.equal(
    permissionError("sys:hostname").message,
    "[Errno 13] Permission denied: run Deno with --allow-sys=hostname",
  );
  assert.equal(permissionError("\0").errno, 13);
});

Deno.test("internal helpers are not part of the public module", () => {
  const names = Object.keys(socket);
  for (
    const internal of [
      "osError",
      "timedOut",
      "permissionError",
      "fromRuntimeError",
    ]
  ) {
    assert.ok(!names.includes(internal), internal);
  }
});

Deno.test("error fields for JavaScript code: code as Node.js spells it, and cause", async () => {
  const cases: Array<[socket.error, string]> = [
    [new socket.error(111), "ECONNREFUSED"],
    [new socket.error(11), "EAGAIN"],
    [new socket.ConnectionResetError(104), "ECONNRESET"],
    [new socket.gaierror(-2), "EAI_NONAME"],
    [new socket.gaierror(-3), "EAI_AGAIN"],
    [new socket.herror(1), "HOST_NOT_FOUND"],
    [new socket.timeout("timed out"), "ETIMEDOUT"],
    [osError(socket.errno.ETIMEDOUT), "ETIMEDOUT"],
    [new socket.error("only a message"), "UNKNOWN"],
  ];
  for (const [e, code] of cases) assert.equal(e.code, code, e.message);
  // A real failure: the refused connect carries the runtime's error.
  using probe = socket.socket();
  probe.bind(["127.0.0.1", 0]);
  const port = probe.getsockname()[1];
  probe.close();
  using s = socket.socket();
  const e = await s.connect(["127.0.0.1", port]).then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(e instanceof socket.ConnectionRefusedError);
  assert.equal(e.code, "ECONNREFUSED");
  assert.ok(e.cause !== undefined, "the runtime's error is kept as cause");
});
