// Differential test of the address functions against CPython on this
// machine: generated strings (mostly near-valid) through inet_aton and
// inet_pton for both families, and generated packed addresses through
// inet_ntop and inet_ntoa, compared result for result, errors included.
import assert from "node:assert/strict";
import { error } from "../../socket/errors.ts";
import { inet_aton, inet_ntoa, inet_ntop, inet_pton } from "../../addr/mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { itemAt } from "../_assert.ts";

const AF_INET = 2;
const AF_INET6 = 10;
const SEED = 0x5eed_ad0;
const STRINGS = 24_000;
const PACKED = 24_000;

// mulberry32: a small seeded PRNG, so every run tests the same inputs.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(SEED);
function int(n: number): number {
  return Math.floor(rand() * n);
}
function chance(p: number): boolean {
  return rand() < p;
}
// Non-empty, so the fallback to the first item is never taken.
function pick<T>(xs: readonly [T, ...T[]]): T {
  return xs[int(xs.length)] ?? xs[0];
}
function pickChar(alphabet: string): string {
  return alphabet.charAt(int(alphabet.length));
}

const HEX = "0123456789abcdefABCDEF";
const SPACES: [string, ...string[]] = [" ", "\t", "\n", "\v", "\f", "\r"];
const JUNK: [string, ...string[]] = [
  "x",
  "junk",
  "é",
  "\0",
  "\ud800",
  "\ud83d\ude00",
  "-",
  "+",
  ".",
  ":",
  "%",
  "/",
  "g",
  "1",
];

function hexDigits(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += pickChar(HEX);
  return s;
}

function v4Part(): string {
  switch (int(9)) {
    case 0:
      return String(int(256));
    case 1:
      return String(int(300));
    case 2:
      return "0" + int(0o400).toString(8);
    case 3:
      return "0" + String(int(1000)); // octal-looking, maybe with 8 or 9
    case 4:
      return (chance(0.5) ? "0x" : "0X") + hexDigits(int(4));
    case 5:
      return String(int(2 ** 32 + 10));
    case 6:
      return "0x" + hexDigits(int(11));
    case 7:
      return pick(["", "0", "00", "000", "255", "256", "65535", "65536"]);
    default:
      return String(int(10));
  }
}

function v4ish(): string {
  const n = pick([1, 2, 3, 4, 4, 4, 4, 4, 5]);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(v4Part());
  let s = parts.join(".");
  if (chance(0.15)) s += pick(SPACES) + (chance(0.5) ? pick(JUNK) : "");
  if (chance(0.05)) s = pick(SPACES) + s;
  if (chance(0.05)) s += ".";
  if (chance(0.05)) s = s + pick(JUNK);
  return s;
}

function v6Group(): string {
  const r = rand();
  if (r < 0.3) return "0";
  if (r < 0.4) return "ffff";
  if (r < 0.45) return "";
  if (r < 0.5) return hexDigits(5);
  return hexDigits(1 + int(4));
}

function v6ish(): string {
  let n = pick([1, 2, 3, 4, 5, 6, 6, 7, 7, 8, 8, 8, 9]);
  const v4tail = chance(0.2);
  if (v4tail) n = Math.max(0, n - 2);
  const groups: string[] = [];
  for (let i = 0; i < n; i++) groups.push(v6Group());
  let s = groups.join(":");
  const tail = v4tail
    ? chance(0.7) ? `${int(256)}.${int(256)}.${int(256)}.${int(256)}` : v4ish()
    : "";
  if (tail) s += (s && !s.endsWith(":") ? ":" : "") + tail;
  if (chance(0.6)) {
    // Put "::" somewhere: replace a ":" or add at the ends.
    const colons = [...s.matchAll(/:/g)].map((m) => m.index);
    const where = int(colons.length + 2);
    if (where === 0) s = "::" + s;
    else if (where === 1) s = s + "::";
    else {
      const at = itemAt(colons, where - 2, "colon");
      s = s.slice(0, at) + "::" + s.slice(at + 1);
    }
  }
  if (chance(0.05)) s = s.replace("::", ":::");
  if (chance(0.05)) s += "::";
  if (chance(0.1)) s += "%" + pick(["eth0", "1", "lo", "", "25"]);
  if (chance(0.1)) s = s.toUpperCase();
  if (chance(0.05)) s += pick(SPACES);
  if (chance(0.03)) s = pick(JUNK) + s;
  return s;
}

function mutate(s: string): string {
  const alphabet = "0123456789abcdefABCDEFxX.:% \t";
  const at = int(s.length + 1);
  switch (int(3)) {
    case 0:
      return s.slice(0, at) + pickChar(alphabet) + s.slice(at);
    case 1:
      return s.slice(0, at) + s.slice(at + 1);
    default:
      return s.slice(0, at) + pickChar(alphabet) + s.slice(at + 1);
  }
}

function genStrings(n: number): string[] {
  const fixed = [
    "",
    "1",
    "1.2",
    "0x7f.1",
    "017.1.2.3",
    "1.2.3.4 junk",
    "::",
    ":::",
    "::1",
    "::ffff:1.2.3.4",
    "1:2:3:4:5:6:7:8",
    "fe80::1%3",
  ];
  const out = [...fixed];
  while (out.length < n) {
    const r = rand();
    let s = r < 0.12
      ? `${int(256)}.${int(256)}.${int(256)}.${int(256)}`
      : r < 0.5
      ? v4ish()
      : v6ish();
    if (chance(0.2)) s = mutate(s);
    out.push(s);
  }
  return out;
}

