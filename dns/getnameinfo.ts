/**
 * {@link getnameinfo}, as glibc's.
 *
 * @module
 */

import { runtime } from "../_runtime/runtime.ts";
import { error, gaierror, herror } from "../_base/errors.ts";
import {
  AF_INET,
  AF_UNSPEC,
  AI_NUMERICHOST,
  EAI_AGAIN,
  EAI_BADFLAGS,
  EAI_NONAME,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  SOCK_DGRAM,
} from "../_base/constants.ts";
import { cInt } from "./_args.ts";
import { type WaitOptions, withOptions } from "../_base/wait_options.ts";
import { checkCString } from "../_base/args.ts";
import { configGeneration } from "./config.ts";
import { gaiCore } from "./getaddrinfo.ts";
import { hostByAddr } from "./gethost.ts";
import { isLinkLocal6, isMcLinkLocal6, ntop, pton4, pton6 } from "./_ip.ts";
import { nameOfInterface } from "./interfaces.ts";
import { serviceTable } from "./services.ts";
import { hostsByName } from "./hosts.ts";

const KNOWN_FLAGS = 0xff; // NI_* and glibc's (ignored) IDN flags

let domainCache: { generation: number; domain: string | null } | null = null;

/** glibc's `nrl_domainname`: this host's domain, for `NI_NOFQDN`. */
async function localDomain(): Promise<string | null> {
  if (domainCache?.generation === configGeneration()) return domainCache.domain;
  const after = (n: string | undefined): string | null => {
    const i = n?.indexOf(".") ?? -1;
    return n !== undefined && i >= 0 ? n.slice(i + 1) : null;
  };
  let domain: string | null = null;
  try {
    domain = after(hostsByName("localhost", 4)?.name);
    if (
      domain === null &&
      runtime.permissionState({ name: "sys", kind: "hostname" }) === "granted"
    ) {
      const h = runtime.hostname();
      domain = after(h) ?? after(hostsByName(h, 4)?.name);
    }
    if (domain === null) {
      const loopback = new Uint8Array([127, 0, 0, 1]);
      domain = after((await hostByAddr(loopback)).name);
    }
  } catch {
    // No domain: NI_NOFQDN leaves names as they are.
  }
  domainCache = { generation: configGeneration(), domain };
  return domain;
}

/**
 * The host and port of a socket address as text: the host's name from
 * the hosts file or DNS (PTR), or its number; the port's service name or
 * number. Flags `NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD` (an
 * error instead of a number when no name is found), `NI_NOFQDN` (only the
 * first part of a name in this host's domain), `NI_DGRAM` (UDP services).
 *
 * Errors: {@link gaierror} (`EAI_NONAME` for a non-numeric host, or with
 * `NI_NAMEREQD`; `EAI_AGAIN`; `EAI_BADFLAGS`); an {@link error} for an
 * AF_INET address of more than 2 items; `TypeError` for a malformed address.
 *
 * @example
 * ```ts
 * import { getnameinfo, NI_NUMERICHOST } from "@pysocket/socket";
 * console.log(await getnameinfo(["127.0.0.1", 80], NI_NUMERICHOST)); // [ "127.0.0.1", "http" ]
 * ```
 *
 * @param sockaddr `[host, port]` or `[host, port, flowinfo, scope_id]`; host numeric.
 * @param flags `NI_*` flags, or-ed.
 * @param options `{ signal }`: an abort rejects with `signal.reason`.
 * @returns `[host, port]`.
 */
export function getnameinfo(
  sockaddr: [string, number] | [string, number, number?, number?],
  flags: number,
  options?: WaitOptions,
): Promise<[string, string]> {
  return withOptions(options, () => nameInfo(sockaddr, flags));
}

async function nameInfo(
  sockaddr: [string, number] | [string, number, number?, number?],
  flags: number,
): Promise<[string, string]> {
  if (!Array.isArray(sockaddr)) {
    throw new TypeError("getnameinfo() argument 1 must be a tuple");
  }
  const f = cInt(flags);
  const [host, port, flowinfo = 0, scope = 0] = sockaddr;
  const bad = (): TypeError =>
    new TypeError("getnameinfo(): illegal sockaddr argument");
  if (sockaddr.length < 2 || sockaddr.length > 4) throw bad();
  if (typeof host !== "string") throw bad();
  // Python's "s" format: UTF-8 and no NUL, ValueErrors that the format's
  // own message does not replace.
  checkCString(host);
  if (typeof port !== "number" || !Number.isInteger(port)) throw bad();
  if (port < -0x80000000 || port > 0x7fffffff) throw bad();
  for (const v of [flowinfo, scope]) {
    if (typeof v !== "number" || !Number.isInteger(v)) throw bad();
    if (v < 0 || v > 0xffffffff) {
      throw new RangeError(
        `Python int too large to convert to C unsigned long`,
      );
    }
  }
  if (flowinfo > 0xfffff) {
    throw new RangeError("getnameinfo(): flowinfo must be 0-1048575.");
  }
  const r = await gaiCore(
    host,
    String(port),
    AF_UNSPEC,
    SOCK_DGRAM,
    0,
    AI_NUMERICHOST,
  );
  const [first] = r;
  if (first === undefined || r.length !== 1) {
    throw new error("sockaddr resolved to multiple addresses");
  }
  const [family, , , , sa] = first;
  if (family === AF_INET && sockaddr.length !== 2) {
    throw new error("IPv4 sockaddr must be 2 tuple");
  }
  const text = sa[0];
  const portNum = sa[1];
  const scopeid = family === AF_INET ? 0 : scope;
  if ((f & ~KNOWN_FLAGS) !== 0) throw new gaierror(EAI_BADFLAGS);
  const addr = family === AF_INET ? pton4(text) : pton6(text);
  // A numeric look-up gives back an address of its family.
  if (addr === null) throw new gaierror(EAI_NONAME);

  let name: string | null = null;
  if ((f & NI_NUMERICHOST) === 0) {
    try {
      name = (await hostByAddr(addr)).name;
    } catch (e) {
      if (!(e instanceof herror)) throw e;
      if (e.errno === 2) throw new gaierror(EAI_AGAIN);
    }
    if (name !== null && (f & NI_NOFQDN) !== 0) {
      const domain = await localDomain();
      const at = domain ? name.indexOf(domain) : -1;
      if (at > 0 && name[at - 1] === ".") name = name.slice(0, at - 1);
    }
  }
  if (name === null) {
    if ((f & NI_NAMEREQD) !== 0) throw new gaierror(EAI_NONAME);
    name = ntop(addr);
    if (scopeid !== 0) {
      const linkish = isLinkLocal6(addr) || isMcLinkLocal6(addr);
      name += `%${(linkish ? nameOfInterface(scopeid) : null) ?? scopeid}`;
    }
  }

  let serv = String(portNum);
  if ((f & NI_NUMERICSERV) === 0) {
    const proto = (f & NI_DGRAM) !== 0 ? "udp" : "tcp";
    const s = serviceTable().byPort.get(`${portNum}/${proto}`);
    if (s !== undefined) serv = s.name;
  }
  return [name, serv];
}
