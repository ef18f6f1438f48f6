// The Deno peers of the select section (bench/select.ts), each in a process
// of its own.
//
//   deno run -A bench/_select_peer.ts server <selectors|tasks>
//   deno run -A bench/_select_peer.ts clients <port> <count> <warmup s> <s>
//   deno run -A --v8-flags=--expose-gc bench/_select_peer.ts memory <count> <selector|recv>
//   deno run -A bench/_select_peer.ts hold <port> <count>
//
// server: an echo server on pysocket. `selectors` is written as a Python
// programmer writes the selectors echo server (a DefaultSelector; the
// listener registered for EVENT_READ with its accept callback, each
// connection with its read callback; recv(1024) and sendall back, unregister
// and close on an empty read); `tasks` as one writes it with the socket
// module alone (an accept loop, one task per connection awaiting recv and
// sendall). It prints its port, serves until its stdin ends, then prints
// {"errors": n} and exits.
//
// clients: the load generator, on raw Deno.connect: `count` connections, each
// sending a 32-byte message, waiting for all of its echo and sending again.
// After `warmup` seconds it prints "start", measures for `s` seconds, prints
// {"trips": n, "seconds": s, "median": µs, "p99": µs} and closes everything.
//
// memory: `count` idle connections accepted by pysocket (their clients are a
// `hold` child, another process), the process's memory taken after a GC
// with no socket, with the connections held and nothing asked of them, and
// then with every one of them registered for EVENT_READ with a
// DefaultSelector whose select() is pending (`selector`), or with a pending
// recv(1024) on each, as a task-per-connection server idles (`recv`); and
// once more after three 32-byte messages on each, read as the server reads
// them (select and recv, or recv), idle again in the same way.
// Prints {"heap": [4 figures], "rss": [...], "external": [...]}, bytes.
//
// PYSOCKET_ROOT picks the checkout measured (bench/_pysocket.ts).
import { pysocketRootUrl } from "./_pysocket.ts";

type Pysocket = typeof import("../mod.ts");
type Selectors = typeof import("../selectors/mod.ts");
type Socket = InstanceType<Pysocket["Socket"]>;

const MSG = 32;
// How many messages each idle connection gets in the memory's traffic phase.
const TRAFFIC_ROUNDS = 3;
const ECONNRESET = 104;
const EPIPE = 32;

async function load(): Promise<[Pysocket, Selectors]> {
  const root = pysocketRootUrl();
  const socket = (await import(new URL("mod.ts", root).href)) as Pysocket;
  const selectors =
    (await import(new URL("selectors/mod.ts", root).href)) as Selectors;
  return [socket, selectors];
}

let errors = 0;

// A connection's end in an error; a reset by the load generator (when it
// stops) is no error.
function failed(e: unknown): void {
  const errno = (e as { errno?: unknown }).errno;
  if (errno === ECONNRESET || errno === EPIPE) return;
  if (errors++ < 3) console.error("select server:", e);
}

function listener(socket: Pysocket): Socket {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(1024);
  return srv;
}

async function selectorsServer(): Promise<void> {
  const [socket, selectors] = await load();
  type Callback = (sock: Socket, mask: number) => Promise<void>;
  const sel = new selectors.DefaultSelector<Callback, Socket>();

  async function accept(sock: Socket, _mask: number): Promise<void> {
    const [conn] = await sock.accept();
    conn.setblocking(false);
    sel.register(conn, selectors.EVENT_READ, read);
  }

  async function read(conn: Socket, _mask: number): Promise<void> {
    let data: Uint8Array;
    try {
      data = await conn.recv(1024);
      if (data.length > 0) {
        await conn.sendall(data);
        return;
      }
    } catch (e) {
      failed(e);
    }
    sel.unregister(conn);
    conn.close();
  }

  const srv = listener(socket);
  srv.setblocking(false);
  console.log((srv.getsockname() as [string, number])[1]);
  sel.register(srv, selectors.EVENT_READ, accept);
  for (;;) {
    for (const [key, mask] of await sel.select()) {
      const callback = key.data;
      await callback(key.fileobj, mask);
    }
  }
}

