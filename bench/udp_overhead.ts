// What one UDP echo costs pysocket, taken apart. Three echo loops, each both
// ends of an echo with 64 datagrams in flight:
//
//   raw      Deno.DatagramConn's calling code (one buffer reused, the sender's
//            port read from the address object)
//   floor    a bare wrapper that keeps only Python's guarantees: each datagram's
//            bytes its own (a view into a slab), an address tuple per datagram,
//            a send error mapped (one .then per send)
//   pysocket socket.recvfrom / socket.sendto
//
// run twice:
//
//   1. over a stand-in for Deno's datagram socket that answers as the echo
//      peer would: the JavaScript alone, no network;
//   2. over real loopback sockets, both ends in this one process: the whole
//      cost of an echo (system calls included) without two processes waking
//      each other, so the figures hold still from run to run.
//
//   deno run -A --unstable-net bench/udp_overhead.ts [echoes]
//
// Prints nanoseconds per echo, the best of five runs of each loop.

const ECHOES = Number(Deno.args[0] ?? 200_000);
const RUNS = 5;
const WINDOW = 64;
const SIZE = 1024;

type Remote = { transport: string; hostname: string; port: number };

/** The part of Deno.DatagramConn the loops use. */
interface Conn {
  readonly addr: Deno.Addr;
  receive(buf: Uint8Array): Promise<[Uint8Array, Deno.Addr]>;
  send(p: Uint8Array, to: Remote): Promise<number>;
  close(): void;
}

/** Deno.DatagramConn's shape, answering as an echo peer would. */
class StandIn implements Conn {
  readonly addr: Deno.NetAddr = {
    transport: "udp",
    hostname: "127.0.0.1",
    port: 4000,
  };
  #ready = WINDOW;
  #waiting: (() => void) | null = null;
  #closed = false;
  readonly #payload = new Uint8Array(SIZE);

