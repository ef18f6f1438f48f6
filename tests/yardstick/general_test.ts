// Yardstick: CPython 3.11 test_socket.py GeneralModuleTests and
// TestExceptions, as pysocket tests (one per CPython test method).

import assert from "node:assert/strict";
import {
  cpythonCase,
  rejectsErrno,
  rejectsWith,
  socket,
  tcpServer,
} from "./_util.ts";

const { errno } = socket;
const t = cpythonCase("GeneralModuleTests");

t("test_SocketType_is_socketobject", "SocketType is the socket class", () => {
  assert.equal(socket.SocketType, socket.Socket);
  using s = socket.socket();
  assert.ok(s instanceof socket.SocketType);
});

t("test_repr", "repr shows fd, family, type, proto, laddr", () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    const r = String(s);
    assert.match(r, /^<socket\.socket /);
    assert.ok(r.includes(`fd=${s.fileno()}`), r);
    assert.ok(r.includes(`family=${socket.AF_INET}`), r);
    assert.ok(r.includes(`type=${socket.SOCK_STREAM}`), r);
    assert.ok(r.includes("proto=0"), r);
    assert.ok(!r.includes("raddr"), r);
    s.bind(["127.0.0.1", 0]);
    const bound = String(s);
    assert.ok(bound.includes("laddr"), bound);
    assert.ok(bound.includes(String(s.getsockname()[1])), bound);
  } finally {
    s.close();
  }
  const closed = String(s);
  assert.ok(closed.includes("[closed]"), closed);
  assert.ok(!closed.includes("laddr"), closed);
});

t("testSocketError", "error, herror, gaierror are OSError", () => {
  assert.equal(socket.error, socket.OSError);
  assert.ok(new socket.herror(1, "x") instanceof socket.error);
  assert.ok(new socket.gaierror(-2, "x") instanceof socket.error);
  assert.ok(new socket.error(1, "x") instanceof Error);
});

t("testSendtoErrors", "sendto argument errors", async () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  const name = s.getsockname();
  const call = s.sendto as unknown as (...args: unknown[]) => Promise<number>;
  // A str is sent as UTF-8 here (the API's bytes type); CPython wants bytes.
  assert.equal(await s.sendto("\u2620", name), 3);
  await rejectsWith(() => call.call(s, 5, name), TypeError);
  await rejectsWith(() => call.call(s, new Uint8Array(1), null), TypeError);
  await rejectsWith(() => call.call(s, new Uint8Array(1), 0, null), TypeError);
  await rejectsWith(
    () => call.call(s, new Uint8Array(1), "bar", name),
    TypeError,
  );
  await rejectsWith(
    () => call.call(s, new Uint8Array(1), null, null),
    TypeError,
  );
  await rejectsWith(() => call.call(s, new Uint8Array(1)), TypeError);
});

t("testCrucialConstants", "the crucial constants exist", () => {
  for (
    const n of [
      socket.AF_INET,
      socket.AF_INET6,
      socket.SOCK_STREAM,
      socket.SOCK_DGRAM,
      socket.SOCK_RAW,
      socket.SOCK_RDM,
      socket.SOCK_SEQPACKET,
      socket.SOL_SOCKET,
      socket.SO_REUSEADDR,
    ]
  ) assert.equal(typeof n, "number");
  assert.equal(socket.has_ipv6, true);
});

t("testCrucialIpProtoConstants", "IPPROTO_TCP/UDP/IPV6", () => {
  assert.equal(socket.IPPROTO_TCP, 6);
  assert.equal(socket.IPPROTO_UDP, 17);
  assert.equal(socket.IPPROTO_IPV6, 41);
});

t(
  "test_socket_methods",
  "no Windows-only methods on Linux",
  () => {
    using s = socket.socket();
    const o = s as unknown as Record<string, unknown>;
    assert.equal(o["ioctl"], undefined);
    assert.equal(o["share"], undefined);
  },
);

