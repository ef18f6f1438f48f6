// Issue #17's fidelity cases, each run against CPython on this machine: the
// same calls on both sides, their outcomes compared as
// "ok <value>" / "range <message>" (Python's OverflowError, ValueError and
// UnicodeEncodeError) / "type <message>" / "os <errno or message>".
// Skipped, with the reason printed, where python3 is missing.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { runtime } from "../../_runtime/runtime.ts";

const UNIX_DATAGRAMS = runtime.capabilities.unixDatagrams;

type Outcome = string;

function describe(e: unknown): Outcome {
  if (e instanceof socket.error) {
    return `os ${e.errno ?? e.message}`;
  }
  if (e instanceof RangeError) return `range ${e.message}`;
  if (e instanceof TypeError) return `type ${e.message}`;
  return `other ${String(e)}`;
}

async function outcome(f: () => unknown): Promise<Outcome> {
  try {
    const v = await f();
    return `ok ${
      v instanceof Uint8Array ? `bytes${v.length}` : JSON.stringify(v ?? null)
    }`;
  } catch (e) {
    return describe(e);
  }
}

/** Runs `cases` (label to Python expression) in CPython after `setup`. */
async function python(
  setup: string,
  cases: Record<string, string>,
): Promise<Record<string, Outcome>> {
  const program = `
import json, socket, sys
def describe(e):
    if isinstance(e, (OverflowError, ValueError)):
        return "range " + str(e)
    if isinstance(e, TypeError):
        return "type " + str(e)
    if isinstance(e, OSError):
        return "os " + (str(e.errno) if e.errno is not None else str(e))
    return "other " + repr(e)
def show(v):
    if isinstance(v, bytes):
        return "ok bytes%d" % len(v)
    if hasattr(v, "value"):
        v = v.value
    return "ok " + json.dumps(v, separators=(",", ":"))
cases = json.loads(sys.stdin.read())
env = {"socket": socket}
exec(${JSON.stringify(setup)}, env)
out = {}
for label, expr in cases.items():
    try:
        out[label] = show(eval(expr, env))
    except Exception as e:
        out[label] = describe(e)
for v in list(env.values()):
    if isinstance(v, socket.socket):
        v.close()
print(json.dumps(out))
`;
  return JSON.parse(await runPython(program, JSON.stringify(cases)));
}

