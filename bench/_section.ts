// What each benchmark section gives the harness: one markdown table.

/** One section of the benchmark report. */
export interface Section {
  /** A heading, such as `Address functions`. */
  readonly title: string;
  /** Column names. */
  readonly header: readonly string[];
  /** One row per workload, already formatted. */
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table: skipped columns and why, targets missed. */
  readonly notes?: readonly string[];
}

/** A section module: `bench/<name>.ts` exporting `run`. */
export interface SectionModule {
  /** Runs the section; `quick` keeps it short. */
  run(quick: boolean): Promise<Section>;
}

/** Formats a section as markdown. */
export function toMarkdown(section: Section): string {
  const lines = [`## ${section.title}`, ""];
  lines.push(`| ${section.header.join(" | ")} |`);
  lines.push(`| ${section.header.map(() => "---").join(" | ")} |`);
  for (const row of section.rows) lines.push(`| ${row.join(" | ")} |`);
  if (section.notes?.length) {
    lines.push("");
    for (const note of section.notes) lines.push(`- ${note}`);
  }
  return lines.join("\n");
}

/** Runs `python3` with a program and returns what it printed, or `null` when there is no python3. */
export async function python(code: string): Promise<string | null> {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", code],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(new TextDecoder().decode(out.stderr));
    }
    return new TextDecoder().decode(out.stdout);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** A number with thousands separators and no decimals. */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A ratio as `1.23x`. */
export function fmtRatio(r: number): string {
  return `${r.toFixed(2)}x`;
}

/**
 * CPython's ops/s for each statement, timed with `timeit` (autorange, then
 * the best of `repeat` runs when `repeat` > 0); `null` without python3.
 */
export async function timeitOps(
  setup: string,
  statements: readonly string[],
  repeat: number,
): Promise<number[] | null> {
  const code = `
import json, timeit
setup = ${JSON.stringify(setup)}
out = []
for stmt in ${JSON.stringify(statements)}:
    t = timeit.Timer(stmt, setup)
    number, best = t.autorange()
    if ${repeat}:
        best = min(t.repeat(${repeat}, number))
    out.append(number / best)
print(json.dumps(out))
`;
  const text = await python(code);
  return text === null ? null : JSON.parse(text) as number[];
}
