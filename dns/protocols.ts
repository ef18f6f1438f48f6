/**
 * Protocols (`/etc/protocols`): {@link getprotobyname}, with a built-in
 * table for when the file is missing or cannot be read.
 *
 * @module
 */

import { error } from "../_base/errors.ts";
import { fieldsOf, linesOf, ParsedFile } from "./_cache.ts";
import { str } from "./_args.ts";
import { protocolsPath } from "./config.ts";

/** A parsed protocols database. Internal. */
export interface ProtocolTable {
  /** Names and aliases to numbers; the first line naming one wins. */
  readonly byName: ReadonlyMap<string, number>;
  /** Whether this is the built-in table. */
  readonly builtin: boolean;
}

// IANA protocol numbers with the names and aliases Debian's file gives them.
const WELL_KNOWN: readonly [string, number, string][] = [
  ["ip", 0, "IP"],
  ["hopopt", 0, "HOPOPT"],
  ["icmp", 1, "ICMP"],
  ["igmp", 2, "IGMP"],
  ["ggp", 3, "GGP"],
  ["ipencap", 4, "IP-ENCAP"],
  ["st", 5, "ST"],
  ["tcp", 6, "TCP"],
  ["egp", 8, "EGP"],
  ["igp", 9, "IGP"],
  ["pup", 12, "PUP"],
  ["udp", 17, "UDP"],
  ["hmp", 20, "HMP"],
  ["xns-idp", 22, "XNS-IDP"],
  ["rdp", 27, "RDP"],
  ["iso-tp4", 29, "ISO-TP4"],
  ["dccp", 33, "DCCP"],
  ["xtp", 36, "XTP"],
  ["ddp", 37, "DDP"],
  ["idpr-cmtp", 38, "IDPR-CMTP"],
  ["ipv6", 41, "IPv6"],
  ["ipv6-route", 43, "IPv6-Route"],
  ["ipv6-frag", 44, "IPv6-Frag"],
  ["idrp", 45, "IDRP"],
  ["rsvp", 46, "RSVP"],
  ["gre", 47, "GRE"],
  ["esp", 50, "IPSEC-ESP"],
  ["ah", 51, "IPSEC-AH"],
  ["skip", 57, "SKIP"],
  ["ipv6-icmp", 58, "IPv6-ICMP"],
  ["ipv6-nonxt", 59, "IPv6-NoNxt"],
  ["ipv6-opts", 60, "IPv6-Opts"],
  ["rspf", 73, "RSPF CPHB"],
  ["vmtp", 81, "VMTP"],
  ["eigrp", 88, "EIGRP"],
  ["ospf", 89, "OSPFIGP"],
  ["ax.25", 93, "AX.25"],
  ["ipip", 94, "IPIP"],
  ["etherip", 97, "ETHERIP"],
  ["encap", 98, "ENCAP"],
  ["pim", 103, "PIM"],
  ["ipcomp", 108, "IPCOMP"],
  ["vrrp", 112, "VRRP"],
  ["l2tp", 115, "L2TP"],
  ["isis", 124, "ISIS"],
  ["sctp", 132, "SCTP"],
  ["fc", 133, "FC"],
  ["mobility-header", 135, "Mobility-Header"],
  ["udplite", 136, "UDPLite"],
  ["mpls-in-ip", 137, "MPLS-in-IP"],
  ["manet", 138, ""],
  ["hip", 139, "HIP"],
  ["shim6", 140, "Shim6"],
  ["wesp", 141, "WESP"],
  ["rohc", 142, "ROHC"],
  ["ethernet", 143, "Ethernet"],
];

function index(rows: [string, number][], builtin: boolean): ProtocolTable {
  const byName = new Map<string, number>();
  for (const [name, n] of rows) if (!byName.has(name)) byName.set(name, n);
  return { byName, builtin };
}

/**
 * Parses a protocols file: `name number aliases...`, `#` comments. A line
 * without a name or a decimal number is skipped. `null` (no file) gives
 * the built-in table. Internal.
 */
export function parseProtocols(text: string | null): ProtocolTable {
  const rows: [string, number][] = [];
  if (text === null) {
    for (const [name, n, aliases] of WELL_KNOWN) {
      rows.push([name, n]);
      for (const a of aliases ? aliases.split(" ") : []) rows.push([a, n]);
    }
    return index(rows, true);
  }
  for (const line of linesOf(text)) {
    const [name, number, ...aliases] = fieldsOf(line);
    if (name === undefined || number === undefined) continue;
    if (!/^\d{1,9}$/.test(number)) continue;
    const n = Number(number);
    for (const alias of [name, ...aliases]) rows.push([alias, n]);
  }
  return index(rows, false);
}

// A file that cannot be read at the moment gives the built-in table for
// this call only.
const protocolsFile = new ParsedFile<ProtocolTable>(parseProtocols, true);

/** The protocols table in effect (parsed once per file). Internal. */
export function protocolTable(): ProtocolTable {
  return protocolsFile.get(protocolsPath(), false);
}

/**
 * The number of a protocol by name or alias, from the protocols file or,
 * when it cannot be read, a built-in table.
 *
 * Errors: an {@link error} `protocol not found`; a `TypeError` for a
 * non-string argument.
 *
 * @example
 * ```ts
 * import { getprotobyname } from "@pysocket/socket";
 * console.log(getprotobyname("udp")); // 17
 * ```
 *
 * @param protocolname A protocol name such as `"tcp"` or an alias (`"TCP"`).
 * @returns The protocol number.
 */
export function getprotobyname(protocolname: string): number {
  const name = str(protocolname, "getprotobyname", 1);
  const n = protocolTable().byName.get(name);
  if (n === undefined) throw new error("protocol not found");
  return n;
}