Deno.test("fidelity vs CPython: C int ranges, -1 defaults, protocols", async () => {
  if (!hasPython()) {
    skipReason("fidelity C int ranges", "python3 is not available");
    return;
  }
  const s = socket.socket();
  const closed = socket.socket();
  closed.close();
  const ours: Record<string, () => unknown> = {
    "fileno=-1": () => socket.socket(undefined, undefined, undefined, -1),
    "fileno=2**31": () =>
      socket.socket(undefined, undefined, undefined, 2 ** 31),
    "fileno=2**63": () =>
      socket.socket(undefined, undefined, undefined, 2 ** 63),
    "family=2**31": () => socket.socket(2 ** 31),
    "type=2**31": () => socket.socket(2, 2 ** 31),
    "proto=2**31": () => socket.socket(2, 1, 2 ** 31),
    "proto=-2**31-1": () => socket.socket(2, 1, -(2 ** 31) - 1),
    "proto=-1": () => {
      using t = socket.socket(socket.AF_INET, socket.SOCK_STREAM, -1);
      return [t.family, t.type, t.proto];
    },
    "family=-1,type=-1": () => {
      using t = socket.socket(-1, -1, -1);
      return [t.family, t.type, t.proto];
    },
    "proto=-5": () => socket.socket(2, 1, -5),
    "proto=263": () => socket.socket(2, 1, 263),
    "proto=17 stream": () => socket.socket(2, 1, 17),
    "proto=6": () => {
      using t = socket.socket(2, 1, 6);
      return t.proto;
    },
    "unix proto=1": () => {
      using t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 1);
      return t.proto;
    },
    "unix proto=-5": () =>
      socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, -5),
    "shutdown(2**31)": () => s.shutdown(2 ** 31),
    "shutdown(-2**31-1)": () => s.shutdown(-(2 ** 31) - 1),
    "shutdown(2**63)": () => s.shutdown(2 ** 63),
    "shutdown(-1)": () => s.shutdown(-1),
    "closed shutdown(2**31)": () => closed.shutdown(2 ** 31),
    "setsockopt level 2**31": () => s.setsockopt(2 ** 31, 1, 1),
    "setsockopt opt 2**31": () => s.setsockopt(1, 2 ** 31, 1),
    "setsockopt level 2**63": () => s.setsockopt(2 ** 63, 1, 1),
    "setsockopt value 2**31": () => s.setsockopt(1, 2, 2 ** 31),
    "setsockopt value -2**31-1": () => s.setsockopt(1, 2, -(2 ** 31) - 1),
    "setsockopt value 1.5": () => s.setsockopt(1, 2, 1.5),
    "closed setsockopt level 2**31": () => closed.setsockopt(2 ** 31, 1, 1),
    "getsockopt level 2**31": () => s.getsockopt(2 ** 31, 1),
    "getsockopt opt 2**31": () => s.getsockopt(1, 2 ** 31),
    "getsockopt buflen 2**31": () => s.getsockopt(1, 2, 2 ** 31),
    "getsockopt buflen -1": () => s.getsockopt(1, 2, -1),
    "getsockopt buflen 0": () => s.getsockopt(1, 2, 0),
    "getsockopt buflen 1025": () => s.getsockopt(1, 2, 1025),
    "getsockopt buflen 1024": () => s.getsockopt(1, 2, 1024),
    "listen(2**31)": () => s.listen(2 ** 31),
    "recv flags 2**40": () => s.recv(10, 2 ** 40),
    "recv flags -2**31-1": () => s.recv(10, -(2 ** 31) - 1),
    "recv flags 2**63": () => s.recv(10, 2 ** 63),
    "closed recv flags 2**40": () => closed.recv(10, 2 ** 40),
    "send flags 2**40": () => s.send("x", 2 ** 40),
    "sendall flags 2**40": () => s.sendall("x", 2 ** 40),
    "sendto flags 2**40": () => s.sendto("x", 2 ** 40, ["127.0.0.1", 9]),
    "recvfrom flags 2**40": () => s.recvfrom(10, 2 ** 40),
    "recv_into flags 2**40": () => s.recv_into(new Uint8Array(3), 0, 2 ** 40),
    "recvfrom_into flags 2**40": () =>
      s.recvfrom_into(new Uint8Array(3), 0, 2 ** 40),
    "fromfd(-1)": () => socket.fromfd(-1, 2, 1),
    "fromfd(2**31)": () => socket.fromfd(2 ** 31, 2, 1),
    "fromfd family 2**31": () => socket.fromfd(s.fileno(), 2 ** 31, 1),
  };
  const theirs: Record<string, string> = {
    "fileno=-1": "socket.socket(fileno=-1)",
    "fileno=2**31": "socket.socket(fileno=2**31)",
    "fileno=2**63": "socket.socket(fileno=2**63)",
    "family=2**31": "socket.socket(2**31)",
    "type=2**31": "socket.socket(2, 2**31)",
    "proto=2**31": "socket.socket(2, 1, 2**31)",
    "proto=-2**31-1": "socket.socket(2, 1, -2**31-1)",
    "proto=-1": "(lambda t: [t.family, t.type, t.proto, t.close()][:3])" +
      "(socket.socket(socket.AF_INET, socket.SOCK_STREAM, -1))",
    "family=-1,type=-1":
      "(lambda t: [t.family, t.type, t.proto, t.close()][:3])(socket.socket(-1, -1, -1))",
    "proto=-5": "socket.socket(2, 1, -5)",
    "proto=263": "socket.socket(2, 1, 263)",
    "proto=17 stream": "socket.socket(2, 1, 17)",
    "proto=6": "(lambda t: [t.proto, t.close()][0])(socket.socket(2, 1, 6))",
    "unix proto=1":
      "(lambda t: [t.proto, t.close()][0])(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 1))",
    "unix proto=-5": "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, -5)",
    "shutdown(2**31)": "s.shutdown(2**31)",
    "shutdown(-2**31-1)": "s.shutdown(-2**31-1)",
    "shutdown(2**63)": "s.shutdown(2**63)",
    "shutdown(-1)": "s.shutdown(-1)",
    "closed shutdown(2**31)": "closed.shutdown(2**31)",
    "setsockopt level 2**31": "s.setsockopt(2**31, 1, 1)",
    "setsockopt opt 2**31": "s.setsockopt(1, 2**31, 1)",
    "setsockopt level 2**63": "s.setsockopt(2**63, 1, 1)",
    "setsockopt value 2**31": "s.setsockopt(1, 2, 2**31)",
    "setsockopt value -2**31-1": "s.setsockopt(1, 2, -2**31-1)",
    "setsockopt value 1.5": "s.setsockopt(1, 2, 1.5)",
    "closed setsockopt level 2**31": "closed.setsockopt(2**31, 1, 1)",
    "getsockopt level 2**31": "s.getsockopt(2**31, 1)",
    "getsockopt opt 2**31": "s.getsockopt(1, 2**31)",
    "getsockopt buflen 2**31": "s.getsockopt(1, 2, 2**31)",
    "getsockopt buflen -1": "s.getsockopt(1, 2, -1)",
    "getsockopt buflen 0": "s.getsockopt(1, 2, 0)",
    "getsockopt buflen 1025": "s.getsockopt(1, 2, 1025)",
    "getsockopt buflen 1024": "s.getsockopt(1, 2, 1024)",
    "listen(2**31)": "s.listen(2**31)",
    "recv flags 2**40": "s.recv(10, 2**40)",
    "recv flags -2**31-1": "s.recv(10, -2**31-1)",
    "recv flags 2**63": "s.recv(10, 2**63)",
    "closed recv flags 2**40": "closed.recv(10, 2**40)",
    "send flags 2**40": "s.send(b'x', 2**40)",
    "sendall flags 2**40": "s.sendall(b'x', 2**40)",
    "sendto flags 2**40": "s.sendto(b'x', 2**40, ('127.0.0.1', 9))",
    "recvfrom flags 2**40": "s.recvfrom(10, 2**40)",
    "recv_into flags 2**40": "s.recv_into(bytearray(3), 0, 2**40)",
    "recvfrom_into flags 2**40": "s.recvfrom_into(bytearray(3), 0, 2**40)",
    "fromfd(-1)": "socket.fromfd(-1, 2, 1)",
    "fromfd(2**31)": "socket.fromfd(2**31, 2, 1)",
    "fromfd family 2**31": "socket.fromfd(s.fileno(), 2**31, 1)",
  };
  try {
    const got: Record<string, Outcome> = {};
    for (const [label, f] of Object.entries(ours)) {
      got[label] = await outcome(f);
    }
    const want = await python(
      "s = socket.socket()\nclosed = socket.socket()\nclosed.close()",
      theirs,
    );
    assert.deepEqual(got, want);
  } finally {
    s.close();
  }
});

