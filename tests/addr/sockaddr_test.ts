// parseSockaddr: the normalized form, and the errors
// CPython's getsockaddrarg gives on Linux for the same tuples.
import assert from "node:assert/strict";
import { error } from "../../socket/errors.ts";
import {
  isIPv4,
  isIPv6,
  parseSockaddr,
  type SockAddr,
} from "../../addr/sockaddr.ts";

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;

function throwsWith(
  f: () => unknown,
  cls: typeof TypeError | typeof RangeError | typeof error,
  message: string,
): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert.equal((e as Error).message, message);
    if (e instanceof error) assert.equal(e.errno, null);
    return true;
  });
}

function inet(host: string, port = 80): SockAddr {
  return parseSockaddr(AF_INET, [host, port], "bind");
}
function inet6(...t: unknown[]): SockAddr {
  return parseSockaddr(AF_INET6, t, "bind");
}

Deno.test("AF_INET: normalized hosts", () => {
  assert.deepEqual(inet("127.0.0.1", 8080), {
    family: AF_INET,
    host: "127.0.0.1",
    numeric: true,
    port: 8080,
    flowinfo: 0,
    scopeId: 0,
    path: "",
  });
  assert.equal(inet("").host, "0.0.0.0");
  assert.equal(inet("").numeric, true);
  assert.equal(inet("<broadcast>").host, "255.255.255.255");
  assert.equal(inet("255.255.255.255").host, "255.255.255.255");
  // Forms glibc's getaddrinfo reads as numeric (exact inet_aton).
  assert.equal(inet("127.1").host, "127.0.0.1");
  assert.equal(inet("0x7f.1").host, "127.0.0.1");
  assert.equal(inet("127.0.0.01").host, "127.0.0.1");
  assert.equal(inet("0x7f.1").numeric, true);
  // Names, and inet_aton forms with a tail (getaddrinfo rejects those).
  for (const name of ["localhost", "example.com", "1.2.3.4 ", "::1", "é"]) {
    const a = inet(name);
    assert.equal(a.host, name);
    assert.equal(a.numeric, false);
  }
  // Bytes hosts are accepted, as CPython accepts bytes and bytearray.
  assert.equal(
    parseSockaddr(AF_INET, [new TextEncoder().encode("10.0.0.1"), 1], "bind")
      .host,
    "10.0.0.1",
  );
  assert.equal(inet("10.0.0.1", 0).port, 0);
  assert.equal(inet("10.0.0.1", 65535).port, 65535);
});

Deno.test("AF_INET: CPython's errors", () => {
  const p = (a: unknown, fn = "bind"): SockAddr =>
    parseSockaddr(AF_INET, a, fn);
  throwsWith(
    () => p(1),
    TypeError,
    "bind(): AF_INET address must be tuple, not int",
  );
  throwsWith(
    () => p("127.0.0.1"),
    TypeError,
    "bind(): AF_INET address must be tuple, not str",
  );
  throwsWith(
    () => p(null, "connect"),
    TypeError,
    "connect(): AF_INET address must be tuple, not NoneType",
  );
  throwsWith(
    () => p({ host: "x", port: 1 }),
    TypeError,
    "bind(): AF_INET address must be tuple, not dict",
  );
  for (const t of [["x"], [], ["127.0.0.1", 0, 0]]) {
    throwsWith(
      () => p(t),
      TypeError,
      "AF_INET address must be a pair (host, port)",
    );
  }
  throwsWith(
    () => p(["127.0.0.1", "80"]),
    TypeError,
    "'str' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => p(["127.0.0.1", 1.5]),
    TypeError,
    "'float' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => p(["127.0.0.1", null]),
    TypeError,
    "'NoneType' object cannot be interpreted as an integer",
  );
  for (const port of [70000, 65536, -1, 2 ** 40, -(2 ** 40), 2 ** 70]) {
    throwsWith(
      () => p(["127.0.0.1", port]),
      RangeError,
      "bind(): port must be 0-65535.",
    );
  }
  throwsWith(
    () => p(["127.0.0.1", 70000], "connect"),
    RangeError,
    "connect(): port must be 0-65535.",
  );
  throwsWith(
    () => p([1, 0]),
    TypeError,
    "str, bytes or bytearray expected, not int",
  );
  throwsWith(
    () => p([null, 0]),
    TypeError,
    "str, bytes or bytearray expected, not NoneType",
  );
  throwsWith(
    () => p(["127.0.0.1\0", 0]),
    TypeError,
    "host name must not contain null character",
  );
  // The host is checked before the port, as CPython converts in order.
  throwsWith(
    () => p([1, "x"]),
    TypeError,
    "str, bytes or bytearray expected, not int",
  );
});

