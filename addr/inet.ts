/**
 * `inet_aton`, `inet_ntoa`, `inet_pton` and `inet_ntop`, with glibc's
 * parsing and printing rules and CPython's errors.
 *
 * @module
 */

import { errno, error, osError } from "../_base/errors.ts";
import { AF_INET, AF_INET6 } from "../_base/constants.ts";
import { bytesArg, checkCString, cIntArg, strArg } from "../_base/args.ts";
import { allocBytes, releaseBytes } from "./_pool.ts";

const ATON_MESSAGE = "illegal IP address string passed to inet_aton";
const PTON_MESSAGE = "illegal IP address string passed to inet_pton";

// The decimal text of each byte, so printing an address allocates only
// the result.
const DECIMAL: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => String(i),
);

// The value of each ASCII hex digit, -1 for every other character code
// below 128.
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[65 + i] = HEX_VALUE[97 + i] = 10 + i;

function hexValue(c: number): number {
  return c < 128 ? (HEX_VALUE[c] ?? -1) : -1;
}

// What C's isspace() says in the C locale, for ASCII only (glibc's
// inet_aton checks isascii first).
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

// Where the last successful atonValue stopped reading: the length of the
// text unless a whitespace tail follows.
let atonStop = 0;

/**
 * glibc's inet_aton over a JS string: each part is a C number (decimal,
 * 0-prefixed octal, 0x-prefixed hex, as strtoul with base 0 reads it);
 * parts but the last are bytes; the last fills the rest; the text may end
 * with ASCII whitespace followed by anything. Returns the address as an
 * unsigned 32-bit number, or -1 when glibc would return 0.
 */
function atonValue(s: string): number {
  const n = s.length;
  let i = 0;
  let parts = 0;
  let high = 0;
  for (;;) {
    let c = i < n ? s.charCodeAt(i) : 0;
    if (c < 48 || c > 57) return -1;
    let val = 0;
    if (c === 48) {
      // strtoul takes "0x" as a prefix only when a hex digit follows it;
      // otherwise it reads the "0" alone and stops at the "x".
      const x = i + 1 < n ? s.charCodeAt(i + 1) | 0x20 : 0;
      if (x === 120 && i + 2 < n && hexValue(s.charCodeAt(i + 2)) >= 0) {
        i += 2;
        for (; i < n; i++) {
          const d = hexValue(s.charCodeAt(i));
          if (d < 0) break;
          val = val * 16 + d;
          if (val > 0xffffffff) return -1;
        }
      } else {
        for (i++; i < n; i++) {
          const d = s.charCodeAt(i) - 48;
          if (d < 0 || d > 7) break;
          val = val * 8 + d;
          if (val > 0xffffffff) return -1;
        }
      }
    } else {
      for (; i < n; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        val = val * 10 + d;
        if (val > 0xffffffff) return -1;
      }
    }
    c = i < n ? s.charCodeAt(i) : 0;
    if (c === 46) { // "."
      if (parts > 2 || val > 0xff) return -1;
      high = high * 256 + val;
      parts++;
      i++;
      continue;
    }
    if (i < n && !isSpace(c)) return -1;
    // The parts read so far are the high bytes; the last part fills the
    // remaining (4 - parts) bytes ("1" is 32 bits, "1.2" leaves 24,
    // "1.2.3" 16, "1.2.3.4" 8), and must fit in them.
    const room = 2 ** (8 * (4 - parts));
    if (val >= room) return -1;
    atonStop = i;
    return high * room + val;
  }
}

/**
 * Whether `s` is an address glibc's `inet_aton` accepts with nothing after
 * it (the test getaddrinfo applies to numeric hosts), as a 32-bit value,
 * or -1. Internal.
 */
export function atonExactValue(s: string): number {
  const v = atonValue(s);
  return v >= 0 && atonStop === s.length ? v : -1;
}

