// Issue 7, part 4: every public function and method called with bad input.
// Each call gives the documented TypeError, RangeError or `error` (with
// its errno), synchronously where the API is synchronous; none hangs, none
// leaves an unhandled rejection. The exports of mod.ts are iterated: a new
// export without a row fails the test. Where CPython has the same call, its
// exception (TypeError; ValueError/OverflowError as RangeError; OSError's
// errno) is compared too.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { noUnhandledRejections } from "./_util.ts";

/** What a call must give: an exception class, an errno, or success. */
type Expect =
  | "TypeError"
  | "RangeError"
  | "error" // socket.error without an errno
  | "ok"
  | { errno: number }
  | { gai: number | "any" };

interface Case {
  what: string;
  call: () => unknown;
  expect: Expect;
  /** The same call in CPython (with `socket` imported), when it has one. */
  py?: string | undefined;
}

/** The names of the socket's methods. */
type SocketMethod = {
  [K in keyof socket.Socket & string]: socket.Socket[K] extends
    (...a: never[]) => unknown ? K
    : never;
}[keyof socket.Socket & string];

/** A socket whose methods take any arguments, for the calls its types refuse. */
type LooseSocket = Record<SocketMethod, (...a: unknown[]) => unknown>;

function loose(s: socket.Socket): LooseSocket {
  return s as unknown as LooseSocket;
}

const { EBADF, EAFNOSUPPORT, EINVAL, ENOTCONN, EPIPE, ENOPROTOOPT } =
  socket.errno;
const HUGE_NAME = "a".repeat(64 * 1024);
const NUL = "local\0host";

/** Functions that return promises (the rest are synchronous). */
const ASYNC = new Set([
  "create_connection",
  "getaddrinfo",
  "getfqdn",
  "gethostbyaddr",
  "gethostbyname",
  "gethostbyname_ex",
  "getnameinfo",
  "socketpair",
]);
const ASYNC_METHODS = new Set([
  "accept",
  "sendfile",
  "sendmsg",
  "recvmsg",
  "recvmsg_into",
  "connect",
  "connect_ex",
  "send",
  "sendall",
  "sendto",
  "recv",
  "recv_into",
  "recvfrom",
  "recvfrom_into",
]);