Deno.test("AF_INET6: normalized hosts, flowinfo and scope", () => {
  assert.deepEqual(inet6("::1", 80), {
    family: AF_INET6,
    host: "::1",
    numeric: true,
    port: 80,
    flowinfo: 0,
    scopeId: 0,
    path: "",
  });
  assert.equal(inet6("", 0).host, "::");
  assert.equal(inet6("0:0:0:0:0:0:0:1", 0).host, "::1");
  assert.equal(inet6("2001:DB8::0:1", 0).host, "2001:db8::1");
  assert.equal(inet6("::FFFF:127.0.0.1", 0).host, "::ffff:127.0.0.1");
  const full = inet6("::1", 1, 2, 3);
  assert.equal(full.flowinfo, 2);
  assert.equal(full.scopeId, 3);
  assert.equal(inet6("::1", 0, 1048575).flowinfo, 1048575);
  assert.equal(inet6("::1", 0, undefined, undefined).flowinfo, 0);
  // scope_id is read as C reads an unsigned int: modulo 2**32.
  assert.equal(inet6("::1", 0, 0, -1).scopeId, 4294967295);
  assert.equal(inet6("::1", 0, 0, 2 ** 32).scopeId, 0);
  assert.equal(inet6("::1", 0, 0, 4294967295).scopeId, 4294967295);
  // So is flowinfo, before its range check.
  assert.equal(inet6("::1", 0, 2 ** 32).flowinfo, 0);
  assert.equal(inet6("::1", 0, 2 ** 40).flowinfo, 0);
  // Zone suffixes.
  const z = inet6("fe80::1%3", 0);
  assert.equal(z.host, "fe80::1");
  assert.equal(z.numeric, true);
  assert.equal(z.scopeId, 3);
  assert.equal(z.scopeName, undefined);
  assert.equal(inet6("fe80::1%4294967295", 0).scopeId, 4294967295);
  assert.equal(inet6("fe80::1%01", 0).scopeId, 1);
  assert.equal(inet6("fe80::1%3", 0, 0, 7).scopeId, 7);
  const named = inet6("FE80::1%eth0", 0);
  assert.equal(named.host, "fe80::1");
  assert.equal(named.numeric, true);
  assert.equal(named.scopeId, 0);
  assert.equal(named.scopeName, "eth0");
  assert.equal(inet6("fe80::1%4294967296", 0).scopeName, "4294967296");
  assert.equal(inet6("fe80::1%+1", 0).scopeName, "+1");
  assert.ok(!("scopeName" in inet6("::1", 0)));
  // Names (and IPv4 text, which getaddrinfo will refuse for AF_INET6).
  for (const name of ["localhost", "127.0.0.1", "fe80::1%", "foo%1", "::1 "]) {
    const a = inet6(name, 0);
    assert.equal(a.host, name);
    assert.equal(a.numeric, false);
    assert.equal(a.scopeId, 0);
  }
});

Deno.test("AF_INET6: CPython's errors", () => {
  const arity =
    "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])";
  throwsWith(() => inet6("::1"), TypeError, arity);
  throwsWith(() => inet6("::1", 0, 0, 0, 0), TypeError, arity);
  throwsWith(
    () => parseSockaddr(AF_INET6, 1, "bind"),
    TypeError,
    "bind(): AF_INET6 address must be tuple, not int",
  );
  throwsWith(
    () => parseSockaddr(AF_INET6, "x", "connect"),
    TypeError,
    "connect(): AF_INET6 address must be tuple, not str",
  );
  for (const port of [70000, -1]) {
    throwsWith(
      () => inet6("::1", port),
      RangeError,
      "bind(): port must be 0-65535.",
    );
  }
  for (const flow of [1048576, -1, 2 ** 31]) {
    throwsWith(
      () => inet6("::1", 0, flow),
      RangeError,
      "bind(): flowinfo must be 0-1048575.",
    );
  }
  throwsWith(
    () => inet6("::1", 0, "0"),
    TypeError,
    "'str' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => inet6("::1", 0, 0, "0"),
    TypeError,
    "'str' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => inet6("::1", 0, 1.5),
    TypeError,
    "'float' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => inet6("::1", 0, 0, 1.5),
    TypeError,
    "'float' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => inet6("::1\0", 0),
    TypeError,
    "host name must not contain null character",
  );
  throwsWith(() => inet6("<broadcast>", 0), error, "address family mismatched");
  throwsWith(
    () => inet6("255.255.255.255", 0),
    error,
    "address family mismatched",
  );
});

