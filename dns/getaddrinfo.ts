/**
 * {@link getaddrinfo}, as glibc's with `hosts: files dns`.
 *
 * @module
 */

import { error, gaierror } from "../_base/errors.ts";
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  EAI_ADDRFAMILY,
  EAI_AGAIN,
  EAI_BADFLAGS,
  EAI_FAMILY,
  EAI_NODATA,
  EAI_NONAME,
  EAI_SERVICE,
  EAI_SOCKTYPE,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_UDPLITE,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
} from "../_base/constants.ts";
import { cInt, hostText, serviceText } from "./_args.ts";
import {
  raceSignal,
  splitOptions,
  type WaitOptions,
} from "../_base/wait_options.ts";
import { seenFamilies } from "./_addrconfig.ts";
import { DnsError, dnsLookup } from "./dns_client.ts";
import { hostsByName, hostsByName4, mapAll } from "./hosts.ts";
import { indexOfInterface } from "./interfaces.ts";
import {
  atonExact,
  isLinkLocal6,
  isMcLinkLocal6,
  isV4Mapped,
  mapV4,
  ntop,
  pton6,
} from "./_ip.ts";
import { lookupService } from "./services.ts";
import { rfc3484Sort } from "./sort.ts";

/** An AF_INET or AF_INET6 socket address as getaddrinfo gives it. */
export type AddrInfoSockaddr =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number, scope_id: number];

/** One result of {@link getaddrinfo}: `[family, type, proto, canonname, sockaddr]`. */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  sockaddr: AddrInfoSockaddr,
];

const SOCK_DCCP = 6;
const IPPROTO_DCCP = 33;

// glibc's socket type / protocol table: type, protocol, can take a
// service, takes any protocol, part of the default expansion, name.
interface TypeProto {
  readonly socktype: number;
  readonly protocol: number;
  readonly noService: boolean;
  readonly anyProto: boolean;
  readonly byDefault: boolean;
  readonly name: string;
}

const TYPEPROTO: readonly TypeProto[] = [
  tp(SOCK_STREAM, IPPROTO_TCP, false, false, true, "tcp"),
  tp(SOCK_DGRAM, IPPROTO_UDP, false, false, true, "udp"),
  tp(SOCK_DCCP, IPPROTO_DCCP, false, false, false, "dccp"),
  tp(SOCK_DGRAM, IPPROTO_UDPLITE, false, false, false, "udplite"),
  tp(SOCK_STREAM, IPPROTO_SCTP, false, false, false, "sctp"),
  tp(SOCK_SEQPACKET, IPPROTO_SCTP, false, false, false, "sctp"),
  tp(SOCK_RAW, 0, true, true, true, "raw"),
];

function tp(
  socktype: number,
  protocol: number,
  noService: boolean,
  anyProto: boolean,
  byDefault: boolean,
  name: string,
): TypeProto {
  return { socktype, protocol, noService, anyProto, byDefault, name };
}

const KNOWN_FLAGS = 0x7ff; // AI_* and glibc's IDN flags

interface ServTuple {
  readonly socktype: number;
  readonly protocol: number;
  readonly port: number;
}

function matches(t: TypeProto, type: number, proto: number): boolean {
  return (type === 0 || type === t.socktype) &&
    (proto === 0 || t.anyProto || proto === t.protocol);
}

/** glibc's parse of the service string: a number (strtoul), or -1 for a name. */
function serviceNumber(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)$/.exec(s);
  if (m === null) return -1;
  if (m[2] === "") return s.trim() === "" && m[1] === "" ? 0 : -1;
  // strtoul negates a leading '-', giving a huge value; as an int, -n.
  const n = Number(m[2]);
  if (m[1] === "-") return n === 0 ? 0 : -1;
  return n > 0xffffffff ? -1 : n | 0;
}