t("testHostnameRes", "hostname resolves and maps back", async () => {
  const hostname = socket.gethostname();
  let ip: string;
  try {
    ip = await socket.gethostbyname(hostname);
  } catch (e) {
    console.log(`SKIP testHostnameRes: name lookup failure (${e})`);
    return;
  }
  assert.ok(ip.includes("."));
  let hname: string, aliases: string[];
  try {
    [hname, aliases] = await socket.gethostbyaddr(ip);
  } catch (e) {
    console.log(`SKIP testHostnameRes: reverse lookup failure (${e})`);
    return;
  }
  const fqhn = await socket.getfqdn(ip);
  assert.ok([hostname, hname, ...aliases].includes(fqhn), fqhn);
});

t("test_host_resolution", "numeric hosts and getaddrinfo forms", async () => {
  for (const addr of ["127.0.0.1", "10.0.0.1", "255.255.255.255"]) {
    assert.equal(await socket.gethostbyname(addr), addr);
  }
  assert.ok((await socket.gethostbyaddr("127.0.0.1"))[2].includes("127.0.0.1"));
  await socket.getaddrinfo(null, 80);
  await socket.getaddrinfo("::1", 80);
  await socket.getaddrinfo("127.0.0.1", "http");
  await socket.getaddrinfo("127.0.0.1", 80);
  await socket.getaddrinfo("127.0.0.1", null);
  const infos = await socket.getaddrinfo(
    "127.0.0.1",
    80,
    socket.AF_INET,
    socket.SOCK_STREAM,
  );
  assert.ok(infos.length > 0);
  for (const [family, type] of infos) {
    assert.equal(family, socket.AF_INET);
    assert.equal(String(family), String(socket.AF_INET));
    assert.equal(type, socket.SOCK_STREAM);
  }
  for (
    const [, type] of await socket.getaddrinfo(
      "127.0.0.1",
      null,
      0,
      socket.SOCK_STREAM,
    )
  ) assert.equal(type, socket.SOCK_STREAM);
  await socket.getaddrinfo("127.0.0.1", null, 0, 0, socket.SOL_TCP);
  await socket.getaddrinfo("127.0.0.1", null, 0, 0, 0, socket.AI_PASSIVE);
  await socket.getaddrinfo(
    null,
    0,
    socket.AF_UNSPEC,
    socket.SOCK_STREAM,
    0,
    socket.AI_PASSIVE,
  );
});

t("test_host_resolution_bad_address", "malformed numeric hosts", async () => {
  for (
    const addr of [
      "0.1.1.~1",
      "1+.1.1.1",
      "::1q",
      "::1::2",
      "1:1:1:1:1:1:1:1:1",
    ]
  ) {
    if (!addr.includes(":")) {
      await rejectsWith(() => socket.gethostbyname(addr), socket.error);
      await rejectsWith(() => socket.gethostbyname_ex(addr), socket.error);
    }
    await rejectsWith(() => socket.gethostbyaddr(addr), socket.error);
  }
});

t("testInterfaceNameIndex", "if_nameindex agrees with the lookups", () => {
  const ifaces = socket.if_nameindex();
  assert.ok(ifaces.length > 0);
  for (const [index, name] of ifaces) {
    assert.equal(typeof index, "number");
    assert.equal(typeof name, "string");
    assert.ok(index > 0);
    assert.equal(socket.if_nametoindex(name), index);
    assert.equal(socket.if_indextoname(index), name);
  }
});

t("testInvalidInterfaceIndexToName", "if_indextoname bad input", async () => {
  await rejectsErrno(() => socket.if_indextoname(0), errno.ENXIO);
  assert.throws(() => socket.if_indextoname(-1), RangeError);
  assert.throws(() => socket.if_indextoname(2 ** 1000), RangeError);
  const f = socket.if_indextoname as unknown as (x: unknown) => string;
  assert.throws(() => f("_DEADBEEF"), TypeError);
});