Deno.test("fidelity vs CPython: SO_RCVBUF / SO_SNDBUF sizes as Linux sets them", async () => {
  if (!hasPython()) {
    skipReason("fidelity buffer sizes", "python3 is not available");
    return;
  }
  const values = [-1, -(2 ** 31), 0, 1, 100, 4096, 2 ** 31 - 1];
  const ours: Record<string, () => unknown> = {};
  const theirs: Record<string, string> = {};
  for (const type of [socket.SOCK_STREAM, socket.SOCK_DGRAM]) {
    for (
      const [name, opt] of [["RCV", socket.SO_RCVBUF], [
        "SND",
        socket.SO_SNDBUF,
      ]] as const
    ) {
      for (const v of values) {
        const label = `type ${type} SO_${name}BUF ${v}`;
        ours[label] = () => {
          using t = socket.socket(socket.AF_INET, type);
          t.setsockopt(socket.SOL_SOCKET, opt, v);
          return [
            t.getsockopt(socket.SOL_SOCKET, opt),
            t.getsockopt(socket.SOL_SOCKET, opt, 0),
          ];
        };
        theirs[label] = `(lambda t: [t.setsockopt(1, ${opt}, ${v}), ` +
          `t.getsockopt(1, ${opt}), t.getsockopt(1, ${opt}, 0), t.close()][1:3])` +
          `(socket.socket(2, ${type}))`;
      }
    }
  }
  const got: Record<string, Outcome> = {};
  for (const [label, f] of Object.entries(ours)) got[label] = await outcome(f);
  assert.deepEqual(got, await python("", theirs));
});

Deno.test("fidelity vs CPython: create_connection(all_errors=True)", async () => {
  if (!hasPython()) {
    skipReason("fidelity create_connection", "python3 is not available");
    return;
  }
  const probe = socket.socket();
  probe.bind(["127.0.0.1", 0]);
  const port = (probe.getsockname() as [string, number])[1];
  probe.close();
  // What each side's error is, as [class, message, errnos of the members].
  const ours = await socket.create_connection(
    ["localhost", port],
    null,
    null,
    true,
  )
    .then(
      () => ["connected"],
      (e: unknown) =>
        e instanceof AggregateError
          ? [
            "group",
            e.message,
            e.errors.map((x) => (x as socket.error).errno),
          ]
          : ["other", String(e)],
    );
  const theirs = JSON.parse(
    await runPython(
      `
import json, socket, sys
try:
    socket.create_connection(("localhost", int(sys.argv[1])), all_errors=True)
    print(json.dumps(["connected"]))
except ExceptionGroup as e:
    print(json.dumps(["group", e.message, [x.errno for x in e.exceptions]]))
`,
      "",
      [String(port)],
    ),
  );
  assert.deepEqual(ours, theirs);
});

Deno.test("fidelity vs CPython: lone surrogates and NULs in names and services", async () => {
  if (!hasPython()) {
    skipReason("fidelity surrogates", "python3 is not available");
    return;
  }
  // Each case: [label, pysocket call, Python expression].
  const cases: [string, () => unknown, string][] = [
    [
      "getaddrinfo service \\ud800",
      () => socket.getaddrinfo("127.0.0.1", "\ud800"),
      "socket.getaddrinfo('127.0.0.1', '\\ud800')",
    ],
    [
      "getaddrinfo service run",
      () => socket.getaddrinfo("127.0.0.1", "a\udc00\udc01\udc02b\ud800"),
      "socket.getaddrinfo('127.0.0.1', 'a\\udc00\\udc01\\udc02b\\ud800')",
    ],
    [
      "getaddrinfo service after an astral character",
      () => socket.getaddrinfo("127.0.0.1", "\u{1f600}\udc00"),
      "socket.getaddrinfo('127.0.0.1', '\\U0001f600\\udc00')",
    ],
    [
      "getaddrinfo service NUL ends it",
      () => socket.getaddrinfo("127.0.0.1", "http\0x", 0, socket.SOCK_STREAM),
      "[list(r[:4]) + [list(r[4])] for r in socket.getaddrinfo('127.0.0.1', 'http\\0x', 0, socket.SOCK_STREAM)]",
    ],
    [
      "getaddrinfo service NUL first",
      () => socket.getaddrinfo("127.0.0.1", "\0http"),
      "socket.getaddrinfo('127.0.0.1', '\\0http')",
    ],
    [
      "getaddrinfo host \\ud800",
      () => socket.getaddrinfo("\ud800", 80),
      "socket.getaddrinfo('\\ud800', 80)",
    ],
    [
      "getaddrinfo host NUL ends it",
      () => socket.getaddrinfo("127.0.0.1\0junk", 80, 0, socket.SOCK_STREAM),
      "[list(r[:4]) + [list(r[4])] for r in socket.getaddrinfo('127.0.0.1\\0junk', 80, 0, socket.SOCK_STREAM)]",
    ],
    [
      "gethostbyname \\ud800",
      () => socket.gethostbyname("a\ud800b"),
      "socket.gethostbyname('a\\ud800b')",
    ],
    [
      "gethostbyname NUL",
      () => socket.gethostbyname("127.0.0.1\0junk"),
      "socket.gethostbyname('127.0.0.1\\0junk')",
    ],
    [
      "gethostbyaddr \\udc00",
      () => socket.gethostbyaddr("\udc00"),
      "socket.gethostbyaddr('\\udc00')",
    ],
    [
      "getnameinfo host \\ud800",
      () => socket.getnameinfo(["\ud800", 80], 0),
      "socket.getnameinfo(('\\ud800', 80), 0)",
    ],
    [
      "getnameinfo host NUL",
      () => socket.getnameinfo(["a\0b", 80], 0),
      "socket.getnameinfo(('a\\0b', 80), 0)",
    ],
    [
      "getservbyname \\ud800",
      () => socket.getservbyname("\ud800"),
      "socket.getservbyname('\\ud800')",
    ],
    [
      "getservbyname proto \\ud800\\ud800",
      () => socket.getservbyname("http", "\udc00\ud800"),
      "socket.getservbyname('http', '\\udc00\\ud800')",
    ],
    [
      "getservbyname surrogate before NUL",
      () => socket.getservbyname("x\0\ud800"),
      "socket.getservbyname('x\\0\\ud800')",
    ],
    [
      "getservbyport proto \\ud800",
      () => socket.getservbyport(80, "\ud800"),
      "socket.getservbyport(80, '\\ud800')",
    ],
    [
      "getprotobyname \\ud800",
      () => socket.getprotobyname("\ud800"),
      "socket.getprotobyname('\\ud800')",
    ],
    [
      "connect host \\ud800",
      async () => {
        using s = socket.socket();
        await s.connect(["\ud800", 80]);
      },
      "socket.socket().connect(('\\ud800', 80))",
    ],
    [
      "bind host \\ud800",
      () => {
        using s = socket.socket();
        s.bind(["\ud800", 0]);
      },
      "socket.socket().bind(('\\ud800', 0))",
    ],
  ];
  const got: Record<string, Outcome> = {};
  const theirs: Record<string, string> = {};
  for (const [label, f, py] of cases) {
    got[label] = await outcome(f);
    theirs[label] = py;
  }
  assert.deepEqual(got, await python("", theirs));
});

