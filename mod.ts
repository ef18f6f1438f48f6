/**
 * pysocket: Python's `socket` module for Deno and Node.js.
 *
 * Every name of the module is exported flat from here, spelled as Python
 * spells it.
 *
 * @example
 * ```ts
 * import * as socket from "@pysocket/socket";
 * console.log(socket.inet_ntoa(socket.inet_aton("127.1"))); // 127.0.0.1
 * ```
 *
 * @module
 */
export * from "./addr/mod.ts";
export * from "./dns/mod.ts";
export * from "./socket/mod.ts";
