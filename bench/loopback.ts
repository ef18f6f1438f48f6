// Benchmark section "Loopback TCP": bulk transfer (64 KiB sendall /
// recv_into) and 64-byte ping-pong, through pysocket, raw Deno.Conn and
// CPython, each peer in its own process.
import { fmtRatio, type Section } from "./_section.ts";

const GIB = 1024 ** 3;

interface Impl {
  readonly name: string;
  command(role: string, ...args: string[]): Deno.Command;
}

const here = (f: string): string => new URL(f, import.meta.url).pathname;

function denoImpl(name: string, impl: string): Impl {
  return {
    name,
    command: (role, ...args) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--no-check",
          here("./_tcp_peer.ts"),
          impl,
          role,
          ...args,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "inherit",
      }),
  };
}

const PYTHON: Impl = {
  name: "CPython",
  command: (role, ...args) =>
    new Deno.Command("python3", {
      args: [here("./_tcp_peer.py"), "cpython", role, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }),
};

async function firstLine(
  child: Deno.ChildProcess,
): Promise<[string, Promise<string>]> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const nl = text.indexOf("\n");
  const rest = (async () => {
    let more = text.slice(nl + 1);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += value;
    }
  })();
  return [text.slice(0, nl), rest];
}

async function runPair(
  impl: Impl,
  workload: string,
  amount: number,
): Promise<string> {
  const server = impl.command("server", workload).spawn();
  const [port, serverRest] = await firstLine(server);
  const out = await impl.command("client", workload, port, String(amount))
    .output();
  await serverRest;
  await server.status;
  if (!out.success) throw new Error(`${impl.name} ${workload} client failed`);
  return new TextDecoder().decode(out.stdout).trim();
}

async function hasPython(): Promise<boolean> {
  try {
    return (await new Deno.Command("python3", {
      args: ["-V"],
      stdout: "null",
      stderr: "null",
    }).output()).success;
  } catch {
    return false;
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

interface Figures {
  gibps: number;
  median: number;
  p99: number;
}

// Runs are interleaved across implementations so that a noisy moment of a
// small machine does not land on one column only; the best run counts.
async function measureAll(
  impls: Impl[],
  quick: boolean,
): Promise<Map<string, Figures>> {
  const bytes = quick ? GIB / 4 : GIB;
  const rounds = 3;
  const best = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const impl of impls) {
      const { seconds } = JSON.parse(await runPair(impl, "bulk", bytes));
      best.set(
        impl.name,
        Math.max(best.get(impl.name) ?? 0, bytes / GIB / seconds),
      );
    }
  }
  const results = new Map<string, Figures>();
  for (const impl of impls) {
    const { rtts } = JSON.parse(
      await runPair(impl, "pingpong", quick ? 5_000 : 50_000),
    );
    const steady = (rtts as number[]).slice(Math.floor(rtts.length / 10));
    results.set(impl.name, {
      gibps: best.get(impl.name)!,
      median: quantile(steady, 0.5),
      p99: quantile(steady, 0.99),
    });
  }
  return results;
}

/** Runs the loopback TCP section. */
export async function run(quick: boolean): Promise<Section> {
  const impls: Impl[] = [
    denoImpl("pysocket (Deno)", "pysocket"),
    denoImpl("raw Deno.Conn", "deno"),
  ];
  const notes: string[] = [];
  if (await hasPython()) impls.push(PYTHON);
  else notes.push("CPython column skipped: python3 is not installed");
  const results = await measureAll(impls, quick);
  const py = results.get("pysocket (Deno)")!;
  const raw = results.get("raw Deno.Conn")!;
  const cp = results.get("CPython");
  const header = [
    "workload",
    ...impls.map((i) => i.name),
    "pysocket / raw Deno",
    ...(cp ? ["pysocket / CPython"] : []),
  ];
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
  const bulkRatio = py.gibps / raw.gibps;
  const pingRatio = raw.median / py.median;
  notes.push(
    `targets: bulk >= 0.95x raw Deno (${fmtRatio(bulkRatio)}${
      bulkRatio >= 0.95 ? ", met" : ", MISSED"
    }), ` +
      `ping-pong >= 0.90x raw Deno (${fmtRatio(pingRatio)}${
        pingRatio >= 0.9 ? ", met" : ", MISSED"
      }); ratios above 1 mean pysocket is faster`,
  );
  notes.push(
    `bulk: ${
      quick ? "256 MiB" : "1 GiB"
    } in 64 KiB sendall / recv_into, best of 3 interleaved runs; ping-pong: ${
      quick ? "5,000" : "50,000"
    } round trips of 64 bytes, first 10% dropped as warm-up`,
  );
  return {
    title: "Loopback TCP",
    header,
    rows: [
      row("bulk throughput (GiB/s)", (x) => x.gibps, 2, true),
      row("ping-pong median (µs)", (x) => x.median, 1, false),
      row("ping-pong p99 (µs)", (x) => x.p99, 1, false),
    ],
    notes,
  };
}
