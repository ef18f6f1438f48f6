/**
 * Parsing and validation of Python address tuples, once, at the edge: what
 * CPython's `getsockaddrarg` does on Linux, giving one normalized form that
 * the socket code works with. Internal to the package (not exported from
 * `mod.ts`); socket/ and dns/ import it from here.
 *
 * @module
 */

import { error } from "../_base/errors.ts";
import { AF_INET, AF_INET6, AF_UNIX } from "../_base/constants.ts";
import { asBytes, notAnInteger, pyTypeName } from "../_base/args.ts";
import { atonExactValue, isIPv4, ntop6, ptonOrNull } from "./inet.ts";

// Strict inet_pton-style tests, for the socket and dns code.
export { isIPv4, isIPv6 } from "./inet.ts";

/** An address tuple after validation, in one form for every family. */
export interface SockAddr {
  /** `AF_INET` (2), `AF_INET6` (10) or `AF_UNIX` (1). */
  readonly family: number;
  /**
   * AF_INET/AF_INET6: the host. When numeric, in `inet_ntop` form (`""`
   * becomes `0.0.0.0` or `::`, `<broadcast>` `255.255.255.255`, an
   * `inet_aton` form such as `127.1` for AF_INET `127.0.0.1`, and an
   * AF_INET6 `%zone` suffix is taken off). Otherwise the name as given, to
   * be resolved. `""` for AF_UNIX.
   */
  readonly host: string;
  /** Whether `host` is already a numeric address of the family. */
  readonly numeric: boolean;
  /** The port, 0-65535; 0 for AF_UNIX. */
  readonly port: number;
  /** AF_INET6 flow info, 0-1048575; else 0. */
  readonly flowinfo: number;
  /**
   * AF_INET6 scope id (unsigned 32 bits); else 0. The tuple's fourth item,
   * or when that is 0, a numeric `%3` suffix of the host.
   */
  readonly scopeId: number;
  /**
   * AF_INET6 only: a `%name` suffix that is not a number (an interface
   * name, to be turned into an index with `if_nametoindex` by whoever
   * opens the socket; `scopeId` is then 0).
   */
  readonly scopeName?: string;
  /**
   * AF_UNIX only, else `""`: the path, `""` for autobind, a leading
   * `"\0"` for a Linux abstract name. A regular path stops at its first
   * NUL, as the kernel reads it.
   */
  readonly path: string;
}

// Linux's sizeof(sockaddr_un.sun_path).
const SUN_PATH_SIZE = 108;
const BROADCAST = "255.255.255.255";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Validates `address` for `family` as CPython's `getsockaddrarg` does on
 * Linux and returns its normalized form. `fn` names the calling method in
 * messages (`bind(): port must be 0-65535.`).
 *
 * Errors: `TypeError` with CPython's text for a wrong shape or type (not a
 * tuple, wrong arity, a host that is not a string or bytes, a host holding
 * NUL, a non-integer port); `RangeError` for CPython's OverflowErrors (port
 * outside 0-65535, flowinfo outside 0-1048575); {@link error} for
 * `AF_UNIX path too long`, `address family mismatched` (`<broadcast>` for
 * AF_INET6) and an unknown family (`<fn>(): bad family`).
 */
export function parseSockaddr(
  family: number,
  address: unknown,
  fn: string,
): SockAddr {
  switch (family) {
    case AF_INET:
      return parseInet(address, fn);
    case AF_INET6:
      return parseInet6(address, fn);
    case AF_UNIX:
      return parseUnix(address);
  }
  throw new error(`${fn}(): bad family`);
}

function notTuple(family: string, fn: string, address: unknown): TypeError {
  return new TypeError(
    `${fn}(): ${family} address must be tuple, not ${pyTypeName(address)}`,
  );
}

// CPython's idna_converter: str or bytes, and no NUL.
function hostArg(v: unknown): string {
  let host: string;
  if (typeof v === "string") {
    // A lone surrogate fails the IDNA encoding, which CPython reports so.
    if (!v.isWellFormed()) throw new TypeError("encoding of hostname failed");
    host = v;
  } else {
    const b = asBytes(v);
    if (b === null) {
      throw new TypeError(
        `str, bytes or bytearray expected, not ${pyTypeName(v)}`,
      );
    }
    host = decoder.decode(b);
  }
  if (host.includes("\0")) {
    throw new TypeError("host name must not contain null character");
  }
  return host;
}

