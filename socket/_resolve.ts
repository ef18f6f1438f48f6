// Name resolution inside bind/connect/sendto: a numeric host is used as it
// is; a name goes through the look-up module as CPython's setipaddr does.

import type { SockAddr } from "../addr/sockaddr.ts";
import { resolveHost, zoneScopeId } from "../dns/resolve_host.ts";
import { EAI_NONAME } from "../_base/constants.ts";
import { gaierror } from "./errors.ts";
import { AF_INET, AF_INET6, AF_UNIX } from "../_base/constants.ts";

/** `sa` with a numeric host of its family (resolving a name if needed). */
export async function resolveAddress(sa: SockAddr): Promise<SockAddr> {
  if (sa.family === AF_UNIX || sa.numeric) return sa;
  const host = await resolveHost(sa.host, sa.family);
  return { ...sa, host, numeric: true };
}

/**
 * Where a connect to `sa` goes. Linux reads the wildcard address as this
 * host: IPv4 routes it to the socket's own address when it is bound to
 * one (`bound`), else to 127.0.0.1; IPv6 `::` goes to `::1` and the
 * v4-mapped wildcard to `::ffff:127.0.0.1`.
 */
export function connectPeer(sa: SockAddr, bound: string | null): SockAddr {
  if (sa.family === AF_INET && sa.host === "0.0.0.0") {
    const own = bound !== null && bound !== "0.0.0.0" ? bound : "127.0.0.1";
    return { ...sa, host: own };
  }
  if (sa.family === AF_INET6) {
    if (sa.host === "::") return { ...sa, host: "::1" };
    if (sa.host === "::ffff:0.0.0.0") {
      return { ...sa, host: "::ffff:127.0.0.1" };
    }
  }
  return sa;
}

/**
 * `sa` with its `%name` zone resolved as getaddrinfo resolves it (CPython's
 * bind and connect look the host up with getaddrinfo): the interface's
 * index on a link-local address, else `gaierror` EAI_NONAME, as for
 * `("::1%lo", port)` or an interface that does not exist. A scope id given
 * in the tuple wins, as the numeric zone's does.
 */
export function resolveZone(sa: SockAddr): SockAddr {
  if (sa.scopeName === undefined) return sa;
  const index = zoneScopeId(sa.host, sa.scopeName);
  if (index < 0) throw new gaierror(EAI_NONAME);
  const { scopeName: _, ...rest } = sa;
  return { ...rest, scopeId: sa.scopeId !== 0 ? sa.scopeId : index };
}
