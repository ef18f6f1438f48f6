// The type tests, run as `deno task check:types`:
//
// - tests/types/must_compile.ts type-checks (natural code needs no casts);
// - each tests/types/must_fail/*.ts fails to type-check with exactly the
//   errors it announces. A line `// expect-error TS2551: Property 'X'` says
//   that the line after it has error TS2551 whose message contains the text
//   after the colon; any other error in the file, or an announced one that
//   does not come, fails the check, so a file cannot pass by failing for an
//   unrelated reason (a broken import, say).
//
// deno.json excludes tests/types/must_fail/ so that `deno check .` (which
// has to pass) leaves those files alone. An excluded file cannot be checked
// under that config even when named, so they are checked here under a copy
// of it without `exclude`: the same compiler options and unstable APIs.

const ROOT = new URL("../", import.meta.url);
const TYPES = new URL("tests/types/", ROOT);
const MUST_FAIL = new URL("must_fail/", TYPES);

interface Diagnostic {
  readonly code: string;
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

interface Expectation {
  readonly code: string;
  readonly text: string;
  readonly line: number;
}

const EXPECT = /^\s*\/\/ expect-error (TS\d+): (.+?)\s*$/;

// Deno prints a type error as `TS2551 [ERROR]: message`, the source lines,
// then `    at file:///...:line:column`.
const DIAGNOSTIC =
  /^(TS\d+) \[ERROR\]: ([\s\S]*?)\n\s+at (file:\/\/\S+):(\d+):\d+$/gm;

/** A copy of deno.json that can check excluded files; returns its path. */
async function checkConfig(dir: string): Promise<string> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  ) as Record<string, unknown>;
  for (const key of ["exclude", "tasks", "fmt", "lint"]) delete config[key];
  // The temporary config would otherwise write a lock file next to itself.
  config.lock = false;
  const path = `${dir}/deno.json`;
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2));
  return path;
}

async function denoCheck(
  config: string,
  file: URL,
): Promise<{ success: boolean; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "check",
      "--quiet",
      "--config",
      config,
      decodeURIComponent(file.pathname),
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    success: out.success,
    output: decode(out.stdout) + decode(out.stderr),
  };
}

function diagnostics(output: string): Diagnostic[] {
  return [...output.matchAll(DIAGNOSTIC)].map((m) => ({
    code: m[1] ?? "",
    text: m[2] ?? "",
    file: m[3] ?? "",
    line: Number(m[4]),
  }));
}

function expectations(source: string): Expectation[] {
  const found: Expectation[] = [];
  source.split("\n").forEach((text, i) => {
    const m = EXPECT.exec(text);
    // Line numbers are 1-based; the error is on the line after the comment.
    if (m) found.push({ code: m[1] ?? "", text: m[2] ?? "", line: i + 2 });
  });
  return found;
}

/** What is wrong with one must-fail file (empty when it fails as announced). */
async function checkMustFail(config: string, file: URL): Promise<string[]> {
  const expected = expectations(await Deno.readTextFile(file));
  if (expected.length === 0) {
    return ["announces no error (`// expect-error TSnnnn: text`)"];
  }
  const result = await denoCheck(config, file);
  if (result.success) return ["type-checks, but must not"];
  const got = diagnostics(result.output);
  const problems: string[] = [];
  const matched = new Set<Diagnostic>();
  for (const e of expected) {
    const hit = got.find((d) =>
      !matched.has(d) && d.file === file.href && d.line === e.line &&
      d.code === e.code && d.text.includes(e.text)
    );
    if (hit) matched.add(hit);
    else problems.push(`line ${e.line}: no ${e.code} "${e.text}"`);
  }
  for (const d of got) {
    if (matched.has(d)) continue;
    const where = d.file === file.href ? `line ${d.line}` : d.file;
    const first = d.text.split("\n")[0];
    problems.push(`unexpected ${d.code} at ${where}: ${first}`);
  }
  if (got.length === 0) {
    problems.push(`fails, but not with a type error:\n${result.output}`);
  }
  return problems;
}

async function main(): Promise<number> {
  const tmp = await Deno.makeTempDir({ prefix: "pysocket-types-" });
  try {
    const config = await checkConfig(tmp);
    let failed = 0;

    const compile = new URL("must_compile.ts", TYPES);
    const ok = await denoCheck(config, compile);
    if (ok.success) {
      console.log("ok   must_compile.ts type-checks");
    } else {
      failed++;
      console.log(`FAIL must_compile.ts does not type-check:\n${ok.output}`);
    }

    const files: string[] = [];
    for await (const entry of Deno.readDir(MUST_FAIL)) {
      if (entry.isFile && entry.name.endsWith(".ts")) files.push(entry.name);
    }
    files.sort();
    for (const name of files) {
      const problems = await checkMustFail(config, new URL(name, MUST_FAIL));
      if (problems.length === 0) {
        console.log(`ok   must_fail/${name} fails as announced`);
      } else {
        failed++;
        console.log(`FAIL must_fail/${name}:`);
        for (const p of problems) console.log(`       ${p}`);
      }
    }
    console.log(
      `check:types: ${1 + files.length - failed} passed, ${failed} failed`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.exit(await main());
