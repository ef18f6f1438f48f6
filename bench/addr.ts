// Benchmark section "Address functions": pysocket's inet_* and htons under
// `deno bench --json` (bench/addr_bench.ts), against CPython's same calls
// timed with timeit in the same run.
import { fmtInt, fmtRatio, type Section, timeitOps } from "./_section.ts";

// Bench names in addr_bench.ts, and the CPython statement for each.
const CASES: readonly (readonly [string, string])[] = [
  ["inet_aton", 'inet_aton("192.168.1.1")'],
  ["inet_pton AF_INET", 'inet_pton(AF_INET, "192.168.1.1")'],
  [
    "inet_pton AF_INET6",
    'inet_pton(AF_INET6, "2002:ac10:10a:1234:21e:52ff:fe74:40e")',
  ],
  ["inet_ntop AF_INET", "inet_ntop(AF_INET, V4)"],
  ["inet_ntop AF_INET6", "inet_ntop(AF_INET6, V6)"],
  ["htons", "htons(8080)"],
];

interface BenchJson {
  benches: {
    name: string;
    results: { ok?: { avg: number } }[];
  }[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

// ops/s per bench name; the median of `runs` runs of `deno bench`.
async function denoOps(runs: number): Promise<Map<string, number>> {
  const file = new URL("./addr_bench.ts", import.meta.url).pathname;
  const avgs = new Map<string, number[]>();
  for (let r = 0; r < runs; r++) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["bench", "--json", "--no-check", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `deno bench failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    const json = JSON.parse(new TextDecoder().decode(out.stdout)) as BenchJson;
    for (const b of json.benches) {
      const avg = b.results[0]?.ok?.avg;
      if (avg === undefined) continue;
      const list = avgs.get(b.name) ?? [];
      list.push(avg);
      avgs.set(b.name, list);
    }
  }
  const ops = new Map<string, number>();
  for (const [name, list] of avgs) ops.set(name, 1e9 / median(list));
  return ops;
}

// ops/s per statement: the best of `repeat` timeit runs of about 0.2 s
// each, or with `repeat` 0 just timeit's own calibration run.
function pythonOps(repeat: number): Promise<number[] | null> {
  return timeitOps(
    [
      "from socket import inet_aton, inet_pton, inet_ntop, htons, AF_INET, AF_INET6",
      "V4 = bytes([192, 168, 1, 1])",
      'V6 = inet_pton(AF_INET6, "2002:ac10:10a:1234:21e:52ff:fe74:40e")',
    ].join("\n"),
    CASES.map(([, stmt]) => stmt),
    repeat,
  );
}

/** Runs the section; `quick` runs `deno bench` once and timeit with fewer repeats. */
export async function run(quick: boolean): Promise<Section> {
  // Quick mode runs both sides at once (a few seconds in all); the full
  // run times them one after the other so they do not compete for cores.
  let ours: Map<string, number>;
  let theirs: number[] | null;
  if (quick) {
    [ours, theirs] = await Promise.all([denoOps(1), pythonOps(0)]);
  } else {
    ours = await denoOps(3);
    theirs = await pythonOps(5);
  }
  const notes: string[] = [];
  const slower: string[] = [];
  const rows = CASES.map(([name], i) => {
    const mine = ours.get(name);
    const py = theirs?.[i];
    if (mine !== undefined && py !== undefined && mine < py) slower.push(name);
    return [
      name,
      mine === undefined ? "n/a" : fmtInt(mine),
      py === undefined ? "n/a" : fmtInt(py),
      mine === undefined || py === undefined ? "n/a" : fmtRatio(mine / py),
    ];
  });
  notes.push(
    `pysocket: \`deno bench --json bench/addr_bench.ts\`, ${
      quick ? "one run" : "median of 3 runs"
    }; CPython: \`timeit\`, ${
      quick
        ? "one calibration run (quick mode: both sides run at once and share the cores, so figures are rough)"
        : "best of 5"
    }; ratio > 1 means pysocket is faster.`,
  );
  if (theirs === null) notes.push("CPython column skipped: no python3 found.");
  notes.push(
    slower.length
      ? `Slower than CPython (target missed): ${slower.join(", ")}.`
      : "pysocket is at least as fast as CPython for every function.",
  );
  return {
    title: "Address functions",
    header: ["function", "pysocket ops/s", "CPython ops/s", "ratio"],
    rows,
    notes,
  };
}