/** Module functions: the rows, keyed by export name. */
function functionRows(): Record<string, Case[]> {
  const s = socket;
  const r: Record<string, Case[]> = Object.create(null);
  const byteorder = (name: "htons" | "ntohs" | "htonl" | "ntohl"): Case[] => {
    const f = s[name] as (x: unknown) => number;
    const max = name.endsWith("s") ? 65536 : 2 ** 32;
    return [
      {
        what: `${name}("1")`,
        call: () => f("1"),
        expect: "TypeError",
        py: `socket.${name}("1")`,
      },
      {
        what: `${name}(1.5)`,
        call: () => f(1.5),
        expect: "TypeError",
        py: `socket.${name}(1.5)`,
      },
      {
        what: `${name}(NaN)`,
        call: () => f(NaN),
        expect: "TypeError",
        py: `socket.${name}(float("nan"))`,
      },
      { what: `${name}(true)`, call: () => f(true), expect: "TypeError" },
      {
        what: `${name}(null)`,
        call: () => f(null),
        expect: "TypeError",
        py: `socket.${name}(None)`,
      },
      {
        what: `${name}(-1)`,
        call: () => f(-1),
        expect: "RangeError",
        py: `socket.${name}(-1)`,
      },
      {
        what: `${name}(${max})`,
        call: () => f(max),
        expect: "RangeError",
        py: `socket.${name}(${max})`,
      },
      {
        what: `${name}(2**53)`,
        call: () => f(2 ** 53),
        expect: "RangeError",
        py: `socket.${name}(2**53)`,
      },
      {
        what: `${name}(Infinity)`,
        call: () => f(Infinity),
        expect: "TypeError",
        py: `socket.${name}(float("inf"))`,
      },
    ];
  };
  for (const n of ["htons", "ntohs", "htonl", "ntohl"] as const) {
    r[n] = byteorder(n);
  }

  const aton = s.inet_aton as (x: unknown) => Uint8Array;
  r.inet_aton = [
    {
      what: "inet_aton(1)",
      call: () => aton(1),
      expect: "TypeError",
      py: "socket.inet_aton(1)",
    },
    {
      what: "inet_aton(null)",
      call: () => aton(null),
      expect: "TypeError",
      py: "socket.inet_aton(None)",
    },
    {
      what: "inet_aton(NUL)",
      call: () => aton("1.2.3.4\0"),
      expect: "RangeError",
      py: `socket.inet_aton("1.2.3.4\\0")`,
    },
    {
      what: "inet_aton(huge)",
      call: () => aton(HUGE_NAME),
      expect: "error",
      py: `socket.inet_aton("a"*65536)`,
    },
    {
      what: "inet_aton(256.1.1.1)",
      call: () => aton("256.1.1.1"),
      expect: "error",
      py: `socket.inet_aton("256.1.1.1")`,
    },
  ];
  const ntoa = s.inet_ntoa as (x: unknown) => string;
  r.inet_ntoa = [
    {
      what: "inet_ntoa('1234')",
      call: () => ntoa("1234"),
      expect: "TypeError",
      py: `socket.inet_ntoa("1234")`,
    },
    {
      what: "inet_ntoa(3 bytes)",
      call: () => ntoa(new Uint8Array(3)),
      expect: "error",
      py: `socket.inet_ntoa(bytes(3))`,
    },
    {
      what: "inet_ntoa(64 KiB)",
      call: () => ntoa(new Uint8Array(65536)),
      expect: "error",
      py: `socket.inet_ntoa(bytes(65536))`,
    },
    {
      what: "inet_ntoa(null)",
      call: () => ntoa(null),
      expect: "TypeError",
      py: `socket.inet_ntoa(None)`,
    },
  ];
  const pton = s.inet_pton as (f: unknown, x: unknown) => Uint8Array;
  r.inet_pton = [
    {
      what: "inet_pton(AF_INET, 1)",
      call: () => pton(s.AF_INET, 1),
      expect: "TypeError",
      py: `socket.inet_pton(socket.AF_INET, 1)`,
    },
    {
      what: "inet_pton('2', s)",
      call: () => pton("2", "1.2.3.4"),
      expect: "TypeError",
      py: `socket.inet_pton("2", "1.2.3.4")`,
    },
    {
      what: "inet_pton(999, s)",
      call: () => pton(999, "1.2.3.4"),
      expect: { errno: EAFNOSUPPORT },
      py: `socket.inet_pton(999, "1.2.3.4")`,
    },
    {
      what: "inet_pton(NaN, s)",
      call: () => pton(NaN, "1.2.3.4"),
      expect: "TypeError",
      py: `socket.inet_pton(float("nan"), "1.2.3.4")`,
    },
    {
      what: "inet_pton(2**40, s)",
      call: () => pton(2 ** 40, "1.2.3.4"),
      expect: "RangeError",
      py: `socket.inet_pton(2**40, "1.2.3.4")`,
    },
    {
      what: "inet_pton(AF_INET, NUL)",
      call: () => pton(s.AF_INET, "1.2.3.4\0"),
      expect: "RangeError",
      py: `socket.inet_pton(socket.AF_INET, "1.2.3.4\\0")`,
    },
    {
      what: "inet_pton(AF_INET6, huge)",
      call: () => pton(s.AF_INET6, HUGE_NAME),
      expect: "error",
      py: `socket.inet_pton(socket.AF_INET6, "a"*65536)`,
    },
    {
      what: "inet_pton(AF_INET, '1.2.3')",
      call: () => pton(s.AF_INET, "1.2.3"),
      expect: "error",
      py: `socket.inet_pton(socket.AF_INET, "1.2.3")`,
    },
  ];
  const ntop = s.inet_ntop as (f: unknown, x: unknown) => string;
  r.inet_ntop = [
    {
      what: "inet_ntop(AF_INET, 5 bytes)",
      call: () => ntop(s.AF_INET, new Uint8Array(5)),
      expect: "RangeError",
      py: `socket.inet_ntop(socket.AF_INET, bytes(5))`,
    },
    {
      what: "inet_ntop(AF_INET6, 4 bytes)",
      call: () => ntop(s.AF_INET6, new Uint8Array(4)),
      expect: "RangeError",
      py: `socket.inet_ntop(socket.AF_INET6, bytes(4))`,
    },
    {
      what: "inet_ntop(999, 4 bytes)",
      call: () => ntop(999, new Uint8Array(4)),
      expect: "RangeError",
      py: `socket.inet_ntop(999, bytes(4))`,
    },
    {
      what: "inet_ntop(AF_INET, 'abcd')",
      call: () => ntop(s.AF_INET, "abcd"),
      expect: "TypeError",
      py: `socket.inet_ntop(socket.AF_INET, "abcd")`,
    },
    {
      what: "inet_ntop(NaN, ...)",
      call: () => ntop(NaN, new Uint8Array(4)),
      expect: "TypeError",
      py: `socket.inet_ntop(float("nan"), bytes(4))`,
    },
  ];
  const sbn = s.getservbyname as (n: unknown, p?: unknown) => number;
  r.getservbyname = [
    {
      what: "getservbyname(80)",
      call: () => sbn(80),
      expect: "TypeError",
      py: `socket.getservbyname(80)`,
    },
    {
      what: "getservbyname(NUL)",
      call: () => sbn("ht\0tp"),
      expect: "RangeError",
      py: `socket.getservbyname("ht\\0tp")`,
    },
    {
      what: "getservbyname(http, NUL)",
      call: () => sbn("http", "t\0cp"),
      expect: "RangeError",
      py: `socket.getservbyname("http", "t\\0cp")`,
    },
    {
      what: "getservbyname(huge)",
      call: () => sbn(HUGE_NAME),
      expect: "error",
      py: `socket.getservbyname("a"*65536)`,
    },
    {
      what: "getservbyname(http, 6)",
      call: () => sbn("http", 6),
      expect: "TypeError",
      py: `socket.getservbyname("http", 6)`,
    },
  ];
  const sbp = s.getservbyport as (n: unknown, p?: unknown) => string;
  r.getservbyport = [
    {
      what: "getservbyport('80')",
      call: () => sbp("80"),
      expect: "TypeError",
      py: `socket.getservbyport("80")`,
    },
    {
      what: "getservbyport(-1)",
      call: () => sbp(-1),
      expect: "RangeError",
      py: `socket.getservbyport(-1)`,
    },
    {
      what: "getservbyport(65536)",
      call: () => sbp(65536),
      expect: "RangeError",
      py: `socket.getservbyport(65536)`,
    },
    {
      what: "getservbyport(2**53)",
      call: () => sbp(2 ** 53),
      expect: "RangeError",
      py: `socket.getservbyport(2**53)`,
    },
    {
      what: "getservbyport(NaN)",
      call: () => sbp(NaN),
      expect: "TypeError",
      py: `socket.getservbyport(float("nan"))`,
    },
    {
      what: "getservbyport(80, NUL)",
      call: () => sbp(80, "t\0cp"),
      expect: "RangeError",
      py: `socket.getservbyport(80, "t\\0cp")`,
    },
  ];
  const pbn = s.getprotobyname as (n: unknown) => number;
  r.getprotobyname = [
    {
      what: "getprotobyname(6)",
      call: () => pbn(6),
      expect: "TypeError",
      py: `socket.getprotobyname(6)`,
    },
    {
      what: "getprotobyname(NUL)",
      call: () => pbn("t\0cp"),
      expect: "RangeError",
      py: `socket.getprotobyname("t\\0cp")`,
    },
    {
      what: "getprotobyname(huge)",
      call: () => pbn(HUGE_NAME),
      expect: "error",
      py: `socket.getprotobyname("a"*65536)`,
    },
  ];
  const sdt = s.setdefaulttimeout as (t: unknown) => void;
  r.setdefaulttimeout = [
    {
      what: "setdefaulttimeout('1')",
      call: () => sdt("1"),
      expect: "TypeError",
      py: `socket.setdefaulttimeout("1")`,
    },
    {
      what: "setdefaulttimeout(-1)",
      call: () => sdt(-1),
      expect: "RangeError",
      py: `socket.setdefaulttimeout(-1)`,
    },
    {
      what: "setdefaulttimeout(NaN)",
      call: () => sdt(NaN),
      expect: "RangeError",
      py: `socket.setdefaulttimeout(float("nan"))`,
    },
  ];
  r.getdefaulttimeout = [{
    what: "getdefaulttimeout(junk)",
    call: () => (s.getdefaulttimeout as (x: unknown) => unknown)("junk"),
    expect: "ok",
  }];
  r.gethostname = [{
    what: "gethostname(junk)",
    call: () => (s.gethostname as (x: unknown) => unknown)(1),
    expect: "ok",
  }];
  r.has_dualstack_ipv6 = [{
    what: "has_dualstack_ipv6(junk)",
    call: () => (s.has_dualstack_ipv6 as (x: unknown) => unknown)(1),
    expect: "ok",
  }];
  r.if_nameindex = [{
    what: "if_nameindex(junk)",
    call: () => (s.if_nameindex as (x: unknown) => unknown)(1),
    expect: "ok",
  }];
  r.reset_resolver = [{
    what: "reset_resolver(junk)",
    call: () => (s.reset_resolver as (x: unknown) => unknown)(1),
    expect: "ok",
  }];
  const n2i = s.if_nametoindex as (n: unknown) => number;
  r.if_nametoindex = [
    {
      what: "if_nametoindex(1)",
      call: () => n2i(1),
      expect: "TypeError",
      py: `socket.if_nametoindex(1)`,
    },
    {
      what: "if_nametoindex(NUL)",
      call: () => n2i("l\0o"),
      expect: "RangeError",
      py: `socket.if_nametoindex("l\\0o")`,
    },
    {
      what: "if_nametoindex(huge)",
      call: () => n2i(HUGE_NAME),
      expect: "error",
      py: `socket.if_nametoindex("a"*65536)`,
    },
  ];
  const i2n = s.if_indextoname as (n: unknown) => string;
  r.if_indextoname = [
    {
      what: "if_indextoname('1')",
      call: () => i2n("1"),
      expect: "TypeError",
      py: `socket.if_indextoname("1")`,
    },
    {
      what: "if_indextoname(-1)",
      call: () => i2n(-1),
      expect: "RangeError",
      py: `socket.if_indextoname(-1)`,
    },
    {
      what: "if_indextoname(2**53)",
      call: () => i2n(2 ** 53),
      expect: "RangeError",
      py: `socket.if_indextoname(2**53)`,
    },
    {
      what: "if_indextoname(NaN)",
      call: () => i2n(NaN),
      expect: "TypeError",
      py: `socket.if_indextoname(float("nan"))`,
    },
  ];
  const sr = s.set_resolver as (o: unknown) => void;
  r.set_resolver = [
    { what: "set_resolver(1)", call: () => sr(1), expect: "TypeError" },
    {
      what: "set_resolver(port 70000)",
      call: () => sr({ nameServer: { ipAddr: "127.0.0.1", port: 70000 } }),
      expect: "RangeError",
    },
    {
      what: "set_resolver(port NaN)",
      call: () => sr({ nameServer: { ipAddr: "127.0.0.1", port: NaN } }),
      expect: "TypeError",
    },
    {
      what: "set_resolver(ipAddr name)",
      call: () => sr({ nameServer: { ipAddr: "dns.example" } }),
      expect: "TypeError",
    },
    {
      what: "set_resolver(timeout -1)",
      call: () => sr({ timeout: -1 }),
      expect: "RangeError",
    },
    {
      what: "set_resolver(hostsFile 1)",
      call: () => sr({ hostsFile: 1 }),
      expect: "TypeError",
    },
  ];

  const ghbn = s.gethostbyname as (n: unknown) => Promise<string>;
  r.gethostbyname = [
    {
      what: "gethostbyname(1)",
      call: () => ghbn(1),
      expect: "TypeError",
      py: `socket.gethostbyname(1)`,
    },
    {
      what: "gethostbyname(NUL)",
      call: () => ghbn(NUL),
      expect: "TypeError",
      py: `socket.gethostbyname("local\\0host")`,
    },
    {
      what: "gethostbyname(64 KiB)",
      call: () => ghbn(HUGE_NAME),
      expect: "RangeError",
      py: `socket.gethostbyname("a"*65536)`,
    },
  ];
  const ghbx = s.gethostbyname_ex as (n: unknown) => Promise<unknown>;
  r.gethostbyname_ex = [
    {
      what: "gethostbyname_ex(null)",
      call: () => ghbx(null),
      expect: "TypeError",
      py: `socket.gethostbyname_ex(None)`,
    },
    {
      what: "gethostbyname_ex(NUL)",
      call: () => ghbx(NUL),
      expect: "TypeError",
      py: `socket.gethostbyname_ex("local\\0host")`,
    },
    {
      what: "gethostbyname_ex(64 KiB)",
      call: () => ghbx(HUGE_NAME),
      expect: "RangeError",
      py: `socket.gethostbyname_ex("a"*65536)`,
    },
  ];
  const ghba = s.gethostbyaddr as (n: unknown) => Promise<unknown>;
  r.gethostbyaddr = [
    {
      what: "gethostbyaddr(1)",
      call: () => ghba(1),
      expect: "TypeError",
      py: `socket.gethostbyaddr(1)`,
    },
    {
      what: "gethostbyaddr(NUL)",
      call: () => ghba("127.0.0.1\0"),
      expect: "TypeError",
      py: `socket.gethostbyaddr("127.0.0.1\\0")`,
    },
    {
      what: "gethostbyaddr(64 KiB)",
      call: () => ghba(HUGE_NAME),
      expect: "RangeError",
      py: `socket.gethostbyaddr("a"*65536)`,
    },
  ];
  const fqdn = s.getfqdn as (n: unknown) => Promise<string>;
  r.getfqdn = [
    { what: "getfqdn(1)", call: () => fqdn(1), expect: "TypeError" },
  ];
  const gai = s.getaddrinfo as (...a: unknown[]) => Promise<unknown>;
  r.getaddrinfo = [
    {
      what: "getaddrinfo(1, 80)",
      call: () => gai(1, 80),
      expect: "TypeError",
      py: `socket.getaddrinfo(1, 80)`,
    },
    {
      what: "getaddrinfo(host, 70000)",
      call: () => gai("127.0.0.1", 70000),
      expect: "ok",
      py: `socket.getaddrinfo("127.0.0.1", 70000)`,
    },
    {
      what: "getaddrinfo(host, -1)",
      call: () => gai("127.0.0.1", -1),
      expect: { gai: s.EAI_SERVICE },
      py: `socket.getaddrinfo("127.0.0.1", -1)`,
    },
    {
      what: "getaddrinfo(host, NaN)",
      call: () => gai("127.0.0.1", NaN),
      expect: "error",
      py: `socket.getaddrinfo("127.0.0.1", float("nan"))`,
    },
    {
      what: "getaddrinfo(host, 80, 999)",
      call: () => gai("127.0.0.1", 80, 999),
      expect: { gai: s.EAI_FAMILY },
      py: `socket.getaddrinfo("127.0.0.1", 80, 999)`,
    },
    {
      what: "getaddrinfo(NUL, 80)",
      call: () => gai(NUL, 80),
      // A NUL ends the C string: "local" is looked up, as in CPython.
      expect: { gai: s.EAI_NONAME },
      py: `socket.getaddrinfo("local\\0host", 80)`,
    },
    {
      what: "getaddrinfo(64 KiB, 80)",
      call: () => gai(HUGE_NAME, 80),
      expect: "RangeError",
      py: `socket.getaddrinfo("a"*65536, 80)`,
    },
    {
      what: "getaddrinfo(host, 'ht\\0tp')",
      call: () => gai("127.0.0.1", "ht\0tp"),
      expect: { gai: s.EAI_SERVICE },
      py: `socket.getaddrinfo("127.0.0.1", "ht\\0tp")`,
    },
    {
      what: "getaddrinfo(host, 80, 0, 0, 0, 2**40)",
      call: () => gai("127.0.0.1", 80, 0, 0, 0, 2 ** 40),
      expect: "RangeError",
      py: `socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, 2**40)`,
    },
  ];
  const gni = s.getnameinfo as (a: unknown, f: unknown) => Promise<unknown>;
  r.getnameinfo = [
    {
      what: "getnameinfo('x', 0)",
      call: () => gni("127.0.0.1", 0),
      expect: "TypeError",
      py: `socket.getnameinfo("127.0.0.1", 0)`,
    },
    {
      what: "getnameinfo([h], 0)",
      call: () => gni(["127.0.0.1"], 0),
      expect: "TypeError",
      py: `socket.getnameinfo(("127.0.0.1",), 0)`,
    },
    {
      what: "getnameinfo([h, 70000], 0)",
      call: () => gni(["127.0.0.1", 70000], 0),
      expect: "ok",
      py: `socket.getnameinfo(("127.0.0.1", 70000), 0)`,
    },
    {
      what: "getnameinfo([h, -1], 0)",
      call: () => gni(["127.0.0.1", -1], 0),
      expect: { gai: s.EAI_SERVICE },
      py: `socket.getnameinfo(("127.0.0.1", -1), 0)`,
    },
    {
      what: "getnameinfo([h, 80], NaN)",
      call: () => gni(["127.0.0.1", 80], NaN),
      expect: "TypeError",
      py: `socket.getnameinfo(("127.0.0.1", 80), float("nan"))`,
    },
    {
      what: "getnameinfo([NUL, 80], 0)",
      call: () => gni(["127.0.0.1\0", 80], 0),
      expect: "RangeError",
      py: `socket.getnameinfo(("127.0.0.1\\0", 80), 0)`,
    },
  ];

  const sk = s.socket as (...a: unknown[]) => socket.Socket;
  r.socket = [
    {
      what: "socket(999)",
      call: () => sk(999),
      expect: { errno: EAFNOSUPPORT },
      py: `socket.socket(999)`,
    },
    {
      what: "socket(AF_INET, 999)",
      call: () => sk(s.AF_INET, 999),
      expect: { errno: EINVAL },
      py: `socket.socket(socket.AF_INET, 999)`,
    },
    {
      what: "socket('2')",
      call: () => sk("2"),
      expect: "TypeError",
      py: `socket.socket("2")`,
    },
    {
      what: "socket(NaN)",
      call: () => sk(NaN),
      expect: "TypeError",
      py: `socket.socket(float("nan"))`,
    },
    {
      what: "socket(2**40)",
      call: () => sk(2 ** 40),
      expect: "RangeError",
      py: `socket.socket(2**40)`,
    },
    {
      what: "socket(-1)",
      // socket.py's default: AF_INET.
      call: () => sk(-1),
      expect: "ok",
      py: `socket.socket(-1)`,
    },
    {
      what: "socket(fileno=123456)",
      call: () => sk(s.AF_INET, s.SOCK_STREAM, 0, 123456),
      expect: { errno: EBADF },
    },
  ];
  r.Socket = r.socket.map((c) => ({
    ...c,
    what: c.what.replace("socket", "new Socket"),
    call: () =>
      new (s.Socket as unknown as new (...a: unknown[]) => unknown)(
        ...argsOf(c),
      ),
    py: undefined,
  }));
  r.SocketType = [{
    what: "SocketType is Socket",
    call: () => assert.equal(s.SocketType, s.Socket),
    expect: "ok",
  }];
  const ff = s.fromfd as (...a: unknown[]) => socket.Socket;
  r.fromfd = [
    {
      what: "fromfd(123456, ...)",
      call: () => ff(123456, s.AF_INET, s.SOCK_STREAM),
      expect: { errno: EBADF },
    },
    {
      what: "fromfd(-1, ...)",
      call: () => ff(-1, s.AF_INET, s.SOCK_STREAM),
      expect: { errno: EBADF },
    },
    {
      what: "fromfd('3', ...)",
      call: () => ff("3", s.AF_INET, s.SOCK_STREAM),
      expect: "TypeError",
    },
    {
      what: "fromfd(NaN, ...)",
      call: () => ff(NaN, s.AF_INET, s.SOCK_STREAM),
      expect: "TypeError",
    },
  ];
  const cl = s.close as (fd: unknown) => void;
  r.close = [
    {
      what: "close(123456)",
      call: () => cl(123456),
      expect: { errno: EBADF },
    },
    {
      what: "close(-1)",
      call: () => cl(-1),
      expect: { errno: EBADF },
      py: `socket.close(-1)`,
    },
    {
      what: "close('3')",
      call: () => cl("3"),
      expect: "TypeError",
      py: `socket.close("3")`,
    },
    {
      what: "close(2**63)",
      call: () => cl(2 ** 63),
      expect: "RangeError",
      py: `socket.close(2**63)`,
    },
  ];
  const du = s.dup as (fd: unknown) => number;
  r.dup = [
    {
      what: "dup(123456)",
      call: () => du(123456),
      expect: { errno: EBADF },
    },
    {
      what: "dup(-1)",
      call: () => du(-1),
      expect: { errno: EBADF },
      py: `socket.dup(-1)`,
    },
    {
      what: "dup(NaN)",
      call: () => du(NaN),
      expect: "TypeError",
      py: `socket.dup(float("nan"))`,
    },
  ];
  const sp = s.socketpair as (...a: unknown[]) => Promise<unknown>;
  r.socketpair = [
    {
      what: "socketpair(999)",
      call: () => sp(999),
      expect: { errno: EAFNOSUPPORT },
    },
    { what: "socketpair('1')", call: () => sp("1"), expect: "TypeError" },
  ];
  const cc = s.create_connection as (...a: unknown[]) => Promise<unknown>;
  r.create_connection = [
    {
      what: "create_connection('h')",
      call: () => cc("127.0.0.1"),
      expect: "TypeError",
    },
    // As CPython: the port goes through getaddrinfo (70000 wraps to a closed port).
    {
      what: "create_connection([h, 70000])",
      call: () => cc(["127.0.0.1", 70000]),
      expect: { errno: socket.errno.ECONNREFUSED },
    },
    {
      what: "create_connection([h, -1])",
      call: () => cc(["127.0.0.1", -1]),
      expect: { gai: s.EAI_SERVICE },
    },
    {
      what: "create_connection([h, 80], -1)",
      call: () => cc(["127.0.0.1", 80], -1),
      expect: "RangeError",
    },
    {
      what: "create_connection([NUL, 80])",
      call: () => cc([NUL, 80]),
      // getaddrinfo() looks up "local", as in CPython.
      expect: { gai: s.EAI_NONAME },
    },
    {
      what: "create_connection([64 KiB, 80])",
      call: () => cc([HUGE_NAME, 80]),
      expect: { gai: s.EAI_NONAME },
    },
  ];
  const cs = s.create_server as (...a: unknown[]) => unknown;
  r.create_server = [
    {
      what: "create_server('h')",
      call: () => cs("127.0.0.1"),
      expect: "TypeError",
    },
    {
      what: "create_server([h, 70000])",
      call: () => cs(["127.0.0.1", 70000]),
      expect: "RangeError",
    },
    {
      what: "create_server([h, NaN])",
      call: () => cs(["127.0.0.1", NaN]),
      expect: "TypeError",
    },
    {
      what: "create_server([h, 0], {family: 999})",
      call: () => cs(["127.0.0.1", 0], { family: 999 }),
      expect: { errno: EAFNOSUPPORT },
    },
  ];
  // Error classes: Python's exceptions take any arguments.
  for (
    const name of [
      "error",
      "OSError",
      "herror",
      "gaierror",
      "timeout",
      "TimeoutError",
      "BlockingIOError",
      "ConnectionError",
      "BrokenPipeError",
      "ConnectionAbortedError",
      "ConnectionRefusedError",
      "ConnectionResetError",
      "FileNotFoundError",
      "PermissionError",
    ] as const
  ) {
    const C = s[name] as unknown as new (...a: unknown[]) => Error;
    r[name] = [
      {
        what: `new ${name}(NaN)`,
        call: () => assert.ok(new C(NaN) instanceof s.error),
        expect: "ok",
      },
      {
        what: `new ${name}(-1, NUL)`,
        call: () => assert.ok(new C(-1, NUL) instanceof s.error),
        expect: "ok",
      },
      {
        what: `new ${name}(huge)`,
        call: () => assert.ok(new C(HUGE_NAME) instanceof Error),
        expect: "ok",
      },
      {
        what: `new ${name}()`,
        call: () => assert.ok(new C() instanceof Error),
        expect: "ok",
      },
    ];
  }
  for (const [fn, cases] of Object.entries(r)) {
    for (const c of cases) {
      if (!c.what.includes(fn)) c.what = `${fn}: ${c.what}`;
    }
  }
  return r;
}

