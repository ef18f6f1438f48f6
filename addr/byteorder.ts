/**
 * `htons`, `htonl`, `ntohs`, `ntohl`: byte order conversion between the
 * host and the network (big-endian), with CPython's argument checks.
 *
 * @module
 */

import { notAnInteger, pyTypeName } from "../_base/args.ts";

// Host byte order, found once: on a big-endian host these functions
// return their argument unchanged.
const LITTLE_ENDIAN: boolean =
  new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const LONG_LIMIT = 2 ** 63;
const ULONG_LIMIT = 2 ** 64;

// CPython 3.11's checks for htons/ntohs: the argument is read as a C int,
// then must fit 16 unsigned bits.
function check16(x: number, fn: string): void {
  if (typeof x !== "number" || !Number.isInteger(x)) throw notAnInteger(x);
  if (x >= 0 && x <= 0xffff) return;
  let message: string;
  if (x >= LONG_LIMIT || x < -LONG_LIMIT) {
    message = "Python int too large to convert to C long";
  } else if (x > 0x7fffffff) {
    message = "signed integer is greater than maximum";
  } else if (x < -0x80000000) {
    message = "signed integer is less than minimum";
  } else if (x < 0) {
    message =
      `${fn}: can't convert negative Python int to C 16-bit unsigned integer`;
  } else {
    message =
      `${fn}: Python int too large to convert to C 16-bit unsigned integer`;
  }
  throw new RangeError(message);
}

// CPython's checks for htonl/ntohl: a C unsigned long that must fit 32 bits.
function check32(x: number): void {
  if (typeof x !== "number" || !Number.isInteger(x)) {
    throw new TypeError(`expected int, ${pyTypeName(x)} found`);
  }
  if (x >= 0 && x <= 0xffffffff) return;
  throw new RangeError(
    x < 0
      ? "can't convert negative value to unsigned int"
      : x >= ULONG_LIMIT
      ? "Python int too large to convert to C unsigned long"
      : "int larger than 32 bits",
  );
}

function swap16(x: number): number {
  return ((x & 0xff) << 8) | (x >>> 8);
}

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) |
    (x >>> 24)) >>> 0;
}

/**
 * Converts a 16-bit number from host to network byte order.
 *
 * Throws a `RangeError` with CPython's text outside 0-65535 (`htons:
 * Python int too large to convert to C 16-bit unsigned integer`) and a
 * `TypeError` for a non-integer (`'float' object cannot be interpreted as
 * an integer`).
 *
 * @example
 * ```ts
 * import { htons } from "@pysocket/socket";
 * console.log(htons(0x1234).toString(16)); // 3412 (on a little-endian host)
 * ```
 *
 * @param x An integer in 0-65535.
 * @returns `x` in network byte order.
 */
export function htons(x: number): number {
  check16(x, "htons");
  return LITTLE_ENDIAN ? swap16(x) : x;
}

/**
 * Converts a 16-bit number from network to host byte order.
 *
 * Errors as {@link htons}, naming `ntohs`.
 *
 * @example
 * ```ts
 * import { ntohs } from "@pysocket/socket";
 * console.log(ntohs(0x3412).toString(16)); // 1234 (on a little-endian host)
 * ```
 *
 * @param x An integer in 0-65535.
 * @returns `x` in host byte order.
 */
export function ntohs(x: number): number {
  check16(x, "ntohs");
  return LITTLE_ENDIAN ? swap16(x) : x;
}

/**
 * Converts a 32-bit number from host to network byte order.
 *
 * Throws a `RangeError` with CPython's text outside 0-4294967295 (`int
 * larger than 32 bits`, `can't convert negative value to unsigned int`)
 * and a `TypeError` for a non-integer (`expected int, float found`).
 *
 * @example
 * ```ts
 * import { htonl } from "@pysocket/socket";
 * console.log(htonl(1)); // 16777216 (on a little-endian host)
 * ```
 *
 * @param x An integer in 0-4294967295.
 * @returns `x` in network byte order, as an unsigned number.
 */
export function htonl(x: number): number {
  check32(x);
  return LITTLE_ENDIAN ? swap32(x) : x;
}

/**
 * Converts a 32-bit number from network to host byte order.
 *
 * Errors as {@link htonl}.
 *
 * @example
 * ```ts
 * import { ntohl } from "@pysocket/socket";
 * console.log(ntohl(16777216)); // 1 (on a little-endian host)
 * ```
 *
 * @param x An integer in 0-4294967295.
 * @returns `x` in host byte order, as an unsigned number.
 */
export function ntohl(x: number): number {
  check32(x);
  return LITTLE_ENDIAN ? swap32(x) : x;
}