function genPacked(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (out.length < n) {
    const r = rand();
    if (r < 0.02) {
      out.push(new Uint8Array(pick([0, 3, 5, 15, 17])));
      continue;
    }
    if (r < 0.3) {
      const b = new Uint8Array(4);
      for (let i = 0; i < 4; i++) b[i] = chance(0.3) ? 0 : int(256);
      out.push(b);
      continue;
    }
    const b = new Uint8Array(16);
    const kind = int(4);
    for (let g = 0; g < 8; g++) {
      let w: number;
      const q = rand();
      if (q < 0.55) w = 0;
      else if (q < 0.65) w = 0xffff;
      else if (q < 0.75) w = 1;
      else if (q < 0.85) w = int(256);
      else w = int(65536);
      b[2 * g] = w >> 8;
      b[2 * g + 1] = w & 0xff;
    }
    if (kind === 0 || kind === 1) {
      b.fill(0, 0, 10);
      if (kind === 0 || chance(0.5)) b[10] = b[11] = 0xff;
      else b[10] = b[11] = 0;
    }
    out.push(b);
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function outcome(f: () => Uint8Array | string): string {
  try {
    const r = f();
    return typeof r === "string" ? `ok ${r}` : `ok ${hex(r)}`;
  } catch (e) {
    const cls = e instanceof error
      ? e.errno === null ? "OSError" : `OSError[${e.errno}]`
      : e instanceof RangeError
      ? "ValueError"
      : e instanceof TypeError
      ? "TypeError"
      : `unexpected ${String(e)}`;
    return `raises ${cls}: ${(e as Error).message}`;
  }
}

const PY = `
import json, socket, sys
def run(f, *a):
    try:
        r = f(*a)
        return "ok " + (r.hex() if isinstance(r, bytes) else r)
    except OSError as e:
        c = "OSError" if e.errno is None else "OSError[%d]" % e.errno
        return "raises %s: %s" % (c, e)
    except ValueError as e:
        return "raises ValueError: %s" % e
    except TypeError as e:
        return "raises TypeError: %s" % e
data = json.load(sys.stdin)
out = {"strs": [], "packed": []}
for s in data["strs"]:
    out["strs"].append([run(socket.inet_aton, s), run(socket.inet_pton, socket.AF_INET, s), run(socket.inet_pton, socket.AF_INET6, s)])
for h in data["packed"]:
    b = bytes.fromhex(h)
    out["packed"].append([run(socket.inet_ntop, socket.AF_INET, b), run(socket.inet_ntop, socket.AF_INET6, b), run(socket.inet_ntoa, b)])
json.dump(out, sys.stdout)
`;

Deno.test("addr functions agree with CPython on generated inputs", async () => {
  if (!hasPython()) {
    skipReason("addr_cpython", "python3 with the socket module not found");
    return;
  }
  const strs = genStrings(STRINGS);
  const packed = genPacked(PACKED);
  const reply = JSON.parse(
    await runPython(PY, JSON.stringify({ strs, packed: packed.map(hex) })),
  ) as {
    strs: [string, string, string][];
    packed: [string, string, string][];
  };
  assert.equal(reply.strs.length, strs.length);
  assert.equal(reply.packed.length, packed.length);

  const mismatches: string[] = [];
  let compared = 0;
  let valid = 0;
  const accepted = { aton: 0, pton4: 0, pton6: 0 };
  const note = (what: string, ours: string, theirs: string): void => {
    compared++;
    if (ours !== theirs) {
      mismatches.push(`${what}: pysocket ${ours} | CPython ${theirs}`);
    }
  };
  strs.forEach((s, i) => {
    const [aton, pton4, pton6] = itemAt(reply.strs, i);
    const q = JSON.stringify(s);
    note(`inet_aton(${q})`, outcome(() => inet_aton(s)), aton);
    note(
      `inet_pton(AF_INET, ${q})`,
      outcome(() => inet_pton(AF_INET, s)),
      pton4,
    );
    note(
      `inet_pton(AF_INET6, ${q})`,
      outcome(() => inet_pton(AF_INET6, s)),
      pton6,
    );
    if (aton.startsWith("ok")) accepted.aton++;
    if (pton4.startsWith("ok")) accepted.pton4++;
    if (pton6.startsWith("ok")) accepted.pton6++;
    if (aton.startsWith("ok") || pton6.startsWith("ok")) valid++;
  });
  packed.forEach((b, i) => {
    const [n4, n6, ntoa] = itemAt(reply.packed, i);
    note(
      `inet_ntop(AF_INET, ${hex(b)})`,
      outcome(() => inet_ntop(AF_INET, b)),
      n4,
    );
    note(
      `inet_ntop(AF_INET6, ${hex(b)})`,
      outcome(() => inet_ntop(AF_INET6, b)),
      n6,
    );
    note(`inet_ntoa(${hex(b)})`, outcome(() => inet_ntoa(b)), ntoa);
  });
  console.log(
    `compared ${compared} results (${strs.length} strings, ${valid} valid for inet_aton or AF_INET6; ${packed.length} packed); accepted: ${
      JSON.stringify(accepted)
    }`,
  );
  assert.ok(
    valid > strs.length / 5,
    "the generator should give many valid inputs",
  );
  assert.equal(
    mismatches.length,
    0,
    `${mismatches.length} mismatches, first ones:\n${
      mismatches.slice(0, 15).join("\n")
    }`,
  );
});
