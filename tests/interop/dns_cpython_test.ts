// Differential test against CPython on this machine: the services and
// protocols tables, and every host function for the names and addresses
// in /etc/hosts and for numeric hosts. Only inputs that the hosts file or
// the numbers answer are given to either side, so neither queries DNS.
import {
  deepStrictEqual as assertEquals,
  strictEqual,
} from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import {
  type Outcome,
  outcome,
  PY_CALLS,
  tableLines,
} from "../_dns_helpers.ts";

type Call = [string, ...unknown[]];

async function compare(calls: Call[]): Promise<number> {
  const t0 = performance.now();
  const expected = JSON.parse(
    await runPython(PY_CALLS, JSON.stringify(calls)),
  ) as Outcome[];
  const t1 = performance.now();
  let mismatches = 0;
  const fns = socket as unknown as Record<string, (...a: unknown[]) => unknown>;
  strictEqual(expected.length, calls.length, "one CPython outcome per call");
  for (const [i, [fn, ...args]] of calls.entries()) {
    const f = fns[fn];
    if (f === undefined) throw new Error(`socket.${fn} is not exported`);
    const got = await outcome(() => f(...args));
    try {
      assertEquals(got, expected[i]);
    } catch {
      mismatches++;
      if (mismatches <= 20) {
        console.log(
          `MISMATCH ${fn}(${JSON.stringify(args)}): deno ${
            JSON.stringify(got)
          } python ${JSON.stringify(expected[i])}`,
        );
      }
    }
  }
  console.log(
    `${calls.length} calls: python ${(t1 - t0).toFixed(0)} ms, deno ${
      (performance.now() - t1).toFixed(0)
    } ms`,
  );
  return mismatches;
}

function skip(name: string): boolean {
  if (!hasPython()) {
    skipReason(name, "python3 not found");
    return true;
  }
  return false;
}

Deno.test("getservbyname/getservbyport match CPython for all of /etc/services", async () => {
  if (skip("services")) return;
  const rows = tableLines("/etc/services");
  if (rows.length === 0) {
    skipReason("services", "/etc/services is missing");
    return;
  }
  const calls: Call[] = [];
  const names = new Set<string>(["no-such-service", "HTTP"]);
  const ports = new Set<number>([0, 1, 65535, 65534, -1, 65536]);
  for (const [name, portProto, ...aliases] of rows) {
    if (name === undefined || portProto === undefined) continue;
    names.add(name);
    for (const a of aliases) names.add(a);
    ports.add(Number(portProto.split("/")[0]));
  }
  for (const n of names) {
    calls.push(["getservbyname", n], ["getservbyname", n, "tcp"]);
    calls.push(["getservbyname", n, "udp"]);
  }
  for (const p of ports) {
    calls.push(["getservbyport", p], ["getservbyport", p, "tcp"]);
    calls.push(["getservbyport", p, "udp"]);
  }
  strictEqual(await compare(calls), 0, `${calls.length} calls`);
});

Deno.test("getprotobyname matches CPython for all of /etc/protocols", async () => {
  if (skip("protocols")) return;
  const calls: Call[] = [["getprotobyname", "no-such-proto"]];
  for (const [name, , ...aliases] of tableLines("/etc/protocols")) {
    calls.push(["getprotobyname", name]);
    for (const a of aliases) calls.push(["getprotobyname", a]);
  }
  strictEqual(await compare(calls), 0, `${calls.length} calls`);
});

// What the hosts file holds, to pick inputs that it answers.
interface HostsInfo {
  names: Map<string, { v4: boolean; v6: boolean }>;
  addrs: string[];
}

