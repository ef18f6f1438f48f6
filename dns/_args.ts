// Argument checks for the look-up functions, with CPython's wording.

/** The name Python would print for the type of a value passed from JS. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  switch (typeof v) {
    case "string":
      return "str";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
  }
  if (Array.isArray(v)) return "list";
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return "bytes";
  return "dict";
}

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

/** A C `int` argument (Python's `i` format). */
export function cInt(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(
      `'${pyType(v)}' object cannot be interpreted as an integer`,
    );
  }
  if (v > 0x7fffffff) {
    throw new RangeError("signed integer is greater than maximum");
  }
  if (v < -0x80000000) {
    throw new RangeError("signed integer is less than minimum");
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
