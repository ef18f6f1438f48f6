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

type Mode = "recv" | "readline" | "bulk";
const MODES: readonly Mode[] = ["recv", "readline", "bulk"];
const CPYTHON = "CPython";

interface Column {
  readonly name: string;
  readonly pysocket: boolean;
  command(mode: Mode, port: number, amount: number): PeerCommand;
}

// One client run against a fresh server: the median of its timings after
// the first tenth (at least the first one) is dropped.
async function once(
  col: Column,
  mode: Mode,
  amount: number,
): Promise<number> {
  const [server, port] = await Server.start(
    pythonPeer("./_line_peer.py", "server"),
  );
  try {
    const { us } = await client<{ us: number[] }>(
      col.command(mode, port, amount),
    );
    return median(us.slice(Math.max(1, Math.floor(us.length / 10))));
  } finally {
    await server.stop();
  }
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
  const reads = quick ? 4 : 12;
  const loadBefore = loadAverage();
  const all = new Map<string, Record<Mode, number[]>>(
    cols.map((c) => [c.name, { recv: [], readline: [], bulk: [] }]),
  );
  for (let r = 0; r < rounds; r++) {
    for (const col of cols) {
      // recv and readline take turns going first.
      const order = r % 2 ? ["readline", "recv", "bulk"] as const : MODES;
      for (const mode of order) {
        all.get(col.name)![mode].push(
          await once(col, mode, mode === "bulk" ? reads : trips),
        );
      }
    }
  }
  const fig = (name: string, mode: Mode): number =>
    median(all.get(name)![mode]);
  const cp = cols[cols.length - 1];
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
      "readline ÷ recv (time)",
      ...cols.map((c) =>
        fmtRatio(fig(c.name, "readline") / fig(c.name, "recv"))
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
    const line = fig(c.name, "readline") / fig(c.name, "recv");
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
    } per run of a 22-byte request line (sendall) and a 64-byte reply line, ` +
      "the first tenth dropped; recv: recv(4096) until the reply ends in a newline. " +
      `Bulk: ${reads} reads per run of 16 MiB after a one-line request, the first dropped. ` +
      `Each run on a fresh connection to a fresh server; median of ${rounds} interleaved rounds. ` +
      `Load average ${loadBefore} before, ${loadAverage()} after.`,
  );
  return { title, header, rows, notes };
}
