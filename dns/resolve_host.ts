// Name resolution for bind/connect, as CPython's setipaddr does it.
// Internal to the package: socket/ imports it.

import { setipaddr } from "./gethost.ts";
import { scopeId } from "./getaddrinfo.ts";
import { pton6 } from "./_ip.ts";

/**
 * The first address of `family` for `host` as numeric text, resolved as
 * CPython's `setipaddr` does for `bind`/`connect`: `""` is the wildcard,
 * `<broadcast>` 255.255.255.255, numeric addresses as they are, names
 * through getaddrinfo (hosts file, then DNS). Rejects with `gaierror`.
 * An AF_INET6 result with a scope id (`fe80::1%lo`, `fe80::1%2`) comes
 * back as `fe80::1%2`: the numeric scope id after `%`.
 */
export async function resolveHost(
  host: string,
  family: number,
): Promise<string> {
  const r = await setipaddr(host, family);
  return r.scopeid ? `${r.text}%${r.scopeid}` : r.text;
}

/**
 * The scope id of `host%zone` for a numeric IPv6 `host`, as getaddrinfo
 * reads it (an interface name only on a link-local address), or -1 where
 * getaddrinfo answers EAI_NONAME, so that bind and connect agree with it.
 */
export function zoneScopeId(host: string, zone: string): number {
  const addr = pton6(host);
  return addr === null ? -1 : scopeId(addr, zone);
}