function servTuples(
  service: string | null,
  type: number,
  proto: number,
  flags: number,
): ServTuple[] {
  let first: TypeProto | null = null;
  if (type !== 0 || proto !== 0) {
    first = TYPEPROTO.find((t) => matches(t, type, proto)) ?? null;
    if (first === null) {
      throw new gaierror(type !== 0 ? EAI_SOCKTYPE : EAI_SERVICE);
    }
  }
  let port = 0;
  if (service !== null) {
    const num = serviceNumber(service);
    if (num < 0 && (flags & AI_NUMERICSERV) !== 0) {
      throw new gaierror(EAI_NONAME);
    }
    if (first !== null && first.noService) throw new gaierror(EAI_SERVICE);
    if (num < 0) {
      const list = first !== null
        ? [first]
        : TYPEPROTO.filter((t) => !t.noService && matches(t, type, proto));
      const out: ServTuple[] = [];
      for (const t of list) {
        const s = lookupService(service, t.name);
        if (s === null) continue;
        out.push({
          socktype: t.socktype,
          protocol: t.anyProto ? proto : t.protocol,
          port: s.port,
        });
      }
      if (out.length === 0) throw new gaierror(EAI_SERVICE);
      return out;
    }
    port = num & 0xffff;
  }
  if (first !== null) {
    return [{
      socktype: first.socktype,
      protocol: first.anyProto ? proto : first.protocol,
      port,
    }];
  }
  return TYPEPROTO.filter((t) => t.byDefault).map((t) => ({
    socktype: t.socktype,
    protocol: t.protocol,
    port,
  }));
}

interface Found {
  /** 4-byte (AF_INET) or 16-byte (AF_INET6) addresses. */
  readonly addrs: Uint8Array[];
  readonly scopeid: number;
  readonly canon: string | null;
}

/** glibc's `__inet6_scopeid_pton`: a scope id, or -1. */
/**
 * The scope id glibc gives the `%zone` of a numeric IPv6 address: an
 * interface name on a link-local (or link-local multicast) address is its
 * index, a decimal number up to 2**32-1 is itself; anything else is -1
 * (EAI_NONAME). Internal to the package: socket/ reads it through
 * resolve_host.ts.
 */
export function scopeId(addr: Uint8Array, scope: string): number {
  if (isLinkLocal6(addr) || isMcLinkLocal6(addr)) {
    const i = indexOfInterface(scope);
    if (i > 0) return i;
  }
  if (!/^\d+$/.test(scope)) return -1;
  const n = Number(scope);
  return n > 0xffffffff ? -1 : n;
}

function numericHost(
  name: string,
  family: number,
  flags: number,
): Found | null {
  const canon = (flags & AI_CANONNAME) !== 0 ? name : null;
  const v4 = atonExact(name);
  if (v4 !== null) {
    if (family === AF_UNSPEC || family === AF_INET) {
      return { addrs: [v4], scopeid: 0, canon };
    }
    if (family === AF_INET6 && (flags & AI_V4MAPPED) !== 0) {
      return { addrs: [mapV4(v4)], scopeid: 0, canon };
    }
    throw new gaierror(EAI_ADDRFAMILY);
  }
  const pct = name.indexOf("%");
  const v6 = pton6(pct >= 0 ? name.slice(0, pct) : name);
  if (v6 === null) return null;
  let addr = v6;
  if (family === AF_INET && isV4Mapped(v6)) addr = v6.slice(12);
  else if (family !== AF_UNSPEC && family !== AF_INET6) {
    throw new gaierror(EAI_ADDRFAMILY);
  }
  let scopeid = 0;
  if (pct >= 0) {
    scopeid = scopeId(v6, name.slice(pct + 1));
    if (scopeid < 0) throw new gaierror(EAI_NONAME);
  }
  return { addrs: [addr], scopeid, canon };
}

/** The hosts file's answer for a family, as nss_files gives it, or null. */
function fromHosts(name: string, family: number, flags: number): Found | null {
  if (family === AF_UNSPEC) {
    const e = hostsByName4(name);
    return e && { addrs: e.addrs, scopeid: 0, canon: e.name };
  }
  if (family === AF_INET) {
    const e = hostsByName(name, 4);
    return e && { addrs: e.addrs, scopeid: 0, canon: e.name };
  }
  const v6 = hostsByName(name, 6);
  const addrs: Uint8Array[] = v6 ? [...v6.addrs] : [];
  let canon = v6?.name ?? null;
  if (
    (flags & AI_V4MAPPED) !== 0 && ((flags & AI_ALL) !== 0 || v6 === null)
  ) {
    const v4 = hostsByName(name, 4);
    if (v4) {
      addrs.push(...mapAll(v4.addrs));
      canon ??= v4.name;
    }
  }
  if (addrs.length === 0) return null;
  // The hosts file answered: no DNS look-up follows, even when nothing is
  // left once the v4-mapped lines are set aside.
  const kept = withoutMapped(addrs, v6 !== null, flags);
  if (kept.length === 0) throw new gaierror(EAI_NONAME);
  return { addrs: kept, scopeid: 0, canon };
}

