// `deno task gen` and `deno task gen:check`: the generated tables of _base/.
//
// Runs _tools/gen_tables.py (CPython on Linux knows the values) into a
// temporary folder and puts its output through `deno fmt`, so that the
// committed files are formatted as the rest of the tree is. Then either
// writes them into _base/ (`gen`) or, with `--check`, fails on any
// difference from the committed files (`gen:check`, in `deno task ci`).

const ROOT = new URL("../", import.meta.url).pathname;
const TABLES = ["_base/_errno_table.ts", "_base/constants.ts"];
const check = Deno.args.includes("--check");

/** Runs a command; its stderr goes to ours. Returns stdout, throws on failure. */
async function run(
  cmd: string,
  args: string[],
  stdin?: string,
): Promise<string> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code})`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Shows what changed, with `diff -u` where there is one. */
async function showDifference(committed: string, fresh: string) {
  try {
    const out = await new Deno.Command("diff", {
      args: ["-u", committed, fresh],
      stdout: "piped",
      stderr: "null",
    }).output();
    console.error(new TextDecoder().decode(out.stdout));
  } catch {
    console.error("(no `diff` here to show the difference)");
  }
}

async function main(): Promise<number> {
  const tmp = await Deno.makeTempDir({ prefix: "pysocket-gen-" });
  try {
    try {
      await run("python3", ["_tools/gen_tables.py", tmp]);
    } catch (e) {
      console.error(
        `gen: ${(e as Error).message}; the tables need CPython 3.11 on Linux`,
      );
      return 1;
    }
    let stale = 0;
    for (const table of TABLES) {
      const raw = await Deno.readTextFile(`${tmp}/${table}`);
      const text = await run(Deno.execPath(), ["fmt", "--ext=ts", "-"], raw);
      if (!check) {
        await Deno.writeTextFile(`${ROOT}${table}`, text);
        console.log(`wrote ${table}`);
        continue;
      }
      let committed: string | null;
      try {
        committed = await Deno.readTextFile(`${ROOT}${table}`);
      } catch {
        committed = null;
      }
      if (committed === text) continue;
      stale++;
      console.error(
        `gen:check: ${table} differs from what _tools/gen_tables.py gives:`,
      );
      const fresh = `${tmp}/${table}.fresh`;
      await Deno.writeTextFile(fresh, text);
      await showDifference(`${ROOT}${table}`, fresh);
    }
    if (stale > 0) {
      console.error(
        "gen:check: run `deno task gen` and commit the result (or fix the " +
          "generator or _tools/socket_constants.json).",
      );
      return 1;
    }
    if (check) console.log(`gen:check: ${TABLES.join(", ")} up to date`);
    return 0;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

Deno.exit(await main());
