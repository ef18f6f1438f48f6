// Benchmark section "UDP": 1 KiB datagrams echoed on loopback, through
// pysocket and through raw Deno.DatagramConn in the same run, and CPython
// where python3 is installed. Server and client run in processes of their
// own (bench/_udp_peer.ts); the client keeps a window of datagrams in
// flight, and every datagram not echoed back is counted as lost.
import { fmtInt, fmtRatio, type Section } from "./_section.ts";

const WINDOW = 64;
const here = (f: string): string => new URL(f, import.meta.url).pathname;

interface Result {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly seconds: number;
}

// The same protocol as bench/_udp_peer.ts, in CPython.
const PY_PEER = `
import json, socket, struct, sys, time
role = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("127.0.0.1", 0))
if role == "server":
    print(s.getsockname()[1], flush=True)
    n = 0
    while True:
        data, addr = s.recvfrom(65536)
        if data == b"STOP":
            break
        s.sendto(data, addr)
        n += 1
    print(n)
    sys.exit(0)
port, seconds, window = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
to = ("127.0.0.1", port)
msg = bytearray(1024)
sent = received = lost = 0
waiting = set()
s.settimeout(0.3)
start = time.monotonic()
end = start + seconds
while True:
    now = time.monotonic()
    while len(waiting) < window and now < end:
        struct.pack_into("!I", msg, 0, sent)
        waiting.add(sent)
        sent += 1
        s.sendto(msg, to)
    if not waiting:
        break
    try:
        data = s.recv(65536)
    except socket.timeout:
        lost += len(waiting)
        waiting.clear()
        continue
    seq = struct.unpack_from("!I", data)[0]
    if seq in waiting:
        waiting.discard(seq)
        received += 1
elapsed = time.monotonic() - start
s.sendto(b"STOP", to)
print(json.dumps(dict(sent=sent, received=received, lost=lost, seconds=elapsed)))
`;

function peer(impl: string, role: string, args: string[]): Deno.Command {
  if (impl === "cpython") {
    return new Deno.Command("python3", {
      args: ["-c", PY_PEER, role, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    });
  }
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-net",
      "--no-check",
      here("./_udp_peer.ts"),
      impl,
      role,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
}

async function firstLine(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<[string, string]> {
  const dec = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server ended before printing its port");
    text += dec.decode(value, { stream: true });
  }
  const at = text.indexOf("\n");
  return [text.slice(0, at), text.slice(at + 1)];
}

async function rest(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  start: string,
): Promise<string> {
  const dec = new TextDecoder();
  let text = start;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text + dec.decode();
    text += dec.decode(value, { stream: true });
  }
}

async function runPair(impl: string, seconds: number): Promise<Result> {
  const server = peer(impl, "server", []).spawn();
  const reader = server.stdout.getReader();
  try {
    const [port, after] = await firstLine(reader);
    const out = await peer(impl, "client", [
      port,
      String(seconds),
      String(WINDOW),
    ]).output();
    if (!out.success) throw new Error(`${impl} client failed`);
    const result = JSON.parse(new TextDecoder().decode(out.stdout)) as Result;
    const echoed = Number((await rest(reader, after)).trim());
    await server.status;
    if (!Number.isFinite(echoed)) throw new Error(`${impl} server: no count`);
    return result;
  } catch (e) {
    try {
      server.kill();
    } catch {
      // Already gone.
    }
    await server.status;
    throw e;
  }
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

function rate(r: Result): number {
  return r.received / r.seconds;
}

/** Runs the section; quick mode takes a few seconds. */
export async function run(quick: boolean): Promise<Section> {
  const seconds = quick ? 1.5 : 5;
  const rounds = quick ? 1 : 2;
  const impls = ["deno", "pysocket"];
  const notes: string[] = [];
  if (await hasPython()) impls.push("cpython");
  else notes.push("CPython column skipped: python3 is not installed.");
  const best = new Map<string, Result>();
  // Alternate the implementations so drift in the machine hits all alike;
  // each keeps its best round.
  for (let round = 0; round < rounds; round++) {
    for (const impl of impls) {
      const r = await runPair(impl, seconds);
      const prev = best.get(impl);
      if (!prev || rate(r) > rate(prev)) best.set(impl, r);
    }
  }
  const deno = best.get("deno") as Result;
  const py = best.get("pysocket") as Result;
  const cpy = best.get("cpython");
  const ratio = rate(py) / rate(deno);
  const lostTotal = [...best.values()].reduce((n, r) => n + r.lost, 0);
  notes.push(
    `Echo round trips of 1 KiB datagrams per second (each is two datagrams), ` +
      `${WINDOW} in flight, ${seconds} s per run, best of ${rounds}; ` +
      `server and client in separate processes.`,
  );
  notes.push(
    `Target: pysocket >= 0.90x raw Deno with zero loss: ${
      ratio >= 0.9 && py.lost === 0 ? "met" : "MISSED"
    } (${fmtRatio(ratio)}, ${py.lost} lost).`,
  );
  if (lostTotal > 0) notes.push(`Datagrams lost in total: ${lostTotal}.`);
  const cell = (r: Result | undefined, f: (r: Result) => string): string =>
    r ? f(r) : "-";
  return {
    title: "UDP (loopback, 1 KiB datagrams)",
    header: ["Workload", "raw Deno", "pysocket", "CPython", "pysocket / raw"],
    rows: [
      [
        "echo round trips/s",
        fmtInt(rate(deno)),
        fmtInt(rate(py)),
        cell(cpy, (r) => fmtInt(rate(r))),
        fmtRatio(ratio),
      ],
      [
        "datagrams sent / lost",
        `${fmtInt(deno.sent)} / ${deno.lost}`,
        `${fmtInt(py.sent)} / ${py.lost}`,
        cell(cpy, (r) => `${fmtInt(r.sent)} / ${r.lost}`),
        "",
      ],
    ],
    notes,
  };
}

if (import.meta.main) {
  const { toMarkdown } = await import("./_section.ts");
  console.log(toMarkdown(await run(Deno.args.includes("--quick"))));
}
