/**
 * Builds the npm package of pysocket into npm/dist/ from the Deno source:
 * ES modules (esm/), CommonJS (script/), declarations next to each, with
 * `_runtime/node.ts` in place of `_runtime/deno.ts`; and the test suite,
 * compiled against that build, into npm/dist/test/ (not part of the package).
 *
 * ```sh
 * deno run -A npm/build.ts            # build
 * deno run -A npm/build.ts --verify   # build twice, fail unless identical
 * ```
 *
 * The compiler is `npm:typescript` at a pinned version; Node's type
 * definitions come from npm/tools (installed with `npm ci` from its lock
 * file when missing).
 *
 * @module
 */

import ts from "npm:typescript@5.9.3";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const NPM = path.join(ROOT, "npm");
const TOOLS = path.join(NPM, "tools");
const DIST = path.join(NPM, "dist");

/** Source folders compiled into the package, besides mod.ts. */
const SOURCE_DIRS = [
  "addr",
  "dns",
  "socket",
  "select",
  "selectors",
  "socketserver",
];
const RUNTIME_LINE = 'export * from "./deno.ts";';
const NODE_RUNTIME_LINE = 'export * from "./node.ts";';

/** A built tree: relative path to file contents. */
type Tree = Map<string, string>;

function rel(p: string): string {
  return path.relative(ROOT, p).split(path.sep).join("/");
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

function listAll(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listAll(p));
    else out.push(p);
  }
  return out.sort();
}

// ------------------------------------------------------------------ tools

