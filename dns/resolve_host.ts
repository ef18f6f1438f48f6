// Name resolution for bind/connect, as CPython's setipaddr does it.
// Internal to the package: socket/ imports it.

import { setipaddr } from "./gethost.ts";
import { AF_INET6 } from "../socket/constants.ts";
import { ntop } from "./_ip.ts";

/**
 * The first address of `family` for `host` as numeric text, resolved as
 * CPython's `setipaddr` does for `bind`/`connect`: `""` is the wildcard,
 * `<broadcast>` 255.255.255.255, numeric addresses as they are, names
 * through getaddrinfo (hosts file, then DNS). Rejects with `gaierror`.
 * An AF_INET6 address with a scope keeps it as `%scope`.
 */
export async function resolveHost(
  host: string,
  family: number,
): Promise<string> {
  const r = await setipaddr(host, family);
  if (family === AF_INET6 && r.addr.length === 16 && host.includes("%")) {
    return `${ntop(r.addr)}%${host.slice(host.indexOf("%") + 1)}`;
  }
  return r.text;
}
