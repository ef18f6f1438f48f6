// Issue 7, part 5: 200,000 generated inputs through inet_aton, inet_pton,
// inet_ntop (each compared with CPython's answer, in one python3 run) and
// the hosts, services and protocols parsers (checked against the rules
// they document). No exception but the documented ones.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { parseHosts } from "../../dns/hosts.ts";
import { parseServices } from "../../dns/services.ts";
import { parseProtocols } from "../../dns/protocols.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { hex, Rng, seedFor } from "./_util.ts";

const ATON = 50_000;
const PTON = 60_000;
const NTOP = 40_000;
const PARSER_LINES = 50_000; // across the three parsers

const PIECES4: [string, ...string[]] = [
  "0",
  "1",
  "01",
  "08",
  "0x",
  "0x1f",
  "0XfF",
  "255",
  "256",
  "4294967295",
  "4294967296",
  "00000000001",
  "127",
  "1e3",
  " ",
  "+1",
  "-1",
];
const PIECES6: [string, ...string[]] = [
  "",
  "0",
  "1",
  "ffff",
  "fffff",
  "0000",
  "00000",
  "abcd",
  "ABCD",
  "g",
  "::",
  ":",
  "1.2.3.4",
  "255.255.255.255",
  "01.2.3.4",
  "%eth0",
  "%1",
];
const NOISE: [string, ...string[]] = [
  "\0",
  "\t",
  "\n",
  ".",
  ":",
  "x",
  "é",
  "٣",
  "１",
  "#",
  " ",
  "/",
  "%",
  "\u00a0",
];

function ipv4ish(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(0, 6);
  for (let i = 0; i < n; i++) {
    parts.push(
      rng.chance(0.7)
        ? String(rng.int(0, rng.pick([9, 255, 300, 70000, 2 ** 32])))
        : rng.pick(PIECES4),
    );
  }
  return mutate(
    rng,
    parts.join(rng.chance(0.95) ? "." : rng.pick([",", "..", ":"])),
  );
}

function ipv6ish(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(0, 10);
  for (let i = 0; i < n; i++) {
    parts.push(
      rng.chance(0.7) ? rng.int(0, 0xffff).toString(16) : rng.pick(PIECES6),
    );
  }
  let s = parts.join(":");
  if (rng.chance(0.3)) {
    const at = rng.int(0, s.length);
    s = s.slice(0, at) + "::" + s.slice(at);
  }
  return mutate(rng, s);
}

function mutate(rng: Rng, s: string): string {
  if (rng.chance(0.15)) {
    const at = rng.int(0, s.length);
    s = s.slice(0, at) + rng.pick(NOISE) + s.slice(at);
  }
  if (rng.chance(0.05) && s.length > 0) {
    const at = rng.int(0, s.length - 1);
    s = s.slice(0, at) + s.slice(at + 1);
  }
  if (rng.chance(0.002)) s = s.repeat(rng.int(100, 3000));
  return s;
}

type Result = string; // hex of the bytes / the text, or "E:<kind>"

function kind(e: unknown): string {
  if (e instanceof socket.error) return "E:error";
  if (e instanceof TypeError) return "E:TypeError";
  if (e instanceof RangeError) return "E:RangeError";
  throw e; // anything else is a failure of the test
}

function tryCall(f: () => Uint8Array | string): Result {
  try {
    const r = f();
    return typeof r === "string" ? "S:" + r : "B:" + hex(r);
  } catch (e) {
    return kind(e);
  }
}

const PY = `
import json, socket, sys
def run(f):
    try:
        r = f()
        return "S:" + r if isinstance(r, str) else "B:" + r.hex()
    except OSError:
        return "E:error"
    except (ValueError, OverflowError):
        return "E:RangeError"
    except TypeError:
        return "E:TypeError"
req = json.load(sys.stdin)
out = []
for s in req["aton"]:
    out.append(run(lambda: socket.inet_aton(s)))
for f, s in req["pton"]:
    out.append(run(lambda: socket.inet_pton(f, s)))
for f, h in req["ntop"]:
    out.append(run(lambda: socket.inet_ntop(f, bytes.fromhex(h))))
json.dump(out, sys.stdout)
`;