function run(cmd: string, args: string[], cwd: string): void {
  const out = new Deno.Command(cmd, { args, cwd, stdout: "inherit" })
    .outputSync();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${out.code})`);
  }
}

/** Installs npm/tools from its lock file unless it is there already. */
export function ensureTools(): void {
  const lock = JSON.parse(
    fs.readFileSync(path.join(TOOLS, "package-lock.json"), "utf8"),
  ) as { packages: Record<string, { version?: string }> };
  const missing = Object.entries(lock.packages).some(([p, info]) => {
    if (p === "" || info.version === undefined) return false;
    try {
      const meta = JSON.parse(
        fs.readFileSync(path.join(TOOLS, p, "package.json"), "utf8"),
      ) as { version: string };
      return meta.version !== info.version;
    } catch {
      return true;
    }
  });
  if (missing) run("npm", ["ci", "--no-audit", "--no-fund"], TOOLS);
}

// --------------------------------------------------------------- rewrites

/**
 * Rewrites the module specifiers of one file: `map` gets each specifier
 * and returns the new one (or the same). Covers import and export
 * declarations, `import("...")` with a string literal, and import types.
 */
function specifierRewriter<T extends ts.Node>(
  map: (spec: string) => string,
  forTests = false,
): ts.TransformerFactory<T> {
  return (context) => {
    const f = context.factory;
    // Deno's \`import.meta.main\`, which Node 20 lacks: whether this module
    // is the program (the test shim sets Deno.mainModule).
    const isMain = () =>
      f.createParenthesizedExpression(f.createStrictEquality(
        f.createPropertyAccessExpression(
          f.createIdentifier("Deno"),
          "mainModule",
        ),
        f.createPropertyAccessExpression(
          f.createMetaProperty(
            ts.SyntaxKind.ImportKeyword,
            f.createIdentifier("meta"),
          ),
          "url",
        ),
      ));
    const lit = (node: ts.Expression | undefined) =>
      node && ts.isStringLiteral(node) && map(node.text) !== node.text
        ? f.createStringLiteral(map(node.text))
        : undefined;
    const visit = (node: ts.Node): ts.Node => {
      if (
        forTests && ts.isPropertyAccessExpression(node) &&
        ts.isMetaProperty(node.expression) &&
        node.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
        node.name.text === "main"
      ) {
        return isMain();
      }
      if (ts.isImportDeclaration(node)) {
        const s = lit(node.moduleSpecifier);
        if (s) {
          return f.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            s,
            node.attributes,
          );
        }
      } else if (ts.isExportDeclaration(node)) {
        const s = lit(node.moduleSpecifier);
        if (s) {
          return f.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            s,
            node.attributes,
          );
        }
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments.length >= 1
      ) {
        const s = lit(node.arguments[0]);
        if (s) {
          return f.updateCallExpression(node, node.expression, undefined, [
            s,
            ...node.arguments.slice(1),
          ]);
        }
      } else if (
        ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)
      ) {
        const s = lit(node.argument.literal as ts.Expression);
        if (s) {
          return f.updateImportTypeNode(
            node,
            f.createLiteralTypeNode(s),
            node.attributes,
            node.qualifier,
            node.typeArguments,
            node.isTypeOf,
          );
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (node) => ts.visitNode(node, visit) as T;
  };
}

function toJs(spec: string): string {
  return spec.startsWith(".") && spec.endsWith(".ts")
    ? spec.slice(0, -3) + ".js"
    : spec;
}

// ---------------------------------------------------------------- package

const BASE_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  // What Node.js 20 has: ES2023, ES2024 strings, Symbol.dispose.
  lib: [
    "lib.es2023.d.ts",
    "lib.es2024.string.d.ts",
    "lib.esnext.disposable.d.ts",
    "lib.dom.d.ts",
  ],
  types: ["node"],
  typeRoots: [path.join(TOOLS, "node_modules", "@types")],
  // As deno.json has them: the package compiles under the same checks.
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  declaration: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  skipLibCheck: true,
  newLine: ts.NewLineKind.LineFeed,
  removeComments: false,
  noEmitOnError: true,
  rootDir: ROOT,
};

function sourceFiles(): string[] {
  const files = [path.join(ROOT, "mod.ts")];
  for (const d of SOURCE_DIRS) files.push(...listTs(path.join(ROOT, d)));
  files.push(path.join(ROOT, "_runtime", "runtime.ts"));
  files.push(path.join(ROOT, "_runtime", "node.ts"));
  return files;
}

/** One compilation of the module, into `outPrefix` of `tree`. */
function compileModule(
  module: ts.ModuleKind,
  outPrefix: string,
  tree: Tree,
): void {
  const options: ts.CompilerOptions = {
    ...BASE_OPTIONS,
    module,
    moduleResolution: module === ts.ModuleKind.CommonJS
      ? ts.ModuleResolutionKind.Node10
      : ts.ModuleResolutionKind.Bundler,
    outDir: path.join(DIST, "x"),
  };
  const host = ts.createCompilerHost(options);
  const runtimeTs = path.join(ROOT, "_runtime", "runtime.ts");
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = readFile(file);
    if (text === undefined || path.resolve(file) !== runtimeTs) return text;
    const lines = text.split("\n");
    const at = lines.indexOf(RUNTIME_LINE);
    if (at < 0 || lines.lastIndexOf(RUNTIME_LINE) !== at) {
      throw new Error(`${rel(runtimeTs)}: expected one line ${RUNTIME_LINE}`);
    }
    lines[at] = NODE_RUNTIME_LINE;
    return lines.join("\n");
  };
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, onError, create) => {
    if (path.resolve(file) !== runtimeTs) {
      return getSourceFile(file, lang, onError, create);
    }
    return ts.createSourceFile(file, host.readFile(file)!, lang, true);
  };
  const program = ts.createProgram(sourceFiles(), options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  }
  const shipped = new Set<string>();
  const result = program.emit(
    undefined,
    (file, text) => {
      const r = path.relative(options.outDir!, file).split(path.sep).join("/");
      if (r.startsWith("..")) throw new Error(`emitted outside: ${file}`);
      tree.set(`${outPrefix}/${r}`, npmNames(text));
      shipped.add(r);
    },
    undefined,
    false,
    { afterDeclarations: [specifierRewriter(toJs)] },
  );
  if (result.emitSkipped || result.diagnostics.length > 0) {
    throw new Error(
      ts.formatDiagnosticsWithColorAndContext(result.diagnostics, host),
    );
  }
  for (const f of shipped) {
    if (f.startsWith("_runtime/deno.")) {
      throw new Error(`_runtime/deno.ts was compiled in: ${f}`);
    }
  }
}

/** The package's entry points, as paths under esm/ and script/. */
const ENTRY_POINTS = [
  "mod.js",
  "select/mod.js",
  "selectors/mod.js",
  "socketserver/mod.js",
];

/**
 * Makes script/ a thin CommonJS face of esm/: each entry point is
 * `module.exports = require("../esm/...")` (Node's require(esm), Node.js
 * 20.19 and later, and Bun), and no other compiled JavaScript is kept, only
 * the declarations, which CommonJS users' TypeScript reads. One copy of the
 * code then runs however the package is loaded, so a program (or two of
 * its dependencies) that both imports and requires pysocket sees one
 * descriptor table, one default timeout and one set of classes.
 */
function cjsWrappers(tree: Tree): void {
  for (const k of [...tree.keys()]) {
    if (k.startsWith("script/") && k.endsWith(".js")) tree.delete(k);
  }
  for (const entry of ENTRY_POINTS) {
    const up = "../".repeat(entry.split("/").length);
    tree.set(
      `script/${entry}`,
      `"use strict";\n// CommonJS entry point: the ES module build itself (require(esm)).\n` +
        `module.exports = require("${up}esm/${entry}");\n`,
    );
  }
}