t("testInvalidInterfaceNameToIndex", "if_nametoindex bad input", async () => {
  const f = socket.if_nametoindex as unknown as (x: unknown) => number;
  assert.throws(() => f(0), TypeError);
  await rejectsWith(() => socket.if_nametoindex("_DEADBEEF"), socket.error);
});

t("testNtoH", "byte order round trips", () => {
  for (const i of [0, 1, 0xffff, 0x1234]) {
    assert.equal(socket.ntohs(socket.htons(i)), i);
  }
  for (const i of [0, 1, 0xffffffff, 0x12345678, 2 ** 31]) {
    assert.equal(socket.ntohl(socket.htonl(i)), i);
  }
  assert.equal(socket.htonl(1), 0x01000000);
  assert.equal(socket.htons(1), 0x0100);
  assert.equal(socket.ntohl(0x01000000), 1);
});

t("testNtoHErrors", "byte order range checks", () => {
  for (const k of [0, 1, 0x7fff, 0xffff]) {
    socket.htons(k);
    socket.ntohs(k);
  }
  for (const k of [0, 1, 0xffffffff, 2 ** 31]) {
    socket.htonl(k);
    socket.ntohl(k);
  }
  for (const k of [-1, 0x10000, 2 ** 64]) {
    assert.throws(() => socket.htons(k), RangeError, `htons(${k})`);
    assert.throws(() => socket.ntohs(k), RangeError, `ntohs(${k})`);
  }
  for (const k of [-1, 2 ** 32, 2 ** 64]) {
    assert.throws(() => socket.htonl(k), RangeError, `htonl(${k})`);
    assert.throws(() => socket.ntohl(k), RangeError, `ntohl(${k})`);
  }
});

t("testGetServBy", "services by name and port", () => {
  let found: [string, number] | null = null;
  for (const service of ["daytime", "qotd", "domain"]) {
    try {
      found = [service, socket.getservbyname(service, "tcp")];
      break;
    } catch {
      // try the next one
    }
  }
  assert.ok(found, "no service found");
  const [service, port] = found;
  assert.equal(socket.getservbyname(service), port);
  try {
    assert.equal(socket.getservbyname(service, "udp"), port);
  } catch {
    // not every service has a udp entry
  }
  assert.equal(socket.getservbyport(port, "tcp"), service);
  assert.equal(socket.getservbyport(port), service);
  assert.throws(() => socket.getservbyport(-1), RangeError);
  assert.throws(() => socket.getservbyport(65536), RangeError);
});

t("testDefaultTimeout", "setdefaulttimeout and new sockets", () => {
  assert.equal(socket.getdefaulttimeout(), null);
  {
    using s = socket.socket();
    assert.equal(s.gettimeout(), null);
  }
  socket.setdefaulttimeout(10);
  try {
    assert.equal(socket.getdefaulttimeout(), 10);
    using s = socket.socket();
    assert.equal(s.gettimeout(), 10);
  } finally {
    socket.setdefaulttimeout(null);
  }
  assert.equal(socket.getdefaulttimeout(), null);
  {
    using s = socket.socket();
    assert.equal(s.gettimeout(), null);
  }
  assert.throws(() => socket.setdefaulttimeout(-1), RangeError);
  const f = socket.setdefaulttimeout as unknown as (x: unknown) => void;
  assert.throws(() => f("spam"), TypeError);
  assert.equal(socket.getdefaulttimeout(), null);
});

t("testIPv4_inet_aton_fourbytes", "inet_aton gives four bytes", () => {
  assert.deepEqual([...socket.inet_aton("0.0.0.0")], [0, 0, 0, 0]);
  assert.deepEqual([...socket.inet_aton("255.255.255.255")], [
    255,
    255,
    255,
    255,
  ]);
});

