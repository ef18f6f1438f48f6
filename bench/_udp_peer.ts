// One side of the loopback UDP benchmark, in its own process.
//
//   deno run -A --unstable-net bench/_udp_peer.ts <pysocket|deno> server
//   deno run -A --unstable-net bench/_udp_peer.ts <pysocket|deno> client <port> <seconds> <window>
//
// The server prints its port, echoes every datagram to its sender until a
// 4-byte "STOP", then prints how many it echoed. The client keeps `window`
// 1 KiB datagrams in flight for `seconds`, each carrying a sequence number,
// and prints one JSON line: {sent, received, lost, seconds}. A window that
// makes no progress for STALL_MS counts what is in flight as lost and is
// refilled, so a loss never stalls the run.
import * as socket from "../mod.ts";

const SIZE = 1024;
const STALL_MS = 300;
const STOP = new TextEncoder().encode("STOP");

interface Endpoint {
  /** The bound port. */
  readonly port: number;
  send(p: Uint8Array, port: number): Promise<unknown>;
  /** The next datagram's bytes and the sender's port. */
  receive(): Promise<[Uint8Array, number]>;
  close(): void;
}

function pysocketEndpoint(): Endpoint {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20);
  s.bind(["127.0.0.1", 0]);
  const port = (s.getsockname() as [string, number])[1];
  return {
    port,
    send: (p, to) => s.sendto(p, ["127.0.0.1", to]),
    receive: async () => {
      const [data, from] = await s.recvfrom(65536);
      return [data, (from as [string, number])[1]];
    },
    close: () => s.close(),
  };
}

function denoEndpoint(): Endpoint {
  const conn = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const buf = new Uint8Array(65536);
  return {
    port: (conn.addr as Deno.NetAddr).port,
    send: (p, to) =>
      conn.send(p, { transport: "udp", hostname: "127.0.0.1", port: to }),
    receive: async () => {
      const [data, from] = await conn.receive(buf);
      return [data, (from as Deno.NetAddr).port];
    },
    close: () => conn.close(),
  };
}

async function server(ep: Endpoint): Promise<void> {
  console.log(ep.port);
  let echoed = 0;
  for (;;) {
    const [data, from] = await ep.receive();
    if (data.length === 4 && data.every((b, i) => b === STOP[i])) break;
    await ep.send(data, from);
    echoed++;
  }
  ep.close();
  console.log(echoed);
}

async function client(
  ep: Endpoint,
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
  ep.close();
  await receiving;
  console.log(JSON.stringify({ sent, received, lost, seconds: elapsed }));
}

if (import.meta.main) {
  const [impl, role, ...rest] = Deno.args;
  const ep = impl === "pysocket" ? pysocketEndpoint() : denoEndpoint();
  if (role === "server") await server(ep);
  else {
    await client(ep, Number(rest[0]), Number(rest[1]), Number(rest[2]));
  }
}
