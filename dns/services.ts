/**
 * Services (`/etc/services`): {@link getservbyname} and
 * {@link getservbyport}, with a built-in table of well-known services for
 * when the file is missing or cannot be read.
 *
 * @module
 */

import { error } from "../_base/errors.ts";
import { fieldsOf, linesOf, ParsedFile } from "./_cache.ts";
import { cInt, str } from "./_args.ts";
import { servicesPath } from "./config.ts";

/** One service entry. Internal. */
export interface Service {
  readonly name: string;
  readonly port: number;
  readonly proto: string;
  readonly aliases: readonly string[];
}

/** A parsed services database with its look-up indexes. Internal. */
export interface ServiceTable {
  readonly entries: readonly Service[];
  /** `name/proto` and `name` (first entry of any protocol) to the entry. */
  readonly byName: ReadonlyMap<string, Service>;
  /** `port/proto` and `port` to the entry. */
  readonly byPort: ReadonlyMap<string, Service>;
  /** Whether this is the built-in table (the file could not be read). */
  readonly builtin: boolean;
}

// Well-known services, used when the services file cannot be read:
// name, port, protocols, aliases.
const WELL_KNOWN: readonly [string, number, string, string][] = [
  ["tcpmux", 1, "tcp", ""],
  ["echo", 7, "tcp udp", ""],
  ["discard", 9, "tcp udp", "sink null"],
  ["systat", 11, "tcp", "users"],
  ["daytime", 13, "tcp udp", ""],
  ["netstat", 15, "tcp", ""],
  ["qotd", 17, "tcp", "quote"],
  ["chargen", 19, "tcp udp", "ttytst source"],
  ["ftp-data", 20, "tcp", ""],
  ["ftp", 21, "tcp", ""],
  ["ssh", 22, "tcp", ""],
  ["telnet", 23, "tcp", ""],
  ["smtp", 25, "tcp", "mail"],
  ["time", 37, "tcp udp", "timserver"],
  ["whois", 43, "tcp", "nicname"],
  ["tacacs", 49, "tcp udp", ""],
  ["domain", 53, "tcp udp", ""],
  ["bootps", 67, "udp", ""],
  ["bootpc", 68, "udp", ""],
  ["tftp", 69, "udp", ""],
  ["gopher", 70, "tcp", ""],
  ["finger", 79, "tcp", ""],
  ["http", 80, "tcp", "www"],
  ["kerberos", 88, "tcp udp", "kerberos5 krb5 kerberos-sec"],
  ["pop3", 110, "tcp", "pop-3"],
  ["sunrpc", 111, "tcp udp", "portmapper"],
  ["auth", 113, "tcp", "authentication tap ident"],
  ["nntp", 119, "tcp", "readnews untp"],
  ["ntp", 123, "udp", ""],
  ["epmap", 135, "tcp", "loc-srv"],
  ["netbios-ns", 137, "udp", ""],
  ["netbios-dgm", 138, "udp", ""],
  ["netbios-ssn", 139, "tcp", ""],
  ["imap2", 143, "tcp", "imap"],
  ["snmp", 161, "tcp udp", ""],
  ["snmp-trap", 162, "tcp udp", "snmptrap"],
  ["bgp", 179, "tcp", ""],
  ["irc", 194, "tcp", ""],
  ["ldap", 389, "tcp udp", ""],
  ["https", 443, "tcp udp", ""],
  ["microsoft-ds", 445, "tcp", ""],
  ["kpasswd", 464, "tcp udp", ""],
  ["submissions", 465, "tcp", "ssmtp smtps urd"],
  ["syslog", 514, "udp", ""],
  ["printer", 515, "tcp", "spooler"],
  ["submission", 587, "tcp", ""],
  ["ldaps", 636, "tcp udp", ""],
  ["rsync", 873, "tcp", ""],
  ["ftps", 990, "tcp", ""],
  ["telnets", 992, "tcp", ""],
  ["imaps", 993, "tcp", ""],
  ["pop3s", 995, "tcp", ""],
  ["socks", 1080, "tcp", ""],
  ["openvpn", 1194, "tcp udp", ""],
  ["ms-sql-s", 1433, "tcp", ""],
  ["mysql", 3306, "tcp", ""],
  ["postgresql", 5432, "tcp", "postgres"],
  ["x11", 6000, "tcp", "x11-0"],
  ["http-alt", 8080, "tcp", "webcache"],
];