Deno.test("AF_UNIX: paths", () => {
  const u = (a: unknown): SockAddr => parseSockaddr(AF_UNIX, a, "bind");
  assert.deepEqual(u("/tmp/x.sock"), {
    family: AF_UNIX,
    host: "",
    numeric: false,
    port: 0,
    flowinfo: 0,
    scopeId: 0,
    path: "/tmp/x.sock",
  });
  assert.equal(u("").path, "");
  assert.equal(u("\0abc").path, "\0abc");
  assert.equal(u(new TextEncoder().encode("\0abc2")).path, "\0abc2");
  assert.equal(u(new TextEncoder().encode("/tmp/é")).path, "/tmp/é");
  assert.equal(u(new TextEncoder().encode("/tmp/y").buffer).path, "/tmp/y");
  // The kernel reads a regular path up to its first NUL.
  assert.equal(u("a\0b").path, "a");
  // 107 bytes fit a regular path (and its NUL); 108 an abstract name.
  assert.equal(u("/tmp/" + "x".repeat(102)).path.length, 107);
  assert.equal(u("\0" + "x".repeat(107)).path.length, 108);
  assert.equal(u(new Uint8Array(108)).path.length, 108);
  assert.equal(u(new Uint8Array(107).fill(120)).path.length, 107);
  for (
    const p of [
      "/tmp/" + "x".repeat(103),
      "\0" + "x".repeat(108),
      "é".repeat(60), // 120 bytes in UTF-8
      new Uint8Array(108).fill(120),
      new Uint8Array(109),
    ]
  ) {
    throwsWith(() => u(p), error, "AF_UNIX path too long");
  }
  throwsWith(
    () => u(["/tmp/x"]),
    TypeError,
    "a bytes-like object is required, not 'list'",
  );
  throwsWith(
    () => u(1),
    TypeError,
    "a bytes-like object is required, not 'int'",
  );
  throwsWith(
    () => u(null),
    TypeError,
    "a bytes-like object is required, not 'NoneType'",
  );
  assert.equal(u("\0abc").family, AF_UNIX);
});

Deno.test("unknown family", () => {
  throwsWith(
    () => parseSockaddr(99, ["x", 1], "bind"),
    error,
    "bind(): bad family",
  );
});

Deno.test("isIPv4 and isIPv6 are strict", () => {
  for (const s of ["1.2.3.4", "0.0.0.0", "255.255.255.255"]) {
    assert.ok(isIPv4(s), s);
  }
  for (
    const s of [
      "",
      "1.2.3",
      "01.2.3.4",
      "127.1",
      "1.2.3.4 ",
      "256.1.1.1",
      "::1",
    ]
  ) {
    assert.ok(!isIPv4(s), s);
  }
  for (
    const s of ["::", "::1", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "FE80::1"]
  ) {
    assert.ok(isIPv6(s), s);
  }
  for (const s of ["", ":::", "1.2.3.4", "fe80::1%1", "1::2::3", "12345::"]) {
    assert.ok(!isIPv6(s), s);
  }
  // A failed test leaves nothing behind for the next.
  assert.ok(!isIPv6("1:2:3:4:5:6:7:8:9"));
  assert.ok(isIPv6("::"));
});

Deno.test("AF_INET: the same pair again gives the same result; any change is parsed anew", () => {
  const first = inet("127.1", 80);
  assert.equal(first.host, "127.0.0.1");
  assert.strictEqual(inet("127.1", 80), first);
  assert.equal(inet("127.1", 81).port, 81);
  assert.equal(inet("10.1", 81).host, "10.0.0.1");
  assert.equal(inet("example.test", 81).numeric, false);
  assert.equal(inet("example.test", 81).host, "example.test");
  // The host was fine a moment ago; the port is checked all the same.
  throwsWith(
    () => parseSockaddr(AF_INET, ["example.test", 70000], "sendto"),
    RangeError,
    "sendto(): port must be 0-65535.",
  );
  throwsWith(
    () => parseSockaddr(AF_INET, ["example.test", 81.5], "sendto"),
    TypeError,
    "'float' object cannot be interpreted as an integer",
  );
  // Bytes hosts are parsed each time (a bytearray may change in between).
  const b = new TextEncoder().encode("127.0.0.2");
  assert.equal(parseSockaddr(AF_INET, [b, 1], "bind").host, "127.0.0.2");
  b[8] = 0x33;
  assert.equal(parseSockaddr(AF_INET, [b, 1], "bind").host, "127.0.0.3");
});