t("testIPv4toString", "inet_aton and inet_pton(AF_INET)", () => {
  const aton = (s: string) => [...socket.inet_aton(s)];
  const pton = (s: string) => [...socket.inet_pton(socket.AF_INET, s)];
  for (const f of [aton, pton]) {
    assert.deepEqual(f("0.0.0.0"), [0, 0, 0, 0]);
    assert.deepEqual(f("255.0.255.0"), [255, 0, 255, 0]);
    assert.deepEqual(f("170.170.170.170"), [170, 170, 170, 170]);
    assert.deepEqual(f("1.2.3.4"), [1, 2, 3, 4]);
    assert.deepEqual(f("255.255.255.255"), [255, 255, 255, 255]);
  }
  for (
    const bad of ["0.0.0.", "300.0.0.0", "a.0.0.0", "1.2.3.4.5", "::1"]
  ) {
    assert.throws(() => socket.inet_aton(bad), socket.error, bad);
    assert.throws(() => socket.inet_pton(socket.AF_INET, bad), socket.error);
  }
  // inet_aton takes the short forms, inet_pton does not.
  assert.deepEqual(aton("1.1.1"), [1, 1, 0, 1]);
  assert.throws(() => socket.inet_pton(socket.AF_INET, "1.1.1"), socket.error);
});

const hex = (s: string) =>
  [...(s.match(/../g) ?? [])].map((h) => parseInt(h, 16));

t("testIPv6toString", "inet_pton(AF_INET6)", () => {
  const f = (s: string) => [...socket.inet_pton(socket.AF_INET6, s)];
  assert.deepEqual(f("::"), new Array(16).fill(0));
  assert.deepEqual(f("0::0"), new Array(16).fill(0));
  assert.deepEqual(f("1::"), hex("00010000000000000000000000000000"));
  assert.deepEqual(
    f("45ef:76cb:1a:56ef:afeb:bac:1924:aeae"),
    hex("45ef76cb001a56efafeb0bac1924aeae"),
  );
  assert.deepEqual(
    f("ad42:abc::127:0:254:2"),
    hex(
      "ad420abc000000000127000002540002",
    ),
  );
  assert.deepEqual(f("12:a::"), hex("0012000a000000000000000000000000"));
  assert.deepEqual(
    f("::254.42.23.64"),
    hex("000000000000000000000000fe2a1740"),
  );
  assert.deepEqual(
    f("42::a29b:254.42.23.64"),
    hex("00420000000000000000a29bfe2a1740"),
  );
  assert.deepEqual(
    f("::ffff:1.2.3.4"),
    hex(
      "00000000000000000000ffff01020304",
    ),
  );
  assert.deepEqual(
    f("42:a8b9:0:2:ffff:a29b:254.42.23.64"),
    hex("0042a8b900000002ffffa29bfe2a1740"),
  );
  for (
    const bad of [
      "0x20::",
      ":::",
      "::0::",
      "1::abc::",
      "1::abc::def",
      "1:2:3:4:5:6",
      "1:2:3:4:5:6:7:8:0",
      "1:2:3:4:5:6:7:8:",
      "1:2:3:4:5:6:",
      "255.254.253.252",
      "1::260.2.3.0",
      "1::0.be.e.0",
      "1:2:3:4:5:6:7:1.2.3.4",
      "::1.2.3.4:0",
      "0.100.200.0:3:4:5:6:7:8",
    ]
  ) {
    assert.throws(() => socket.inet_pton(socket.AF_INET6, bad), socket.error);
  }
});

