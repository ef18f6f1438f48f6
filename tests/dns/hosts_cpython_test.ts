// Differential test of the look-ups that read a hosts file and then ask DNS,
// against CPython (glibc, `hosts: files dns`) on this machine, with hosts
// files of our own so that the same cases run on any machine: merged
// lines, aliases, case, families, and which look-ups go on to DNS.
//
// pysocket reads each hosts file through set_resolver({ hostsFile }).
// CPython reads it as /etc/hosts inside a private mount and network
// namespace (`unshare -m -n`, as root), with our resolv.conf and
// nsswitch.conf bound over the system's, and asks a dnsmasq that listens on
// the namespace's own 127.0.0.1:53. pysocket asks a dnsmasq with the same
// records on a free port of this machine's loopback. No packet leaves
// loopback: the namespace has no other interface.
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, skipReason } from "../_python.ts";
import { type Outcome, outcome, PY_CALLS } from "../_dns_helpers.ts";
import { findDnsmasq, startDnsmasq } from "./_dnsmasq.ts";

type Call = [string, ...unknown[]];

const CONF = new URL("../fixtures/dns/dnsmasq_hosts.conf", import.meta.url)
  .pathname;
const SEARCH = "none.pysocket.test";

// Hosts files, each a set of cases; every address is a documentation one.
const VARIANTS: Record<string, string> = {
  families: `# two families, merged lines, aliases, case
127.0.0.1 localhost
192.0.2.1 v4name v4alias
2001:db8::1 v6name v6alias
192.0.2.2 multi multi-a
192.0.2.3 MULTI multi-b
2001:db8::2 multi multi-c
192.0.2.4 other multi
198.51.100.5 Mixed.Case mixed-alias
::ffff:192.0.2.6 mapped
::1 ip6-loop
fe80::1%lo zoned
192.0.2.7 dual.pysocket.test
2001:db8::8 dual6.pysocket.test
192.0.2.9 both.pysocket.test
01.2.3.4 leadingzero
192.0.2.10
   # an indented comment
192.0.2.11\tTabbed\ttab-alias # trailing comment
`,
  // No localhost and no ::1: names glibc sends to DNS and Deno would
  // answer itself.
  bare: `192.0.2.1 v4name
`,
};

const NAMES: Record<string, string[]> = {
  families: [
    "localhost",
    "LOCALHOST",
    "v4name",
    "V4NAME",
    "v4alias",
    "v6name",
    "v6alias",
    "multi",
    "Multi",
    "multi-a",
    "multi-b",
    "multi-c",
    "other",
    "Mixed.Case",
    "mixed.case",
    "mixed-alias",
    "mapped",
    "ip6-loop",
    "zoned",
    "dual.pysocket.test",
    "dual6.pysocket.test",
    "both.pysocket.test",
    "leadingzero",
    "tabbed",
    "tab-alias",
    "dnsonly.pysocket.test",
    "alias.pysocket.test",
    "mapped6.pysocket.test",
    "maponly.pysocket.test",
    "v4dns.pysocket.test",
    "v6dns.pysocket.test",
    "nx.pysocket.test",
    "nosuchhost",
    "foo.localhost",
  ],
  bare: [
    "localhost",
    "foo.localhost",
    "x.invalid",
    "y.onion",
    "v4name",
    "dnsonly.pysocket.test",
  ],
};

const ADDRS: Record<string, string[]> = {
  families: [
    "127.0.0.1",
    "192.0.2.1",
    "2001:db8::1",
    "192.0.2.3",
    "2001:db8::2",
    "192.0.2.6",
    "::ffff:192.0.2.6",
    "::1",
    "192.0.2.7",
    "198.51.100.7",
    "2001:db8::88",
    "198.51.100.20",
    "192.0.2.200",
    "127.0.0.2",
    "::ffff:198.51.100.7",
    "::198.51.100.7",
    "::ffff:192.0.2.1",
    "::",
    "0.0.0.0",
  ],
  bare: ["127.0.0.1", "127.0.0.2", "127.1.2.3", "::1", "192.0.2.1"],
};

