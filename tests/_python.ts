// Test helpers for running CPython as a reference peer.

let cached: boolean | undefined;

/** Whether `python3` can be run; tests that need it skip with a printed reason. */
export function hasPython(): boolean {
  if (cached === undefined) {
    try {
      const out = new Deno.Command("python3", {
        args: ["-c", "import socket"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      cached = out.success;
    } catch {
      cached = false;
    }
  }
  return cached;
}

/** Prints why a test is skipped, so no skip is silent. */
export function skipReason(test: string, why: string): void {
  console.log(`SKIP ${test}: ${why}`);
}

/** Runs a Python program with `stdin` and returns its stdout; throws on failure. */
export async function runPython(
  code: string,
  stdin = "",
  args: string[] = [],
): Promise<string> {
  const child = new Deno.Command("python3", {
    args: ["-c", code, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(
      `python3 failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}
