// How socketserver prints what CPython prints: addresses as Python's
// print() shows them, and an error as a traceback-like report.

/** Python's `repr` of a value from an address. */
function repr(v: unknown): string {
  if (typeof v === "string") {
    return `'${v.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  }
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return tuple(v);
  return String(v);
}

function tuple(items: unknown[]): string {
  if (items.length === 1) return `(${repr(items[0])},)`;
  return `(${items.map(repr).join(", ")})`;
}

/** What Python's `print(address)` shows: a tuple's repr, a path as it is. */
export function pyStr(address: unknown): string {
  if (typeof address === "string") return address;
  return repr(address);
}

/**
 * An error as Python's `traceback.print_exc()` lays one out: the frames,
 * then `Name: message` last.
 */
export function traceback(e: unknown): string {
  if (!(e instanceof Error)) {
    return `Traceback (most recent call last):\n${String(e)}`;
  }
  const frames = (e.stack ?? "").split("\n").filter((line) =>
    /^\s+at /.test(line)
  );
  const last = e.message === "" ? e.name : `${e.name}: ${e.message}`;
  return ["Traceback (most recent call last):", ...frames, last].join("\n");
}
