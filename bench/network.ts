// Benchmark section "Loopback network": the same workloads through pysocket
// on Deno, raw Deno, pysocket's npm build on Node, raw node:net and CPython.
// Server and client of every pair run in processes of their own, so no pair
// shares an event loop. A column whose runtime is missing is skipped with
// the reason printed.
import { fmtRatio, type Section } from "./_section.ts";

const GIB = 1024 ** 3;
const here = (f: string): string => new URL(f, import.meta.url).pathname;

export interface Impl {
  readonly name: string;
  /** Why this column cannot run here, or `null` when it can. */
  missing(): Promise<string | null>;
  command(role: string, ...args: string[]): Deno.Command;
  /** The UDP peer: `server`, or `client <port> <seconds> <window>`. */
  udp(role: string, ...args: string[]): Deno.Command;
}

async function runs(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

function spawnOptions(args: string[]): Deno.CommandOptions {
  return { args, stdin: "piped", stdout: "piped", stderr: "inherit" };
}

/** A column run by this Deno: `impl` is the peers' first argument. */
export function denoImpl(name: string, impl: string): Impl {
  return {
    name,
    missing: () => Promise.resolve(null),
    command: (role, ...args) =>
      new Deno.Command(
        Deno.execPath(),
        spawnOptions([
          "run",
          "-A",
          "--no-check",
          here("./_tcp_peer.ts"),
          impl,
          role,
          ...args,
        ]),
      ),
    udp: (role, ...args) =>
      new Deno.Command(
        Deno.execPath(),
        spawnOptions([
          "run",
          "-A",
          "--unstable-net",
          "--no-check",
          here("./_udp_peer.ts"),
          impl,
          role,
          ...args,
        ]),
      ),
  };
}

function nodeImpl(name: string, impl: string): Impl {
  return {
    name,
    missing: async () => {
      if (!await runs("node", ["--version"])) return "node is not installed";
      if (impl === "pysocket") {
        try {
          Deno.statSync(here("../npm/dist/esm/mod.js"));
        } catch {
          return "the npm build is missing (run `deno task npm` first)";
        }
      }
      return null;
    },
    command: (role, ...args) =>
      new Deno.Command(
        "node",
        spawnOptions([here("./_node_peer.mjs"), impl, role, ...args]),
      ),
    udp: (role, ...args) =>
      new Deno.Command(
        "node",
        spawnOptions([
          here("./_node_udp_peer.mjs"),
          impl === "net" ? "dgram" : impl,
          role,
          ...args,
        ]),
      ),
  };
}

const CPYTHON: Impl = {
  name: "CPython",
  missing: async () =>
    await runs("python3", ["-V"]) ? null : "python3 is not installed",
  command: (role, ...args) =>
    new Deno.Command(
      "python3",
      spawnOptions([here("./_tcp_peer.py"), "cpython", role, ...args]),
    ),
  udp: (role, ...args) =>
    new Deno.Command(
      "python3",
      spawnOptions([here("./_udp_peer.py"), role, ...args]),
    ),
};

const RAW_DENO = "raw Deno (Conn / DatagramConn)";
const UDP_WINDOW = 64;

const IMPLS: readonly Impl[] = [
  denoImpl("pysocket (Deno)", "pysocket"),
  denoImpl("raw Deno (Conn / DatagramConn)", "deno"),
  nodeImpl("pysocket (Node)", "pysocket"),
  nodeImpl("raw node:net / node:dgram", "net"),
  CPYTHON,
];

class Lines {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async next(): Promise<string> {
    while (!this.#buffer.includes("\n")) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("peer ended early");
      this.#buffer += value;
    }
    const nl = this.#buffer.indexOf("\n");
    const line = this.#buffer.slice(0, nl);
    this.#buffer = this.#buffer.slice(nl + 1);
    return line;
  }

  async drain(): Promise<void> {
    while (!(await this.#reader.read()).done) { /* discard */ }
  }
}

// Runs one server and one client; `talk` gets both, returns the figure.
async function pair<T>(
  impl: Impl,
  workload: string,
  serverArgs: string[],
  clientAmount: number,
  read: (
    server: Lines,
    client: Lines,
    clientIn: WritableStreamDefaultWriter<Uint8Array>,
  ) => Promise<T>,
): Promise<T> {
  const server = impl.command("server", workload, ...serverArgs).spawn();
  const serverOut = new Lines(server.stdout);
  await server.stdin.close();
  const port = await serverOut.next();
  const client = impl.command("client", workload, port, String(clientAmount))
    .spawn();
  const clientOut = new Lines(client.stdout);
  const clientIn = client.stdin.getWriter();
  let result: T;
  try {
    result = await read(serverOut, clientOut, clientIn);
  } finally {
    await clientIn.close().catch(() => {});
    await clientOut.drain();
    await serverOut.drain();
  }
  const [a, b] = await Promise.all([client.status, server.status]);
  if (!a.success || !b.success) {
    throw new Error(`${impl.name} ${workload} peer failed`);
  }
  return result;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

interface Figures {
  udp: number;
  udpLost: number;
  gibps: number;
  median: number;
  p99: number;
  connects: number;
  idleBytes: number;
}

async function bulk(impl: Impl, bytes: number): Promise<number> {
  return await pair(impl, "bulk", [], bytes, async (_s, c) => {
    const { seconds } = JSON.parse(await c.next());
    return bytes / GIB / seconds;
  });
}

async function connects(impl: Impl, count: number): Promise<number> {
  // The server is told how many connections to take: the client's
  // untimed fifth, then `count`.
  const total = String(count + Math.floor(count / 5));
  return await pair(impl, "connect", [total], count, async (_s, c) => {
    const { seconds } = JSON.parse(await c.next());
    return count / seconds;
  });
}

// 1 KiB datagrams echoed with UDP_WINDOW in flight for `seconds`; the
// round trips per second and the datagrams lost.
export async function udpEcho(
  impl: Impl,
  seconds: number,
): Promise<[number, number]> {
  const server = impl.udp("server").spawn();
  const serverOut = new Lines(server.stdout);
  await server.stdin.close();
  try {
    const port = await serverOut.next();
    const client = impl.udp("client", port, String(seconds), String(UDP_WINDOW))
      .spawn();
    await client.stdin.close();
    const out = await client.output();
    if (!out.success) throw new Error(`${impl.name} UDP client failed`);
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim());
    return [r.received / r.seconds, r.lost];
  } finally {
    await serverOut.drain();
    await server.status;
  }
}

// Loopback figures on a small shared machine move by 10-20% from one run to
// the next; more rounds make the best of them steadier.
function rounds(quick: boolean): number {
  return quick ? 3 : 5;
}

async function measureAll(
  impls: Impl[],
  quick: boolean,
): Promise<Map<string, Figures>> {
  const bytes = quick ? GIB / 4 : GIB;
  const connectCount = quick ? 1000 : 3000;
  const best = new Map<
    string,
    { gibps: number; connects: number; udp: number; udpLost: number }
  >();
  // Interleaved rounds: a noisy moment on a small machine does not land on
  // one column only. The best round counts.
  for (let r = 0; r < rounds(quick); r++) {
    for (const impl of impls) {
      const b = best.get(impl.name) ??
        { gibps: 0, connects: 0, udp: 0, udpLost: 0 };
      b.gibps = Math.max(b.gibps, await bulk(impl, bytes));
      b.connects = Math.max(b.connects, await connects(impl, connectCount));
      const [udp, lost] = await udpEcho(impl, quick ? 1 : 3);
      b.udp = Math.max(b.udp, udp);
      b.udpLost += lost;
      best.set(impl.name, b);
    }
  }
  const results = new Map<string, Figures>();
  const idleCount = 1000;
  for (const impl of impls) {
    const rtts: number[] = await pair(
      impl,
      "pingpong",
      [],
      quick ? 5_000 : 50_000,
      async (_s, c) => JSON.parse(await c.next()).rtts,
    );
    const steady = rtts.slice(Math.floor(rtts.length / 10));
    const idle = await pair(
      impl,
      "idle",
      [String(idleCount)],
      idleCount,
      async (s, _c, input) => {
        const { rss } = JSON.parse(await s.next());
        await input.write(new TextEncoder().encode("go\n"));
        return rss / idleCount;
      },
    );
    results.set(impl.name, {
      ...best.get(impl.name)!,
      median: quantile(steady, 0.5),
      p99: quantile(steady, 0.99),
      idleBytes: idle,
    });
  }
  return results;
}

/** Runs the loopback network section. */
export async function run(quick: boolean): Promise<Section> {
  const notes: string[] = [];
  const impls: Impl[] = [];
  for (const impl of IMPLS) {
    const why = await impl.missing();
    if (why) notes.push(`${impl.name} column skipped: ${why}`);
    else impls.push(impl);
  }
  const results = await measureAll(impls, quick);
  const py = results.get("pysocket (Deno)")!;
  const raw = results.get(RAW_DENO)!;
  const cp = results.get("CPython");
  const header = [
    "workload",
    ...impls.map((i) => i.name),
    "pysocket / raw Deno",
    ...(cp ? ["pysocket / CPython"] : []),
  ];
  // Every ratio reads "above 1: pysocket does better".
  const row = (
    label: string,
    f: (x: Figures) => number,
    digits: number,
    higherIsBetter: boolean,
  ): string[] => {
    const ratio = (a: number, b: number): string =>
      fmtRatio(higherIsBetter ? a / b : b / a);
    return [
      label,
      ...impls.map((i) => f(results.get(i.name)!).toFixed(digits)),
      ratio(f(py), f(raw)),
      ...(cp ? [ratio(f(py), f(cp))] : []),
    ];
  };
  const check = (what: string, value: number, target: number): string =>
    `${what} ${fmtRatio(value)} (target ${fmtRatio(target)}: ${
      value >= target ? "met" : "MISSED"
    })`;
  notes.push(
    "ratios: above 1 means pysocket does better (for latency and memory, raw ÷ pysocket)",
    [
      check("bulk", py.gibps / raw.gibps, 0.95),
      check("ping-pong", raw.median / py.median, 0.9),
      check("connect/accept", py.connects / raw.connects, 0.9),
      // #15 retired UDP's 0.90x of raw: its target is the floor that
      // bench/udp_overhead.ts measures (within 5% of a bare wrapper).
      `UDP ${
        fmtRatio(py.udp / raw.udp)
      } (no target here: see bench/udp_overhead.ts)`,
      check("idle memory", raw.idleBytes / py.idleBytes, 1 / 1.5),
    ].join("; "),
    `bulk: ${
      quick ? "256 MiB" : "1 GiB"
    } in 64 KiB sendall / recv_into; connect: ${
      quick ? "1,000" : "3,000"
    } sequential connect + accept + close (the server closes first; the client closes when it sees that); both best of ${
      rounds(quick)
    } interleaved rounds. ` +
      `Ping-pong: ${
        quick ? "5,000" : "50,000"
      } round trips of 64 bytes, first 10% dropped. ` +
      "Idle: the server's RSS growth while holding 1,000 connections, each with a pending 1 KiB receive. " +
      `UDP: 1 KiB datagrams echoed with ${UDP_WINDOW} in flight for ${
        quick ? 1 : 3
      } s, best of ${rounds(quick)} interleaved rounds.`,
  );
  return {
    title: "Loopback network",
    header,
    rows: [
      row("TCP bulk (GiB/s)", (x) => x.gibps, 2, true),
      row("TCP ping-pong median (µs)", (x) => x.median, 1, false),
      row("TCP ping-pong p99 (µs)", (x) => x.p99, 1, false),
      row("UDP 1 KiB echo round trips (per s)", (x) => x.udp, 0, true),
      [
        "UDP datagrams lost (all rounds)",
        ...impls.map((i) => String(results.get(i.name)!.udpLost)),
        "",
        ...(cp ? [""] : []),
      ],
      row("connect + accept + close (per s)", (x) => x.connects, 0, true),
      row(
        "idle connection memory (KiB each)",
        (x) => x.idleBytes / 1024,
        1,
        false,
      ),
    ],
    notes,
  };
}
