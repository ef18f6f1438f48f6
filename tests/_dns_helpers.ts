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

/**
 * The CPython side of a differential test: reads `[fn, ...args]` calls as
 * JSON on stdin and prints each one's outcome as {@link Outcome}.
 */
export const PY_CALLS = `
import json, socket, sys
calls = json.load(sys.stdin)
def conv(v):
    if isinstance(v, tuple) or isinstance(v, list):
        return [conv(x) for x in v]
    if isinstance(v, int):
        return int(v)
    return v
out = []
for c in calls:
    fn, args = c[0], c[1:]
    if fn == "getnameinfo":
        args = [tuple(args[0]), args[1]]
    try:
        out.append(["ok", conv(getattr(socket, fn)(*args))])
    except Exception as e:
        cls = type(e).__name__
        if cls in ("OverflowError", "ValueError"):
            cls = "RangeError"
        errno = e.errno if isinstance(e, OSError) else None
        out.append(["err", cls, errno])
json.dump(out, sys.stdout)
`;

/** The soft limit on open files of this process, or `null` (not Linux). */
function openFileLimit(): number | null {
  try {
    const text = Deno.readTextFileSync("/proc/self/limits");
    const m = /^Max open files\s+(\S+)/m.exec(text);
    if (m === null || m[1] === undefined) return null;
    return m[1] === "unlimited" ? Infinity : Number(m[1]);
  } catch {
    return null;
  }
}

/**
 * Opens `/dev/null` until the process has no descriptor left, so that the
 * next `open`, `socket` or `accept` fails with EMFILE; close what it gives
 * to end that. A string says why it cannot (a limit too high to fill
 * quickly), for the test to print as its reason to skip. While the files
 * are open, nothing may format an error's stack (Deno may panic).
 */
export function fillDescriptors(): Deno.FsFile[] | string {
  const limit = openFileLimit();
  if (limit === null) return "the open-file limit is unknown (not Linux?)";
  if (limit > 200_000) {
    return `the open-file limit (${limit}) is too high to fill in a test`;
  }
  const files: Deno.FsFile[] = [];
  for (;;) {
    try {
      files.push(Deno.openSync("/dev/null"));
    } catch (e) {
      // String(e), not e: formatting a stack now could crash Deno.
      const text = String(e);
      if ((e as { code?: unknown }).code === "EMFILE" || /EMFILE/.test(text)) {
        return files;
      }
      for (const f of files) f.close();
      return `opening files did not end in EMFILE: ${text}`;
    }
  }
}
