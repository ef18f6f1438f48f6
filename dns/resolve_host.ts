// Name resolution for bind/connect, as CPython's setipaddr does it.
// Internal to the package: socket/ imports it.

import { setipaddr } from "./gethost.ts";

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