/**
 * Converts an IPv4 address from text to 4 packed bytes in network order,
 * accepting every form C's `inet_aton` accepts: 1 to 4 parts, each
 * decimal, octal (`017`) or hex (`0x7f`); the last part fills the bytes
 * left (`"127.1"` is `127.0.0.1`, `"1"` is `0.0.0.1`). As glibc does, text
 * after ASCII whitespace is ignored (`"1.2.3.4 junk"`).
 *
 * Errors, as CPython's: an {@link error} (`OSError`, `errno` `null`)
 * `illegal IP address string passed to inet_aton`; a `TypeError` when `s`
 * is not a string; a `RangeError` (CPython's ValueError) `embedded null
 * character` for a string holding `"\0"`, or for a lone surrogate, which
 * cannot be encoded as UTF-8.
 *
 * The result may be a view into a shared 8 KiB buffer, as Node's small
 * Buffers are (its `byteOffset` need not be 0): use it as a `Uint8Array`,
 * or `.slice()` it for an `ArrayBuffer` of its own.
 *
 * @example
 * ```ts
 * import { inet_aton } from "@pysocket/socket";
 * console.log(inet_aton("127.1")); // Uint8Array(4) [ 127, 0, 0, 1 ]
 * console.log(inet_aton("0x7f.1")); // Uint8Array(4) [ 127, 0, 0, 1 ]
 * ```
 *
 * @param s The address text.
 * @returns 4 bytes.
 */
export function inet_aton(s: string): Uint8Array {
  strArg(s, "inet_aton", 1);
  const v = atonValue(s);
  if (v < 0) {
    checkCString(s);
    throw new error(ATON_MESSAGE);
  }
  // Accepted with a whitespace tail: CPython still rejects a tail that
  // has a NUL or cannot be encoded.
  if (atonStop !== s.length) checkCString(s);
  const out = allocBytes(4);
  out[0] = v >>> 24;
  out[1] = (v >>> 16) & 0xff;
  out[2] = (v >>> 8) & 0xff;
  out[3] = v & 0xff;
  return out;
}

/**
 * Converts 4 packed bytes (network order) to a dotted-quad string.
 *
 * Errors, as CPython's: an {@link error} `packed IP wrong length for
 * inet_ntoa` unless `packed` has exactly 4 bytes; a `TypeError` when it is
 * not bytes-like (a string is not bytes here).
 *
 * @example
 * ```ts
 * import { inet_ntoa } from "@pysocket/socket";
 * console.log(inet_ntoa(new Uint8Array([192, 168, 1, 1]))); // 192.168.1.1
 * ```
 *
 * @param packed A `Uint8Array`, any other `ArrayBufferView`, or an `ArrayBuffer`.
 * @returns The dotted quad.
 */
export function inet_ntoa(packed: ArrayBufferView | ArrayBuffer): string {
  const b = bytesArg(packed);
  if (b.length !== 4) throw new error("packed IP wrong length for inet_ntoa");
  return ntop4(b, 0);
}

// Byte `i` of `b`. Every caller has checked the length first, so the 0 is
// never taken (a check that throws would cost more on these hot paths).
function byteAt(b: Uint8Array, i: number): number {
  return b[i] ?? 0;
}

function ntop4(b: Uint8Array, at: number): string {
  return decimal(byteAt(b, at)) + "." + decimal(byteAt(b, at + 1)) + "." +
    decimal(byteAt(b, at + 2)) + "." + decimal(byteAt(b, at + 3));
}

function decimal(byte: number): string {
  return DECIMAL[byte] ?? String(byte);
}

/**
 * glibc's inet_pton4 over `s[start..end)`: exactly four decimal bytes, no
 * leading zeros, nothing else. Writes into `out` at `at`; false on failure
 * (then `out` may hold part of the address).
 */
function pton4(
  s: string,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): boolean {
  let octets = 0;
  let val = 0;
  let sawDigit = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (sawDigit && val === 0) return false;
      val = val * 10 + (c - 48);
      if (val > 255) return false;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
    } else if (c === 46 && sawDigit) {
      if (octets === 4) return false;
      out[at++] = val;
      val = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  if (octets < 4) return false;
  out[at] = val;
  return true;
}

