// Shared by the dns tests: running a look-up and describing its outcome in
// the same shape the CPython side of the interop test prints.

/** `["ok", value]` or `["err", class, errno]`. */
export type Outcome = ["ok", unknown] | ["err", string, number | null];

/** Runs `f` and describes what it gave. */
export async function outcome(f: () => unknown): Promise<Outcome> {
  try {
    return ["ok", await f()];
  } catch (e) {
    if (e instanceof TypeError) return ["err", "TypeError", null];
    if (e instanceof RangeError) return ["err", "RangeError", null];
    const err = e as { name?: string; errno?: number | null };
    return ["err", err.name ?? "Error", err.errno ?? null];
  }
}

/** A table line: its first field, its second, and any others. */
export type TableLine = [string, string, ...string[]];

/**
 * The lines of a file that have two fields or more, as the tests parse it
 * (without comments).
 */
export function tableLines(path: string): TableLine[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return [];
  }
  return text.split("\n").map((l) =>
    l.replace(/#.*/, "").trim().split(/\s+/).filter((f) => f)
  ).filter((f): f is TableLine => f.length >= 2);
}