/**
 * The doc examples import the package by its JSR name (`@pysocket/socket`,
 * `@pysocket/socket/select`, ...); in the npm package it is `pysocket`. Only
 * comments carry the name: the code imports by path.
 */
function npmNames(text: string): string {
  return text.replaceAll('"@pysocket/socket', '"pysocket');
}

interface DenoJson {
  version: string;
}

function packageJson(version: string): string {
  const pkg = {
    name: "pysocket",
    version,
    description:
      "Python's socket module for Node.js and Deno: BSD sockets with Python's names, constants, errno values and messages, typed and async",
    license: "MIT",
    keywords: [
      "socket",
      "python",
      "bsd-sockets",
      "tcp",
      "udp",
      "unix-socket",
      "getaddrinfo",
      "dns",
      "select",
      "epoll",
      "selectors",
      "socketserver",
      "deno",
      "bun",
    ],
    // No `repository`, `homepage` or `bugs`: the project has no public
    // repository or issue tracker yet (npm/README.md says so). Add them here
    // when it has.
    type: "module",
    main: "./script/mod.js",
    module: "./esm/mod.js",
    types: "./esm/mod.d.ts",
    exports: {
      ".": {
        import: { types: "./esm/mod.d.ts", default: "./esm/mod.js" },
        require: { types: "./script/mod.d.ts", default: "./script/mod.js" },
      },
      ...Object.fromEntries(
        ["select", "selectors", "socketserver"].map((m) => [`./${m}`, {
          import: {
            types: `./esm/${m}/mod.d.ts`,
            default: `./esm/${m}/mod.js`,
          },
          require: {
            types: `./script/${m}/mod.d.ts`,
            default: `./script/${m}/mod.js`,
          },
        }]),
      ),
      "./package.json": "./package.json",
    },
    files: ["esm/", "script/", "README.md", "LICENSE"],
    // require(esm), which the CommonJS entry points use: 20.19 and later.
    engines: { node: ">=20.19" },
    sideEffects: false,
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

// ------------------------------------------------------------------ tests

/** Where a source path of the repository lands in the build. */
function builtPath(sourceRel: string): string {
  return `esm/${sourceRel.replace(/\.ts$/, ".js")}`;
}

/**
 * The tests, each compiled on its own (they are type-checked by Deno, with
 * Deno's types): imports of tests/ files stay within test/, imports of the
 * module go to the built package in esm/.
 */
function compileTests(tree: Tree): void {
  const testsDir = path.join(ROOT, "tests");
  const entries: string[] = [];
  for (const file of listAll(testsDir)) {
    const r = rel(file);
    // The Deno adapter's own tests: there is no Deno adapter in the build.
    if (r.startsWith("tests/runtime/deno_")) continue;
    if (!file.endsWith(".ts")) {
      tree.set(`test/${r}`, fs.readFileSync(file, "latin1"));
      continue;
    }
    const outRel = `test/${r.replace(/\.ts$/, ".js")}`;
    const map = (spec: string) => {
      if (!spec.startsWith(".")) return spec;
      const target = rel(path.resolve(path.dirname(file), spec));
      if (target.startsWith("tests/") || !target.endsWith(".ts")) {
        return toJs(spec);
      }
      let to = path.posix.relative(
        path.posix.dirname(outRel),
        builtPath(target),
      );
      if (!to.startsWith(".")) to = `./${to}`;
      return to;
    };
    tree.set(outRel, transpile(file, map));
    if (r.endsWith("_test.ts")) entries.push(outRel.slice("test/".length));
  }
  for (const file of listTs(path.join(NPM, "test"))) {
    // The shim's import of the runtime goes to the built one.
    const map = (spec: string) =>
      spec === "../../_runtime/node.ts"
        ? "../esm/_runtime/node.js"
        : toJs(spec);
    tree.set(`test/${path.basename(file, ".ts")}.js`, transpile(file, map));
  }
  tree.set("test/entries.json", JSON.stringify(entries, null, 2) + "\n");
}

function transpile(file: string, map: (spec: string) => string): string {
  const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      allowImportingTsExtensions: true,
      newLine: ts.NewLineKind.LineFeed,
    },
    reportDiagnostics: false,
    transformers: { after: [specifierRewriter(map, true)] },
  });
  return out.outputText;
}

