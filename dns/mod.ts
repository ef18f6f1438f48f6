/**
 * Name, service and protocol look-ups: `gethostname`, `gethostbyname`,
 * `gethostbyname_ex`, `gethostbyaddr`, `getfqdn`, `getservbyname`,
 * `getservbyport`, `getprotobyname`, `getaddrinfo`, `getnameinfo`, the
 * `if_*` functions, `has_ipv6`, and `set_resolver` / `reset_resolver`.
 *
 * @example
 * ```ts
 * import { getaddrinfo, getservbyname } from "@pysocket/socket";
 * console.log(getservbyname("http", "tcp")); // 80
 * console.log((await getaddrinfo("localhost", "http")).length > 0); // true
 * ```
 *
 * @module
 */
export {
  type NameServer,
  reset_resolver,
  type ResolverOptions,
  set_resolver,
} from "./config.ts";
export { getservbyname, getservbyport } from "./services.ts";
export { getprotobyname } from "./protocols.ts";
export {
  getfqdn,
  gethostbyaddr,
  gethostbyname,
  gethostbyname_ex,
  gethostname,
} from "./gethost.ts";
export {
  type AddrInfo,
  type AddrInfoSockaddr,
  getaddrinfo,
} from "./getaddrinfo.ts";
export { getnameinfo } from "./getnameinfo.ts";
export type { WaitOptions } from "../_base/wait_options.ts";
export {
  has_ipv6,
  if_indextoname,
  if_nameindex,
  if_nametoindex,
} from "./interfaces.ts";
