// Benchmark section "select": an echo server driven by
// `selectors.DefaultSelector`, written as the Python selectors echo server
// is written, under 1,000 connected clients; the same program on CPython's
// selectors; pysocket's task-per-connection echo server; and raw
// Deno.listen's (the floor on this runtime). Every server runs in a process
// of its own, loaded by one load generator (raw Deno.connect, another
// process: bench/_select_peer.ts `clients`) whose every client sends a
// 32-byte message, waits for its echo and sends again. Rounds are
// interleaved (forwards, then backwards); each figure is the median of the
// rounds, and a ratio the median of the ratios within each round.
//
// Then the memory an idle registered socket costs: idle connections held by
// a pysocket process, measured after a GC with nothing asked of them, then
// registered with a DefaultSelector whose select() is pending (and, for
// comparison, with a pending recv(1024) on each, as a task-per-connection
// server idles).
//
// PYSOCKET_ROOT=/path/a[:/path/b] measures the pysocket of other checkouts
// (each its own rows, in the same rounds): see bench/_peers.ts.
import { fmtInt, fmtRatio, type Section } from "./_section.ts";
import {
  clockTicks,
  cpuMicros,
  denoPeer,
  Lines,
  loadAverage,
  median,
  named,
  type PeerCommand,
  pysocketRoots,
  pythonPeer,
  type Root,
  runs,
  Server,
} from "./_peers.ts";

const CLIENTS = 1000;
const RAW_DENO = "raw Deno.listen (task per connection)";
const CPYTHON = "CPython selectors";

interface Column {
  readonly name: string;
  readonly kind: "selectors" | "tasks" | "deno" | "cpython";
  readonly root: Root | null;
  readonly server: PeerCommand;
}

interface Round {
  rps: number;
  median: number;
  p99: number;
  cpu: number;
  errors: number;
}

// Each side holds a descriptor per client: raised where the soft limit is
// lower, within the hard one.
function withFiles(c: PeerCommand, files = 8192): PeerCommand {
  const raise =
    `n=$(ulimit -n); if [ "$n" != unlimited ] && [ "$n" -lt ${files} ]; ` +
    `then ulimit -n ${files} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; fi; exec "$@"`;
  return { cmd: "sh", args: ["-c", raise, "sh", c.cmd, ...c.args], env: c.env };
}

function loadGenerator(
  port: number,
  warmup: number,
  seconds: number,
): PeerCommand {
  return withFiles(
    denoPeer(
      "./_select_peer.ts",
      null,
      "clients",
      String(port),
      String(CLIENTS),
      String(warmup),
      String(seconds),
    ),
  );
}

