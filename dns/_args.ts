// Argument checks for the look-up functions, with CPython's wording.

import {
  checkCString,
  pyTypeName as pyType,
  strArg,
  surrogateError,
} from "../_base/args.ts";

export { cIntArg as cInt, pyTypeName as pyType } from "../_base/args.ts";

/** A `str` argument (Python's `s` format): encodable, no NUL. */
export function str(v: unknown, fn: string, pos: number): string {
  const s = strArg(v, fn, pos);
  checkCString(s);
  return s;
}

/**
 * Host text: a string, or bytes taken as ASCII, as CPython accepts. A
 * string with a lone surrogate fails CPython's IDNA encoding. A NUL ends
 * the C string getaddrinfo() hands on (`fn` `null`); the gethostby*
 * functions refuse it.
 */
export function hostText(v: unknown, what: string, fn: string | null): string {
  let text: string;
  if (typeof v === "string") {
    if (!v.isWellFormed()) {
      const bad = [...v].find((ch) => !ch.isWellFormed()) ?? "";
      const code = bad.charCodeAt(0).toString(16).padStart(4, "0");
      throw new RangeError(
        `encoding with 'idna' codec failed (UnicodeError: Invalid character '\\u${code}')`,
      );
    }
    text = v;
  } else if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
    const b = v instanceof Uint8Array ? v : new Uint8Array(v);
    text = new TextDecoder("latin1").decode(b);
  } else {
    throw new TypeError(what);
  }
  return cString(text, fn, v);
}

/**
 * A service name given to getaddrinfo(): a `str` must encode as UTF-8
 * (CPython's UnicodeEncodeError); a NUL ends the C string, as there.
 */
export function serviceText(v: string | Uint8Array): string {
  if (typeof v === "string") {
    const bad = surrogateError(v);
    if (bad !== null) throw bad;
    return cString(v, null, v);
  }
  return cString(new TextDecoder("latin1").decode(v), null, v);
}

function cString(text: string, fn: string | null, v: unknown): string {
  const nul = text.indexOf("\0");
  if (nul < 0) return text;
  if (fn === null) return text.slice(0, nul);
  throw new TypeError(
    `${fn}() argument 1 must be encoded string without null bytes, not ${
      pyType(v)
    }`,
  );
}
