/**
 * Address conversion and byte order: `inet_aton`, `inet_ntoa`, `inet_pton`,
 * `inet_ntop`, `htons`, `htonl`, `ntohs`, `ntohl`. No I/O.
 *
 * @example
 * ```ts
 * import { inet_aton, inet_ntoa } from "@pysocket/socket";
 * console.log(inet_ntoa(inet_aton("10.1"))); // 10.0.0.1
 * ```
 *
 * @module
 */
export { inet_aton, inet_ntoa, inet_ntop, inet_pton } from "./inet.ts";
export { htonl, htons, ntohl, ntohs } from "./byteorder.ts";
