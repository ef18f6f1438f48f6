// Benchmark section "HTTP/1.1 keep-alive server": the same small server
// (bench/_http_peer.*) on pysocket (Deno), raw Deno.listen, pysocket's npm
// build on Node, raw node:net and CPython (a thread per connection), each in
// a process of its own, loaded by wrk (or `ab -k` where wrk is missing).
// Figures: requests per second, and the server process's CPU time per
// request (user + system, all its threads, from /proc/<pid>/stat). Rounds
// are interleaved; each figure is the median of the rounds.
//
// PYSOCKET_ROOT=/path/a[:/path/b] measures the pysocket of other checkouts
// (each its own rows, in the same rounds): see bench/_peers.ts.
// BENCH_HTTP_LOAD=ab loads with `ab -k` even where wrk is installed.
import { fmtInt, fmtRatio, type Section } from "./_section.ts";
import {
  clockTicks,
  cpuMicros,
  denoPeer,
  exists,
  loadAverage,
  median,
  named,
  nodePeer,
  type PeerCommand,
  pysocketRoots,
  pythonPeer,
  type Root,
  runs,
  Server,
} from "./_peers.ts";

const CONNECTIONS = 32;
const RAW_DENO = "raw Deno.listen";
const CPYTHON = "CPython (threads)";

interface Column {
  readonly name: string;
  /** The checkout, for pysocket's columns. */
  readonly root: Root | null;
  /** Why it cannot run here, or `null`. */
  missing(): Promise<string | null>;
  readonly server: PeerCommand;
}

type Tool = "wrk" | "ab";

/** One load run: what the load generator saw. */
interface Load {
  requests: number;
  seconds: number;
  failed: number;
}

// wrk, else ab; installed with apt-get when neither is there.
// BENCH_HTTP_LOAD=ab (or wrk) asks for one.
async function loadTool(notes: string[]): Promise<Tool | null> {
  const asked = Deno.env.get("BENCH_HTTP_LOAD");
  if ((asked === "ab" || asked === "wrk") && await exists(asked)) return asked;
  if (await exists("wrk")) return "wrk";
  if (await exists("ab")) return "ab";
  const tools: ReadonlyArray<[string, Tool]> = [
    ["wrk", "wrk"],
    ["apache2-utils", "ab"],
  ];
  for (const [pkg, tool] of tools) {
    console.log(`(http: ${tool} missing; trying apt-get install ${pkg})`);
    const ok = await runs("apt-get", ["install", "-y", "-q", pkg]) ||
      (await runs("apt-get", ["update", "-q"]) &&
        await runs("apt-get", ["install", "-y", "-q", pkg]));
    if (ok && await exists(tool)) {
      notes.push(`${tool} installed with apt-get for this run`);
      return tool;
    }
  }
  return null;
}