  async receive(buf: Uint8Array): Promise<[Uint8Array, Deno.NetAddr]> {
    if (this.#ready === 0) {
      await new Promise<void>((resolve) => this.#waiting = resolve);
    }
    // As Deno does, closing ends a receive that waits.
    if (this.#closed) throw new Deno.errors.BadResource("closed");
    this.#ready--;
    buf.set(this.#payload);
    // Built as Deno builds it: the transport added afterwards.
    const from = { hostname: "127.0.0.1", port: 5000 } as Deno.NetAddr;
    from.transport = "udp";
    return [buf.subarray(0, SIZE), from];
  }

  async send(p: Uint8Array, _to: Remote): Promise<number> {
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

/** One end of an echo, as each loop drives its socket. */
interface End {
  readonly port: number;
  /** The next datagram and its sender's port. */
  receive(): Promise<[Uint8Array, number]>;
  send(p: Uint8Array, port: number): Promise<number>;
  close(): void | Promise<void>;
}

type Open = () => Conn;

function raw(open: Open): End {
  const conn = open();
  const buf = new Uint8Array(65536);
  return {
    port: (conn.addr as Deno.NetAddr).port,
    receive: async () => {
      const [data, from] = await conn.receive(buf);
      return [data, (from as Deno.NetAddr).port];
    },
    send: (p, port) =>
      conn.send(p, { transport: "udp", hostname: "127.0.0.1", port }),
    close: () => conn.close(),
  };
}

function floor(open: Open): End {
  const conn = open();
  let slab = new Uint8Array(512 * 1024);
  let off = 0;
  const mapped = (e: unknown): never => {
    throw new Error(String(e));
  };
  let target: Remote = { transport: "udp", hostname: "", port: -1 };
  const recvfrom = (): Promise<[Uint8Array, [string, number]]> => {
    if (slab.length - off < 65536) {
      slab = new Uint8Array(512 * 1024);
      off = 0;
    }
    return conn.receive(new Uint8Array(slab.buffer, off, 65536)).then((r) => {
      off += r[0].length;
      const from = r[1] as Deno.NetAddr;
      return [r[0], [from.hostname, from.port]];
    });
  };
  const sendto = (d: Uint8Array, a: [string, number]): Promise<number> => {
    if (a[0] !== target.hostname || a[1] !== target.port) {
      target = { transport: "udp", hostname: a[0], port: a[1] };
    }
    return conn.send(d, target).then((n) => n, mapped);
  };
  return {
    port: (conn.addr as Deno.NetAddr).port,
    receive: () => recvfrom().then((r) => [r[0], r[1][1]]),
    send: (p, port) => sendto(p, ["127.0.0.1", port]),
    close: () => conn.close(),
  };
}

function pysocket(): End {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20);
  s.bind(["127.0.0.1", 0]);
  return {
    port: (s.getsockname() as [string, number])[1],
    receive: async () => {
      const [data, from] = await s.recvfrom(65536);
      return [data, (from as [string, number])[1]];
    },
    send: (p, port) => s.sendto(p, ["127.0.0.1", port]),
    close: () => s[Symbol.asyncDispose](),
  };
}

// Part 1: the stand-in is its own echo peer; the loop echoes back to it.
async function overStandIn(end: End): Promise<void> {
  for (let i = 0; i < ECHOES; i++) {
    const [data, port] = await end.receive();
    await end.send(data, port);
  }
  await end.close();
}

// Part 2: a server end echoes to a client end that keeps WINDOW datagrams in
// flight and sends a new one for each that comes back.
async function overLoopback(server: End, client: End): Promise<void> {
  const serving = (async () => {
    for (;;) {
      const [data, port] = await server.receive();
      if (data.length === 0) return;
      await server.send(data, port);
    }
  })();
  const msg = new Uint8Array(SIZE);
  for (let i = 0; i < WINDOW; i++) await client.send(msg, server.port);
  for (let i = 0; i < ECHOES; i++) {
    await client.receive();
    // The last WINDOW sends are not made: every datagram comes back.
    if (i < ECHOES - WINDOW) await client.send(msg, server.port);
  }
  await client.send(new Uint8Array(0), server.port);
  await serving;
  await server.close();
  await client.close();
}

async function best(
  loops: [string, () => Promise<void>][],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let r = 0; r < RUNS; r++) {
    for (const [name, loop] of loops) {
      const start = performance.now();
      await loop();
      const ns = (performance.now() - start) * 1e6 / ECHOES;
      out.set(name, Math.min(out.get(name) ?? Infinity, ns));
    }
  }
  return out;
}

// With `ratios`, each loop's echoes per second against raw Deno's.
function report(
  title: string,
  results: Map<string, number>,
  ratios: boolean,
): void {
  console.log(title);
  const base = results.get(NAMES[0]) as number;
  for (const [name, ns] of results) {
    const ratio = ratios ? ` (${(base / ns).toFixed(2)}x raw)` : "";
    console.log(`  ${name}: ${ns.toFixed(0)} ns per echo${ratio}`);
  }
}

const NAMES = [
  "raw Deno calling code",
  "bare wrapper with Python's guarantees",
  "pysocket recvfrom + sendto",
];

// pysocket opens its datagram sockets through Deno.listenDatagram: the
// stand-in takes its place for part 1, before pysocket is loaded.
const deno = Deno as unknown as { listenDatagram: () => Conn };
const real = deno.listenDatagram;
// Called once the real one is back (part 2).
const openReal: Open = () =>
  Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  }) as unknown as Conn;
deno.listenDatagram = () => new StandIn();
const socket = await import("../mod.ts");
const standIn: Open = () => new StandIn();

report(
  "JavaScript alone (stand-in socket, no network):",
  await best([
    [NAMES[0], () => overStandIn(raw(standIn))],
    [NAMES[1], () => overStandIn(floor(standIn))],
    [NAMES[2], () => overStandIn(pysocket())],
  ]),
  false,
);

deno.listenDatagram = real;
report(
  `Real loopback sockets, both ends in one process, ${WINDOW} in flight:`,
  await best([
    [NAMES[0], () => overLoopback(raw(openReal), raw(openReal))],
    [NAMES[1], () => overLoopback(floor(openReal), floor(openReal))],
    [NAMES[2], () => overLoopback(pysocket(), pysocket())],
  ]),
  true,
);