/**
 * glibc's inet_pton6: RFC 4291 text, at most one `::`, groups of 1-4 hex
 * digits, an optional dotted-quad tail in the last 32 bits. Fills `out`
 * (16 zero bytes on entry); false on failure.
 */
function pton6(s: string, out: Uint8Array): boolean {
  const n = s.length;
  if (n === 0) return false;
  let i = 0;
  if (s.charCodeAt(0) === 58) { // a leading ":" must be "::"
    if (n < 2 || s.charCodeAt(1) !== 58) return false;
    i = 1;
  }
  let tp = 0;
  let colonp = -1;
  let curtok = i;
  let digits = 0;
  let val = 0;
  while (i < n) {
    const c = s.charCodeAt(i++);
    const d = hexValue(c);
    if (d >= 0) {
      if (digits === 4) return false;
      val = (val << 4) | d;
      digits++;
      continue;
    }
    if (c === 58) { // ":"
      curtok = i;
      if (digits === 0) {
        if (colonp >= 0) return false;
        colonp = tp;
        continue;
      }
      if (i === n) return false;
      if (tp + 2 > 16) return false;
      out[tp++] = val >> 8;
      out[tp++] = val & 0xff;
      digits = 0;
      val = 0;
      continue;
    }
    if (c === 46 && tp + 4 <= 16 && pton4(s, curtok, n, out, tp)) {
      tp += 4;
      digits = 0;
      break;
    }
    return false;
  }
  if (digits > 0) {
    if (tp + 2 > 16) return false;
    out[tp++] = val >> 8;
    out[tp++] = val & 0xff;
  }
  if (colonp >= 0) {
    if (tp === 16) return false; // "::" must stand for at least one group
    // Move the bytes after "::" to the end and zero the gap (plain loops:
    // cheaper than copyWithin and fill for at most 16 bytes).
    const shift = 16 - tp;
    for (let k = tp - 1; k >= colonp; k--) {
      out[k + shift] = byteAt(out, k);
      out[k] = 0;
    }
    tp = 16;
  }
  return tp === 16;
}

const scratch = new Uint8Array(16);

/**
 * Whether `s` is an IPv4 address in the strict form `inet_pton` accepts:
 * four decimal bytes, no leading zeros. Internal.
 */
export function isIPv4(s: string): boolean {
  return pton4(s, 0, s.length, scratch, 0);
}

/**
 * Whether `s` is an IPv6 address `inet_pton(AF_INET6, s)` accepts (no zone
 * suffix). Internal.
 */
export function isIPv6(s: string): boolean {
  scratch.fill(0);
  return pton6(s, scratch);
}

/** `inet_pton` without argument checks, or `null` when the text is invalid. Internal. */
export function ptonOrNull(family: number, s: string): Uint8Array | null {
  if (family === AF_INET) {
    const out = new Uint8Array(4);
    return pton4(s, 0, s.length, out, 0) ? out : null;
  }
  const out = new Uint8Array(16);
  return pton6(s, out) ? out : null;
}

/**
 * Converts an address from text to packed bytes: 4 bytes for `AF_INET`
 * (only the strict dotted quad `a.b.c.d`, decimal, no leading zeros), 16
 * for `AF_INET6` (RFC 4291 text, `::` and a dotted-quad tail allowed, no
 * `%zone` suffix), exactly as glibc's `inet_pton`.
 *
 * Errors, as CPython's: an {@link error} `illegal IP address string passed
 * to inet_pton` for invalid text; an {@link error} with `errno` 97
 * (`EAFNOSUPPORT`) for another family; a `TypeError` when `s` is not a
 * string or `family` not an integer; a `RangeError` for a family outside C
 * `int` range and (CPython's ValueError) for a string holding `"\0"` or a
 * lone surrogate.
 *
 * The result may be a view into a shared 8 KiB buffer, as Node's small
 * Buffers are (its `byteOffset` need not be 0): use it as a `Uint8Array`,
 * or `.slice()` it for an `ArrayBuffer` of its own.
 *
 * @example
 * ```ts
 * import { inet_pton } from "@pysocket/socket";
 * console.log(inet_pton(2, "10.0.0.1")); // Uint8Array(4) [ 10, 0, 0, 1 ]
 * console.log(inet_pton(10, "::ffff:1.2.3.4").length); // 16
 * ```
 *
 * @param family `AF_INET` (2) or `AF_INET6` (10).
 * @param s The address text.
 * @returns 4 or 16 bytes.
 */
