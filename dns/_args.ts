// Argument checks for the look-up functions, with CPython's wording.

import { pyTypeName as pyType } from "../_base/args.ts";

export { cIntArg as cInt, pyTypeName as pyType } from "../_base/args.ts";

/** A `str` argument (Python's `s` format): no NUL, encodable. */
export function str(v: unknown, fn: string, pos: number): string {
  if (typeof v !== "string") {
    throw new TypeError(
      `${fn}() argument ${pos} must be str, not ${pyType(v)}`,
    );
  }
  if (v.includes("\0")) throw new RangeError("embedded null character");
  if (!v.isWellFormed()) {
    throw new RangeError(
      `'utf-8' codec can't encode ${fn}() argument: surrogates not allowed`,
    );
  }
  return v;
}

/** Host text: a string, or bytes taken as ASCII, as CPython accepts. */
export function hostText(v: unknown, what: string): string {
  if (typeof v === "string") {
    if (v.includes("\0")) throw new RangeError("embedded null character");
    return v;
  }
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
    const b = v instanceof Uint8Array ? v : new Uint8Array(v);
    if (b.includes(0)) throw new RangeError("embedded null character");
    return new TextDecoder("latin1").decode(b);
  }
  throw new TypeError(what);
}