// ------------------------------------------------------------------ build

/** Builds everything into a tree in memory. */
export function build(): Tree {
  const tree: Tree = new Map();
  const denoJson = JSON.parse(
    fs.readFileSync(path.join(ROOT, "deno.json"), "utf8"),
  ) as DenoJson;
  compileModule(ts.ModuleKind.ESNext, "esm", tree);
  compileModule(ts.ModuleKind.CommonJS, "script", tree);
  cjsWrappers(tree);
  tree.set("script/package.json", '{\n  "type": "commonjs"\n}\n');
  tree.set("package.json", packageJson(denoJson.version));
  // The README for Node.js users (the main one is Deno's).
  tree.set(
    "README.md",
    fs.readFileSync(path.join(NPM, "README.md"), "utf8"),
  );
  tree.set("LICENSE", fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
  compileTests(tree);
  return tree;
}

/** A digest of a tree, for comparing builds. */
export function digest(tree: Tree): string {
  const h = createHash("sha256");
  for (const k of [...tree.keys()].sort()) {
    h.update(k).update("\0").update(tree.get(k)!).update("\0");
  }
  return h.digest("hex");
}

function writeTree(tree: Tree, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const k of [...tree.keys()].sort()) {
    const p = path.join(dir, k);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(
      p,
      tree.get(k)!,
      k.startsWith("test/") ? "latin1" : "utf8",
    );
  }
}

/** A digest of the files under `dir` as they are on disk. */
export function digestDir(dir: string): string {
  const h = createHash("sha256");
  for (const f of listAll(dir)) {
    const r = path.relative(dir, f).split(path.sep).join("/");
    if (r.startsWith("node_modules/") || r.endsWith(".tgz")) continue;
    h.update(r).update("\0").update(fs.readFileSync(f)).update("\0");
  }
  return h.digest("hex");
}

if (import.meta.main) {
  ensureTools();
  const tree = build();
  writeTree(tree, DIST);
  const first = digestDir(DIST);
  console.log(`npm/dist: ${tree.size} files, sha256 ${first}`);
  if (Deno.args.includes("--verify")) {
    const second = fs.mkdtempSync(path.join(os.tmpdir(), "pysocket-npm-"));
    writeTree(build(), second);
    const again = digestDir(second);
    fs.rmSync(second, { recursive: true, force: true });
    if (again !== first) {
      console.error(`not deterministic: second build gave sha256 ${again}`);
      Deno.exit(1);
    }
    console.log("deterministic: a second build gave identical files");
  }
}
