/**
 * The host functions: {@link gethostname}, {@link gethostbyname},
 * {@link gethostbyname_ex}, {@link gethostbyaddr}, {@link getfqdn}.
 *
 * @module
 */

import { runtime } from "../_runtime/runtime.ts";
import {
  errno,
  error,
  gaierror,
  herror,
  osError,
  permissionError,
} from "../_base/errors.ts";
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  EAI_FAMILY,
  EAI_NONAME,
  SOCK_DGRAM,
} from "../_base/constants.ts";
import { hostText } from "./_args.ts";
import {
  raceSignal,
  splitOptions,
  type WaitOptions,
  withOptions,
} from "../_base/wait_options.ts";
import { isMomentaryReadError } from "./_cache.ts";
import { DnsError, dnsLookup, dnsReverse } from "./dns_client.ts";
import { gaiCore } from "./getaddrinfo.ts";
import { type HostEnt, hostsByAddr, hostsByName } from "./hosts.ts";
import {
  atonExact,
  isLoopback6,
  ntop,
  pton4,
  pton6,
  reverseName,
} from "./_ip.ts";

/**
 * The machine's host name. Needs `--allow-sys=hostname`.
 *
 * @example
 * ```ts
 * import { gethostname } from "@pysocket/socket";
 * console.log(gethostname()); // e.g. farnsworth.hellfly.net
 * ```
 *
 * @returns The name.
 */
export function gethostname(): string {
  if (
    runtime.permissionState({ name: "sys", kind: "hostname" }) !== "granted"
  ) {
    throw permissionError("sys:hostname");
  }
  return runtime.hostname();
}

/**
 * CPython's `setipaddr`: one address of `family` for a host string, as
 * numeric text and bytes. Internal.
 */
export async function setipaddr(
  name: string,
  family: number,
): Promise<Resolved> {
  if (name === "") {
    const r = await gaiCore(null, "0", family, SOCK_DGRAM, 0, 1);
    if (r.length > 1) throw new error("wildcard resolved to multiple address");
    return fromSockaddr(r);
  }
  if (name === "<broadcast>" || name === "255.255.255.255") {
    if (family !== AF_INET && family !== AF_UNSPEC) {
      throw new error("address family mismatched");
    }
    return {
      text: "255.255.255.255",
      addr: new Uint8Array([255, 255, 255, 255]),
      family: AF_INET,
    };
  }
  if (family === AF_UNSPEC || family === AF_INET) {
    const a = pton4(name);
    if (a) return { text: ntop(a), addr: a, family: AF_INET };
  }
  if ((family === AF_UNSPEC || family === AF_INET6) && !name.includes("%")) {
    const a = pton6(name);
    if (a) return { text: ntop(a), addr: a, family: AF_INET6 };
  }
  return fromSockaddr(await gaiCore(name, null, family, 0, 0, 0));
}

/** An address setipaddr found. Internal. */
export interface Resolved {
  readonly text: string;
  readonly addr: Uint8Array;
  readonly family: number;
  /** The IPv6 scope id, 0 when none. */
  readonly scopeid?: number;
}

// The first of getaddrinfo's results (it gives at least one or throws).
function fromSockaddr(
  results: [number, number, number, string, [string, number, ...number[]]][],
): Resolved {
  const [first] = results;
  if (first === undefined) throw new gaierror(EAI_NONAME);
  const [family, , , , [text, , , scopeid = 0]] = first;
  const addr = family === AF_INET ? pton4(text) : pton6(text);
  if (addr === null) throw new gaierror(EAI_NONAME);
  return { text, addr, family, scopeid };
}

/**
 * The IPv4 address of a host, as text; a numeric address comes back
 * unchanged. Looks in the hosts file, then DNS.
 *
 * Errors: {@link gaierror} (`[Errno -2] Name or service not known`, `-5`
 * when the name has only IPv6 addresses, `-3` when DNS does not answer);
 * an {@link error} `EMFILE` when no descriptor is free to read the hosts
 * file.
 *
 * @example
 * ```ts
 * import { gethostbyname } from "@pysocket/socket";
 * console.log(await gethostbyname("localhost")); // 127.0.0.1
 * ```
 *
 * @param hostname A host name or IPv4 address.
 * @param options `{ signal }`: an abort rejects with `signal.reason`.
 * @returns The address.
 */