/**
 * glibc's last step for AF_INET6 with AI_V4MAPPED but not AI_ALL: once the
 * IPv6 look-up found anything, the v4-mapped addresses among its answers
 * (`::ffff:a.b.c.d` in the hosts file or in AAAA records) are dropped.
 */
function withoutMapped(
  addrs: Uint8Array[],
  gotV6: boolean,
  flags: number,
): Uint8Array[] {
  if (!gotV6 || (flags & (AI_V4MAPPED | AI_ALL)) !== AI_V4MAPPED) return addrs;
  return addrs.filter((a) => !isV4Mapped(a));
}

async function fromDns(
  name: string,
  family: number,
  flags: number,
): Promise<Found> {
  const wantV4 = family !== AF_INET6 || (flags & AI_V4MAPPED) !== 0;
  const wantV6 = family !== AF_INET;
  const canon = (flags & AI_CANONNAME) !== 0;
  let a;
  try {
    a = await dnsLookup(name, wantV4, wantV6, canon);
  } catch (e) {
    if (e instanceof DnsError) {
      throw new gaierror(
        e.kind === "again"
          ? EAI_AGAIN
          : e.kind === "nodata"
          ? EAI_NODATA
          : EAI_NONAME,
      );
    }
    throw e;
  }
  let addrs: Uint8Array[];
  if (family === AF_INET6) {
    addrs = [...a.v6];
    if (
      (flags & AI_V4MAPPED) !== 0 && ((flags & AI_ALL) !== 0 || !addrs.length)
    ) {
      addrs.push(...mapAll(a.v4));
    }
    addrs = withoutMapped(addrs, a.v6.length > 0, flags);
  } else if (family === AF_INET) {
    addrs = a.v4;
  } else {
    // glibc's DNS back end lists the A answers before the AAAA answers.
    addrs = [...a.v4, ...a.v6];
  }
  if (addrs.length === 0) throw new gaierror(EAI_NONAME);
  return { addrs, scopeid: 0, canon: a.canonical };
}

/** The look-up itself, after the arguments are checked. Internal. */
export async function gaiCore(
  host: string | null,
  service: string | null,
  family: number,
  type: number,
  proto: number,
  flags: number,
): Promise<AddrInfo[]> {
  if (host === null && service === null) throw new gaierror(EAI_NONAME);
  // Past that check, glibc takes an empty service as no service.
  if (service === "") service = null;
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new gaierror(EAI_BADFLAGS);
  if ((flags & AI_CANONNAME) !== 0 && host === null) {
    throw new gaierror(EAI_BADFLAGS);
  }
  if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) {
    throw new gaierror(EAI_FAMILY);
  }
  if ((flags & AI_ADDRCONFIG) !== 0) {
    const [v4, v6] = seenFamilies();
    if (family === AF_UNSPEC && (v4 || v6)) {
      if (v4 !== v6) family = v4 ? AF_INET : AF_INET6;
    } else if ((family === AF_INET && !v4) || (family === AF_INET6 && !v6)) {
      throw new gaierror(EAI_NONAME);
    }
  }
  if (
    service !== null && (flags & AI_NUMERICSERV) !== 0 &&
    serviceNumber(service) < 0
  ) {
    throw new gaierror(EAI_NONAME);
  }
  const tuples = servTuples(service, type, proto, flags);

  let found: Found;
  if (host === null) {
    const passive = (flags & AI_PASSIVE) !== 0;
    const addrs: Uint8Array[] = [];
    if (family !== AF_INET) {
      const six = new Uint8Array(16);
      if (!passive) six[15] = 1;
      addrs.push(six);
    }
    if (family !== AF_INET6) {
      addrs.push(passive ? new Uint8Array(4) : new Uint8Array([127, 0, 0, 1]));
    }
    found = { addrs, scopeid: 0, canon: null };
  } else {
    const numeric = numericHost(host, family, flags);
    if (numeric !== null) {
      found = numeric;
    } else if ((flags & AI_NUMERICHOST) !== 0 || host === "") {
      throw new gaierror(EAI_NONAME);
    } else {
      found = fromHosts(host, family, flags) ??
        await fromDns(host, family, flags);
    }
  }

  const rows: { readonly info: AddrInfo; readonly addr: Uint8Array }[] = [];
  for (const addr of found.addrs) {
    const text = ntop(addr);
    for (const t of tuples) {
      const sa: AddrInfoSockaddr = addr.length === 4
        ? [text, t.port]
        : [text, t.port, 0, found.scopeid];
      const info: AddrInfo = [
        addr.length === 4 ? AF_INET : AF_INET6,
        t.socktype,
        t.protocol,
        "",
        sa,
      ];
      rows.push({ info, addr });
    }
  }
  rfc3484Sort(rows, (r) => ({ addr: r.addr, scopeid: found.scopeid }));
  const out = rows.map((r) => r.info);
  const [head] = out;
  if (found.canon !== null && (flags & AI_CANONNAME) !== 0 && head) {
    head[3] = found.canon;
  }
  return out;
}