const AI_FLAGS = [
  0,
  socket.AI_CANONNAME,
  socket.AI_V4MAPPED,
  socket.AI_V4MAPPED | socket.AI_ALL,
  socket.AI_CANONNAME | socket.AI_V4MAPPED | socket.AI_ALL,
  socket.AI_PASSIVE,
  socket.AI_NUMERICHOST,
];

function callsFor(variant: string): Call[] {
  const calls: Call[] = [];
  for (const name of NAMES[variant] ?? []) {
    for (const family of [0, socket.AF_INET, socket.AF_INET6]) {
      for (const flags of AI_FLAGS) {
        calls.push(["getaddrinfo", name, 80, family, 1, 0, flags]);
      }
    }
    calls.push(["getaddrinfo", name, null]);
    calls.push(["gethostbyname", name], ["gethostbyname_ex", name]);
    calls.push(["gethostbyaddr", name], ["getfqdn", name]);
  }
  for (const a of ADDRS[variant] ?? []) {
    calls.push(["gethostbyaddr", a], ["getfqdn", a]);
    const sa = a.includes(":") ? [a, 80, 0, 0] : [a, 80];
    for (
      const flags of [
        0,
        socket.NI_NAMEREQD,
        socket.NI_NUMERICSERV,
        socket.NI_DGRAM | socket.NI_NAMEREQD,
      ]
    ) {
      calls.push(["getnameinfo", sa, flags]);
    }
  }
  return calls;
}

// The order of getaddrinfo's results follows RFC 3484 rules that look at
// the routes to each address, and the namespace has none; the order is
// compared by tests/interop/dns_cpython_test.ts instead. Here the results
// are compared as a set, and the canonical name (on the first result)
// apart.
function normalize(call: Call, o: Outcome): unknown {
  if (call[0] !== "getaddrinfo" || o[0] !== "ok" || !Array.isArray(o[1])) {
    return o;
  }
  const rows = o[1] as unknown[][];
  const canon = rows.map((r) => r[3]).filter((c) => c !== "");
  const plain = rows.map((r) => JSON.stringify([...r.slice(0, 3), r[4]]))
    .sort();
  return ["ok", canon, plain];
}

// gethostbyaddr and getfqdn of a name reverse-resolve the first address
// getaddrinfo gives for it, so for a name with addresses of both families
// they depend on that order too: such calls are left out.
function orderDependent(calls: Call[], expected: Outcome[]): Set<string> {
  const names = new Set<string>();
  for (const [i, call] of calls.entries()) {
    const o = expected[i];
    if (call[0] !== "getaddrinfo" || call[2] !== null || o?.[0] !== "ok") {
      continue;
    }
    const families = new Set((o[1] as unknown[][]).map((r) => r[0]));
    if (families.size > 1) names.add(String(call[1]));
  }
  return names;
}