// Connecting to the wildcard address: the same steps on both sides, ports
// left out of what is compared.
const WILDCARD_CASES: [number, string, string][] = [
  [socket.AF_INET, "0.0.0.0", "127.0.0.1"],
  [socket.AF_INET, "", "127.0.0.1"],
  [socket.AF_INET6, "::", "::1"],
  [socket.AF_INET6, "", "::1"],
];

const WILDCARD_PY = `
import json, socket
def host(a):
    return [a[0]] + list(a[2:])
out = []
for fam, host_, local in json.loads(input()):
    l = socket.socket(fam)
    l.bind((local, 0))
    l.listen()
    c = socket.socket(fam)
    c.connect((host_, l.getsockname()[1]))
    conn, frm = l.accept()
    tcp = [host(c.getpeername()), c.getsockname()[0], frm[0]]
    conn.close(); c.close(); l.close()
    r = socket.socket(fam, socket.SOCK_DGRAM)
    r.bind((local, 0))
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.connect((host_, r.getsockname()[1]))
    u.send(b"ping")
    data, frm = r.recvfrom(100)
    r.sendto(b"pong!", frm)
    u.settimeout(5)
    back = u.recv(100)
    udp = [host(u.getpeername()), u.getsockname()[0], data.decode(), frm[0], back.decode()]
    u.close(); r.close()
    out.append([tcp, udp])
# A socket bound to an address of its own connects to itself there.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.5", 0))
u.connect(("0.0.0.0", 9))
out.append(u.getpeername()[0])
u.close()
print(json.dumps(out))
`;

Deno.test("fidelity vs CPython: connect to the wildcard address means this host", async () => {
  if (!hasPython()) {
    skipReason("fidelity wildcard connect", "python3 is not available");
    return;
  }
  const host = (a: socket.Address): unknown[] =>
    typeof a === "string" ? [a] : [a[0], ...a.slice(2)];
  const ours: unknown[] = [];
  for (const [fam, target, local] of WILDCARD_CASES) {
    await using l = socket.socket(fam);
    l.bind([local, 0]);
    l.listen();
    await using c = socket.socket(fam);
    await c.connect([target, l.getsockname()[1] as number]);
    const [conn, from] = await l.accept();
    const tcp = [host(c.getpeername()), c.getsockname()[0], from[0]];
    await conn[Symbol.asyncDispose]();
    await using r = socket.socket(fam, socket.SOCK_DGRAM);
    r.bind([local, 0]);
    await using u = socket.socket(fam, socket.SOCK_DGRAM);
    await u.connect([target, r.getsockname()[1] as number]);
    await u.send("ping");
    const [data, sender] = await r.recvfrom(100);
    assert.ok(Array.isArray(sender));
    await r.sendto("pong!", sender);
    u.settimeout(5);
    const back = await u.recv(100);
    const dec = new TextDecoder();
    ours.push([tcp, [
      host(u.getpeername()),
      u.getsockname()[0],
      dec.decode(data),
      sender[0],
      dec.decode(back),
    ]]);
  }
  {
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.5", 0]);
    await u.connect(["0.0.0.0", 9]);
    ours.push(u.getpeername()[0]);
  }
  const theirs = JSON.parse(
    await runPython(WILDCARD_PY, JSON.stringify(WILDCARD_CASES) + "\n"),
  );
  assert.deepEqual(ours, theirs);
});