// One server: started, loaded (its CPU time taken over the measured
// window), stopped.
async function measure(
  col: Column,
  warmup: number,
  seconds: number,
  ticks: number,
): Promise<Round> {
  const [server, port] = await Server.start(col.server);
  try {
    const g = loadGenerator(port, warmup, seconds);
    const child = new Deno.Command(g.cmd, {
      args: [...g.args],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const out = new Lines(child.stdout);
    if (await out.next() !== "start") {
      throw new Error("load generator: no start");
    }
    const cpu0 = cpuMicros(server.child.pid, ticks);
    const got = JSON.parse(await out.next()) as {
      trips: number;
      seconds: number;
      median: number;
      p99: number;
    };
    const cpu1 = cpuMicros(server.child.pid, ticks);
    await out.drain();
    if (!(await child.status).success) throw new Error("load generator failed");
    const { errors } = await server.stop();
    return {
      rps: got.trips / got.seconds,
      median: got.median,
      p99: got.p99,
      cpu: (cpu1 - cpu0) / got.trips,
      errors: errors ?? 0,
    };
  } catch (e) {
    try {
      server.child.kill();
    } catch { /* already gone */ }
    throw e;
  }
}

interface Memory {
  /** Bytes per socket: held, watched, watched after traffic; heap and RSS. */
  heldHeap: number;
  watchedHeap: number;
  servedHeap: number;
  heldRss: number;
  watchedRss: number;
  servedRss: number;
}

async function memory(root: Root, count: number, how: string): Promise<Memory> {
  const c = withFiles({
    cmd: Deno.execPath(),
    args: [
      "run",
      "-A",
      "--no-check",
      "--v8-flags=--expose-gc",
      new URL("./_select_peer.ts", import.meta.url).pathname,
      "memory",
      String(count),
      how,
    ],
    env: { PYSOCKET_ROOT: root.path },
  });
  const out = await new Deno.Command(c.cmd, {
    args: [...c.args],
    ...(c.env ? { env: c.env } : {}),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`memory ${how} failed`);
  const text = new TextDecoder().decode(out.stdout).trim();
  const m = JSON.parse(text.split("\n").pop() ?? "") as {
    heap: [number, number, number, number];
    rss: [number, number, number, number];
  };
  return {
    heldHeap: (m.heap[1] - m.heap[0]) / count,
    watchedHeap: (m.heap[2] - m.heap[0]) / count,
    servedHeap: (m.heap[3] - m.heap[0]) / count,
    heldRss: (m.rss[1] - m.rss[0]) / count,
    watchedRss: (m.rss[2] - m.rss[0]) / count,
    servedRss: (m.rss[3] - m.rss[0]) / count,
  };
}

function columns(roots: Root[], python: boolean): Column[] {
  const cols: Column[] = [];
  for (const root of roots) {
    cols.push({
      name: named("pysocket DefaultSelector", root),
      kind: "selectors",
      root,
      server: withFiles(
        denoPeer("./_select_peer.ts", root, "server", "selectors"),
      ),
    });
    cols.push({
      name: named("pysocket task per connection", root),
      kind: "tasks",
      root,
      server: withFiles(denoPeer("./_select_peer.ts", root, "server", "tasks")),
    });
  }
  cols.push({
    name: RAW_DENO,
    kind: "deno",
    root: null,
    server: withFiles(denoPeer("./_select_peer.ts", null, "server", "deno")),
  });
  if (python) {
    cols.push({
      name: CPYTHON,
      kind: "cpython",
      root: null,
      server: withFiles(pythonPeer("./_select_peer.py")),
    });
  }
  return cols;
}

const kib = (b: number): string => (b / 1024).toFixed(2);

/** Runs the select section. */
export async function run(quick: boolean): Promise<Section> {
  const title = "select: a selectors echo server under 1,000 clients";
  const notes: string[] = [];
  const python = await runs("python3", ["-V"]);
  if (!python) notes.push(`${CPYTHON} skipped: python3 is not installed`);
  const roots = await pysocketRoots();
  const cols = columns(roots, python);
  const rounds = quick ? 2 : 7;
  const seconds = quick ? 2 : 4;
  const warmup = quick ? 1 : 2;
  const ticks = await clockTicks();
  const loadBefore = loadAverage();
  const all = new Map<string, Round[]>(cols.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    // Forwards, then backwards: each checkout's two pysocket servers run
    // next to each other, in turn first.
    for (let i = 0; i < cols.length; i++) {
      const col = cols[r % 2 ? cols.length - 1 - i : i]!;
      const got = await measure(col, warmup, seconds, ticks);
      console.log(
        `(select: round ${r + 1}, ${col.name}: ${
          fmtInt(got.rps)
        } round trips/s, ${got.cpu.toFixed(1)} µs CPU each)`,
      );
      all.get(col.name)!.push(got);
    }
  }
  const fig = (name: string, key: keyof Round): number =>
    median(all.get(name)!.map((x) => x[key]));
  // A ratio taken within each round (the two runs closest in time), then
  // the median and range over the rounds.
  const perRound = (a: string, b: string): number[] => {
    const xs = all.get(a)!;
    const ys = all.get(b)!;
    return xs.map((x, i) => x.rps / ys[i]!.rps);
  };
  const range = (xs: number[]): string =>
    `${fmtRatio(Math.min(...xs))}-${fmtRatio(Math.max(...xs))}`;
  const cp = cols.find((c) => c.kind === "cpython");
  const header = [
    "echo server",
    "round trips/s",
    "latency median (ms)",
    "latency p99 (ms)",
    "server CPU µs / round trip",
    "round trips/s ÷ CPython",
  ];
  const rows: string[][] = cols.map((c) => [
    c.name,
    fmtInt(fig(c.name, "rps")),
    (fig(c.name, "median") / 1000).toFixed(1),
    (fig(c.name, "p99") / 1000).toFixed(0),
    fig(c.name, "cpu").toFixed(1),
    cp ? fmtRatio(fig(c.name, "rps") / fig(cp.name, "rps")) : "",
  ]);
  for (const root of roots) {
    const sel = named("pysocket DefaultSelector", root);
    const tasks = named("pysocket task per connection", root);
    const vsTasks = perRound(sel, tasks);
    const t = median(vsTasks);
    const parts = [
      `${sel}: ${
        fmtRatio(t)
      } the task-per-connection server's round trips/s (rounds' range ${
        range(vsTasks)
      }; target 0.90x: ${t >= 0.9 ? "met" : "MISSED"})`,
      `${
        fmtRatio(fig(tasks, "cpu") / fig(sel, "cpu"))
      } its CPU efficiency (its CPU per round trip ÷ the selector server's)`,
    ];
    if (cp) {
      const vsPy = perRound(sel, cp.name);
      const p = median(vsPy);
      parts.push(
        `${fmtRatio(p)} CPython's (range ${range(vsPy)}; target above 1x: ${
          p > 1 ? "met" : "MISSED"
        })`,
      );
    }
    notes.push(parts.join("; "));
  }
  for (const c of cols) {
    const e = all.get(c.name)!.reduce((a, x) => a + x.errors, 0);
    if (e > 0) notes.push(`${c.name}: ${e} connections ended in an error`);
  }
  notes.push(
    `${
      fmtInt(CLIENTS)
    } clients (raw Deno.connect, one load-generator process), each sending 32 bytes and waiting for the whole echo before the next; ` +
      `${seconds} s measured per run after ${warmup} s of warm-up; median of ${rounds} interleaved rounds. ` +
      "Latency: each round trip as the load generator times it (with 1,000 clients in a closed loop it is mostly the wait in the queue: about 1,000 ÷ round trips/s; Deno's own scheduling of 1,000 pending reads is uneven, which makes the p99). " +
      "Server CPU: the server process's user + system time (all threads) over the measured window per round trip; the load generator shares the machine. " +
      `Load average ${loadBefore} before, ${loadAverage()} after.`,
  );

  // Memory of an idle registered socket.
  const count = quick ? 1000 : 2000;
  const memRounds = quick ? 1 : 3;
  for (const root of roots) {
    const sel: Memory[] = [];
    const recv: Memory[] = [];
    for (let r = 0; r < memRounds; r++) {
      sel.push(await memory(root, count, "selector"));
      recv.push(await memory(root, count, "recv"));
    }
    const m = (xs: Memory[], key: keyof Memory): number =>
      median(xs.map((x) => x[key]));
    const held = m(sel, "heldHeap");
    const watched = m(sel, "watchedHeap");
    const heldRss = m(sel, "heldRss");
    const watchedRss = m(sel, "watchedRss");
    const label = named("pysocket", root);
    const row = (what: string, heap: number, rss: number): string[] => [
      `${label}: idle socket, ${what} (KiB heap / KiB RSS each)`,
      `${kib(heap)} / ${kib(rss)}`,
      "",
      "",
      "",
      "",
    ];
    rows.push(row("unregistered", held, heldRss));
    rows.push(row("registered, select() pending", watched, watchedRss));
    rows.push(
      row(
        "registered, select() pending, after 3 messages",
        m(sel, "servedHeap"),
        m(sel, "servedRss"),
      ),
    );
    rows.push(
      row(
        "with a pending recv(1024)",
        m(recv, "watchedHeap"),
        m(recv, "watchedRss"),
      ),
    );
    rows.push(
      row(
        "with a pending recv(1024), after 3 messages",
        m(recv, "servedHeap"),
        m(recv, "servedRss"),
      ),
    );
    const hr = watched / held;
    const rr = watchedRss / heldRss;
    notes.push(
      `${label}: a registered idle socket costs ${
        fmtRatio(hr)
      } an unregistered one's heap and ${
        fmtRatio(rr)
      } its RSS (target at most 1.50x: heap ${
        hr <= 1.5 ? "met" : "MISSED"
      }, RSS ${rr <= 1.5 ? "met" : "MISSED"})`,
    );
  }
  notes.push(
    `Memory: ${
      fmtInt(count)
    } idle connections accepted by one pysocket process (their clients in another), its heapUsed and RSS after a GC, less those before the first connection, per socket; ` +
      `"registered": each then registered for EVENT_READ with one DefaultSelector whose select() is pending; "pending recv": each with a recv(1024) pending instead, in a process of its own; "after 3 messages": then three times a 32-byte message on every connection, read as the server reads (select, then recv(1024) of each ready socket; or the pending recv), and idle again the same way; median of ${memRounds} run(s) each.`,
  );
  return { title, header, rows, notes };
}