// The argument lists of the socket() rows, for the `new Socket` rows.
function argsOf(c: Case): unknown[] {
  const m: Record<string, unknown[]> = {
    "socket(999)": [999],
    "socket(AF_INET, 999)": [socket.AF_INET, 999],
    "socket('2')": ["2"],
    "socket(NaN)": [NaN],
    "socket(2**40)": [2 ** 40],
    "socket(-1)": [-1],
    "socket(fileno=123456)": [socket.AF_INET, socket.SOCK_STREAM, 0, 123456],
  };
  return m[c.what.replace(/^socket: /, "")] ?? [];
}

/** Socket methods: bad arguments on an open socket, then on a closed one. */
function methodRows(
  open: socket.Socket,
  connected: socket.Socket,
  closed: socket.Socket,
  extra: socket.Socket[],
): Record<string, Case[]> {
  const o = loose(open);
  const c = loose(connected);
  const r: Record<string, Case[]> = Object.create(null);
  const add = (
    m: string,
    what: string,
    call: () => unknown,
    expect: Expect,
    py?: string,
  ): void => {
    (r[m] ??= []).push({ what: `${m}: ${what}`, call, expect, py });
  };
  // On the fresh (unconnected) socket.
  add(
    "bind",
    "'h'",
    () => o.bind("127.0.0.1"),
    "TypeError",
    `socket.socket().bind("127.0.0.1")`,
  );
  add(
    "bind",
    "[h]",
    () => o.bind(["127.0.0.1"]),
    "TypeError",
    `socket.socket().bind(("127.0.0.1",))`,
  );
  add(
    "bind",
    "[h, 70000]",
    () => o.bind(["127.0.0.1", 70000]),
    "RangeError",
    `socket.socket().bind(("127.0.0.1", 70000))`,
  );
  add(
    "bind",
    "[h, -1]",
    () => o.bind(["127.0.0.1", -1]),
    "RangeError",
    `socket.socket().bind(("127.0.0.1", -1))`,
  );
  add(
    "bind",
    "[h, NaN]",
    () => o.bind(["127.0.0.1", NaN]),
    "TypeError",
    `socket.socket().bind(("127.0.0.1", float("nan")))`,
  );
  add(
    "bind",
    "[h, 2**53]",
    () => o.bind(["127.0.0.1", 2 ** 53]),
    "RangeError",
    `socket.socket().bind(("127.0.0.1", 2**53))`,
  );
  add(
    "bind",
    "[NUL, 0]",
    () => o.bind([NUL, 0]),
    "TypeError",
    `socket.socket().bind(("local\\0host", 0))`,
  );
  add(
    "bind",
    "[64 KiB, 0]",
    () => o.bind([HUGE_NAME, 0]),
    "RangeError",
    `socket.socket().bind(("a"*65536, 0))`,
  );
  add(
    "bind",
    "AF_INET6 tuple on AF_INET",
    () => o.bind(["::1", 0, 0, 0]),
    "TypeError",
    `socket.socket().bind(("::1", 0, 0, 0))`,
  );
  add(
    "bind",
    "[h, 0, 1, 2, 3]",
    () => o.bind(["127.0.0.1", 0, 1, 2, 3]),
    "TypeError",
    `socket.socket().bind(("127.0.0.1", 0, 1, 2, 3))`,
  );
  add(
    "bind",
    "path on AF_INET",
    () => o.bind("/tmp/x"),
    "TypeError",
    `socket.socket().bind("/tmp/x")`,
  );
  add(
    "connect",
    "[h, 70000]",
    () => o.connect(["127.0.0.1", 70000]),
    "RangeError",
    `socket.socket().connect(("127.0.0.1", 70000))`,
  );
  add(
    "connect",
    "[h]",
    () => o.connect(["127.0.0.1"]),
    "TypeError",
    `socket.socket().connect(("127.0.0.1",))`,
  );
  add(
    "connect",
    "null",
    () => o.connect(null),
    "TypeError",
    `socket.socket().connect(None)`,
  );
  add(
    "connect_ex",
    "[h, -1]",
    () => o.connect_ex(["127.0.0.1", -1]),
    "RangeError",
    `socket.socket().connect_ex(("127.0.0.1", -1))`,
  );
  add(
    "connect_ex",
    "[NUL, 80]",
    () => o.connect_ex([NUL, 80]),
    "TypeError",
    `socket.socket().connect_ex(("local\\0host", 80))`,
  );
  add(
    "accept",
    "not listening",
    () => o.accept(),
    { errno: EINVAL },
    `socket.socket().accept()`,
  );
  // listen() on a socket bound to loopback (an unbound one would bind the
  // wildcard address if a bad backlog got through).
  const bound = (): LooseSocket => {
    const l = socket.socket();
    l.bind(["127.0.0.1", 0]);
    extra.push(l);
    return loose(l);
  };
  add(
    "listen",
    "'1'",
    () => bound().listen("1"),
    "TypeError",
    `socket.socket().listen("1")`,
  );
  add(
    "listen",
    "NaN",
    () => bound().listen(NaN),
    "TypeError",
    `socket.socket().listen(float("nan"))`,
  );
  add(
    "listen",
    "2**40",
    () => bound().listen(2 ** 40),
    "RangeError",
    `socket.socket().listen(2**40)`,
  );
  add("send", "not connected", () => o.send("x"), { errno: EPIPE });
  add("sendall", "not connected", () => o.sendall("x"), { errno: EPIPE });
  add(
    "sendto",
    "[h, 70000]",
    () => o.sendto("x", ["127.0.0.1", 70000]),
    "RangeError",
    `socket.socket().sendto(b"x", ("127.0.0.1", 70000))`,
  );
  add(
    "recv",
    "not connected",
    () => o.recv(10),
    { errno: ENOTCONN },
    `socket.socket().recv(10)`,
  );
  add("recv", "-1", () => c.recv(-1), "RangeError", `socket.socket().recv(-1)`);
  add(
    "recv",
    "'10'",
    () => c.recv("10"),
    "TypeError",
    `socket.socket().recv("10")`,
  );
  add(
    "recv",
    "NaN",
    () => c.recv(NaN),
    "TypeError",
    `socket.socket().recv(float("nan"))`,
  );
  add(
    "recv",
    "2**64",
    () => c.recv(2 ** 64),
    "RangeError",
    `socket.socket().recv(2**64)`,
  );
  add(
    "recv",
    "flags '0'",
    () => c.recv(10, "0"),
    "TypeError",
    `socket.socket().recv(10, "0")`,
  );
  add(
    "recv_into",
    "'buf'",
    () => c.recv_into("buf"),
    "TypeError",
    `socket.socket().recv_into("buf")`,
  );
  add(
    "recv_into",
    "nbytes -1",
    () => c.recv_into(new Uint8Array(4), -1),
    "RangeError",
    `socket.socket().recv_into(bytearray(4), -1)`,
  );
  add(
    "recv_into",
    "nbytes > length",
    () => c.recv_into(new Uint8Array(4), 5),
    "RangeError",
    `socket.socket().recv_into(bytearray(4), 5)`,
  );
  add(
    "recvfrom",
    "-1",
    () => c.recvfrom(-1),
    "RangeError",
    `socket.socket().recvfrom(-1)`,
  );
  add(
    "recvfrom_into",
    "nbytes NaN",
    () => c.recvfrom_into(new Uint8Array(4), NaN),
    "TypeError",
    `socket.socket().recvfrom_into(bytearray(4), float("nan"))`,
  );
  add(
    "send",
    "a number",
    () => c.send(42),
    "TypeError",
    `socket.socket().send(42)`,
  );
  add(
    "sendall",
    "null",
    () => c.sendall(null),
    "TypeError",
    `socket.socket().sendall(None)`,
  );
  add("shutdown", "99", () => c.shutdown(99), { errno: EINVAL });
  add(
    "shutdown",
    "'1'",
    () => c.shutdown("1"),
    "TypeError",
    `socket.socket().shutdown("1")`,
  );
  add("shutdown", "not connected", () => o.shutdown(socket.SHUT_RDWR), {
    errno: ENOTCONN,
  }, `socket.socket().shutdown(socket.SHUT_RDWR)`);
  add("getpeername", "not connected", () => o.getpeername(), {
    errno: ENOTCONN,
  }, `socket.socket().getpeername()`);
  add("getsockname", "junk argument", () => o.getsockname(1), "ok");
  add(
    "settimeout",
    "-1",
    () => o.settimeout(-1),
    "RangeError",
    `socket.socket().settimeout(-1)`,
  );
  add(
    "settimeout",
    "'1'",
    () => o.settimeout("1"),
    "TypeError",
    `socket.socket().settimeout("1")`,
  );
  add(
    "settimeout",
    "NaN",
    () => o.settimeout(NaN),
    "RangeError",
    `socket.socket().settimeout(float("nan"))`,
  );
  add("gettimeout", "junk argument", () => o.gettimeout(1), "ok");
  add("setblocking", "junk", () => o.setblocking({}), "ok");
  add("getblocking", "junk argument", () => o.getblocking(1), "ok");
  add(
    "setsockopt",
    "unknown option",
    () => o.setsockopt(socket.SOL_SOCKET, 9999, 1),
    { errno: ENOPROTOOPT },
    `socket.socket().setsockopt(socket.SOL_SOCKET, 9999, 1)`,
  );
  add(
    "setsockopt",
    "level '1'",
    () => o.setsockopt("1", socket.SO_REUSEADDR, 1),
    "TypeError",
    `socket.socket().setsockopt("1", socket.SO_REUSEADDR, 1)`,
  );
  add(
    "setsockopt",
    "value 'x'",
    () => o.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, "x"),
    "TypeError",
    `socket.socket().setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, "x")`,
  );
  add(
    "setsockopt",
    "level NaN",
    () => o.setsockopt(NaN, socket.SO_REUSEADDR, 1),
    "TypeError",
    `socket.socket().setsockopt(float("nan"), socket.SO_REUSEADDR, 1)`,
  );
  add(
    "getsockopt",
    "unknown option",
    () => o.getsockopt(socket.SOL_SOCKET, 9999),
    { errno: ENOPROTOOPT },
    `socket.socket().getsockopt(socket.SOL_SOCKET, 9999)`,
  );
  add(
    "getsockopt",
    "buflen -1",
    () => o.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, -1),
    "error",
    `socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, -1)`,
  );
  add(
    "makefile",
    "mode 'x'",
    () => c.makefile("x"),
    "RangeError",
    `socket.socket().makefile("x")`,
  );
  add("makefile", "mode 1", () => c.makefile(1), "TypeError");
  add("makefile", "not connected", () => o.makefile("rb"), { errno: ENOTCONN });
  add("fileno", "junk argument", () => o.fileno(1), "ok");
  add("dup", "junk argument", () => (o.dup(1) as socket.Socket).close(), "ok");
  add("get_inheritable", "junk argument", () => o.get_inheritable(1), "ok");
  add(
    "sendmsg",
    "not an iterable",
    () => o.sendmsg(5),
    "TypeError",
    `socket.socket().sendmsg(5)`,
  );
  add(
    "sendmsg",
    "ancillary item not a triple",
    () => o.sendmsg([new Uint8Array(1)], [1]),
    "TypeError",
    `socket.socket().sendmsg([b"x"], [1])`,
  );
  add(
    "recvmsg",
    "negative bufsize",
    () => o.recvmsg(-1),
    "RangeError",
    `socket.socket().recvmsg(-1)`,
  );
  add(
    "sendfile",
    "not a file",
    () => c.sendfile(5),
    "TypeError",
  );
  add(
    "sendfile",
    "count 0",
    () => o.sendfile("/dev/null", 0, 0),
    "RangeError",
    `socket.socket().sendfile(open("/dev/null", "rb"), 0, 0)`,
  );
  add(
    "recvmsg_into",
    "not an iterable",
    () => o.recvmsg_into(5),
    "TypeError",
    `socket.socket().recvmsg_into(5)`,
  );
  add(
    "set_inheritable",
    "'x'",
    () => o.set_inheritable("x"),
    "TypeError",
    `socket.socket().set_inheritable("x")`,
  );
  add(
    "set_inheritable",
    "true",
    () => o.set_inheritable(true),
    { errno: socket.errno.EOPNOTSUPP },
  );
  add(
    "toString",
    "junk argument",
    () => (o.toString as (x: unknown) => string)(1),
    "ok",
  );
  add(
    "readable",
    "read",
    () => void (connected as socket.Socket).readable,
    "ok",
  );
  add(
    "writable",
    "write",
    () => void (connected as socket.Socket).writable,
    "ok",
  );
  add("family", "read", () => assert.equal(open.family, socket.AF_INET), "ok");
  add("type", "read", () => assert.equal(open.type, socket.SOCK_STREAM), "ok");
  add("proto", "read", () => assert.equal(open.proto, 0), "ok");
  add("timeout", "read", () => open.timeout, "ok");

  // Every method on a closed socket: EBADF (sync methods throw at once).
  const k = loose(closed);
  const onClosed: [SocketMethod, unknown[]][] = [
    ["bind", [["127.0.0.1", 0]]],
    ["listen", []],
    ["accept", []],
    ["connect", [["127.0.0.1", 9]]],
    ["send", ["x"]],
    ["sendall", ["x"]],
    ["sendto", ["x", ["127.0.0.1", 9]]],
    ["recv", [10]],
    ["recv_into", [new Uint8Array(4)]],
    ["recvfrom", [10]],
    ["recvfrom_into", [new Uint8Array(4)]],
    ["shutdown", [socket.SHUT_RDWR]],
    ["getsockname", []],
    ["getpeername", []],
    ["setblocking", [false]],
    ["getblocking", []],
    ["settimeout", [1]],
    ["setsockopt", [socket.SOL_SOCKET, socket.SO_REUSEADDR, 1]],
    ["getsockopt", [socket.SOL_SOCKET, socket.SO_REUSEADDR]],
    ["makefile", ["rb"]],
    ["dup", []],
    ["get_inheritable", []],
    ["set_inheritable", [false]],
    ["sendmsg", [["x"]]],
    ["recvmsg", [10]],
    ["recvmsg_into", [[new Uint8Array(4)]]],
    ["sendfile", ["/dev/null"]],
  ];
  // connect_ex reports errors as its result, EBADF included (as CPython).
  add("connect_ex", "on a closed socket", async () => {
    const n = await k.connect_ex(["127.0.0.1", 9]);
    if (n !== EBADF) throw new Error(`connect_ex gave ${n}`);
  }, "ok");
  for (const [m, args] of onClosed) {
    add(m, "on a closed socket", () => k[m](...args), { errno: EBADF });
  }
  add("close", "twice", () => closed.close(), "ok");
  add(
    "detach",
    "on a closed socket",
    () => assert.equal(closed.detach(), -1),
    "ok",
  );
  add(
    "fileno",
    "on a closed socket",
    () => assert.equal(closed.fileno(), -1),
    "ok",
  );
  add("gettimeout", "on a closed socket", () => closed.gettimeout(), "ok");
  return r;
}

