// Runs a Deno child script of the tests with a GC it can call, for the tests
// that count retained memory, and hands back the JSON of its last line.

/** Runs `script` (a URL) with `deno run -A --v8-flags=--expose-gc`. */
export async function runGcChild<T>(
  script: URL,
  args: readonly string[] = [],
): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--v8-flags=--expose-gc",
      script.pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${script.pathname} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null") as T;
}