t("testStringToIPv4", "inet_ntoa and inet_ntop(AF_INET)", () => {
  const b = (...x: number[]) => new Uint8Array(x);
  for (
    const f of [
      (p: Uint8Array) => socket.inet_ntoa(p),
      (p: Uint8Array) => socket.inet_ntop(socket.AF_INET, p),
    ]
  ) {
    assert.equal(f(b(0, 0, 0, 0)), "0.0.0.0");
    assert.equal(f(b(255, 0, 255, 0)), "255.0.255.0");
    assert.equal(f(b(170, 170, 170, 170)), "170.170.170.170");
    assert.equal(f(b(1, 2, 3, 4)), "1.2.3.4");
    assert.equal(f(b(255, 255, 255, 255)), "255.255.255.255");
  }
  assert.throws(() => socket.inet_ntoa(b()), socket.error);
  assert.throws(() => socket.inet_ntoa(b(1, 2, 3, 4, 5)), socket.error);
  assert.throws(() => socket.inet_ntop(socket.AF_INET, b()), RangeError);
  assert.throws(
    () => socket.inet_ntop(socket.AF_INET, b(1, 2, 3, 4, 5)),
    RangeError,
  );
});

t("testStringToIPv6", "inet_ntop(AF_INET6)", () => {
  const f = (h: string) =>
    socket.inet_ntop(socket.AF_INET6, new Uint8Array(hex(h)));
  assert.equal(f("00000000000000000000000000000000"), "::");
  assert.equal(f("00010000000000000000000000000000"), "1::");
  assert.equal(
    f("aef5a3fcf03e2d6a3fcf5a3fc35ea6b5"),
    "aef5:a3fc:f03e:2d6a:3fcf:5a3f:c35e:a6b5",
  );
  assert.equal(f("00000000000000000000000000000001"), "::1");
  assert.equal(f("00000000000000000000ffff01020304"), "::ffff:1.2.3.4");
  for (const n of [0, 1, 15, 17]) {
    assert.throws(
      () => socket.inet_ntop(socket.AF_INET6, new Uint8Array(n)),
      RangeError,
      `${n} bytes`,
    );
  }
});

t("testSockName", "getsockname of a bound socket", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["0.0.0.0", 0]);
  const [host, port] = s.getsockname();
  assert.equal(host, "0.0.0.0");
  assert.ok(port > 0);
});

t("testGetSockOpt", "SO_REUSEADDR starts off", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
});

t("testSetSockOpt", "SO_REUSEADDR set is read back", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  assert.notEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
});

t("testSendAfterClose", "send after close raises OSError", async () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.settimeout(1);
  s.close();
  await rejectsErrno(() => s.send("spam"), errno.EBADF);
});

t(
  "testCloseException",
  "close after another object closed the fd: EBADF",
  () => {
    const s = socket.socket();
    s.bind(["127.0.0.1", 0]);
    socket.socket(undefined, undefined, undefined, s.fileno()).close();
    assert.throws(() => s.close(), (e: unknown) => {
      assert.ok(e instanceof socket.error);
      assert.equal(e.errno, errno.EBADF);
      return true;
    });
  },
);

t("testNewAttributes", "family, type, proto", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(s.family, socket.AF_INET);
  assert.equal(s.type, socket.SOCK_STREAM);
  assert.equal(s.proto, 0);
});

t("test_getsockaddrarg", "bind port out of range", () => {
  using s = socket.socket();
  assert.throws(() => s.bind(["127.0.0.1", 65536 + 1234]), RangeError);
  assert.throws(() => s.bind(["127.0.0.1", 1234 - 65536]), RangeError);
  s.bind(["127.0.0.1", 0]);
});

