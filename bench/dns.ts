// Benchmark section "Look-up functions": services and protocols per call
// after the first (a cached table here, a file read per call in CPython) and
// getaddrinfo on numeric hosts, against CPython's same calls under timeit.
import { fmtInt, fmtRatio, type Section, timeitOps } from "./_section.ts";
import {
  AF_INET,
  getaddrinfo,
  getprotobyname,
  getservbyname,
  getservbyport,
  SOCK_STREAM,
} from "../mod.ts";

interface Case {
  readonly name: string;
  readonly python: string;
  readonly run: () => unknown;
  readonly async: boolean;
  /** The ratio this workload should reach, if it has a target. */
  readonly target?: number;
}

const CASES: readonly Case[] = [
  {
    name: 'getservbyname("http", "tcp")',
    python: 'getservbyname("http", "tcp")',
    run: () => getservbyname("http", "tcp"),
    async: false,
    target: 10,
  },
  {
    name: 'getservbyname("pop3s")',
    python: 'getservbyname("pop3s")',
    run: () => getservbyname("pop3s"),
    async: false,
    target: 10,
  },
  {
    name: 'getservbyport(443, "tcp")',
    python: 'getservbyport(443, "tcp")',
    run: () => getservbyport(443, "tcp"),
    async: false,
  },
  {
    name: 'getprotobyname("udp")',
    python: 'getprotobyname("udp")',
    run: () => getprotobyname("udp"),
    async: false,
    target: 10,
  },
  {
    name: 'getaddrinfo("127.0.0.1", 80, AF_INET, SOCK_STREAM)',
    python: 'getaddrinfo("127.0.0.1", 80, AF_INET, SOCK_STREAM)',
    run: () => getaddrinfo("127.0.0.1", 80, AF_INET, SOCK_STREAM),
    async: true,
  },
  {
    name: 'getaddrinfo("::1", 80)',
    python: 'getaddrinfo("::1", 80)',
    run: () => getaddrinfo("::1", 80),
    async: true,
  },
];

// ops/s: the best of `rounds` timed batches of about `ms` each.
async function denoOps(c: Case, rounds: number, ms: number): Promise<number> {
  await c.run(); // the first call reads and parses the file
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) c.async ? await c.run() : c.run();
    if (performance.now() - t0 > ms / 4) break;
    n *= 2;
  }
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) c.async ? await c.run() : c.run();
    const dt = (performance.now() - t0) / 1000;
    best = Math.max(best, n / dt);
  }
  return best;
}

function pythonOps(repeat: number): Promise<number[] | null> {
  return timeitOps(
    "from socket import getservbyname, getservbyport, getprotobyname, getaddrinfo, AF_INET, SOCK_STREAM",
    CASES.map((c) => c.python),
    repeat,
  );
}

/** Runs the section; `quick` keeps it to a few seconds. */
export async function run(quick: boolean): Promise<Section> {
  const rounds = quick ? 3 : 7;
  const ms = quick ? 100 : 300;
  const ours: number[] = [];
  for (const c of CASES) ours.push(await denoOps(c, rounds, ms));
  const py = await pythonOps(quick ? 0 : 5);
  const notes: string[] = [
    "ops/s, best of several timed batches; the first call (which reads the file) is left out.",
  ];
  if (py === null) notes.push("python3 not found: CPython column skipped.");
  const rows = CASES.map((c, i) => {
    const mine = ours[i] ?? NaN;
    const theirs = py?.[i];
    const ratio = theirs === undefined ? null : mine / theirs;
    if (ratio !== null && c.target !== undefined && ratio < c.target) {
      notes.push(
        `${c.name}: ${fmtRatio(ratio)}, under the ${c.target}x target.`,
      );
    }
    return [
      c.name,
      fmtInt(mine),
      theirs === undefined ? "-" : fmtInt(theirs),
      ratio === null ? "-" : fmtRatio(ratio),
      c.target ? `${c.target}x` : "",
    ];
  });
  return {
    title: "Look-up functions",
    header: ["call", "pysocket ops/s", "CPython ops/s", "ratio", "target"],
    rows,
    notes,
  };
}