function hostsInfo(): HostsInfo {
  const names = new Map<string, { v4: boolean; v6: boolean }>();
  const addrs: string[] = [];
  for (const [addr, ...hostNames] of tableLines("/etc/hosts")) {
    if (addr === undefined) continue;
    const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(addr);
    const v6 = !v4 && addr.includes(":") && !addr.includes("%");
    if (!v4 && !v6) continue;
    // glibc's AF_INET look-up also takes ::1 and ::ffff:a.b.c.d lines.
    const v4ish = v4 || addr === "::1" || /^::ffff:\d/i.test(addr);
    addrs.push(addr);
    for (const n of hostNames) {
      const k = n.toLowerCase();
      const e = names.get(k) ?? { v4: false, v6: false };
      e.v4 ||= v4ish;
      e.v6 ||= v6;
      names.set(k, e);
    }
  }
  return { names, addrs };
}

function seenFamilies(): [boolean, boolean] {
  let v4 = false;
  let v6 = false;
  for (const i of Deno.networkInterfaces()) {
    if (i.family === "IPv4" && i.address !== "127.0.0.1") v4 = true;
    if (i.family === "IPv6" && i.address !== "::1") v6 = true;
  }
  return [v4, v6];
}

const NUMERIC = [
  "127.0.0.1",
  "127.1",
  "0x7f.1",
  "1.2.3",
  "0",
  "4294967295",
  "01.02.03.04",
  "192.0.2.1",
  "0.0.0.0",
  "::",
  "::1",
  "::ffff:192.0.2.1",
  "2001:db8::1",
  "fe80::1%1",
  "fe80::1%lo",
  "ff02::1%1",
  "::1%1",
];

// Hosts that are errors without any look-up.
const BAD_NUMERIC = ["1.2.3.4.5", "::1%lo", "fe80::1%", "1.2.3.08"];

const F = {
  PASSIVE: 1,
  CANONNAME: 2,
  NUMERICHOST: 4,
  V4MAPPED: 8,
  ALL: 16,
  ADDRCONFIG: 32,
  NUMERICSERV: 1024,
};

Deno.test("getaddrinfo matches CPython for /etc/hosts names and numeric hosts", async () => {
  if (skip("getaddrinfo")) return;
  const { names } = hostsInfo();
  const [seen4, seen6] = seenFamilies();
  // Whether the hosts file answers, so that CPython does not ask DNS.
  const answered = (name: string, family: number, flags: number): boolean => {
    const e = names.get(name.toLowerCase());
    if (e === undefined) return false;
    if (flags & F.ADDRCONFIG && family === 0 && seen4 !== seen6) {
      family = seen4 ? 2 : 10;
    }
    if (family === 0) return true;
    if (family === 2) return e.v4;
    return e.v6 || ((flags & F.V4MAPPED) !== 0 && e.v4);
  };
  const flagSets: number[] = [];
  const bits = Object.values(F);
  for (let m = 0; m < 1 << bits.length; m++) {
    let f = 0;
    bits.forEach((b, i) => {
      if (m & (1 << i)) f |= b;
    });
    flagSets.push(f);
  }
  const calls: Call[] = [];
  const hosts: (string | null)[] = [
    null,
    ...NUMERIC,
    ...BAD_NUMERIC,
    ...names.keys(),
    "LocalHost",
  ];
  for (const host of hosts) {
    const full = ![
      "0",
      "4294967295",
      "01.02.03.04",
      "ff02::1%1",
      ...BAD_NUMERIC,
    ]
      .includes(host as string);
    for (const family of full ? [0, 2, 10] : [0]) {
      for (const flags of flagSets) {
        const isName = host !== null &&
          ![...NUMERIC, ...BAD_NUMERIC].includes(host);
        if (
          isName && !(flags & F.NUMERICHOST) && !answered(host!, family, flags)
        ) continue;
        calls.push(["getaddrinfo", host, 80, family, 0, 0, flags]);
      }
    }
    for (
      const port of [
        null,
        0,
        80,
        65536,
        -1,
        "http",
        "domain",
        "ssh",
        "80",
        " 80",
        "80x",
        "",
        "no-such-service",
      ]
    ) {
      for (
        const [type, proto] of [
          [0, 0],
          [1, 0],
          [2, 0],
          [3, 0],
          [5, 0],
          [4, 0],
          [0, 6],
          [0, 17],
          [0, 132],
          [1, 17],
          [3, 6],
          [0, 99],
          [-1, 0],
        ]
      ) {
        const isName = host !== null &&
          ![...NUMERIC, ...BAD_NUMERIC].includes(host);
        if (isName && !answered(host!, 0, 0)) continue;
        calls.push(["getaddrinfo", host, port, 0, type, proto, 0]);
      }
    }
  }
  calls.push(["getaddrinfo", "127.0.0.1", 80, 3], [
    "getaddrinfo",
    "127.0.0.1",
    80,
    0,
    0,
    0,
    0x1000,
  ]);
  calls.push(["getaddrinfo", "", 80]);
  strictEqual(await compare(calls), 0, `${calls.length} calls`);
});