const RECV_FLAGS_PY = `
import json, socket, threading, time
out = {}
def rec(label, f):
    try:
        v = f()
        out[label] = "ok " + (v.decode() if isinstance(v, bytes) else json.dumps(v, separators=(",", ":")))
    except OSError as e:
        out[label] = "os " + (str(e.errno) if e.errno is not None else str(e))
OOB, ERRQ, PEEK, WAITALL = socket.MSG_OOB, socket.MSG_ERRQUEUE, socket.MSG_PEEK, socket.MSG_WAITALL
for mode in (None, 0.0):
    m = "blocking" if mode is None else "nonblocking"
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
    c = socket.create_connection(l.getsockname()); s, _ = l.accept()
    s.settimeout(mode); l.settimeout(mode)
    rec(m + " tcp errqueue, nothing", lambda: s.recv(10, ERRQ))
    c.sendall(b"data"); time.sleep(0.1)
    rec(m + " tcp oob with data", lambda: s.recv(10, OOB))
    rec(m + " tcp oob peek", lambda: s.recv(10, OOB | PEEK))
    rec(m + " tcp recvfrom oob", lambda: s.recvfrom(10, OOB)[0])
    rec(m + " tcp recv_into oob", lambda: s.recv_into(bytearray(10), 0, OOB))
    rec(m + " tcp errqueue with data", lambda: s.recv(10, ERRQ))
    rec(m + " tcp errqueue|oob", lambda: s.recv(10, ERRQ | OOB))
    rec(m + " tcp recv(0, oob)", lambda: s.recv(0, OOB))
    rec(m + " tcp data still there", lambda: s.recv(10))
    u = socket.socket(); u.settimeout(mode)
    rec(m + " unconnected oob", lambda: u.recv(10, OOB))
    rec(m + " unconnected errqueue", lambda: u.recv(10, ERRQ))
    rec(m + " unconnected recv(0)", lambda: u.recv(0))
    rec(m + " listener oob", lambda: l.recv(10, OOB))
    rec(m + " listener errqueue", lambda: l.recv(10, ERRQ))
    d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("127.0.0.1", 0)); d.settimeout(mode)
    rec(m + " udp errqueue", lambda: d.recv(10, ERRQ))
    t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t.sendto(b"dgram", d.getsockname()); time.sleep(0.1)
    rec(m + " udp oob is a receive", lambda: d.recv(10, OOB))
    x, y = socket.socketpair(); x.settimeout(mode); y.sendall(b"unix"); time.sleep(0.1)
    rec(m + " unix stream oob", lambda: x.recv(10, OOB))
    rec(m + " unix stream errqueue is a receive", lambda: x.recv(10, ERRQ))
    x2, y2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); x2.settimeout(mode); y2.send(b"ud"); time.sleep(0.1)
    rec(m + " unix dgram oob", lambda: x2.recv(10, OOB))
    rec(m + " unix dgram errqueue is a receive", lambda: x2.recv(10, ERRQ))
    for z in (l, c, s, u, d, t, x, y, x2, y2):
        z.close()
# Under a timeout: an empty error queue waits it out; oob with data fails at once.
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
s.settimeout(0.3)
c.sendall(b"data"); time.sleep(0.1)
t0 = time.monotonic()
rec("timeout tcp errqueue", lambda: s.recv(10, ERRQ))
out["timeout tcp errqueue waited"] = time.monotonic() - t0 > 0.25
rec("timeout tcp oob with data", lambda: s.recv(10, OOB))
s.recv(10)
# MSG_PEEK | MSG_WAITALL on a blocking socket waits for all and keeps them.
s.settimeout(None)
c.sendall(b"abc")
def later():
    time.sleep(0.3)
    c.sendall(b"defgh")
threading.Thread(target=later).start()
rec("peek|waitall", lambda: s.recv(8, PEEK | WAITALL))
rec("peek|waitall recv_into", lambda: (lambda b: [s.recv_into(b, 8, PEEK | WAITALL), b.decode()])(bytearray(8)))
rec("after peek|waitall", lambda: s.recv(100))
for z in (l, c, s):
    z.close()
print(json.dumps(out))
`;