async function load(tool: Tool, port: number, seconds: number): Promise<Load> {
  const url = `http://127.0.0.1:${port}/`;
  const args = tool === "wrk"
    ? ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, url]
    : [
      "-k",
      "-q",
      "-c",
      String(CONNECTIONS),
      "-t",
      String(seconds),
      "-n",
      "100000000",
      url,
    ];
  const out = await new Deno.Command(tool, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  if (tool === "wrk") {
    const requests = num(/(\d+) requests in/);
    const rps = num(/Requests\/sec:\s+([\d.]+)/);
    const socketErrors =
      /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
        .exec(text);
    const failed = (socketErrors
      ? socketErrors.slice(1).reduce((a, b) =>
        a + Number(b), 0)
      : 0) + (num(/Non-2xx or 3xx responses: (\d+)/) || 0);
    if (!(requests > 0)) throw new Error(`wrk: no requests:\n${text}`);
    return { requests, seconds: requests / rps, failed };
  }
  const requests = num(/Complete requests:\s+(\d+)/);
  const taken = num(/Time taken for tests:\s+([\d.]+)/);
  const failed = num(/Failed requests:\s+(\d+)/) +
    (num(/Non-2xx responses:\s+(\d+)/) || 0);
  if (!(requests > 0)) {
    throw new Error(
      `ab: no requests:\n${text}${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return { requests, seconds: taken, failed };
}

async function npmBuilt(root: Root): Promise<string | null> {
  if (!await runs("node", ["--version"])) return "node is not installed";
  try {
    Deno.statSync(`${root.path}/npm/dist/esm/mod.js`);
    return null;
  } catch {
    return `the npm build ${root.path}/npm/dist is missing (\`deno task npm\` makes it)`;
  }
}

function columns(roots: Root[]): Column[] {
  const ready = () => Promise.resolve(null);
  const cols: Column[] = [];
  for (const root of roots) {
    cols.push({
      name: named("pysocket (Deno)", root),
      root,
      missing: ready,
      server: denoPeer("./_http_peer.ts", root, "pysocket"),
    });
  }
  cols.push({
    name: RAW_DENO,
    root: null,
    missing: ready,
    server: denoPeer("./_http_peer.ts", null, "deno"),
  });
  for (const root of roots) {
    cols.push({
      name: named("pysocket (Node)", root),
      root,
      missing: () => npmBuilt(root),
      server: nodePeer("./_http_peer.mjs", root, "pysocket"),
    });
  }
  cols.push({
    name: "raw node:net",
    root: null,
    missing: async () =>
      await runs("node", ["--version"]) ? null : "node is not installed",
    server: nodePeer("./_http_peer.mjs", null, "net"),
  });
  cols.push({
    name: CPYTHON,
    root: null,
    missing: async () =>
      await runs("python3", ["-V"]) ? null : "python3 is not installed",
    server: pythonPeer("./_http_peer.py"),
  });
  return cols;
}

interface Round {
  rps: number;
  cpuPerRequest: number;
  failed: number;
  serverErrors: number;
  resets: number;
}

// One server: started, warmed up, loaded for `seconds` while its CPU time
// is taken, stopped.
async function measure(
  col: Column,
  tool: Tool,
  seconds: number,
  warmup: number,
  ticks: number,
): Promise<Round> {
  const [server, port] = await Server.start(col.server);
  try {
    await load(tool, port, warmup);
    const cpu0 = cpuMicros(server.child.pid, ticks);
    const got = await load(tool, port, seconds);
    const cpu1 = cpuMicros(server.child.pid, ticks);
    const { errors, resets } = await server.stop();
    return {
      rps: got.requests / got.seconds,
      cpuPerRequest: (cpu1 - cpu0) / got.requests,
      failed: got.failed,
      serverErrors: errors ?? 0,
      resets: resets ?? 0,
    };
  } catch (e) {
    try {
      server.child.kill();
    } catch { /* already gone */ }
    throw e;
  }
}

/** Runs the http section. */
export async function run(quick: boolean): Promise<Section> {
  const notes: string[] = [];
  const header = [
    "server",
    "requests/s",
    "CPU µs / request",
    "failed requests",
    "req/s ÷ raw Deno",
    "req/s ÷ CPython",
  ];
  const title = "HTTP/1.1 keep-alive server";
  const tool = await loadTool(notes);
  if (tool === null) {
    const why = "skipped: neither wrk nor ab (apache2-utils) is installed, " +
      "and apt-get could not install them";
    console.log(`(section http: ${why})`);
    return { title, header, rows: [], notes: [why] };
  }
  const cols: Column[] = [];
  for (const col of columns(await pysocketRoots())) {
    const why = await col.missing();
    if (why) {
      notes.push(`${col.name} skipped: ${why}`);
      console.log(`(http: ${col.name} skipped: ${why})`);
    } else cols.push(col);
  }
  const rounds = quick ? 2 : 5;
  const seconds = quick ? 2 : 5;
  const warmup = quick ? 1 : 2;
  const ticks = await clockTicks();
  const loadBefore = loadAverage();
  const all = new Map<string, Round[]>(cols.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const col of cols) {
      all.get(col.name)!.push(await measure(col, tool, seconds, warmup, ticks));
    }
  }
  const fig = new Map(
    cols.map((c) => {
      const rs = all.get(c.name)!;
      return [c.name, {
        rps: median(rs.map((x) => x.rps)),
        cpu: median(rs.map((x) => x.cpuPerRequest)),
        failed: rs.reduce((a, x) => a + x.failed, 0),
        serverErrors: rs.reduce((a, x) => a + x.serverErrors, 0),
        resets: rs.reduce((a, x) => a + x.resets, 0),
      }];
    }),
  );
  const raw = fig.get(RAW_DENO)!;
  const cp = fig.get(CPYTHON);
  const rows = cols.map((c) => {
    const f = fig.get(c.name)!;
    return [
      c.name,
      fmtInt(f.rps),
      f.cpu.toFixed(1),
      String(f.failed),
      fmtRatio(f.rps / raw.rps),
      cp ? fmtRatio(f.rps / cp.rps) : "",
    ];
  });
  for (const c of cols) {
    if (c.root === null || !c.name.startsWith("pysocket (Deno)")) continue;
    const f = fig.get(c.name)!;
    const vsRaw = f.rps / raw.rps;
    const parts = [
      `${c.name}: ${fmtRatio(vsRaw)} raw Deno (target 0.95x: ${
        vsRaw >= 0.95 ? "met" : "MISSED"
      })`,
    ];
    if (cp) {
      parts.push(
        `${fmtRatio(f.rps / cp.rps)} CPython (target above 1x: ${
          f.rps > cp.rps ? "met" : "MISSED"
        })`,
      );
    }
    parts.push(
      `failed requests ${f.failed} (target 0: ${
        f.failed === 0 ? "met" : "MISSED"
      })`,
    );
    notes.push(parts.join("; "));
  }
  for (const c of cols) {
    const e = fig.get(c.name)!.serverErrors;
    if (e > 0) {
      notes.push(`${c.name}: ${e} connections ended in an error (not a reset)`);
    }
  }
  notes.push(
    `${
      tool === "wrk" ? "wrk -t1" : "ab -k"
    } with ${CONNECTIONS} keep-alive connections, ` +
      `${seconds} s per run after ${warmup} s of warm-up; median of ${rounds} interleaved rounds ` +
      "(failed requests: the sum over them, as the load generator counts them; connections the load generator resets when a run ends are not errors). Each request is a GET answered with a 13-byte body. " +
      `CPU: the server process's user + system time (all threads) per request; the load generator shares the machine. ` +
      `Load average ${loadBefore} before, ${loadAverage()} after.`,
  );
  return { title, header, rows, notes };
}