Deno.test("gethostbyname, _ex, gethostbyaddr, getfqdn, getnameinfo match CPython for /etc/hosts", async () => {
  if (skip("gethost")) return;
  const { names, addrs } = hostsInfo();
  const calls: Call[] = [];
  for (const [name, e] of names) {
    if (e.v4) {
      calls.push(["gethostbyname", name], ["gethostbyname_ex", name]);
      calls.push(["gethostbyname", name.toUpperCase()]);
      calls.push(["gethostbyname_ex", name.toUpperCase()]);
    }
    calls.push(["gethostbyaddr", name], ["getfqdn", name]);
  }
  for (
    const n of [
      "127.0.0.1",
      "127.1",
      "1.2.3",
      "0.0.0.0",
      "::1",
      "2001:db8::1",
      "",
      "<broadcast>",
      "255.255.255.255",
    ]
  ) {
    calls.push(["gethostbyname", n]);
    {
      calls.push(["gethostbyname_ex", n]);
    }
  }
  const hostname = Deno.hostname().toLowerCase();
  const inHosts = names.has(hostname);
  const seenAddr = new Set<string>();
  for (const a of addrs) {
    if (seenAddr.has(a)) continue;
    seenAddr.add(a);
    calls.push(["gethostbyaddr", a], ["getfqdn", a]);
    // NI_NOFQDN looks up localhost, this host and 127.0.0.1 first.
    const nofqdnSafe = inHosts && names.has("localhost") &&
      addrs.includes("127.0.0.1");
    for (let flags = 0; flags < 32; flags++) {
      if ((flags & 4) && !nofqdnSafe) continue;
      for (const port of [0, 22, 53, 80, 443, 65535, 99999, -1]) {
        if (a.includes(":")) {
          calls.push(["getnameinfo", [a, port, 0, 0], flags]);
        } else {
          calls.push(["getnameinfo", [a, port], flags]);
        }
      }
    }
  }
  if (inHosts) calls.push(["getfqdn"], ["getfqdn", ""], ["getfqdn", "0.0.0.0"]);
  // Numeric look-ups of addresses that are not in the hosts file.
  for (
    const sa of [
      ["192.0.2.1", 80],
      ["2001:db8::1", 443, 0, 0],
      ["fe80::1", 80, 0, 1],
      ["ff02::1", 0, 0, 1],
      ["fe80::1%lo", 80],
    ]
  ) {
    for (const flags of [1, 3, 17, 9]) calls.push(["getnameinfo", sa, flags]);
  }
  // Errors found before any look-up.
  calls.push(["getnameinfo", ["127.0.0.1", 80, 0, 0], 0]);
  calls.push(["getnameinfo", ["localhost", 80], 1]);
  calls.push(["getnameinfo", ["127.0.0.1", 80], 256]);
  calls.push(["getnameinfo", ["::1", 80, 0x100000, 0], 1]);
  strictEqual(await compare(calls), 0, `${calls.length} calls`);
});