export function gethostbyname(
  hostname: string,
  options?: WaitOptions,
): Promise<string> {
  return withOptions(options, () => byName(hostname));
}

async function byName(hostname: string): Promise<string> {
  const name = hostText(
    hostname,
    "gethostbyname() argument 1 must be str, bytes or bytearray",
    "gethostbyname",
  );
  return (await setipaddr(name, AF_INET)).text;
}

function hostentTuple(e: HostEnt): [string, string[], string[]] {
  return [e.name, [...e.aliases], e.addrs.map(ntop)];
}

/** glibc's `gethostbyname_r` (files, then DNS) for IPv4; herror on failure. */
async function gethostbynameR(name: string): Promise<HostEnt> {
  const digits = /^[0-9.]+$/.test(name) && !name.endsWith(".");
  if (digits) {
    const a = atonExact(name);
    if (a === null) throw new herror(1);
    return { name, aliases: [], addrs: [a] };
  }
  const fromFile = hostsByName(name, 4);
  if (fromFile) return fromFile;
  try {
    const a = await dnsLookup(name, true, false, true);
    if (a.v4.length === 0) throw new herror(4);
    return { name: a.canonical, aliases: a.aliases, addrs: a.v4 };
  } catch (e) {
    if (e instanceof DnsError) {
      if (e.message === "invalid name") throw new herror(3);
      throw new herror(e.kind === "again" ? 2 : e.kind === "nodata" ? 4 : 1);
    }
    throw e;
  }
}

/**
 * `[hostname, aliaslist, ipaddrlist]` for a host: its canonical name, its
 * other names, and all its IPv4 addresses.
 *
 * Errors: {@link gaierror} when the name is not known; {@link herror}
 * when it resolves but has no host entry.
 *
 * @example
 * ```ts
 * import { gethostbyname_ex } from "@pysocket/socket";
 * const [name, aliases, addrs] = await gethostbyname_ex("localhost");
 * console.log(name, aliases, addrs); // localhost [] [ "127.0.0.1" ]
 * ```
 *
 * @param hostname A host name or IPv4 address.
 * @param options `{ signal }`: an abort rejects with `signal.reason`.
 * @returns The host's names and addresses.
 */
export function gethostbyname_ex(
  hostname: string,
  options?: WaitOptions,
): Promise<[string, string[], string[]]> {
  return withOptions(options, () => byNameEx(hostname));
}

async function byNameEx(
  hostname: string,
): Promise<[string, string[], string[]]> {
  const name = hostText(
    hostname,
    "gethostbyname_ex() argument 1 must be str, bytes or bytearray",
    "gethostbyname_ex",
  );
  await setipaddr(name, AF_INET);
  if (name === "" || name === "<broadcast>") throw new herror(3);
  return hostentTuple(await gethostbynameR(name));
}

/**
 * The IPv4 address inside a v4-mapped (`::ffff:a.b.c.d`) or v4-compatible
 * (`::a.b.c.d`, not `::1`) one: glibc's DNS back end looks that up under
 * in-addr.arpa, and answers with a host entry for it.
 */
function v4Inside(addr: Uint8Array): Uint8Array | null {
  if (addr.length !== 16) return null;
  for (let i = 0; i < 10; i++) if (addr[i] !== 0) return null;
  const mapped = addr[10] === 0xff && addr[11] === 0xff;
  const compatible = addr[10] === 0 && addr[11] === 0 && !isLoopback6(addr);
  return mapped || compatible ? addr.slice(12) : null;
}

/**
 * glibc's `gethostbyaddr_r`: files, then a PTR query. A file that cannot be
 * read at the moment (EMFILE, ...) gives TRY_AGAIN, as there. Internal.
 */
export async function hostByAddr(addr: Uint8Array): Promise<HostEnt> {
  let names: string[];
  let asked = addr;
  try {
    const fromFile = hostsByAddr(addr);
    if (fromFile) return fromFile;
    asked = v4Inside(addr) ?? addr;
    names = await dnsReverse(reverseName(asked));
  } catch (e) {
    if (e instanceof DnsError || isMomentaryReadError(e)) throw new herror(2);
    throw e;
  }
  const [name] = names;
  if (name === undefined) throw new herror(1);
  return { name, aliases: [], addrs: [asked] };
}