async function tasksServer(): Promise<void> {
  const [socket] = await load();
  const srv = listener(socket);
  console.log((srv.getsockname() as [string, number])[1]);

  const handle = async (conn: Socket): Promise<void> => {
    try {
      for (;;) {
        const data = await conn.recv(1024);
        if (data.length === 0) break;
        await conn.sendall(data);
      }
    } catch (e) {
      failed(e);
    } finally {
      conn.close();
    }
  };

  for (;;) {
    const [conn] = await srv.accept();
    handle(conn);
  }
}

// The floor on this runtime: the task-per-connection server on raw
// Deno.listen.
async function rawServer(): Promise<void> {
  const srv = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(srv.addr.port);
  const handle = async (conn: Deno.Conn): Promise<void> => {
    const buf = new Uint8Array(1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        for (let off = 0; off < n;) {
          off += await conn.write(buf.subarray(off, n));
        }
      }
    } catch (e) {
      if (
        !(e instanceof Deno.errors.ConnectionReset ||
          e instanceof Deno.errors.BrokenPipe)
      ) failed(e);
    } finally {
      conn.close();
    }
  };
  for await (const conn of srv) handle(conn);
}

// ------------------------------------------------------------- clients

async function connectAll(port: number, count: number): Promise<Deno.Conn[]> {
  const conns: Deno.Conn[] = [];
  // In batches, so the listener's backlog never overflows.
  const BATCH = 100;
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    const batch = await Promise.all(
      Array.from(
        { length: n },
        () => Deno.connect({ hostname: "127.0.0.1", port }),
      ),
    );
    conns.push(...batch);
  }
  return conns;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

async function clients(
  port: number,
  count: number,
  warmup: number,
  seconds: number,
): Promise<void> {
  const conns = await connectAll(port, count);
  const msg = new Uint8Array(MSG).fill(0x61);
  let measuring = false;
  let stop = false;
  let trips = 0;
  // Latencies of the window, in µs; grown as needed.
  let lat = new Float64Array(1 << 16);

  const loop = async (conn: Deno.Conn): Promise<void> => {
    const buf = new Uint8Array(MSG);
    while (!stop) {
      const t0 = performance.now();
      for (let off = 0; off < MSG;) {
        off += await conn.write(msg.subarray(off));
      }
      for (let got = 0; got < MSG;) {
        const n = await conn.read(buf.subarray(got));
        if (n === null) throw new Error("server closed early");
        got += n;
      }
      if (measuring && !stop) {
        if (trips === lat.length) {
          const grown = new Float64Array(lat.length * 2);
          grown.set(lat);
          lat = grown;
        }
        lat[trips++] = (performance.now() - t0) * 1000;
      }
    }
  };

  const loops = conns.map(loop);
  await new Promise((r) => setTimeout(r, warmup * 1000));
  console.log("start");
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  const taken = (performance.now() - t0) / 1000;
  const sorted = lat.slice(0, trips).sort();
  console.log(JSON.stringify({
    trips,
    seconds: taken,
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
  }));
  await Promise.all(loops);
  for (const c of conns) c.close();
}

// -------------------------------------------------------------- memory

interface Usage {
  heap: number;
  rss: number;
  external: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function usage(): Promise<Usage> {
  // Let reads just armed start, then collect what is garbage.
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 10));
  }
  const m = Deno.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, external: m.external };
}

