// The layer check of DESIGN.md, run as `deno task lint:layers`:
//
// - an import between the source folders points down the layers, to a
//   folder the importing one may use (`addr/` to `_base/` only, and so on);
// - `_runtime/` takes only types from `_base/`;
// - nothing imports another folder's `_x.ts` (a file's own folder and the
//   folders below it may), tests, benchmarks and examples included;
// - no source file imports from tests/, bench/, examples/, npm/ or _tools/;
// - no file takes node:assert/strict as a namespace (`import * as`): on
//   Deno (2.9.6) its named functions are the loose ones, so `equal` and
//   `deepEqual` would pass `1` against `"1"`; the default import is strict.
//
// Prints one line per offence and exits 1 when there is any.

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** What each source folder may import, besides itself. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  _base: [],
  _runtime: ["_base"],
  addr: ["_base"],
  dns: ["addr", "_base", "_runtime"],
  socket: ["dns", "addr", "_base", "_runtime"],
  select: ["socket", "_base"],
  selectors: ["select", "socket", "_base"],
  socketserver: ["selectors", "select", "socket", "_base"],
  // The root mod.ts is Python's socket namespace.
  "": ["addr", "dns", "socket"],
};

const SKIP = new Set([".git", "node_modules", ".coverage", "dist"]);

function* tsFiles(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    if (SKIP.has(e.name)) continue;
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(path);
    else if (/\.(ts|mts|mjs|js)$/.test(e.name)) yield path;
  }
}

// Static imports and re-exports (`import ... from "x"`, `export ... from
// "x"`, `import "x"`) and dynamic `import("x")` with a literal.
const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"'`;]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

interface Edge {
  readonly spec: string;
  readonly typeOnly: boolean;
}

function importsOf(text: string): Edge[] {
  // Comments hold examples (`import { x } from "./mod.ts"` in JSDoc): drop
  // them so that only code counts.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /(^|[^:"'`])\/\/.*$/gm,
    "$1",
  );
  const edges: Edge[] = [];
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    if (spec !== undefined) edges.push({ spec, typeOnly: m[2] !== undefined });
  }
  return edges;
}

/** The top folder of a path relative to the root ("" for root files). */
function topOf(rel: string): string {
  const i = rel.indexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return out.join("/");
}

const LOOSE_ASSERT =
  /import\s+\*\s+as\s+\w+\s+from\s+["']node:assert\/strict["']/;

const problems: string[] = [];
for (const file of tsFiles(ROOT)) {
  const rel = file.slice(ROOT.length + 1);
  if (LOOSE_ASSERT.test(Deno.readTextFileSync(file))) {
    problems.push(
      `${rel}: import * as from node:assert/strict is loose on Deno; use \`import assert from "node:assert/strict"\``,
    );
  }
  const from = topOf(rel);
  const isSource = from in ALLOWED;
  for (const { spec, typeOnly } of importsOf(Deno.readTextFileSync(file))) {
    if (!spec.startsWith(".")) continue;
    const target = normalize(`${dirOf(rel)}/${spec}`);
    const to = topOf(target);
    const base = target.slice(target.lastIndexOf("/") + 1);
    const where = `${rel}: imports ${spec}`;
    if (base.startsWith("_")) {
      const home = dirOf(target);
      const here = dirOf(rel);
      if (here !== home && !here.startsWith(`${home}/`)) {
        problems.push(`${where}: another folder's internal file`);
      }
    }
    if (!isSource || to === from) continue;
    if (!(to in ALLOWED)) {
      problems.push(`${where}: source imports ${to}/`);
      continue;
    }
    const allowed = ALLOWED[from] ?? [];
    if (!allowed.includes(to)) {
      problems.push(`${where}: ${from || "mod.ts"} may not import ${to}/`);
    } else if (from === "_runtime" && to === "_base" && !typeOnly) {
      problems.push(`${where}: _runtime/ takes only types from _base/`);
    }
  }
}

for (const p of problems) console.log(p);
if (problems.length > 0) {
  console.log(`${problems.length} layer problem(s)`);
  Deno.exit(1);
}
console.log("layers: every import points down");
