// What one UDP echo costs in JavaScript, with the network taken out: a
// stand-in for Deno's datagram socket that behaves as an echo peer keeping 64
// datagrams in flight, driven by three echo loops in turn:
//
//   raw      Deno.DatagramConn's calling code (one buffer reused, the sender's
//            port read from the address object)
//   floor    a bare wrapper that keeps only Python's guarantees: each datagram's
//            bytes its own (a view into a slab), an address tuple per datagram,
//            a send error mapped (one .then per send)
//   pysocket socket.recvfrom / socket.sendto
//
//   deno run -A --unstable-net bench/udp_overhead.ts [echoes]
//
// Prints nanoseconds per echo, the best of five runs of each loop.

const ECHOES = Number(Deno.args[0] ?? 300_000);
const RUNS = 5;
const WINDOW = 64;
const SIZE = 1024;

type Remote = { transport: string; hostname: string; port: number };

/** Deno.DatagramConn's shape, answering as an echo peer would. */
class StandIn {
  readonly addr: Remote = {
    transport: "udp",
    hostname: "127.0.0.1",
    port: 4000,
  };
  #ready = WINDOW;
  #waiting: (() => void) | null = null;
  #closed = false;
  readonly #payload = new Uint8Array(SIZE);

  async receive(buf: Uint8Array): Promise<[Uint8Array, Remote]> {
    if (this.#ready === 0) {
      await new Promise<void>((resolve) => this.#waiting = resolve);
    }
    // As Deno does, closing ends a receive that waits.
    if (this.#closed) throw new Deno.errors.BadResource("closed");
    this.#ready--;
    buf.set(this.#payload);
    // Built as Deno builds it: the transport added afterwards.
    const from = { hostname: "127.0.0.1", port: 5000 } as Remote;
    from.transport = "udp";
    return [buf.subarray(0, SIZE), from];
  }

  async send(p: Uint8Array, _to: unknown): Promise<number> {
    await null;
    this.#ready++;
    const wake = this.#waiting;
    this.#waiting = null;
    wake?.();
    return p.length;
  }

  close(): void {
    this.#closed = true;
    this.#waiting?.();
  }
}

async function raw(): Promise<void> {
  const conn = new StandIn();
  const buf = new Uint8Array(65536);
  for (let i = 0; i < ECHOES; i++) {
    const [data, from] = await conn.receive(buf);
    await conn.send(data, {
      transport: "udp",
      hostname: "127.0.0.1",
      port: from.port,
    });
  }
}

async function floor(): Promise<void> {
  const conn = new StandIn();
  let slab = new Uint8Array(512 * 1024);
  let off = 0;
  const mapped = (e: unknown): never => {
    throw new Error(String(e));
  };
  const recvfrom = (): Promise<[Uint8Array, [string, number]]> => {
    if (slab.length - off < 65536) {
      slab = new Uint8Array(512 * 1024);
      off = 0;
    }
    return conn.receive(new Uint8Array(slab.buffer, off, 65536)).then((r) => {
      off += r[0].length;
      return [r[0], [r[1].hostname, r[1].port]];
    });
  };
  let target = { transport: "udp", hostname: "", port: -1 };
  const sendto = (d: Uint8Array, a: [string, number]): Promise<number> => {
    if (a[0] !== target.hostname || a[1] !== target.port) {
      target = { transport: "udp", hostname: a[0], port: a[1] };
    }
    return conn.send(d, target).then((n) => n, mapped);
  };
  for (let i = 0; i < ECHOES; i++) {
    const [data, from] = await recvfrom();
    await sendto(data, ["127.0.0.1", from[1]]);
  }
}

async function pysocket(): Promise<void> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20);
  s.bind(["127.0.0.1", 0]);
  for (let i = 0; i < ECHOES; i++) {
    const [data, from] = await s.recvfrom(65536);
    await s.sendto(data, ["127.0.0.1", (from as [string, number])[1]]);
  }
  await s[Symbol.asyncDispose]();
}

// pysocket opens its datagram sockets through Deno.listenDatagram: the
// stand-in takes its place before pysocket is loaded.
(Deno as unknown as { listenDatagram: () => StandIn }).listenDatagram = () =>
  new StandIn();
const socket = await import("../mod.ts");

const loops: [string, () => Promise<void>][] = [
  ["raw Deno calling code", raw],
  ["bare wrapper with Python's guarantees", floor],
  ["pysocket recvfrom + sendto", pysocket],
];
const best = new Map<string, number>();
for (let r = 0; r < RUNS; r++) {
  for (const [name, loop] of loops) {
    const start = performance.now();
    await loop();
    const ns = (performance.now() - start) * 1e6 / ECHOES;
    best.set(name, Math.min(best.get(name) ?? Infinity, ns));
  }
}
for (const [name, ns] of best) {
  console.log(`${name}: ${ns.toFixed(0)} ns per echo`);
}