function missing(): string | null {
  if (Deno.build.os !== "linux") return "not Linux";
  if (typeof Deno.uid !== "function") return "cannot tell whether this is root";
  if (Deno.uid() !== 0) return "needs root for a private mount namespace";
  if (!hasPython()) return "python3 not found";
  for (const f of ["/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf"]) {
    try {
      Deno.statSync(f);
    } catch {
      return `${f} is missing: nothing to bind our own file over`;
    }
  }
  for (const tool of ["unshare", "ip", "mount"]) {
    const out = new Deno.Command("sh", {
      args: ["-c", `command -v ${tool}`],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    if (!out.success) return `${tool} not found`;
  }
  return null;
}

// One run of CPython per hosts file, all inside one namespace.
function nsScript(dir: string, bin: string, variants: string[]): string {
  const lines = [
    "set -e",
    "ip link set lo up",
    `mount --bind ${dir}/resolv.conf /etc/resolv.conf`,
    `mount --bind ${dir}/nsswitch.conf /etc/nsswitch.conf`,
    `${bin} --no-resolv --no-hosts --port=53 --listen-address=127.0.0.1` +
    ` --bind-interfaces --conf-file=${CONF} --pid-file=${dir}/dnsmasq.pid`,
    `trap 'kill $(cat ${dir}/dnsmasq.pid)' EXIT`,
    // dnsmasq binds before it goes to the background; wait for an answer
    // all the same.
    `python3 -c 'import socket, time
for _ in range(100):
    try:
        socket.gethostbyname("dnsonly.pysocket.test"); break
    except OSError:
        time.sleep(0.05)'`,
  ];
  for (const v of variants) {
    lines.push(
      `mount --bind ${dir}/hosts.${v} /etc/hosts`,
      `python3 -c "$PY" < ${dir}/calls.${v}.json > ${dir}/out.${v}.json`,
      "umount /etc/hosts",
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("hosts file then DNS: pysocket and CPython (glibc) agree, hosts files of our own", async () => {
  const why = missing();
  const bin = findDnsmasq();
  if (why !== null || bin === null) {
    skipReason("hosts file then DNS", why ?? "dnsmasq is not installed");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "pysocket-hosts-" });
  try {
    const variants = Object.keys(VARIANTS);
    await Deno.writeTextFile(
      `${dir}/resolv.conf`,
      `nameserver 127.0.0.1\nsearch ${SEARCH}\noptions ndots:1 timeout:2 attempts:2\n`,
    );
    await Deno.writeTextFile(`${dir}/nsswitch.conf`, "hosts: files dns\n");
    const calls: Record<string, Call[]> = {};
    for (const v of variants) {
      await Deno.writeTextFile(`${dir}/hosts.${v}`, VARIANTS[v] ?? "");
      calls[v] = callsFor(v);
      await Deno.writeTextFile(
        `${dir}/calls.${v}.json`,
        JSON.stringify(calls[v]),
      );
    }
    await Deno.writeTextFile(`${dir}/ns.sh`, nsScript(dir, bin, variants));
    const ns = await new Deno.Command("unshare", {
      args: ["-m", "-n", "sh", `${dir}/ns.sh`],
      env: { PY: PY_CALLS },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!ns.success) {
      const err = new TextDecoder().decode(ns.stderr).trim();
      if (/unshare|mount|Operation not permitted|permission/i.test(err)) {
        skipReason("hosts file then DNS", `no private namespace: ${err}`);
        return;
      }
      throw new Error(`the CPython side failed: ${err}`);
    }
    await using server = await startDnsmasq(
      bin,
      CONF,
      "dnsonly.pysocket.test",
    );
    let mismatches = 0;
    let total = 0;
    let skipped = 0;
    const fns = socket as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    try {
      for (const v of variants) {
        socket.set_resolver({
          hostsFile: `${dir}/hosts.${v}`,
          nameServer: { ipAddr: "127.0.0.1", port: server.port },
          search: [SEARCH],
          ndots: 1,
          timeout: 2,
          attempts: 2,
        });
        const expected = JSON.parse(
          await Deno.readTextFile(`${dir}/out.${v}.json`),
        ) as Outcome[];
        const list = calls[v] ?? [];
        strictEqual(expected.length, list.length);
        const both = orderDependent(list, expected);
        for (const [i, call] of list.entries()) {
          const [fn, ...args] = call;
          if (
            (fn === "gethostbyaddr" || fn === "getfqdn") &&
            both.has(String(args[0]))
          ) {
            skipped++;
            continue;
          }
          const f = fns[fn];
          const want = expected[i];
          if (f === undefined || want === undefined) {
            throw new Error(`no ${fn}`);
          }
          const got = await outcome(() => f(...args));
          total++;
          try {
            deepStrictEqual(normalize(call, got), normalize(call, want));
          } catch {
            mismatches++;
            if (mismatches <= 60) {
              console.log(
                `MISMATCH [${v}] ${fn}(${JSON.stringify(args)}): pysocket ${
                  JSON.stringify(got)
                } CPython ${JSON.stringify(want)}`,
              );
            }
          }
        }
      }
    } finally {
      socket.reset_resolver();
    }
    console.log(
      `${total} calls compared; ${skipped} left out (they depend on the ` +
        "order of addresses of both families)",
    );
    strictEqual(mismatches, 0, `${mismatches} of ${total} calls differ`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