export function inet_pton(family: number, s: string): Uint8Array {
  cIntArg(family);
  strArg(s, "inet_pton", 2);
  let out: Uint8Array;
  if (family === AF_INET) {
    out = allocBytes(4);
    if (pton4(s, 0, s.length, out, 0)) return out;
    releaseBytes(out);
  } else if (family === AF_INET6) {
    out = allocBytes(16);
    if (pton6(s, out)) return out;
    releaseBytes(out);
  } else {
    checkCString(s);
    throw osError(errno.EAFNOSUPPORT);
  }
  checkCString(s);
  throw new error(PTON_MESSAGE);
}

/**
 * Converts packed bytes to text: a dotted quad for `AF_INET`; for
 * `AF_INET6`, glibc's form: lowercase hex groups without leading zeros,
 * the longest run of two or more zero groups (the first of equal runs)
 * written `::`, and a dotted-quad tail for `::a.b.c.d` and
 * `::ffff:a.b.c.d` (not for `::1` and other addresses whose first seven
 * groups are zero).
 *
 * Errors, as CPython's: a `RangeError` (CPython's ValueError) `invalid
 * length of packed IP address string` when the length does not fit the
 * family, and `unknown address family N` for another family; a
 * `TypeError` when `packed` is not bytes-like (a string is not) or
 * `family` not an integer.
 *
 * @example
 * ```ts
 * import { inet_ntop, inet_pton } from "@pysocket/socket";
 * console.log(inet_ntop(10, inet_pton(10, "2001:DB8:0:0:0:0:0:1"))); // 2001:db8::1
 * console.log(inet_ntop(2, new Uint8Array([127, 0, 0, 1]))); // 127.0.0.1
 * ```
 *
 * @param family `AF_INET` (2) or `AF_INET6` (10).
 * @param packed A `Uint8Array`, any other `ArrayBufferView`, or an `ArrayBuffer`.
 * @returns The address text.
 */
export function inet_ntop(
  family: number,
  packed: ArrayBufferView | ArrayBuffer,
): string {
  cIntArg(family);
  const b = bytesArg(packed);
  if (family === AF_INET) {
    if (b.length !== 4) throw invalidLength();
    return ntop4(b, 0);
  }
  if (family === AF_INET6) {
    if (b.length !== 16) throw invalidLength();
    return ntop6(b);
  }
  throw new RangeError(`unknown address family ${family}`);
}

function invalidLength(): RangeError {
  return new RangeError("invalid length of packed IP address string");
}

/** glibc's inet_ntop6 over 16 bytes. Internal. */
export function ntop6(b: Uint8Array): string {
  // Find the longest run of zero groups; only a strictly longer run
  // replaces an earlier one, so the first of equal runs wins.
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let g = 0; g < 8; g++) {
    if (b[2 * g] === 0 && b[2 * g + 1] === 0) {
      if (curBase < 0) {
        curBase = g;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase >= 0) {
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase >= 0 && curLen > bestLen) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestLen < 2) bestBase = -1;
  const bestEnd = bestBase + bestLen;

  let out = "";
  for (let g = 0; g < 8; g++) {
    if (bestBase >= 0 && g >= bestBase && g < bestEnd) {
      if (g === bestBase) out += ":";
      continue;
    }
    if (g !== 0) out += ":";
    if (
      g === 6 && bestBase === 0 &&
      (bestLen === 6 ||
        (bestLen === 5 && b[10] === 0xff && b[11] === 0xff))
    ) {
      return out + ntop4(b, 12);
    }
    out += ((byteAt(b, 2 * g) << 8) | byteAt(b, 2 * g + 1)).toString(16);
  }
  if (bestEnd === 8) out += ":";
  return out;
}
