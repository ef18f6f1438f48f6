// Which DNS queries Deno's resolver answers itself instead of sending them to
// the server, so that the Deno adapter can say so rather than pass that
// answer on as the server's: glibc sends all of them to the server.
//
// Deno's resolver (hickory) answers, without a packet:
// - every query for a name under `localhost.`, `127.in-addr.arpa.` or the
//   reverse name of `::1` (RFC 6761: loopback answers), `invalid.` and
//   `onion.` (no such name);
// - A, AAAA and PTR queries that the system's /etc/hosts answers: a name
//   with an address of the type asked for, or the reverse name of an
//   address with a name. It reads that file whatever the hosts file in
//   effect is.

import type { DnsRecordType } from "./types.ts";

const SPECIAL =
  /(^|\.)(localhost|127\.in-addr\.arpa|1(\.0){31}\.ip6\.arpa|invalid|onion)\.?$/i;

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

interface EtcHosts {
  readonly stamp: string;
  /** Lower-cased names with an IPv4 or an IPv6 address. */
  readonly v4: ReadonlySet<string>;
  readonly v6: ReadonlySet<string>;
  /** Canonical text of the addresses that have a name. */
  readonly addrs: ReadonlySet<string>;
}

let cached: EtcHosts | null = null;

/** Canonical text of an address as Rust parses it (no zone), or `null`. */
function canonical(text: string): string | null {
  if (IPV4.test(text)) return text;
  if (!text.includes(":") || /[%\[\]/]/.test(text)) return null;
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

// The address a PTR query's name stands for, or `null`.
function arpaAddress(name: string): string | null {
  const n = name.toLowerCase().replace(/\.$/, "");
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(n);
  if (v4 !== null) {
    return canonical(v4.slice(1, 5).reverse().map(Number).join("."));
  }
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(n);
  if (v6 === null || v6[1] === undefined) return null;
  const hex = v6[1].split(".").slice(0, 32).reverse().join("");
  return canonical(hex.match(/.{4}/g)?.join(":") ?? "");
}

// The system's hosts file as Deno's resolver reads it; `null` when this
// process may not read it (Deno's resolver reads it all the same, so a
// name there then goes unnoticed).
function etcHosts(): EtcHosts | null {
  const path = "/etc/hosts";
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    return null;
  }
  let stamp: string;
  let text: string;
  try {
    const info = Deno.statSync(path);
    stamp = `${info.mtime?.getTime() ?? 0}:${info.size}:${info.ino ?? 0}`;
    if (cached?.stamp === stamp) return cached;
    text = Deno.readTextFileSync(path);
  } catch {
    return null;
  }
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const addrs = new Set<string>();
  for (const line of text.split("\n")) {
    const [first, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    const addr = first === undefined ? null : canonical(first);
    if (addr === null || names.length === 0) continue;
    addrs.add(addr);
    const family = addr.includes(":") ? v6 : v4;
    for (const n of names) family.add(n.toLowerCase().replace(/\.$/, ""));
  }
  cached = { stamp, v4, v6, addrs };
  return cached;
}

/**
 * Whether Deno's resolver answers this query itself, without asking the
 * server. Internal to the Deno adapter.
 */
export function answeredByDeno(query: string, type: DnsRecordType): boolean {
  if (SPECIAL.test(query)) return true;
  if (type === "CNAME") return false;
  const hosts = etcHosts();
  if (hosts === null) return false;
  if (type === "PTR") {
    const addr = arpaAddress(query);
    return addr !== null && hosts.addrs.has(addr);
  }
  const name = query.toLowerCase().replace(/\.$/, "");
  return (type === "A" ? hosts.v4 : hosts.v6).has(name);
}
