// Argument checks shared by the whole package (addr/, dns/, socket/):
// Python's type names for messages, bytes-like inputs, C int conversion and
// C string checks, each giving the error CPython gives for the same mistake.
// Internal: not exported from mod.ts.

/** The name Python would print for the type of a value passed from JS. */
export function pyTypeName(v: unknown): string {
  switch (typeof v) {
    case "string":
      return "str";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      // Not "int": a bigint is refused where Python takes an int, and the
      // message should say what was passed.
      return "bigint";
    case "boolean":
      return "bool";
    case "undefined":
      return "NoneType";
    case "function":
      return "function";
    case "symbol":
      return "symbol";
  }
  if (v === null) return "NoneType";
  if (Array.isArray(v)) return "list";
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return "bytes";
  const ctor = (v as { constructor?: { name?: unknown } }).constructor;
  const name = ctor?.name;
  return typeof name === "string" && name !== "" && name !== "Object"
    ? name
    : "dict";
}

/** A view of `v` as bytes when it is bytes-like, else `null`. */
export function asBytes(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) {
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (
    typeof SharedArrayBuffer !== "undefined" && v instanceof SharedArrayBuffer
  ) {
    return new Uint8Array(v);
  }
  return null;
}

/** Bytes-like input or CPython's `TypeError` for anything else (strings included). */
export function bytesArg(v: unknown): Uint8Array {
  const b = asBytes(v);
  if (b === null) {
    throw new TypeError(
      `a bytes-like object is required, not '${pyTypeName(v)}'`,
    );
  }
  return b;
}

/** The TypeError CPython gives when a non-integer is passed where an int is needed. */
export function notAnInteger(v: unknown): TypeError {
  return new TypeError(
    `'${pyTypeName(v)}' object cannot be interpreted as an integer`,
  );
}

const LONG_LIMIT = 2 ** 63;

/**
 * A C `int` argument (Python's `i` format): an integral number within
 * -2**31..2**31-1. Out of range gives CPython's OverflowError text as a
 * RangeError.
 */
export function cIntArg(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw notAnInteger(v);
  if (v > 0x7fffffff) {
    throw new RangeError(
      v >= LONG_LIMIT
        ? "Python int too large to convert to C long"
        : "signed integer is greater than maximum",
    );
  }
  if (v < -0x80000000) {
    throw new RangeError(
      v < -LONG_LIMIT
        ? "Python int too large to convert to C long"
        : "signed integer is less than minimum",
    );
  }
  return v;
}

/**
 * A C `int` converted as Argument Clinic's `int` converter does
 * (`_PyLong_AsInt`: the socket constructor's family, type and proto,
 * `shutdown`'s how): every value outside -2**31..2**31-1 gives the same
 * OverflowError text, as a RangeError.
 */
export function clinicIntArg(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw notAnInteger(v);
  if (v > 0x7fffffff || v < -0x80000000) {
    throw new RangeError("Python int too large to convert to C int");
  }
  return v;
}

/**
 * A descriptor number as CPython reads one (`PyLong_AsSocket_t`): a C long
 * (OverflowError past it) cut to the C `int` a descriptor is on Linux, so
 * `2**31` reads as a negative number and `2**32 + 5` as 5, as there.
 */
export function fdArg(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw notAnInteger(v);
  if (v >= LONG_LIMIT || v < -LONG_LIMIT) {
    throw new RangeError("Python int too large to convert to C long");
  }
  return Number(BigInt.asIntN(32, BigInt(v)));
}

/** Python's `repr` of one character, as used in codec error messages. */
function charRepr(code: number): string {
  return `'\\u${code.toString(16).padStart(4, "0")}'`;
}

/**
 * CPython's UnicodeEncodeError for the first run of lone surrogates in `s`
 * (positions in code points, as Python counts), as a RangeError, or `null`
 * when `s` encodes as UTF-8.
 */
export function surrogateError(s: string): RangeError | null {
  if (s.isWellFormed()) return null;
  let points = 0;
  let first = -1;
  let firstCode = 0;
  let last = -1;
  for (let i = 0; i < s.length; i++, points++) {
    const c = s.charCodeAt(i);
    const lone = c >= 0xd800 && c <= 0xdfff && !(
      c <= 0xdbff && i + 1 < s.length &&
      s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff
    );
    if (lone) {
      if (first < 0) {
        first = points;
        firstCode = c;
      }
      last = points;
      continue;
    }
    if (first >= 0) break;
    if (c >= 0xd800 && c <= 0xdbff) i++; // a pair: one code point
  }
  return new RangeError(
    first === last
      ? `'utf-8' codec can't encode character ${
        charRepr(firstCode)
      } in position ${first}: surrogates not allowed`
      : `'utf-8' codec can't encode characters in position ${first}-${last}: surrogates not allowed`,
  );
}

/**
 * Checks what CPython checks before handing a `str` to C: it must encode
 * as UTF-8 (no lone surrogates) and hold no NUL. Both are ValueErrors in
 * CPython (`UnicodeEncodeError`, `embedded null character`) and are
 * RangeErrors here; the encoding is checked first, as there.
 */
export function checkCString(s: string): void {
  const bad = surrogateError(s);
  if (bad !== null) throw bad;
  if (s.includes("\0")) throw new RangeError("embedded null character");
}

/** A `str` argument (Python's `s` format) or CPython's TypeError. */
export function strArg(v: unknown, fn: string, pos: number): string {
  if (typeof v !== "string") {
    throw new TypeError(
      `${fn}() argument ${pos} must be str, not ${pyTypeName(v)}`,
    );
  }
  return v;
}
