// One side of the loopback UDP benchmark, in its own process.
//
//   deno run -A --unstable-net bench/_udp_peer.ts <end> server
//   deno run -A --unstable-net bench/_udp_peer.ts <end> client <port> <seconds> <window>
//
// <end>: pysocket, deno (raw Deno), slab or floor (see _udp_ends.ts).
//
// The server prints its port, echoes every datagram to its sender until a
// 4-byte "STOP", then prints how many it echoed. The client keeps `window`
// 1 KiB datagrams in flight for `seconds`, each carrying a sequence number,
// and prints one JSON line: {sent, received, lost, seconds}. A window that
// makes no progress for STALL_MS counts what is in flight as lost and is
// refilled, so a loss never stalls the run.
import * as socket from "../mod.ts";
import {
  floorEnd,
  openLoopback,
  pysocketEnd,
  rawEnd,
  slabEnd,
  type UdpEnd,
} from "./_udp_ends.ts";

const SIZE = 1024;
const STALL_MS = 300;
const STOP = new TextEncoder().encode("STOP");

const ENDS: Record<string, () => UdpEnd> = {
  pysocket: () => pysocketEnd(socket),
  deno: () => rawEnd(openLoopback),
  slab: () => slabEnd(openLoopback),
  floor: () => floorEnd(openLoopback),
};

async function server(ep: UdpEnd): Promise<void> {
  console.log(ep.port);
  let echoed = 0;
  for (;;) {
    const [data, from] = await ep.receive();
    if (data.length === 4 && data.every((b, i) => b === STOP[i])) break;
    await ep.send(data, from);
    echoed++;
  }
  await ep.close();
  console.log(echoed);
}

async function client(
  ep: UdpEnd,
  port: number,
  seconds: number,
  window: number,
): Promise<void> {
  const msg = new Uint8Array(SIZE);
  const view = new DataView(msg.buffer);
  let sent = 0;
  let received = 0;
  let lost = 0;
  const waiting = new Set<number>();
  const start = performance.now();
  const end = start + seconds * 1000;
  let progress = performance.now();

  async function fill(): Promise<void> {
    while (waiting.size < window && performance.now() < end) {
      view.setUint32(0, sent);
      waiting.add(sent);
      sent++;
      await ep.send(msg, port);
    }
  }

  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => finish = r);
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (now - progress < STALL_MS) return;
    if (waiting.size > 0) {
      lost += waiting.size;
      waiting.clear();
    }
    progress = now;
    if (now >= end) finish();
    else fill().catch(finish);
  }, STALL_MS / 3);

  const receiving = (async () => {
    for (;;) {
      const [data] = await ep.receive();
      const seq = new DataView(data.buffer, data.byteOffset).getUint32(0);
      if (!waiting.delete(seq)) continue;
      received++;
      progress = performance.now();
      if (progress < end) await fill();
      else if (waiting.size === 0) return finish();
    }
  })().catch(() => {});

  await fill();
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(watchdog);
  await ep.send(STOP, port);
  await ep.close();
  await receiving;
  console.log(JSON.stringify({ sent, received, lost, seconds: elapsed }));
}

if (import.meta.main) {
  const [impl, role, ...rest] = Deno.args;
  const open = impl === undefined ? undefined : ENDS[impl];
  if (open === undefined) throw new Error(`unknown UDP end ${impl}`);
  const ep = open();
  if (role === "server") await server(ep);
  else {
    await client(ep, Number(rest[0]), Number(rest[1]), Number(rest[2]));
  }
}