function portArg(port: unknown): string | null {
  if (port === null || port === undefined) return null;
  if (typeof port === "number") {
    if (!Number.isInteger(port)) throw new error("Int or String expected");
    return String(port);
  }
  if (typeof port === "string" || port instanceof Uint8Array) {
    return serviceText(port);
  }
  throw new error("Int or String expected");
}

/**
 * Translates a host and a port into the addresses to connect or bind to,
 * as glibc's `getaddrinfo` (`hosts: files dns`): numeric hosts as they
 * are, then the hosts file, then DNS; results ordered as glibc orders them
 * (RFC 3484). With `type` 0, each address comes as stream, datagram and
 * raw. `host` `null` gives the loopback addresses, or with `AI_PASSIVE`
 * the wildcard ones.
 *
 * Errors: {@link gaierror} with `EAI_NONAME` (`Name or service not
 * known`), `EAI_NODATA` (the name has no address of this family),
 * `EAI_AGAIN` (no answer from DNS), `EAI_SERVICE`, `EAI_FAMILY`,
 * `EAI_SOCKTYPE`, `EAI_BADFLAGS`, `EAI_ADDRFAMILY`; an {@link error} with
 * the errno when the hosts file or resolv.conf cannot be read at the moment
 * (`EMFILE`), as glibc's `EAI_SYSTEM`; `TypeError` for arguments of the
 * wrong type.
 *
 * @example
 * ```ts
 * import { AF_INET, getaddrinfo, SOCK_STREAM } from "@pysocket/socket";
 * const infos = await getaddrinfo("127.0.0.1", 80, AF_INET, SOCK_STREAM);
 * console.log(infos); // [ [ 2, 1, 6, "", [ "127.0.0.1", 80 ] ] ]
 * ```
 *
 * @param host A name, a numeric address, or `null`.
 * @param port A port number, a service name (`"http"`), or `null`.
 * @param family `AF_INET`, `AF_INET6` or 0 for both.
 * @param type `SOCK_STREAM`, `SOCK_DGRAM`, ... or 0 for all.
 * @param proto A protocol number or 0.
 * @param flags `AI_*` flags, or-ed.
 * @param options `{ signal }`: an abort rejects with `signal.reason`. It
 *   may stand in place of any optional argument before it
 *   (`getaddrinfo(host, port, { signal })`).
 * @returns `[family, type, proto, canonname, sockaddr]` tuples.
 */
export function getaddrinfo(
  host: string | Uint8Array | null,
  port: string | number | Uint8Array | null,
  family?: number | WaitOptions,
  type?: number | WaitOptions,
  proto?: number | WaitOptions,
  flags?: number | WaitOptions,
  options?: WaitOptions,
): Promise<AddrInfo[]> {
  try {
    const [[f, t, p, fl], signal] = splitOptions([
      family,
      type,
      proto,
      flags,
      options,
    ]);
    return raceSignal(
      signal,
      () => lookup(host, port, orZero(f), orZero(t), orZero(p), orZero(fl)),
    );
  } catch (e) {
    return Promise.reject(e);
  }
}

// An optional argument left out is 0 (`null` is still refused, as Python's).
function orZero(v: unknown): unknown {
  return v === undefined ? 0 : v;
}

async function lookup(
  host: string | Uint8Array | null,
  port: string | number | Uint8Array | null,
  family: unknown,
  type: unknown,
  proto: unknown,
  flags: unknown,
): Promise<AddrInfo[]> {
  const h = host === null || host === undefined
    ? null
    : hostText(host, "getaddrinfo() argument 1 must be string or None", null);
  const p = portArg(port);
  return await gaiCore(
    h,
    p,
    cInt(family),
    cInt(type),
    cInt(proto),
    cInt(flags),
  );
}
