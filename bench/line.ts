// Benchmark section "Line protocol": a request/reply client against a
// CPython line server (bench/_line_peer.py), reading each reply with
// `makefile("rb").readline()` and, for comparison, with `recv` until the
// newline; and `makefile("rb").read(16 MiB)` of a bulk reply. pysocket's
// client (bench/_line_peer.ts), the same on raw Deno.connect (the floor on
// this runtime) and CPython's (the same code in Python) each
// run in a process of their own, in interleaved rounds; each figure is the
// median of the rounds' medians.
//
// PYSOCKET_ROOT=/path/a[:/path/b] measures the pysocket of other checkouts
// (each its own column, in the same rounds): see bench/_peers.ts.
import { fmtRatio, type Section } from "./_section.ts";
import {
  client,
  denoPeer,
  loadAverage,
  median,
  named,
  type PeerCommand,
  pysocketRoots,
  pythonPeer,
  runs,
  Server,
} from "./_peers.ts";

type Mode = "lines" | "bulk";
const CPYTHON = "CPython";

interface Column {
  readonly name: string;
  readonly pysocket: boolean;
  command(mode: Mode, port: number, amount: number): PeerCommand;
}

interface Figures {
  recv: number;
  readline: number;
  /** readline ÷ recv, within the run. */
  ratio: number;
  bulk: number;
}

// The median of a run's timings after the first `1/drop` of them (at least
// one) is dropped.
const steady = (us: number[], drop: number): number =>
  median(us.slice(Math.max(1, Math.floor(us.length / drop))));
// A fresh connection's first bulk reads are slower (several times, on
// CPython) while the kernel grows the receive window: a third is dropped.
const BULK_DROP = 3;

// One client run against a fresh server.
async function once<T>(
  col: Column,
  mode: Mode,
  amount: number,
): Promise<T> {
  const [server, port] = await Server.start(
    pythonPeer("./_line_peer.py", "server"),
  );
  try {
    return await client<T>(col.command(mode, port, amount));
  } finally {
    await server.stop();
  }
}

async function round(
  col: Column,
  trips: number,
  reads: number,
): Promise<Figures> {
  const lines = await once<{ recv: number[]; readline: number[] }>(
    col,
    "lines",
    trips,
  );
  const bulk = await once<{ us: number[] }>(col, "bulk", reads);
  const recv = steady(lines.recv, 10);
  const readline = steady(lines.readline, 10);
  return {
    recv,
    readline,
    ratio: readline / recv,
    bulk: steady(bulk.us, BULK_DROP),
  };
}

/** Runs the line-protocol section. */
export async function run(quick: boolean): Promise<Section> {
  const title = "Line protocol (client against a CPython line server)";
  if (!await runs("python3", ["-V"])) {
    const why = "skipped: python3 is not installed (the server is CPython)";
    console.log(`(section line: ${why})`);
    return { title, header: ["workload"], rows: [], notes: [why] };
  }
  const cols: Column[] = (await pysocketRoots()).map((root) => ({
    name: named("pysocket (Deno)", root),
    pysocket: true,
    command: (mode, port, amount) =>
      denoPeer("./_line_peer.ts", root, mode, String(port), String(amount)),
  }));
  cols.push({
    name: "raw Deno.connect",
    pysocket: false,
    command: (mode, port, amount) =>
      denoPeer(
        "./_line_peer.ts",
        null,
        mode,
        String(port),
        String(amount),
        "deno",
      ),
  });
  cols.push({
    name: CPYTHON,
    pysocket: false,
    command: (mode, port, amount) =>
      pythonPeer(
        "./_line_peer.py",
        "client",
        mode,
        String(port),
        String(amount),
      ),
  });
  const rounds = quick ? 3 : 5;
  const trips = quick ? 3_000 : 20_000;
  const reads = quick ? 9 : 24;
  const loadBefore = loadAverage();
  const all = new Map<string, Figures[]>(cols.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const col of cols) {
      all.get(col.name)!.push(await round(col, trips, reads));
    }
  }
  const fig = (name: string, key: keyof Figures): number =>
    median(all.get(name)!.map((f) => f[key]));
  const spread = (name: string, key: keyof Figures): string => {
    const xs = all.get(name)!.map((f) => f[key]);
    return `${fmtRatio(Math.min(...xs))}-${fmtRatio(Math.max(...xs))}`;
  };
  const cp = cols[cols.length - 1];
  if (cp === undefined) throw new Error("line: no columns");
  const header = ["workload", ...cols.map((c) => c.name)];
  const rows = [
    [
      "recv round trip, median (µs)",
      ...cols.map((c) => fig(c.name, "recv").toFixed(1)),
    ],
    [
      'makefile("rb").readline() round trip, median (µs)',
      ...cols.map((c) => fig(c.name, "readline").toFixed(1)),
    ],
    [
      "readline ÷ recv (time; rounds' range)",
      ...cols.map((c) =>
        `${fmtRatio(fig(c.name, "ratio"))} (${spread(c.name, "ratio")})`
      ),
    ],
    [
      'makefile("rb").read(16 MiB), median (ms)',
      ...cols.map((c) => (fig(c.name, "bulk") / 1000).toFixed(2)),
    ],
    [
      "read(16 MiB) ÷ CPython's (time)",
      ...cols.map((c) => fmtRatio(fig(c.name, "bulk") / fig(cp.name, "bulk"))),
    ],
  ];
  const notes: string[] = [];
  for (const c of cols.filter((x) => x.pysocket)) {
    const line = fig(c.name, "ratio");
    const bulk = fig(c.name, "bulk") / fig(cp.name, "bulk");
    notes.push(
      `${c.name}: readline ${
        fmtRatio(line)
      } the recv round trip (target at most 1.10x: ${
        line <= 1.1 ? "met" : "MISSED"
      }); read(16 MiB) ${
        fmtRatio(bulk)
      } CPython's time (target at most 1.00x: ${bulk <= 1 ? "met" : "MISSED"})`,
    );
  }
  notes.push(
    `Round trips: ${
      trips.toLocaleString("en-US")
    } per run read each way on one connection, in alternating blocks of 250 (both ways meet the same server thread; with two connections, a thread woken across cores in a VM skewed one of them by up to 7x), ` +
      "each a 22-byte request line (sendall) and a 64-byte reply line, read with recv(4096) until it ends in a newline, " +
      'or with makefile("rb").readline(); the first tenth dropped; readline ÷ recv is taken within each run. ' +
      `Bulk: ${reads} reads per run of 16 MiB, each after a one-line request, on one connection; the first third dropped (the kernel is still growing the receive window). ` +
      `Each run on a fresh connection to a fresh server; median of ${rounds} interleaved rounds. ` +
      `Load average ${loadBefore} before, ${loadAverage()} after.`,
  );
  return { title, header, rows, notes };
}