t("testGetaddrinfo", "getaddrinfo argument forms", async () => {
  const HOST = "localhost";
  await socket.getaddrinfo(HOST, 80);
  await socket.getaddrinfo(HOST, "http");
  await socket.getaddrinfo(HOST, null);
  const infos = await socket.getaddrinfo(
    HOST,
    80,
    socket.AF_INET,
    socket.SOCK_STREAM,
  );
  for (const [family, type] of infos) {
    assert.equal(family, socket.AF_INET);
    assert.equal(socket.AddressFamily[family], "AF_INET");
    assert.equal(type, socket.SOCK_STREAM);
    assert.equal(socket.SocketKind[type], "SOCK_STREAM");
  }
  for (
    const [, type] of await socket.getaddrinfo(
      HOST,
      null,
      0,
      socket.SOCK_STREAM,
    )
  ) assert.equal(type, socket.SOCK_STREAM);
  await socket.getaddrinfo(HOST, null, 0, 0, socket.SOL_TCP);
  await socket.getaddrinfo(HOST, null, 0, 0, 0, socket.AI_PASSIVE);
  // Positional forms with defaults equal the shorter calls.
  assert.deepEqual(
    await socket.getaddrinfo(HOST, null),
    await socket.getaddrinfo(HOST, null, 0, 0, 0, 0),
  );
  // A lone surrogate cannot be encoded (CPython: UnicodeEncodeError).
  await rejectsWith(() => socket.getaddrinfo(HOST, "\uD800"), Error);
  try {
    await socket.getaddrinfo(HOST, null, 0, 0, 0, socket.AI_NUMERICSERV);
  } catch (e) {
    assert.ok(e instanceof socket.gaierror, String(e));
  }
});

t("test_getnameinfo", "only IP addresses are taken", async () => {
  await rejectsWith(
    () => socket.getnameinfo(["mail.python.org", 0], 0),
    socket.error,
  );
});

t("test_name_closed_socketio", "a closed file's name is -1", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  // pysocket: makefile() on an unconnected socket throws ENOTCONN (README).
  assert.throws(() => s.makefile("rb"), (e: unknown) => {
    assert.ok(e instanceof socket.error);
    assert.equal(e.errno, errno.ENOTCONN);
    return true;
  });
});

t("test_unusable_closed_socketio", "a closed file refuses queries", () => {
  using s = socket.socket();
  // pysocket: makefile() on an unconnected socket throws ENOTCONN (README).
  assert.throws(() => s.makefile("rb", 0), socket.error);
});

t("test_socket_close", "module close(fd) closes the socket", () => {
  const mod = socket as unknown as Record<string, unknown>;
  const close = mod["close"] as ((fd: unknown) => void) | undefined;
  assert.equal(typeof close, "function", "socket.close(fd) is missing");
  if (!close) return;
  const s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  close(s.fileno());
  assert.throws(() => s.listen(1), socket.error);
  assert.throws(() => s.close(), socket.error);
  assert.throws(() => close(null), TypeError);
  assert.throws(() => close(-1), socket.error);
});

t("test_makefile_mode", "a file's mode is the one asked for", async () => {
  await using serv = tcpServer();
  for (const mode of ["r", "rb", "rw", "w", "wb"] as const) {
    const accepting = serv.accept();
    await using c = socket.socket();
    await c.connect(serv.getsockname());
    const [conn] = await accepting;
    await using _conn = conn;
    const fp = c.makefile(mode);
    assert.equal(fp.mode, mode);
    await fp.close();
  }
});

t("test_makefile_invalid_mode", "invalid modes: ValueError", async () => {
  await using serv = tcpServer();
  await using c = socket.socket();
  await c.connect(serv.getsockname());
  const [conn] = await serv.accept();
  await using _conn = conn;
  const mk = c.makefile as unknown as (mode: string) => unknown;
  for (const mode of ["rt", "x", "+", "a"]) {
    assert.throws(() => mk.call(c, mode), RangeError, mode);
    assert.throws(() => mk.call(c, mode), /invalid mode/, mode);
  }
});

t("test_listen_backlog", "listen(0), listen(-1), listen()", () => {
  for (const backlog of [0, -1]) {
    using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.bind(["127.0.0.1", 0]);
    s.listen(backlog);
  }
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  s.listen();
});

t("test_listen_backlog_overflow", "listen(INT_MAX + 1)", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  assert.throws(() => s.listen(2 ** 31), RangeError);
});

