// Python's repr() and str() for the values the examples print, so that a
// port prints what its Python original prints: b'...' for bytes, '...' for
// strings, (a, b) for tuples, None for null.

/** Python's `repr(value)`. */
export function repr(value: unknown): string {
  if (value instanceof Uint8Array) return bytesRepr(value);
  if (typeof value === "string") return strRepr(value);
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) {
    if (value.length === 1) return `(${repr(value[0])},)`;
    return `(${value.map(repr).join(", ")})`;
  }
  return String(value);
}

/** Python's `str(value)`: a string as it is, anything else as `repr`. */
export function str(value: unknown): string {
  return typeof value === "string" ? value : repr(value);
}

function bytesRepr(b: Uint8Array): string {
  const quote = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let out = "b" + quote;
  for (const c of b) {
    if (c === 0x5c) out += "\\\\";
    else if (c === quote.charCodeAt(0)) out += "\\" + quote;
    else if (c === 0x09) out += "\\t";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c < 0x20 || c >= 0x7f) {
      out += "\\x" + c.toString(16).padStart(2, "0");
    } else out += String.fromCharCode(c);
  }
  return out + quote;
}

function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + quote;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + quote;
}
