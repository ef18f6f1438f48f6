// (Non-ASCII text is written as escapes: the npm build copies this file for
// Node.js, and only ASCII is sure to come through.)
//
// makefile() against CPython's: the same scenarios (bytes from the peer,
// makefile's arguments, a list of calls) run in python3 and here, and each
// call's result or error (class and message) must be the same. Python's
// ValueError is a RangeError here, UnsupportedOperation an `error` named
// so, UnicodeDecodeError and LookupError keep their names.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";

type Arg = number | string | null | { nan: true } | { buf: number };
type Op = [string, ...Arg[]];

interface Scenario {
  readonly name: string;
  /** Bytes the peer sends, as hex. */
  readonly data: string;
  /** Whether the peer keeps its write side open (no end of stream). */
  readonly open?: boolean;
  readonly timeout?: number;
  readonly mode?: unknown;
  readonly buffering?: unknown;
  readonly encoding?: unknown;
  readonly errors?: unknown;
  readonly newline?: unknown;
  readonly ops: Op[];
}

const hex = (s: string | Uint8Array): string =>
  Array.from(
    typeof s === "string" ? new TextEncoder().encode(s) : s,
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
const raw = (...bytes: number[]): string => hex(Uint8Array.from(bytes));

const SCENARIOS: Scenario[] = [
  {
    name: "modes rwbrw",
    data: hex("a"),
    mode: "rwbrw",
    ops: [["readable"], ["writable"], ["read"]],
  },
  { name: "mode br", data: hex("ab"), mode: "br", ops: [["@mode"], ["read"]] },
  { name: "mode empty", data: hex("ab"), mode: "", ops: [["@mode"], ["read"]] },
  { name: "mode b", data: hex("ab"), mode: "b", ops: [["@mode"], ["read"]] },
  { name: "mode wr", data: "", mode: "wr", ops: [["@mode"]] },
  { name: "mode rbb", data: "", mode: "rbb", ops: [["@mode"]] },
  { name: "mode rt", data: "", mode: "rt", ops: [] },
  { name: "mode r+", data: "", mode: "r+", ops: [] },
  { name: "mode 1", data: "", mode: 1, ops: [] },
  { name: "text unbuffered", data: "", mode: "r", buffering: 0, ops: [] },
  { name: "buffering 1.5", data: "", mode: "rb", buffering: 1.5, ops: [] },
  { name: "buffering 'x'", data: "", mode: "rb", buffering: "x", ops: [] },
  { name: "encoding foo", data: "", encoding: "foo", ops: [] },
  { name: "encoding 1", data: "", encoding: 1, ops: [] },
  { name: "newline x", data: "", newline: "x", ops: [] },
  { name: "newline 1", data: "", newline: 1, ops: [] },
  {
    name: "binary ignores text args",
    data: hex("a"),
    mode: "rb",
    encoding: 1,
    newline: "x",
    ops: [["read"]],
  },
  {
    name: "text attributes",
    data: "",
    ops: [["@mode"], ["@encoding"], ["@errors"], ["readable"], ["writable"], [
      "seekable",
    ]],
  },
  {
    name: "encoding as given",
    data: "",
    encoding: "Latin_1",
    errors: "replace",
    ops: [["@encoding"], ["@errors"]],
  },
  {
    name: "code points",
    data: hex("\u{1f4a5}a"),
    ops: [["read", 1], ["read", 1], ["read", 1]],
  },
  {
    name: "readline limit inside a character",
    data: hex("\u00e9\nxy"),
    ops: [["readline", 1], ["readline", 1], ["readline"]],
  },
  {
    name: "read(2) of \u00e9a without waiting",
    data: hex("\u00e9a"),
    open: true,
    timeout: 2,
    ops: [["read", 2]],
  },
  {
    name: "readline(3) of a split character without waiting",
    data: hex("\u{1f4a5}\u{1f4a5}\n"),
    open: true,
    timeout: 2,
    ops: [["readline", 1], ["readline", 3]],
  },
  {
    name: "universal newlines",
    data: hex("a\r\nb\rc\nd\r"),
    ops: [["readline"], ["readline"], ["readline"], ["readline"], ["readline"]],
  },
  {
    name: "universal newlines, read()",
    data: hex("a\r\nb\rc\nd\r"),
    ops: [["read"]],
  },
  ...["", "\n", "\r", "\r\n"].map((newline): Scenario => ({
    name: `newline ${JSON.stringify(newline)}`,
    data: hex("a\r\nb\rc\nd\r"),
    newline,
    ops: [["readline"], ["readline"], ["readline"], ["readline"], ["readline"]],
  })),
  {
    name: "newline '' read",
    data: hex("a\r\nb\r"),
    newline: "",
    ops: [["read"]],
  },
  {
    name: "utf-8 strict",
    data: raw(0x61, 0xff, 0x62),
    ops: [["read"]],
  },
  {
    name: "utf-8 truncated",
    data: raw(0x61, 0x62, 0xe2, 0x82),
    ops: [["read"]],
  },
  {
    name: "utf-8 invalid continuation",
    data: raw(0x61, 0xe9, 0x62),
    ops: [["read"]],
  },
  {
    name: "utf-8 replace",
    data: raw(0x61, 0xff, 0x62, 0xed, 0xa0, 0x80, 0xf0, 0x9f),
    errors: "replace",
    ops: [["read"]],
  },
  {
    name: "utf-8 ignore",
    data: raw(0x61, 0xff, 0x62, 0xe9, 0x63, 0xf0, 0x9f),
    errors: "ignore",
    ops: [["read"]],
  },
  {
    name: "utf-8 BOM kept",
    data: raw(0xef, 0xbb, 0xbf, 0x61),
    ops: [["read"]],
  },
  {
    name: "ascii strict",
    data: raw(0x61, 0x62, 0xe9),
    encoding: "ascii",
    ops: [["read"]],
  },
  {
    name: "ascii replace",
    data: raw(0x61, 0xe9, 0x62),
    encoding: "us-ascii",
    errors: "replace",
    ops: [["read"]],
  },
  {
    name: "ascii ignore",
    data: raw(0x61, 0xe9, 0x62),
    encoding: "646",
    errors: "ignore",
    ops: [["read"]],
  },
  {
    name: "latin-1",
    data: raw(0x61, 0xe9, 0x80, 0xff),
    encoding: "latin-1",
    ops: [["read", 2], ["read"]],
  },
  {
    name: "unknown error handler",
    data: raw(0x61),
    errors: "bogus",
    ops: [["read"]],
  },
  {
    name: "size arguments, buffered",
    data: hex("abc"),
    mode: "rb",
    ops: [
      ["read", { nan: true }],
      ["read", "2"],
      ["read", 1.5],
      ["readline", 1.5],
      ["read1", 1.5],
      ["readlines", 1.5],
      ["read", -2],
      ["read", null],
    ],
  },
  {
    name: "size arguments, text",
    data: hex("abc"),
    ops: [
      ["read", { nan: true }],
      ["read", "2"],
      ["read", 1.5],
      ["readline", 1.5],
      ["readline", "2"],
      ["readlines", 1.5],
      ["readline", 0],
      ["read", 0],
      ["readline", -5],
    ],
  },
  {
    name: "size arguments, unbuffered",
    data: hex("abc"),
    mode: "rb",
    buffering: 0,
    ops: [
      ["read", 1.5],
      ["readline", 1.5],
      ["readlines", 1.5],
      ["read", 1],
      ["read"],
    ],
  },
  {
    name: "binary reads",
    data: hex("ab\ncd\nefgh"),
    mode: "rb",
    ops: [
      ["read1", 1],
      ["readline"],
      ["readinto", { buf: 2 }],
      ["readline", 2],
      ["read1"],
      ["readlines"],
      ["read"],
      ["read1", 5],
    ],
  },
  {
    name: "unbuffered reads",
    data: hex("ab\ncd\nef"),
    mode: "rb",
    buffering: 0,
    ops: [["@mode"], ["read", 1], ["readinto", { buf: 3 }], ["readline"], [
      "readlines",
    ]],
  },
  {
    name: "binary attributes",
    data: "",
    mode: "rb",
    ops: [["@mode"], ["@closed"], ["readable"], ["writable"], ["seekable"]],
  },
  {
    name: "closed binary file",
    data: hex("abc"),
    mode: "rb",
    ops: [
      ["close"],
      ["@closed"],
      ["@name"],
      ["read"],
      ["read1", 1],
      ["readline"],
      ["readinto", { buf: 1 }],
      ["readlines"],
      ["readable"],
      ["fileno"],
    ],
  },
  {
    name: "closed text file",
    data: hex("abc"),
    ops: [["close"], ["read"], ["readline"], ["write", "x"], ["flush"], [
      "seekable",
    ]],
  },
  {
    name: "closed unbuffered file",
    data: hex("abc"),
    mode: "rb",
    buffering: 0,
    ops: [["close"], ["@name"], ["read", 1], ["readinto", { buf: 1 }], [
      "flush",
    ]],
  },
  {
    name: "wrong direction",
    data: hex("abc"),
    mode: "rb",
    ops: [["write", "x"], ["flush"]],
  },
  { name: "text not writable", data: "", ops: [["write", "x"]] },
  {
    name: "text not readable",
    data: "",
    mode: "w",
    ops: [["read"], ["readline"]],
  },
  {
    name: "binary not readable",
    data: "",
    mode: "wb",
    ops: [["read"], ["read1", 1], ["readline"]],
  },
  {
    name: "unbuffered wrong direction",
    data: "",
    mode: "wb",
    buffering: 0,
    ops: [["read", 1]],
  },
  {
    name: "text writes",
    data: "",
    mode: "w",
    ops: [["write", "\u{1f4a5}\n"], ["write", 1], ["flush"], ["peer"]],
  },
  {
    name: "binary writes",
    data: "",
    mode: "wb",
    ops: [["write", "x"], ["write", 1], ["flush"], ["peer"]],
  },
  ...["\r", "\r\n", "", "\n"].map((newline): Scenario => ({
    name: `write with newline ${JSON.stringify(newline)}`,
    data: "",
    mode: "w",
    newline,
    ops: [["write", "a\nb\r\n"], ["flush"], ["peer"]],
  })),
  {
    name: "latin-1 write",
    data: "",
    mode: "w",
    encoding: "latin-1",
    ops: [
      ["write", "\u00e9"],
      ["write", "\u20ac"],
      ["write", "a\u20ac\u{1f4a5}b"],
      ["flush"],
      [
        "peer",
      ],
    ],
  },
  {
    name: "ascii write replace",
    data: "",
    mode: "w",
    encoding: "ascii",
    errors: "replace",
    ops: [["write", "a\u00e9\u{1f4a5}"], ["flush"], ["peer"]],
  },
  {
    name: "utf-8 write of a lone surrogate",
    data: "",
    mode: "w",
    ops: [["write", "a\ud800b"], ["flush"], ["peer"]],
  },
  {
    // (No byte left over when it times out: CPython's BufferedReader drops
    // what a failed read(n) had gathered, pysocket keeps it for the next.)
    name: "a timeout set after makefile applies",
    data: hex("ab"),
    open: true,
    mode: "rb",
    ops: [
      ["read", 2],
      ["sock.settimeout", 0.2],
      ["read", 2],
      ["read", 1],
      ["sock.recv", 10],
      ["sock.settimeout", null],
      ["read", 1],
    ],
  },
  {
    name: "a timeout set after makefile applies (text)",
    data: hex("ab"),
    open: true,
    ops: [
      ["read", 1],
      ["sock.settimeout", 0.2],
      ["readline"],
      ["readline"],
    ],
  },
  {
    name: "close() with a file open",
    data: hex("abcdef\n"),
    mode: "rb",
    ops: [
      ["sock.close"],
      ["sock.fileno"],
      ["sock.recv", 1],
      ["read", 1],
      ["sock.settimeout", 1],
      ["sock.gettimeout"],
      ["readline"],
      ["close"],
      ["sock.fileno"],
      ["sock.recv", 1],
    ],
  },
  {
    name: "non-blocking buffered reads",
    data: "",
    open: true,
    timeout: 0,
    mode: "rb",
    ops: [["read1", 5], ["readline"]],
  },
  {
    name: "non-blocking unbuffered reads",
    data: "",
    open: true,
    timeout: 0,
    mode: "rb",
    buffering: 0,
    ops: [["read", 1], ["read"], ["readinto", { buf: 3 }], ["readline"]],
  },
  {
    name: "non-blocking text reads",
    data: "",
    open: true,
    timeout: 0,
    mode: "r",
    ops: [["read", 1], ["readline"], ["readlines"], ["read"]],
  },
  {
    name: "non-blocking partial line",
    data: hex("ab"),
    open: true,
    timeout: 0,
    mode: "rb",
    ops: [["readline"], ["read1", 4]],
  },
];

// The same runner in Python: one result per call.
const PY_RUNNER = String.raw`
import socket, json, sys, time
specs = json.load(sys.stdin)
def conv(a):
    if isinstance(a, dict) and "nan" in a: return float("nan")
    if isinstance(a, dict) and "buf" in a: return bytearray(a["buf"])
    return a
def enc(v):
    if v is None or isinstance(v, (bool, int, float, str)): return v
    if isinstance(v, (bytes, bytearray)): return {"b": v.hex()}
    if isinstance(v, list): return [enc(x) for x in v]
    return repr(v)
def err(e):
    name = type(e).__name__
    return {"e": name, "m": str(e)}
out = []
for sp in specs:
    a, b = socket.socketpair()
    b.sendall(bytes.fromhex(sp["data"]))
    if not sp.get("open"): b.shutdown(socket.SHUT_WR)
    if sp["data"]: a.recv(1, socket.MSG_PEEK)
    if sp.get("timeout") is not None: a.settimeout(sp["timeout"])
    res = []
    kw = {k: sp[k] for k in ("encoding", "errors", "newline") if k in sp}
    args = [sp.get("mode", "r")]
    if "buffering" in sp: args.append(sp["buffering"])
    try:
        f = a.makefile(*args, **kw)
    except Exception as e:
        out.append([err(e)]); a.close(); b.close(); continue
    for name, *args in sp["ops"]:
        try:
            if name.startswith("@"): v = getattr(f, name[1:])
            elif name == "sock.fileno": v = a.fileno() > 0
            elif name.startswith("sock."):
                v = getattr(a, name[5:])(*map(conv, args))
            elif name == "peer":
                b.settimeout(0.3); v = b.recv(65536)
            elif name == "readinto":
                buf = conv(args[0]); n = f.readinto(buf)
                v = [n, bytes(buf[:n or 0]).hex()]
            else: v = getattr(f, name)(*map(conv, args))
            res.append(enc(v))
        except Exception as e:
            res.append(err(e))
    try: f.close()
    except Exception: pass
    a.close(); b.close()
    out.append(res)
print(json.dumps(out))
`;

// Python's class names for the errors thrown here.
function pyName(e: unknown): string {
  if (e instanceof socket.timeout) return "TimeoutError";
  if (e instanceof socket.BlockingIOError) return "BlockingIOError";
  if (e instanceof socket.error) return e.name;
  if (e instanceof RangeError) {
    return e.name === "RangeError" ? "ValueError" : e.name;
  }
  if (e instanceof TypeError) return "TypeError";
  if (e instanceof Error) return e.name;
  return typeof e;
}

function conv(a: Arg): unknown {
  if (a !== null && typeof a === "object") {
    return "nan" in a ? NaN : new Uint8Array(a.buf);
  }
  return a;
}

function enc(v: unknown): unknown {
  if (v instanceof Uint8Array) return { b: hex(v) };
  if (Array.isArray(v)) return v.map(enc);
  if (v === undefined) return null;
  return v;
}

type Loose = Record<string, (...args: unknown[]) => unknown>;

async function runHere(sp: Scenario): Promise<unknown[]> {
  const [a, b] = await socket.socketpair();
  try {
    const bytes = Uint8Array.from(
      (sp.data.match(/../g) ?? []).map((h) => parseInt(h, 16)),
    );
    await b.sendall(bytes);
    if (!sp.open) b.shutdown(socket.SHUT_WR);
    // Until the data is here (a non-blocking read sees only that).
    if (bytes.length > 0) await a.recv(1, socket.MSG_PEEK);
    if (sp.timeout !== undefined) a.settimeout(sp.timeout);
    let f: Loose;
    try {
      const make = a.makefile as unknown as (...args: unknown[]) => unknown;
      f = make.call(
        a,
        sp.mode ?? "r",
        sp.buffering,
        sp.encoding,
        sp.errors,
        sp.newline,
      ) as Loose;
    } catch (e) {
      return [{ e: pyName(e), m: (e as Error).message }];
    }
    const res: unknown[] = [];
    for (const [name, ...args] of sp.ops) {
      try {
        let v: unknown;
        if (name.startsWith("@")) v = f[name.slice(1)];
        else if (name === "sock.fileno") v = a.fileno() > 0;
        else if (name.startsWith("sock.")) {
          const m = (a as unknown as Loose)[name.slice(5)];
          v = await m!.apply(a, args.map(conv));
        } else if (name === "peer") {
          b.settimeout(0.3);
          v = await b.recv(65536);
        } else if (name === "readinto") {
          const buf = conv(args[0] ?? null) as Uint8Array;
          const n = await f.readinto!(buf) as number | null;
          v = [n, hex(buf.subarray(0, n ?? 0))];
        } else {
          const method = f[name];
          if (typeof method !== "function") throw new Error(`no ${name}`);
          v = await method.apply(f, args.map(conv));
        }
        res.push(enc(v));
      } catch (e) {
        res.push({ e: pyName(e), m: (e as Error).message });
      }
    }
    try {
      await f.close!();
    } catch {
      // As the Python side: a failed flush at close is not the point.
    }
    return res;
  } finally {
    a.close();
    b.close();
  }
}

Deno.test("makefile: results and errors equal CPython's", async (t) => {
  if (!hasPython()) {
    return skipReason("makefile against CPython", "python3 is not installed");
  }
  const expected = JSON.parse(
    await runPython(PY_RUNNER, JSON.stringify(SCENARIOS)),
  ) as unknown[][];
  for (const [i, sp] of SCENARIOS.entries()) {
    await t.step(sp.name, async () => {
      assert.deepStrictEqual(await runHere(sp), expected[i]);
    });
  }
});