// A C int read with Python's "i" format and checked against 0-65535; an
// OverflowError in CPython, a RangeError here.
function portArg(v: unknown, fn: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw notAnInteger(v);
  if (v < 0 || v > 0xffff) {
    throw new RangeError(`${fn}(): port must be 0-65535.`);
  }
  return v;
}

// Python's "I" format: any integer, kept modulo 2**32 as C does.
function uint32Arg(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isInteger(v)) throw notAnInteger(v);
  return v >>> 0;
}

// The last AF_INET address parsed from a text host, and that text: a
// program sending to one peer again and again passes the same pair. (A
// SockAddr is never changed, so it can be handed out again.)
let lastGiven = "";
let lastInet: SockAddr | null = null;

function parseInet(address: unknown, fn: string): SockAddr {
  if (!Array.isArray(address)) throw notTuple("AF_INET", fn, address);
  if (address.length !== 2) {
    throw new TypeError("AF_INET address must be a pair (host, port)");
  }
  if (
    lastInet !== null && address[0] === lastGiven &&
    address[1] === lastInet.port
  ) {
    return lastInet;
  }
  const given = hostArg(address[0]);
  const port = portArg(address[1], fn);
  let host = given;
  let numeric = true;
  if (given === "") {
    host = "0.0.0.0";
  } else if (given === "<broadcast>") {
    host = BROADCAST;
  } else if (!isIPv4(given)) {
    // glibc's getaddrinfo takes every exact inet_aton form as numeric.
    const v = atonExactValue(given);
    if (v >= 0) {
      host = `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
    } else {
      numeric = false;
    }
  }
  const sa: SockAddr = {
    family: AF_INET,
    host,
    numeric,
    port,
    flowinfo: 0,
    scopeId: 0,
    path: "",
  };
  if (typeof address[0] === "string") {
    lastGiven = address[0];
    lastInet = sa;
  }
  return sa;
}

const V6_ARITY =
  "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])";

function parseInet6(address: unknown, fn: string): SockAddr {
  if (!Array.isArray(address)) throw notTuple("AF_INET6", fn, address);
  if (address.length < 2 || address.length > 4) throw new TypeError(V6_ARITY);
  const given = hostArg(address[0]);
  const port = portArg(address[1], fn);
  const flowinfo = uint32Arg(address[2]);
  let scopeId = uint32Arg(address[3]);
  if (flowinfo > 0xfffff) {
    throw new RangeError(`${fn}(): flowinfo must be 0-1048575.`);
  }
  let host = given;
  let numeric = false;
  let scopeName: string | undefined;
  if (given === "") {
    host = "::";
    numeric = true;
  } else if (given === "<broadcast>" || given === BROADCAST) {
    throw new error("address family mismatched");
  } else {
    const pct = given.indexOf("%");
    const packed = ptonOrNull(
      AF_INET6,
      pct < 0 ? given : given.slice(0, pct),
    );
    const zone = pct < 0 ? "" : given.slice(pct + 1);
    if (packed !== null && (pct < 0 || zone !== "")) {
      host = ntop6(packed);
      numeric = true;
      if (zone !== "") {
        const index = zoneIndex(zone);
        if (index < 0) scopeName = zone;
        else if (scopeId === 0) scopeId = index;
      }
    }
  }
  const out: SockAddr = {
    family: AF_INET6,
    host,
    numeric,
    port,
    flowinfo,
    scopeId,
    path: "",
  };
  return scopeName === undefined ? out : { ...out, scopeName };
}

// A zone that glibc reads as a number: decimal digits only, at most
// 2**32-1. -1 when it is a name.
function zoneIndex(zone: string): number {
  let v = 0;
  for (let i = 0; i < zone.length; i++) {
    const d = zone.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
    if (v > 0xffffffff) return -1;
  }
  return v;
}

function parseUnix(address: unknown): SockAddr {
  let path: string;
  let size: number;
  if (typeof address === "string") {
    path = address;
    size = encoder.encode(address).length;
  } else {
    const b = asBytes(address);
    if (b === null) {
      throw new TypeError(
        `a bytes-like object is required, not '${pyTypeName(address)}'`,
      );
    }
    path = decoder.decode(b);
    size = b.length;
  }
  const abstract = path.charCodeAt(0) === 0;
  if (abstract ? size > SUN_PATH_SIZE : size >= SUN_PATH_SIZE) {
    throw new error("AF_UNIX path too long");
  }
  if (!abstract) {
    const nul = path.indexOf("\0");
    if (nul >= 0) path = path.slice(0, nul);
  }
  return {
    family: AF_UNIX,
    host: "",
    numeric: false,
    port: 0,
    flowinfo: 0,
    scopeId: 0,
    path,
  };
}