/**
 * Differences from CPython found by this test and not fixed yet, with why.
 * Each is still a documented kind of error (never a hang or a crash).
 */
const NAMES = "dns: host-name checks";
const KNOWN_DIFFERENCES = new Map<string, string>([
  ["gethostbyname(64 KiB)", NAMES],
  ["gethostbyname_ex(64 KiB)", NAMES],
  ["gethostbyaddr(64 KiB)", NAMES],
  ["getaddrinfo(64 KiB, 80)", NAMES],
  ["bind: [64 KiB, 0]", NAMES],
  ["if_indextoname(2**53)", "dns: an index beyond C's unsigned int"],
]);

type Outcome = string; // "TypeError", "RangeError", "error", "errno:N", "gai:N", "ok"

function classify(e: unknown): Outcome {
  if (e instanceof socket.gaierror) return `gai:${e.errno}`;
  if (e instanceof socket.error) {
    return e.errno === null ? "error" : `errno:${e.errno}`;
  }
  if (e instanceof TypeError) return "TypeError";
  if (e instanceof RangeError) return "RangeError";
  return `unexpected ${Object.prototype.toString.call(e)}: ${String(e)}`;
}

function expected(x: Expect): Outcome {
  if (typeof x === "string") return x;
  if ("errno" in x) return `errno:${x.errno}`;
  return x.gai === "any" ? "gai:any" : `gai:${x.gai}`;
}