Deno.test(`fuzz: ${ATON + PTON + NTOP + PARSER_LINES} generated inputs`, async () => {
  const rng = new Rng(seedFor("fuzz"));
  const t0 = performance.now();
  const aton: string[] = [];
  const pton: [number, string][] = [];
  const ntop: [number, string][] = [];
  const ours: Result[] = [];
  for (let i = 0; i < ATON; i++) {
    const s = ipv4ish(rng);
    aton.push(s);
    ours.push(tryCall(() => socket.inet_aton(s)));
  }
  for (let i = 0; i < PTON; i++) {
    const six = rng.chance(0.6);
    const s = six ? ipv6ish(rng) : ipv4ish(rng);
    const f = rng.chance(0.9)
      ? (six ? socket.AF_INET6 : socket.AF_INET)
      : (six ? socket.AF_INET : socket.AF_INET6);
    pton.push([f, s]);
    ours.push(tryCall(() => socket.inet_pton(f, s)));
  }
  for (let i = 0; i < NTOP; i++) {
    const f = rng.chance(0.5) ? socket.AF_INET : socket.AF_INET6;
    const len = rng.chance(0.95)
      ? (f === socket.AF_INET ? 4 : 16)
      : rng.int(0, 20);
    const b = rng.bytes(len);
    // Zero runs and v4-mapped/compatible prefixes, where the text forms differ.
    if (f === socket.AF_INET6 && len === 16) {
      const zeros = rng.int(0, 16);
      const at = rng.int(0, 16 - zeros);
      b.fill(0, at, at + zeros);
      if (rng.chance(0.1)) {
        b.fill(0, 0, 10);
        b[10] = b[11] = rng.chance(0.5) ? 0xff : 0;
      }
    }
    ntop.push([f, hex(b)]);
    ours.push(tryCall(() => socket.inet_ntop(f, b)));
  }
  const inetMs = performance.now() - t0;

  // Parsers: random files of plausible and broken lines.
  const t1 = performance.now();
  let lines = 0;
  let hostsEntries = 0;
  let services = 0;
  let protocols = 0;
  while (lines < PARSER_LINES) {
    const n = rng.int(1, 60);
    const hostsText: string[] = [];
    const servText: string[] = [];
    const protoText: string[] = [];
    for (let i = 0; i < n; i++) {
      const ws = () =>
        rng.pick([" ", "\t", "  ", " \t", "\v", "\f", "\r", "\u00a0"]);
      const name = () =>
        mutate(
          rng,
          rng.pick([
            "localhost",
            "a",
            "x-y.example",
            "LOCAL",
            "ÿ",
            "#c",
            "1.2.3.4",
            "",
          ]),
        );
      hostsText.push(
        [
          rng.chance(0.5) ? ipv4ish(rng) : ipv6ish(rng),
          name(),
          ...(rng.chance(0.3) ? [name()] : []),
        ].join(ws()) +
          (rng.chance(0.2) ? " # comment" : ""),
      );
      servText.push(
        [
          name(),
          `${
            rng.pick([
              String(rng.int(0, 70000)),
              "-1",
              "0x50",
              "80.5",
              "",
              "099999",
            ])
          }${rng.pick(["/tcp", "/udp", "/", "tcp", "/t#cp", "/tcp/udp"])}`,
          ...(rng.chance(0.3) ? [name()] : []),
        ].join(ws()),
      );
      protoText.push(
        [
          name(),
          rng.pick([
            String(rng.int(0, 300)),
            "-1",
            "1e2",
            "0x6",
            "",
            "9999999999",
          ]),
          name(),
        ].join(ws()),
      );
    }
    lines += 3 * n;
    const eol = rng.chance(0.1) ? "\r\n" : "\n";
    const h = parseHosts(hostsText.join(eol));
    for (const e of h) {
      assert.ok(
        e.addr.length === 4 || e.addr.length === 16,
        "hosts: address size",
      );
      assert.ok(
        e.name.length > 0 && !/[ \t\n\v\f\r#]/.test(e.name),
        `hosts: name ${JSON.stringify(e.name)}`,
      );
      for (const a of e.aliases) {
        assert.ok(a.length > 0 && !/[ \t\n\v\f\r#]/.test(a), "hosts: alias");
      }
      assert.equal(e.keys.length, 1 + e.aliases.length);
    }
    hostsEntries += h.length;
    const sv = parseServices(servText.join(eol));
    assert.equal(sv.builtin, false);
    for (const e of sv.entries) {
      assert.ok(
        Number.isInteger(e.port) && e.port >= 0 && e.port <= 65535,
        `services: port ${e.port}`,
      );
      assert.ok(
        e.name.length > 0 && e.proto.length > 0 &&
          !/[ \t\n\v\f\r#]/.test(e.name + e.proto),
        "services: fields",
      );
      assert.equal(sv.byName.has(`${e.name}/${e.proto}`), true);
    }
    services += sv.entries.length;
    const pr = parseProtocols(protoText.join(eol));
    for (const [k, v] of pr.byName) {
      assert.ok(Number.isInteger(v) && v >= 0, `protocols: number ${v}`);
      assert.ok(k.length > 0 && !/[ \t\n\v\f\r#]/.test(k), "protocols: name");
    }
    protocols += pr.byName.size;
  }
  // null (no file) gives the built-in tables.
  assert.equal(parseServices(null).builtin, true);
  assert.equal(parseProtocols(null).builtin, true);
  assert.deepEqual(parseHosts(null), []);
  const parseMs = performance.now() - t1;

  let compared = 0;
  const diffs: string[] = [];
  if (hasPython()) {
    const py: Result[] = JSON.parse(
      await runPython(PY, JSON.stringify({ aton, pton, ntop })),
    );
    assert.equal(py.length, ours.length);
    const inputs: string[] = [
      ...aton.map((s) => `inet_aton(${JSON.stringify(s.slice(0, 80))})`),
      ...pton.map(([f, s]) =>
        `inet_pton(${f}, ${JSON.stringify(s.slice(0, 80))})`
      ),
      ...ntop.map(([f, h]) => `inet_ntop(${f}, ${h})`),
    ];
    for (let i = 0; i < ours.length; i++) {
      compared++;
      if (ours[i] !== py[i]) {
        diffs.push(`${inputs[i]}: pysocket ${ours[i]}, CPython ${py[i]}`);
      }
    }
  } else {
    skipReason("fuzz: CPython comparison", "python3 not found");
  }
  const okCount = ours.filter((r) => !r.startsWith("E:")).length;
  console.log(
    `fuzz: ${ours.length} inet_* inputs (${okCount} valid) in ${
      inetMs.toFixed(0)
    } ms, ` +
      `${compared} compared with CPython, ${diffs.length} differ; ` +
      `${lines} parser lines (${hostsEntries} hosts entries, ${services} services, ` +
      `${protocols} protocol names) in ${parseMs.toFixed(0)} ms`,
  );
  for (const d of diffs.slice(0, 20)) console.log(`  DIFFERS: ${d}`);
  assert.deepEqual(diffs.slice(0, 20), []);
});