t("test_flowinfo", "flowinfo out of range", async () => {
  await rejectsWith(
    () => socket.getnameinfo(["::1", 0, 0xffffffff, 0], 0),
    RangeError,
  );
  using s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM);
  assert.throws(() => s.bind(["::1", 0, -10, 0]), RangeError);
});

t("test_getaddrinfo_ipv6_basic", "a multicast IPv6 host", async () => {
  const infos = await socket.getaddrinfo(
    "ff02::1de:c0:face:8D",
    1234,
    socket.AF_INET6,
    socket.SOCK_DGRAM,
    socket.IPPROTO_UDP,
  );
  assert.equal(infos.length, 1);
  const [info] = infos;
  assert.deepEqual(info?.[4], ["ff02::1de:c0:face:8d", 1234, 0, 0]);
});

t("test_getfqdn_filter_localhost", "getfqdn of the wildcards", async () => {
  const fqdn = await socket.getfqdn();
  assert.equal(await socket.getfqdn("0.0.0.0"), fqdn);
  assert.equal(await socket.getfqdn("::"), fqdn);
});

t(
  "test_getaddrinfo_ipv6_scopeid_symbolic",
  "%ifname scope",
  async () => {
    const index = socket.if_nametoindex("lo");
    const infos = await socket.getaddrinfo(
      "ff02::1de:c0:face:8D%lo",
      1234,
      socket.AF_INET6,
      socket.SOCK_DGRAM,
      socket.IPPROTO_UDP,
    );
    assert.deepEqual(infos[0]?.[4], ["ff02::1de:c0:face:8d", 1234, 0, index]);
  },
);

t("test_getaddrinfo_ipv6_scopeid_numeric", "%42 scope", async () => {
  const infos = await socket.getaddrinfo(
    "ff02::1de:c0:face:8D%42",
    1234,
    socket.AF_INET6,
    socket.SOCK_DGRAM,
    socket.IPPROTO_UDP,
  );
  assert.deepEqual(infos[0]?.[4], ["ff02::1de:c0:face:8d", 1234, 0, 42]);
});

t(
  "test_getnameinfo_ipv6_scopeid_symbolic",
  "scope id shown as its name",
  async () => {
    const index = socket.if_nametoindex("lo");
    assert.deepEqual(
      await socket.getnameinfo(
        ["ff02::1de:c0:face:8D", 1234, 0, index],
        socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
      ),
      ["ff02::1de:c0:face:8d%lo", "1234"],
    );
  },
);

t("test_getnameinfo_ipv6_scopeid_numeric", "unknown scope id", async () => {
  assert.deepEqual(
    await socket.getnameinfo(
      ["ff02::1de:c0:face:8D", 1234, 0, 4242],
      socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
    ),
    ["ff02::1de:c0:face:8d%4242", "1234"],
  );
});

t("test_str_for_enums", "str of family and type is the number", () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(String(s.family), "2");
  assert.equal(String(s.type), "1");
});

t("test_socket_consistent_sock_type", "type hides NONBLOCK/CLOEXEC", () => {
  const flags = socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC;
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | flags);
  assert.equal(s.type, socket.SOCK_STREAM);
  s.settimeout(1);
  assert.equal(s.type, socket.SOCK_STREAM);
  s.settimeout(0);
  assert.equal(s.type, socket.SOCK_STREAM);
  s.setblocking(true);
  assert.equal(s.type, socket.SOCK_STREAM);
  s.setblocking(false);
  assert.equal(s.type, socket.SOCK_STREAM);
});