/** Runs one case: sync calls must throw at once; async ones must reject. */
async function run(c: Case, isAsync: boolean): Promise<Outcome> {
  let result: unknown;
  try {
    result = c.call();
  } catch (e) {
    if (isAsync) {
      return `threw synchronously (${classify(e)}) from an async call`;
    }
    return classify(e);
  }
  if (!(result instanceof Promise)) {
    return isAsync ? "returned no promise" : "ok";
  }
  if (!isAsync) {
    result.catch(() => {});
    return "returned a promise from a synchronous call";
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<Outcome>((r) => {
    timer = setTimeout(() => r("HANG (no answer in 10 s)"), 10_000);
  });
  try {
    return await Promise.race([
      result.then(() => "ok", (e) => classify(e)),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** CPython's outcome for each expression, in one run. */
async function pythonOutcomes(exprs: string[]): Promise<Map<string, Outcome>> {
  const code = `
import json, socket, sys
out = {}
for expr in json.load(sys.stdin):
    try:
        eval(expr)
        r = "ok"
    except socket.gaierror as e:
        r = "gai:%d" % e.errno
    except (ValueError, OverflowError) as e:
        r = "RangeError"
    except TypeError:
        r = "TypeError"
    except OSError as e:
        r = "error" if e.errno is None else "errno:%d" % e.errno
    except Exception as e:
        r = "python " + type(e).__name__
    out[expr] = r
print(json.dumps(out))
`;
  return new Map(
    Object.entries(JSON.parse(await runPython(code, JSON.stringify(exprs)))),
  );
}

Deno.test("bad input: every export of mod.ts and every Socket method, table-driven", async () => {
  // Names that pass validation must not reach any DNS server but ours: a
  // silent one on loopback, with a short timeout.
  const silent = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  socket.set_resolver({
    nameServer: {
      ipAddr: "127.0.0.1",
      port: (silent.addr as Deno.NetAddr).port,
    },
    hostsFile: null,
    search: [],
    timeout: 1,
    attempts: 1,
  });
  const open = socket.socket();
  const closed = socket.socket();
  closed.close();
  const [a, b] = await socket.socketpair(socket.AF_INET);
  const extra: socket.Socket[] = [];
  const failures: string[] = [];
  let calls = 0;
  const pyRows: [Case, Outcome][] = [];
  const withPython = hasPython();
  // Every outcome must be a documented kind (no hang, no stray class, no
  // sync/async mix-up). Rows CPython also runs are compared with CPython's
  // outcome below; the others with the row's expectation.
  const check = (c: Case, got: Outcome): void => {
    if (!/^(TypeError|RangeError|error|ok|errno:-?\d+|gai:-?\d+)$/.test(got)) {
      failures.push(`${c.what}: ${got}`);
    } else if (c.py && withPython) {
      pyRows.push([c, got]);
    } else if (got !== expected(c.expect)) {
      failures.push(`${c.what}: got ${got}, expected ${expected(c.expect)}`);
    }
  };
  try {
    await noUnhandledRejections(async () => {
      const fns = functionRows();
      const methods = methodRows(open, a, closed, extra);

      // Every export is either a value (constants, maps, has_ipv6) or has rows.
      const missing: string[] = [];
      for (const [name, value] of Object.entries(socket)) {
        if (typeof value !== "function") continue;
        if (!Object.hasOwn(fns, name)) missing.push(name);
      }
      for (const name of Object.getOwnPropertyNames(socket.Socket.prototype)) {
        if (name === "constructor") continue;
        if (!Object.hasOwn(methods, name)) {
          missing.push(`Socket.prototype.${name}`);
        }
      }
      assert.deepEqual(
        missing,
        [],
        "exports or methods without a bad-input row",
      );

      for (const [name, cases] of Object.entries(fns)) {
        for (const c of cases) {
          calls++;
          const got = await run(c, ASYNC.has(name));
          check(c, got);
        }
      }
      for (const [name, cases] of Object.entries(methods)) {
        for (const c of cases) {
          calls++;
          const got = await run(c, ASYNC_METHODS.has(name));
          check(c, got);
        }
      }
      // Symbol methods: dispose twice is fine.
      open[Symbol.dispose]();
      open[Symbol.dispose]();
      socket.setdefaulttimeout(null);
    });
  } finally {
    socket.reset_resolver();
    silent.close();
    await Promise.all(
      [a, b, open, ...extra].map((s) => s[Symbol.asyncDispose]()),
    );
  }

  // Where CPython has the same call, its outcome is the reference: a
  // difference fails, unless it is one of the known ones listed (and
  // printed) below, each reported for the module that owns it.
  let compared = 0;
  const pyDiffs: string[] = [];
  const known: string[] = [];
  if (withPython) {
    const py = await pythonOutcomes(pyRows.map(([c]) => c.py!));
    for (const [c, got] of pyRows) {
      const p = py.get(c.py!)!;
      compared++;
      if (p === got || (p === "python MemoryError" && got === "RangeError")) {
        continue;
      }
      const line = `${c.what}: pysocket ${got}, CPython ${p}`;
      if (KNOWN_DIFFERENCES.has(c.what)) {
        known.push(`${line} (${KNOWN_DIFFERENCES.get(c.what)})`);
      } else pyDiffs.push(line);
    }
  } else {
    skipReason("bad input: CPython comparison", "python3 not found");
  }
  console.log(
    `bad input: ${calls} calls, ${compared} compared with CPython, ` +
      `${failures.length} unexpected, ${pyDiffs.length} differing from CPython, ` +
      `${known.length} known differences`,
  );
  for (const d of known) console.log(`  KNOWN DIFFERENCE: ${d}`);
  for (const d of pyDiffs) console.log(`  DIFFERS FROM CPYTHON: ${d}`);
  for (const f of failures) console.log(`  UNEXPECTED: ${f}`);
  assert.deepEqual(failures, []);
  assert.deepEqual(pyDiffs, []);
});

Deno.test("bad input: datagram sockets", async () => {
  const probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    probe.bind(["127.0.0.1", 0]);
  } catch (e) {
    probe.close();
    if (e instanceof socket.error && e.errno === socket.errno.EOPNOTSUPP) {
      skipReason(
        "bad input: datagram sockets",
        `not available yet: ${e.message}`,
      );
      return;
    }
    throw e;
  }
  const closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  closed.close();
  const d = loose(probe);
  const k = loose(closed);
  const cases: [string, () => unknown, Expect][] = [
    [
      "sendto [h, 70000]",
      () => d.sendto("x", ["127.0.0.1", 70000]),
      "RangeError",
    ],
    ["sendto [h]", () => d.sendto("x", ["127.0.0.1"]), "TypeError"],
    [
      "sendto AF_INET6 tuple",
      () => d.sendto("x", ["::1", 9, 0, 0]),
      "TypeError",
    ],
    ["sendto [NUL, 9]", () => d.sendto("x", [NUL, 9]), "TypeError"],
    ["sendto 42", () => d.sendto(42, ["127.0.0.1", 9]), "TypeError"],
    ["recvfrom -1", () => d.recvfrom(-1), "RangeError"],
    ["recvfrom NaN", () => d.recvfrom(NaN), "TypeError"],
    [
      "recvfrom_into nbytes > length",
      () => d.recvfrom_into(new Uint8Array(4), 5),
      "RangeError",
    ],
    ["closed sendto", () => k.sendto("x", ["127.0.0.1", 9]), {
      errno: socket.errno.EBADF,
    }],
    ["closed recvfrom", () => k.recvfrom(10), { errno: socket.errno.EBADF }],
    ["closed bind", () => k.bind(["127.0.0.1", 0]), {
      errno: socket.errno.EBADF,
    }],
  ];
  const failures: string[] = [];
  try {
    await noUnhandledRejections(async () => {
      for (const [what, call, expect] of cases) {
        const isAsync = !what.includes("bind");
        const got = await run({ what, call, expect }, isAsync);
        if (got !== expected(expect)) {
          failures.push(`${what}: got ${got}, expected ${expected(expect)}`);
        }
      }
    });
  } finally {
    await probe[Symbol.asyncDispose]();
  }
  console.log(
    `bad input (datagram): ${cases.length} calls, ${failures.length} unexpected`,
  );
  assert.deepEqual(failures, []);
});