async function memory(count: number, how: string): Promise<void> {
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  const [socket, selectors] = await load();
  const srv = listener(socket);
  const port = (srv.getsockname() as [string, number])[1];
  // Warm the code paths measured, so compiled code is in the baseline.
  await warm(socket, selectors, srv, port);
  const before = await usage();

  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-check",
      new URL(import.meta.url).pathname,
      "hold",
      String(port),
      String(count),
    ],
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const conns: Socket[] = [];
  for (let i = 0; i < count; i++) conns.push((await srv.accept())[0]);
  const held = await usage();

  const abort = new AbortController();
  const sel = new selectors.DefaultSelector();
  let waiting: Promise<unknown>;
  if (how === "selector") {
    for (const c of conns) {
      c.setblocking(false);
      sel.register(c, selectors.EVENT_READ);
    }
    waiting = sel.select({ signal: abort.signal });
  } else {
    waiting = Promise.all(conns.map((c) => c.recv(1024)));
  }
  const watched = await usage();

  // Traffic: a message on every connection, read as the server reads, a
  // few times over; then idle again, as before.
  const toHolder = holder.stdin.getWriter();
  for (let round = 0; round < TRAFFIC_ROUNDS; round++) {
    await toHolder.write(new TextEncoder().encode("send\n"));
    if (how === "selector") {
      if (round > 0) waiting = sel.select({ signal: abort.signal });
      let got = 0;
      while (got < count * MSG) {
        for (const [key] of (await waiting) as [{ fileobj: Socket }][]) {
          got += (await key.fileobj.recv(1024)).length;
        }
        if (got < count * MSG) waiting = sel.select({ signal: abort.signal });
      }
    } else {
      const got = (await waiting) as Uint8Array[];
      for (const [i, c] of conns.entries()) {
        let n = got[i]!.length;
        while (n < MSG) n += (await c.recv(1024)).length;
      }
      if (round === TRAFFIC_ROUNDS - 1) break;
      waiting = Promise.all(conns.map((c) => c.recv(1024)));
    }
  }
  waiting = how === "selector"
    ? sel.select({ signal: abort.signal })
    : Promise.all(conns.map((c) => c.recv(1024)));
  const served = await usage();

  // The holder closes its ends when its stdin does: a pending recv sees
  // the end of its stream; the select is aborted.
  abort.abort();
  await toHolder.close();
  await waiting.catch(() => {});
  await holder.status;
  sel.close();
  for (const c of conns) c.close();
  srv.close();
  const figures = [before, held, watched, served];
  console.log(JSON.stringify({
    heap: figures.map((u) => u.heap),
    rss: figures.map((u) => u.rss),
    external: figures.map((u) => u.external),
  }));
}

// A few connections through the same paths as the measured ones.
async function warm(
  socket: Pysocket,
  selectors: Selectors,
  srv: Socket,
  port: number,
): Promise<void> {
  const ends: Socket[] = [];
  for (let i = 0; i < 8; i++) {
    const c = socket.socket();
    await c.connect(["127.0.0.1", port]);
    const [s] = await srv.accept();
    ends.push(c, s);
  }
  const sel = new selectors.DefaultSelector();
  for (const s of ends.slice(1, 8)) {
    s.setblocking(false);
    sel.register(s, selectors.EVENT_READ);
  }
  await sel.select(0.01);
  sel.close();
  await Promise.all([
    ends[8]!.sendall("x"),
    ends[9]!.recv(1024),
  ]);
  for (const e of ends) e.close();
}

// Holds `count` connections; sends a message on each for every line of its
// stdin; closes them all when its stdin ends.
async function hold(port: number, count: number): Promise<void> {
  const conns = await connectAll(port, count);
  const msg = new Uint8Array(MSG).fill(0x62);
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  for await (const chunk of lines) {
    for (let k = 0; k < chunk.split("\n").length - 1; k++) {
      for (const c of conns) await c.write(msg);
    }
  }
  for (const c of conns) c.close();
}

if (import.meta.main) {
  const [role, a, b, c, d] = Deno.args;
  if (role === "server") {
    (async () => {
      await new Response(Deno.stdin.readable).arrayBuffer();
      console.log(JSON.stringify({ errors }));
      Deno.exit(0);
    })();
    if (a === "tasks") await tasksServer();
    else if (a === "deno") await rawServer();
    else await selectorsServer();
  } else if (role === "clients") {
    await clients(Number(a), Number(b), Number(c), Number(d));
  } else if (role === "memory") {
    await memory(Number(a), b ?? "selector");
  } else if (role === "hold") {
    await hold(Number(a), Number(b));
  } else {
    console.error("usage: _select_peer.ts server|clients|memory|hold ...");
    Deno.exit(2);
  }
}