t("test_socket_fileno", "socket(fileno=) adopts a socket", async () => {
  await using serv = tcpServer();
  const port = serv.getsockname()[1];
  const adopted = socket.socket(
    socket.AF_INET,
    socket.SOCK_STREAM,
    0,
    serv.fileno(),
  );
  assert.equal(adopted.fileno(), serv.fileno());
  assert.equal(adopted.family, socket.AF_INET);
  assert.equal(adopted.type, socket.SOCK_STREAM);
  assert.deepEqual(adopted.getsockname(), ["127.0.0.1", port]);
  // Family and type are taken from the descriptor when not given.
  const inferred = socket.socket(
    undefined,
    undefined,
    undefined,
    serv.fileno(),
  );
  assert.equal(inferred.family, socket.AF_INET);
  assert.equal(inferred.type, socket.SOCK_STREAM);
  assert.equal(inferred.fileno(), serv.fileno());
  inferred.detach();
  adopted.detach();
});

t("test_socket_fileno_rejects_float", "fileno=42.5: TypeError", () => {
  assert.throws(
    () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 42.5),
    TypeError,
  );
});

t("test_socket_fileno_rejects_other_types", "fileno='foo': TypeError", () => {
  const mk = socket.socket as unknown as (...a: unknown[]) => unknown;
  assert.throws(
    () => mk(socket.AF_INET, socket.SOCK_STREAM, 0, "foo"),
    TypeError,
  );
});

t("test_socket_fileno_rejects_invalid_socket", "fileno=-1: ValueError", () => {
  assert.throws(
    () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, -1),
    RangeError,
  );
});

t("test_socket_fileno_rejects_negative", "fileno=-42: ValueError", () => {
  assert.throws(
    () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, -42),
    /negative file descriptor/,
  );
});

t("test_socket_fileno_requires_valid_fd", "an unused fd: EBADF", () => {
  for (
    const family of [undefined, socket.AF_INET]
  ) {
    assert.throws(
      () => socket.socket(family, socket.SOCK_STREAM, 0, 987654),
      (e: unknown) => {
        assert.ok(e instanceof socket.error);
        assert.equal(e.errno, errno.EBADF);
        return true;
      },
    );
  }
});

t(
  "test_socket_fileno_requires_socket_fd",
  "stdin's descriptor: EBADF (fileno() numbers are pysocket's own)",
  () => {
    // CPython gives ENOTSOCK for a descriptor that is no socket; pysocket's
    // fileno() numbers are not OS descriptors (README), so 0 is simply none.
    assert.throws(
      () => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, 0),
      (e: unknown) => {
        assert.ok(e instanceof socket.error);
        assert.equal(e.errno, errno.EBADF);
        return true;
      },
    );
  },
);

t("test_addressfamily_enum", "AddressFamily maps both ways", () => {
  assert.equal(socket.AddressFamily["AF_INET"], socket.AF_INET);
  assert.equal(socket.AddressFamily[socket.AF_INET], "AF_INET");
  assert.equal(socket.AddressFamily[socket.AF_INET6], "AF_INET6");
  assert.equal(socket.AddressFamily[socket.AF_UNIX], "AF_UNIX");
});

t("test_socketkind_enum", "SocketKind maps both ways", () => {
  assert.equal(socket.SocketKind["SOCK_STREAM"], socket.SOCK_STREAM);
  assert.equal(socket.SocketKind[socket.SOCK_STREAM], "SOCK_STREAM");
  assert.equal(socket.SocketKind[socket.SOCK_DGRAM], "SOCK_DGRAM");
});

const e = cpythonCase("TestExceptions");

e("testExceptionTree", "the exception classes", () => {
  assert.ok(new socket.error(1, "x") instanceof Error);
  assert.ok(socket.herror.prototype instanceof socket.error);
  assert.ok(socket.gaierror.prototype instanceof socket.error);
  assert.ok(socket.timeout.prototype instanceof socket.error);
  assert.equal(socket.error, socket.OSError);
  assert.equal(socket.timeout, socket.TimeoutError);
});

e("test_setblocking_invalidfd", "setblocking on a closed fd", () => {
  const s0 = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0);
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, s0.fileno());
  s0.close();
  try {
    assert.throws(() => s.setblocking(false), socket.error);
  } finally {
    s.detach();
  }
});