/**
 * `[hostname, aliaslist, ipaddrlist]` for an address: the reverse
 * look-up, in the hosts file, then DNS (PTR). A name is resolved first.
 *
 * Errors: {@link herror} `[Errno 1] Unknown host` when nothing is found,
 * `[Errno 2]` when DNS does not answer; {@link gaierror} when a name given
 * cannot be resolved; an {@link error} `EAFNOSUPPORT` for a v4-mapped
 * address that DNS knows under its IPv4 address (as CPython, whose check
 * refuses glibc's IPv4 answer).
 *
 * @example
 * ```ts
 * import { gethostbyaddr } from "@pysocket/socket";
 * console.log(await gethostbyaddr("127.0.0.1")); // [ "localhost", [], [ "127.0.0.1" ] ]
 * ```
 *
 * @param ip_address An IPv4 or IPv6 address (or a host name).
 * @param options `{ signal }`: an abort rejects with `signal.reason`.
 * @returns The names and the address.
 */
export function gethostbyaddr(
  ip_address: string,
  options?: WaitOptions,
): Promise<[string, string[], string[]]> {
  return withOptions(options, () => byAddr(ip_address));
}

async function byAddr(
  ip_address: string,
): Promise<[string, string[], string[]]> {
  const name = hostText(
    ip_address,
    "gethostbyaddr() argument 1 must be str, bytes or bytearray",
    "gethostbyaddr",
  );
  const a = await setipaddr(name, AF_UNSPEC);
  if (a.family !== AF_INET && a.family !== AF_INET6) {
    throw new gaierror(EAI_FAMILY);
  }
  const ent = await hostByAddr(a.addr);
  // CPython refuses a host entry of another family than the address (glibc
  // answers a v4-mapped address found in DNS with an IPv4 entry).
  if (ent.addrs.some((b) => b.length !== a.addr.length)) {
    throw osError(errno.EAFNOSUPPORT ?? 97);
  }
  return hostentTuple(ent);
}

// Python's str.strip(): whitespace as Python defines it, which includes
// the information separators U+001C-U+001F.
function isPySpace(c: number): boolean {
  return (c >= 0x1c && c <= 0x1f) || /\s/.test(String.fromCharCode(c)) ||
    c === 0x85;
}

function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPySpace(s.charCodeAt(a))) a++;
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * A fully qualified name for `name` (default: this host), by Python's
 * algorithm: the first name containing a dot among `gethostbyaddr`'s
 * name and aliases, else its name; `name` itself when the look-up fails.
 *
 * @example
 * ```ts
 * import { getfqdn } from "@pysocket/socket";
 * console.log(await getfqdn("127.0.0.1")); // localhost
 * ```
 *
 * @param name A host name or address; `""`, `0.0.0.0` and `::` mean this host.
 * @param options `{ signal }`: an abort rejects with `signal.reason`; it
 *   may stand in place of `name` (`getfqdn({ signal })`).
 * @returns The name.
 */
export function getfqdn(
  name?: string | WaitOptions,
  options?: WaitOptions,
): Promise<string> {
  try {
    const [[n], signal] = splitOptions([name, options]);
    return raceSignal(signal, () => fqdn(n === undefined ? "" : n));
  } catch (e) {
    return Promise.reject(e);
  }
}

async function fqdn(name: unknown): Promise<string> {
  if (typeof name !== "string") {
    throw new TypeError(`'${typeof name}' object has no attribute 'strip'`);
  }
  let n = pyStrip(name);
  if (n === "" || n === "0.0.0.0" || n === "::") n = gethostname();
  let host: [string, string[], string[]];
  try {
    host = await byAddr(n);
  } catch (e) {
    if (e instanceof error) return n;
    throw e;
  }
  const [hostname, aliases] = host;
  for (const candidate of [hostname, ...aliases]) {
    if (candidate.includes(".")) return candidate;
  }
  return hostname;
}