Deno.test("fidelity vs CPython: MSG_OOB, MSG_ERRQUEUE, MSG_PEEK|MSG_WAITALL", async () => {
  if (!hasPython()) {
    skipReason("fidelity receive flags", "python3 is not available");
    return;
  }
  const out: Record<string, unknown> = {};
  const dec = new TextDecoder();
  const rec = async (label: string, f: () => Promise<unknown>) => {
    try {
      const v = await f();
      out[label] = "ok " +
        (v instanceof Uint8Array ? dec.decode(v) : JSON.stringify(v));
    } catch (e) {
      if (!(e instanceof socket.error)) throw e;
      out[label] = `os ${e.errno ?? e.message}`;
    }
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const {
    MSG_OOB: OOB,
    MSG_ERRQUEUE: ERRQ,
    MSG_PEEK: PEEK,
    MSG_WAITALL: WAITALL,
  } = socket;
  const pairTcp = async () => {
    const l = socket.socket();
    l.bind(["127.0.0.1", 0]);
    l.listen();
    const c = await socket.create_connection(
      l.getsockname() as [string, number],
    );
    const [s] = await l.accept();
    return [l, c, s] as const;
  };
  for (const mode of [null, 0]) {
    const m = mode === null ? "blocking" : "nonblocking";
    const [l, c, s] = await pairTcp();
    s.settimeout(mode);
    l.settimeout(mode);
    await rec(`${m} tcp errqueue, nothing`, () => s.recv(10, ERRQ));
    await c.sendall("data");
    await sleep(100);
    // A non-blocking pysocket receive only sees what pysocket has read:
    // wait until it has (see the README).
    await select.select([s], [], [], 5);
    await rec(`${m} tcp oob with data`, () => s.recv(10, OOB));
    await rec(`${m} tcp oob peek`, () => s.recv(10, OOB | PEEK));
    await rec(
      `${m} tcp recvfrom oob`,
      async () => (await s.recvfrom(10, OOB))[0],
    );
    await rec(
      `${m} tcp recv_into oob`,
      () => s.recv_into(new Uint8Array(10), 0, OOB),
    );
    await rec(`${m} tcp errqueue with data`, () => s.recv(10, ERRQ));
    await rec(`${m} tcp errqueue|oob`, () => s.recv(10, ERRQ | OOB));
    await rec(`${m} tcp recv(0, oob)`, () => s.recv(0, OOB));
    await rec(`${m} tcp data still there`, () => s.recv(10));
    const u = socket.socket();
    u.settimeout(mode);
    await rec(`${m} unconnected oob`, () => u.recv(10, OOB));
    await rec(`${m} unconnected errqueue`, () => u.recv(10, ERRQ));
    await rec(`${m} unconnected recv(0)`, () => u.recv(0));
    await rec(`${m} listener oob`, () => l.recv(10, OOB));
    await rec(`${m} listener errqueue`, () => l.recv(10, ERRQ));
    const d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    d.bind(["127.0.0.1", 0]);
    d.settimeout(mode);
    await rec(`${m} udp errqueue`, () => d.recv(10, ERRQ));
    const t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    await t.sendto("dgram", d.getsockname());
    await sleep(100);
    await select.select([d], [], [], 5);
    await rec(`${m} udp oob is a receive`, () => d.recv(10, OOB));
    const [x, y] = await socket.socketpair();
    x.settimeout(mode);
    await y.sendall("unix");
    await sleep(100);
    await select.select([x], [], [], 5);
    await rec(`${m} unix stream oob`, () => x.recv(10, OOB));
    await rec(`${m} unix stream errqueue is a receive`, () => x.recv(10, ERRQ));
    for (const z of [l, c, s, u, d, t, x, y]) {
      await z[Symbol.asyncDispose]();
    }
    if (!UNIX_DATAGRAMS) continue;
    const [x2, y2] = await socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
    x2.settimeout(mode);
    await y2.send("ud");
    await sleep(100);
    await select.select([x2], [], [], 5);
    await rec(`${m} unix dgram oob`, () => x2.recv(10, OOB));
    await rec(`${m} unix dgram errqueue is a receive`, () => x2.recv(10, ERRQ));
    for (const z of [x2, y2]) await z[Symbol.asyncDispose]();
  }
  const [l, c, s] = await pairTcp();
  try {
    s.settimeout(0.3);
    await c.sendall("data");
    await sleep(100);
    const t0 = performance.now();
    await rec("timeout tcp errqueue", () => s.recv(10, ERRQ));
    out["timeout tcp errqueue waited"] = performance.now() - t0 > 250;
    await rec("timeout tcp oob with data", () => s.recv(10, OOB));
    await s.recv(10);
    s.settimeout(null);
    await c.sendall("abc");
    setTimeout(() => c.sendall("defgh"), 300);
    await rec("peek|waitall", () => s.recv(8, PEEK | WAITALL));
    await rec("peek|waitall recv_into", async () => {
      const b = new Uint8Array(8);
      return [await s.recv_into(b, 8, PEEK | WAITALL), dec.decode(b)];
    });
    await rec("after peek|waitall", () => s.recv(100));
  } finally {
    for (const z of [l, c, s]) await z[Symbol.asyncDispose]();
  }
  const theirs: Record<string, unknown> = JSON.parse(
    await runPython(RECV_FLAGS_PY),
  );
  if (!UNIX_DATAGRAMS) {
    skipReason(
      "fidelity MSG_OOB on AF_UNIX SOCK_DGRAM",
      "this runtime has no Unix datagram sockets (README); the rest compared",
    );
    for (const k of Object.keys(theirs)) {
      if (k.includes("unix dgram")) delete theirs[k];
    }
  }
  assert.deepEqual(out, theirs);
});

Deno.test("fidelity vs CPython: IPv6 zones in bind, connect and getaddrinfo agree", async () => {
  if (!hasPython()) {
    skipReason("fidelity IPv6 zones", "python3 is not available");
    return;
  }
  await using l = socket.socket(socket.AF_INET6);
  l.bind(["::1", 0]);
  l.listen();
  const port = l.getsockname()[1];
  const ours: Record<string, () => unknown> = {};
  const theirs: Record<string, string> = {};
  const hosts = [
    "::1%lo",
    "::1%nosuchif",
    "fe80::1%nosuchif",
    "::%lo",
    "::1%1",
    "::1%99",
    "::1%0",
  ];
  for (const h of hosts) {
    ours[`bind ${h}`] = () => {
      using s = socket.socket(socket.AF_INET6);
      s.bind([h, 0]);
      return s.getsockname()[0];
    };
    theirs[`bind ${h}`] = `(lambda s: [s.bind((${
      JSON.stringify(h)
    }, 0)), s.getsockname()[0], s.close()][1])(socket.socket(socket.AF_INET6))`;
    ours[`connect ${h}`] = async () => {
      await using s = socket.socket(socket.AF_INET6);
      await s.connect([h, port]);
      const [conn] = await l.accept();
      conn.close();
      return s.getpeername()[0];
    };
    theirs[`connect ${h}`] = `(lambda s: [s.connect((${
      JSON.stringify(h)
    }, P)), l.accept()[0].close(), s.getpeername()[0], s.close()][2])(socket.socket(socket.AF_INET6))`;
    ours[`udp connect ${h}`] = async () => {
      await using u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
      await u.connect([h, 9]);
      return u.getpeername();
    };
    theirs[`udp connect ${h}`] = `(lambda u: [u.connect((${
      JSON.stringify(h)
    }, 9)), list(u.getpeername()), u.close()][1])(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))`;
    ours[`getaddrinfo ${h}`] = async () =>
      (await socket.getaddrinfo(h, 80, socket.AF_INET6, socket.SOCK_STREAM))
        .map((r) => r[4]);
    theirs[`getaddrinfo ${h}`] = `[list(r[4]) for r in socket.getaddrinfo(${
      JSON.stringify(h)
    }, 80, socket.AF_INET6, socket.SOCK_STREAM)]`;
  }
  // A scope id on an address that needs none is not kept; a link-local peer
  // without one is refused.
  ours["udp connect ::1 scope 5"] = async () => {
    await using u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    await u.connect(["::1", 9, 0, 5]);
    return u.getpeername();
  };
  theirs["udp connect ::1 scope 5"] =
    "(lambda u: [u.connect(('::1', 9, 0, 5)), list(u.getpeername()), u.close()][1])(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))";
  ours["udp connect fe80::1 no scope"] = async () => {
    await using u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
    await u.connect(["fe80::1", 9]);
  };
  theirs["udp connect fe80::1 no scope"] =
    "(lambda u: [u.connect(('fe80::1', 9)), u.close()][1])(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))";
  const got: Record<string, Outcome> = {};
  for (const [label, f] of Object.entries(ours)) got[label] = await outcome(f);
  const setup = `l = socket.socket(socket.AF_INET6)
l.bind(("::1", 0))
l.listen()
P = l.getsockname()[1]`;
  assert.deepEqual(got, await python(setup, theirs));
});

Deno.test("fidelity vs CPython: module close(fd) and dup(fd), get_inheritable()", async () => {
  if (!hasPython()) {
    skipReason("fidelity close/dup", "python3 is not available");
    return;
  }
  const closed = socket.socket();
  closed.close();
  const s = socket.socket();
  try {
    const close = socket.close as (fd: unknown) => void;
    const dup = socket.dup as (fd: unknown) => number;
    const ours: Record<string, () => unknown> = {
      "close(-1)": () => close(-1),
      "close(2**31)": () => close(2 ** 31),
      "close(2**63)": () => close(2 ** 63),
      "close('3')": () => close("3"),
      "dup(-1)": () => dup(-1),
      "dup(2**63)": () => dup(2 ** 63),
      "dup('3')": () => dup("3"),
      "dup then close twice": () => {
        const n = dup(s.fileno());
        close(n);
        close(n);
      },
      "get_inheritable": () => s.get_inheritable(),
      "set_inheritable(False)": () => s.set_inheritable(false),
      "set_inheritable('x')": () =>
        (s.set_inheritable as (x: unknown) => void)("x"),
      "closed get_inheritable": () => closed.get_inheritable(),
      "closed set_inheritable": () => closed.set_inheritable(false),
    };
    const theirs: Record<string, string> = {
      "close(-1)": "socket.close(-1)",
      "close(2**31)": "socket.close(2**31)",
      "close(2**63)": "socket.close(2**63)",
      "close('3')": "socket.close('3')",
      "dup(-1)": "socket.dup(-1)",
      "dup(2**63)": "socket.dup(2**63)",
      "dup('3')": "socket.dup('3')",
      "dup then close twice":
        "(lambda n: [socket.close(n), socket.close(n)])(socket.dup(s.fileno()))",
      "get_inheritable": "s.get_inheritable()",
      "set_inheritable(False)": "s.set_inheritable(False)",
      "set_inheritable('x')": "s.set_inheritable('x')",
      "closed get_inheritable": "closed.get_inheritable()",
      "closed set_inheritable": "closed.set_inheritable(False)",
    };
    const got: Record<string, Outcome> = {};
    for (const [label, f] of Object.entries(ours)) {
      got[label] = await outcome(f);
    }
    const want = await python(
      "s = socket.socket()\nclosed = socket.socket()\nclosed.close()",
      theirs,
    );
    assert.deepEqual(got, want);
  } finally {
    s.close();
  }
});

Deno.test("fidelity vs CPython: sendmsg, recvmsg, recvmsg_into without ancillary data", async () => {
  if (!hasPython()) {
    skipReason("fidelity sendmsg/recvmsg", "python3 is not available");
    return;
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const dec = new TextDecoder();
  const out: Record<string, Outcome> = {};
  const rec = async (label: string, f: () => unknown) => {
    out[label] = await outcome(f);
  };
  const l = socket.socket();
  l.bind(["127.0.0.1", 0]);
  l.listen();
  const a = await socket.create_connection(
    l.getsockname() as [string, number],
  );
  const [b] = await l.accept();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  const v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  v.bind(["127.0.0.1", 0]);
  const loose = a as unknown as Record<string, (...x: unknown[]) => unknown>;
  const sendmsg = (...x: unknown[]) => loose.sendmsg!.call(a, ...x);
  const recvmsgInto = (...x: unknown[]) =>
    (b as unknown as Record<string, (...x: unknown[]) => unknown>)
      .recvmsg_into!.call(b, ...x);
  try {
    await rec("sendmsg", () =>
      a.sendmsg([
        new Uint8Array([97, 98]),
        new Uint8Array([99, 100]),
        new DataView(new Uint8Array([101, 102]).buffer),
      ]));
    await sleep(50);
    await rec("recvmsg tcp", async () => {
      const [data, anc, flags, from] = await b.recvmsg(100);
      return [dec.decode(data), anc, flags, from];
    });
    await a.sendall("xyz");
    await sleep(50);
    await rec("recvmsg_into tcp", async () => {
      const x = new Uint8Array(2);
      const y = new Uint8Array(5);
      const r = await b.recvmsg_into([x, y]);
      return [r, dec.decode(x), [...y]];
    });
    await rec("sendmsg bytes arg", () => sendmsg(new Uint8Array([97])));
    await rec("sendmsg int", () => sendmsg(5));
    await rec("sendmsg anc bad", () => sendmsg([new Uint8Array(1)], [1]));
    await rec(
      "sendmsg flags big",
      () => sendmsg([new Uint8Array(1)], [], 2 ** 40),
    );
    await rec("recvmsg neg", () => b.recvmsg(-1));
    await rec("recvmsg anc neg", () => b.recvmsg(1, -1));
    await rec("recvmsg_into int", () => recvmsgInto(5));
    await rec("sendmsg empty", () => a.sendmsg([]));
    await rec(
      "udp sendmsg addr",
      () => v.sendmsg(["hello", " world"], [], 0, u.getsockname()),
    );
    await sleep(50);
    await rec("udp recvmsg trunc", async () => {
      const [data, anc, flags, from] = await u.recvmsg(5);
      return [
        dec.decode(data),
        anc,
        flags === socket.MSG_TRUNC,
        JSON.stringify(from) === JSON.stringify(v.getsockname()),
      ];
    });
    await v.sendto("abcdef", u.getsockname());
    await sleep(50);
    await rec("udp recvmsg_into", async () => {
      const x = new Uint8Array(2);
      const y = new Uint8Array(2);
      const [n, anc, flags, from] = await u.recvmsg_into([x, y]);
      return [
        [
          n,
          anc,
          flags,
          JSON.stringify(from) === JSON.stringify(v.getsockname()),
        ],
        dec.decode(x),
        dec.decode(y),
      ];
    });
    await rec("udp sendmsg no addr", () => v.sendmsg(["x"]));
  } finally {
    for (const z of [a, b, l, u, v]) await z[Symbol.asyncDispose]();
  }
  const theirs = JSON.parse(
    await runPython(`
import json, socket, time
out = {}
def rec(label, f):
    try:
        v = f()
        out[label] = "ok " + json.dumps(v, separators=(",", ":"))
    except OSError as e:
        out[label] = "os " + (str(e.errno) if e.errno is not None else str(e))
    except (ValueError, OverflowError) as e:
        out[label] = "range " + str(e)
    except TypeError as e:
        out[label] = "type " + str(e)
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
a = socket.create_connection(l.getsockname()); b, _ = l.accept()
u = socket.socket(2, 2); u.bind(("127.0.0.1", 0))
v = socket.socket(2, 2); v.bind(("127.0.0.1", 0))
rec("sendmsg", lambda: a.sendmsg([b"ab", bytearray(b"cd"), memoryview(b"ef")]))
time.sleep(0.05)
rec("recvmsg tcp", lambda: (lambda r: [r[0].decode(), r[1], r[2], r[3]])(b.recvmsg(100)))
a.sendall(b"xyz")
time.sleep(0.05)
def into_tcp():
    x, y = bytearray(2), bytearray(5)
    r = b.recvmsg_into([x, y])
    return [list(r), x.decode(), list(y)]
rec("recvmsg_into tcp", into_tcp)
rec("sendmsg bytes arg", lambda: a.sendmsg(b"a"))
rec("sendmsg int", lambda: a.sendmsg(5))
rec("sendmsg anc bad", lambda: a.sendmsg([b"x"], [1]))
rec("sendmsg flags big", lambda: a.sendmsg([b"x"], [], 2**40))
rec("recvmsg neg", lambda: b.recvmsg(-1))
rec("recvmsg anc neg", lambda: b.recvmsg(1, -1))
rec("recvmsg_into int", lambda: b.recvmsg_into(5))
rec("sendmsg empty", lambda: a.sendmsg([]))
rec("udp sendmsg addr", lambda: v.sendmsg([b"hello", b" world"], [], 0, u.getsockname()))
time.sleep(0.05)
rec("udp recvmsg trunc", lambda: (lambda r: [r[0].decode(), r[1], r[2] == socket.MSG_TRUNC, r[3] == v.getsockname()])(u.recvmsg(5)))
v.sendto(b"abcdef", u.getsockname())
time.sleep(0.05)
def into_udp():
    x, y = bytearray(2), bytearray(2)
    r = u.recvmsg_into([x, y])
    return [[r[0], r[1], r[2], r[3] == v.getsockname()], x.decode(), y.decode()]
rec("udp recvmsg_into", into_udp)
rec("udp sendmsg no addr", lambda: v.sendmsg([b"x"]))
print(json.dumps(out))
`),
  );
  assert.deepEqual(out, theirs);
});

Deno.test("fidelity vs CPython: sendfile(file, offset, count)", async () => {
  if (!hasPython()) {
    skipReason("fidelity sendfile", "python3 is not available");
    return;
  }
  if (runtime.name !== "deno") {
    skipReason(
      "fidelity sendfile",
      "compares a Deno.FsFile's position with CPython's; the path and node:fs FileHandle forms are tested in tests/socket/sendfile_test.ts",
    );
    return;
  }
  const path = await Deno.makeTempFile();
  const body = "0123456789".repeat(20_000); // 200,000 bytes: several chunks
  await Deno.writeTextFile(path, body);
  const out: Record<string, Outcome> = {};
  const dec = new TextDecoder();
  try {
    const [a, b] = await socket.socketpair();
    const drain = async (n: number) => {
      let got = "";
      while (got.length < n) got += dec.decode(await b.recv(65536));
      return got;
    };
    try {
      using f = await Deno.open(path);
      out["whole file"] = await outcome(async () => {
        const n = await a.sendfile(f);
        return [
          n,
          (await drain(n)) === body,
          await f.seek(0, Deno.SeekMode.Current),
        ];
      });
      out["offset and count"] = await outcome(async () => {
        const n = await a.sendfile(f, 5, 4);
        return [n, await drain(n), await f.seek(0, Deno.SeekMode.Current)];
      });
      out["path, offset past the end"] = await outcome(() =>
        a.sendfile(path, 300_000)
      );
      out["count 0"] = await outcome(() => a.sendfile(f, 0, 0));
      out["count -1"] = await outcome(() => a.sendfile(f, 0, -1));
      out["count 1.5"] = await outcome(() => a.sendfile(f, 0, 1.5));
      out["offset -1"] = await outcome(() => a.sendfile(f, -1));
      a.setblocking(false);
      out["non-blocking"] = await outcome(() => a.sendfile(f));
      using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
      out["datagram"] = await outcome(() => u.sendfile(f));
    } finally {
      a.close();
      b.close();
    }
    const theirs = JSON.parse(
      await runPython(
        `
import json, socket, sys
path = sys.argv[1]
out = {}
def rec(label, f):
    try:
        out[label] = "ok " + json.dumps(f(), separators=(",", ":"))
    except OSError as e:
        out[label] = "os " + (str(e.errno) if e.errno is not None else str(e))
    except (ValueError, OverflowError) as e:
        out[label] = "range " + str(e)
    except TypeError as e:
        out[label] = "type " + str(e)
a, b = socket.socketpair()
body = open(path, "rb").read()
def drain(n):
    got = b""
    while len(got) < n:
        got += b.recv(65536)
    return got
f = open(path, "rb")
def whole():
    n = a.sendfile(f)
    return [n, drain(n) == body, f.tell()]
rec("whole file", whole)
def part():
    n = a.sendfile(f, 5, 4)
    return [n, drain(n).decode(), f.tell()]
rec("offset and count", part)
rec("path, offset past the end", lambda: a.sendfile(open(path, "rb"), 300000))
rec("count 0", lambda: a.sendfile(f, 0, 0))
rec("count -1", lambda: a.sendfile(f, 0, -1))
rec("count 1.5", lambda: a.sendfile(f, 0, 1.5))
rec("offset -1", lambda: a.sendfile(f, -1))
a.setblocking(False)
rec("non-blocking", lambda: a.sendfile(f))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rec("datagram", lambda: u.sendfile(f))
print(json.dumps(out))
`,
        "",
        [path],
      ),
    );
    assert.deepEqual(out, theirs);
  } finally {
    await Deno.remove(path);
  }
});