function index(entries: Service[], builtin: boolean): ServiceTable {
  const byName = new Map<string, Service>();
  const byPort = new Map<string, Service>();
  const put = (m: Map<string, Service>, k: string, s: Service): void => {
    if (!m.has(k)) m.set(k, s);
  };
  for (const s of entries) {
    for (const n of [s.name, ...s.aliases]) {
      put(byName, `${n}/${s.proto}`, s);
      put(byName, n, s);
    }
    put(byPort, `${s.port}/${s.proto}`, s);
    put(byPort, String(s.port), s);
  }
  return { entries, byName, byPort, builtin };
}

function builtinTable(): ServiceTable {
  const entries: Service[] = [];
  for (const [name, port, protos, aliases] of WELL_KNOWN) {
    for (const proto of protos.split(" ")) {
      entries.push({
        name,
        port,
        proto,
        aliases: aliases ? aliases.split(" ") : [],
      });
    }
  }
  return index(entries, true);
}

/**
 * Parses a services file: `name port/proto aliases...`, `#` comments. A
 * line without a name, a port of 0-65535 in decimal, or a protocol is
 * skipped. `null` (no file) gives the built-in table. Internal.
 */
export function parseServices(text: string | null): ServiceTable {
  if (text === null) return builtinTable();
  const entries: Service[] = [];
  for (const line of linesOf(text)) {
    const [name, portProto, ...aliases] = fieldsOf(line);
    if (name === undefined || portProto === undefined) continue;
    const m = /^(\d{1,5})\/(.+)$/.exec(portProto);
    const proto = m?.[2];
    if (m === null || proto === undefined) continue;
    const port = Number(m[1]);
    if (port > 65535) continue;
    entries.push({ name, port, proto, aliases });
  }
  return index(entries, false);
}

// A file that cannot be read at the moment gives the built-in table for
// this call only.
const servicesFile = new ParsedFile<ServiceTable>(parseServices, true);

/** The services table in effect (parsed once per file). Internal. */
export function serviceTable(): ServiceTable {
  return servicesFile.get(servicesPath(), false);
}

/** `getservbyname_r`: the entry for a name and protocol, or null. Internal. */
export function lookupService(
  name: string,
  proto: string | null,
): Service | null {
  const t = serviceTable();
  return t.byName.get(proto === null ? name : `${name}/${proto}`) ?? null;
}

/**
 * The port of a service by name, from the services file (aliases
 * included) or, when it cannot be read, a built-in table. Without
 * `protocolname` the first entry of any protocol is used.
 *
 * Errors: an {@link error} `service/proto not found`; a `TypeError` for a
 * non-string argument.
 *
 * @example
 * ```ts
 * import { getservbyname } from "@pysocket/socket";
 * console.log(getservbyname("http", "tcp")); // 80
 * console.log(getservbyname("domain")); // 53
 * ```
 *
 * @param servicename A service name or alias, such as `"http"` or `"www"`.
 * @param protocolname `"tcp"`, `"udp"`, ... or left out for any.
 * @returns The port number.
 */
export function getservbyname(
  servicename: string,
  protocolname?: string | null,
): number {
  const name = str(servicename, "getservbyname", 1);
  const proto = protocolname == null
    ? null
    : str(protocolname, "getservbyname", 2);
  const s = lookupService(name, proto);
  if (s === null) throw new error("service/proto not found");
  return s.port;
}

/**
 * The name of the service on a port, from the services file or, when it
 * cannot be read, a built-in table. Without `protocolname` the first entry
 * of any protocol is used.
 *
 * Errors: an {@link error} `port/proto not found`; a `RangeError`
 * `getservbyport: port must be 0-65535.`; a `TypeError` when `port` is not
 * an integer.
 *
 * @example
 * ```ts
 * import { getservbyport } from "@pysocket/socket";
 * console.log(getservbyport(443, "tcp")); // https
 * ```
 *
 * @param port A port number, 0-65535.
 * @param protocolname `"tcp"`, `"udp"`, ... or left out for any.
 * @returns The service's name.
 */
export function getservbyport(
  port: number,
  protocolname?: string | null,
): string {
  const p = cInt(port);
  const proto = protocolname == null
    ? null
    : str(protocolname, "getservbyport", 2);
  if (p < 0 || p > 0xffff) {
    throw new RangeError("getservbyport: port must be 0-65535.");
  }
  const t = serviceTable();
  const s = t.byPort.get(proto === null ? String(p) : `${p}/${proto}`);
  if (s === undefined) throw new error("port/proto not found");
  return s.name;
}
