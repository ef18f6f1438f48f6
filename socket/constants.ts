/**
 * The constants of Python's `socket` module. They live in `_base/`, at the
 * bottom of the layers, so that `addr/` and `dns/` can use them; this path
 * stays for importers of earlier versions.
 *
 * @example
 * ```ts
 * import { AF_INET6 } from "@pysocket/socket";
 * console.log(AF_INET6); // 10 on Linux
 * ```
 *
 * @module
 */
export * from "../_base/constants.ts";
