// One side of a loopback TCP benchmark, in its own process, so no two peers
// share an event loop.
//
//   deno run -A bench/_tcp_peer.ts <pysocket|deno> server <bulk|pingpong>
//   deno run -A bench/_tcp_peer.ts <pysocket|deno> client <bulk|pingpong> <port> <amount>
//
// A server prints its port, serves and exits. A client prints one JSON line:
// bulk {seconds, bytes}; pingpong {rtts: microseconds[]}; connect {seconds,
// count} (connect + accept + close, one at a time); idle {rss: bytes the
// server grew by while holding `amount` idle connections, each with a
// pending receive}.
//
// connect: the server (`server connect <total>`) accepts and closes `total`
// connections; the client waits for that close before closing its end. The
// server closing first keeps the client's ports free of TIME_WAIT, so the
// figure measures the sockets, not the kernel's search for a free port.
import * as socket from "../mod.ts";

const CHUNK = 64 * 1024;
const MSG = 64;
// What an idle connection's server waits to read into.
const IDLE_READ = 1024;

interface Peer {
  listen(): Promise<number>;
  /** The next connection; the listener closes after it unless `more`. */
  accept(more?: boolean): Promise<Conn>;
  connect(port: number): Promise<Conn>;
  close(): void;
}

interface Conn {
  sendall(p: Uint8Array): Promise<void>;
  recvInto(p: Uint8Array): Promise<number>;
  shutdownWrite(): Promise<void>;
  close(): void;
}

function pysocketPeer(): Peer {
  let server: socket.Socket;
  const wrap = (s: socket.Socket): Conn => ({
    sendall: (p) => s.sendall(p),
    recvInto: (p) => s.recv_into(p),
    shutdownWrite: () => Promise.resolve(s.shutdown(socket.SHUT_WR)),
    close: () => s.close(),
  });
  return {
    listen() {
      server = socket.socket();
      server.bind(["127.0.0.1", 0]);
      server.listen();
      return Promise.resolve((server.getsockname() as [string, number])[1]);
    },
    async accept(more) {
      const [conn] = await server.accept();
      if (!more) server.close();
      return wrap(conn);
    },
    async connect(port) {
      const s = socket.socket();
      await s.connect(["127.0.0.1", port]);
      return wrap(s);
    },
    close: () => server.close(),
  };
}

function denoPeer(): Peer {
  let listener: Deno.TcpListener;
  const wrap = (c: Deno.TcpConn): Conn => ({
    async sendall(p) {
      let off = 0;
      while (off < p.length) off += await c.write(p.subarray(off));
    },
    async recvInto(p) {
      return (await c.read(p)) ?? 0;
    },
    shutdownWrite: () => c.closeWrite(),
    close: () => c.close(),
  });
  return {
    listen() {
      listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      return Promise.resolve(listener.addr.port);
    },
    async accept(more) {
      const conn = await listener.accept();
      if (!more) listener.close();
      return wrap(conn);
    },
    async connect(port) {
      return wrap(await Deno.connect({ hostname: "127.0.0.1", port }));
    },
    close: () => listener.close(),
  };
}

async function recvExactly(c: Conn, buf: Uint8Array): Promise<boolean> {
  let got = 0;
  while (got < buf.length) {
    const n = await c.recvInto(buf.subarray(got));
    if (n === 0) return false;
    got += n;
  }
  return true;
}

async function server(peer: Peer, workload: string): Promise<void> {
  console.log(await peer.listen());
  if (workload === "connect") {
    const total = Number(Deno.args[3]);
    for (let i = 0; i < total; i++) (await peer.accept(true)).close();
    peer.close();
    return;
  }
  if (workload === "idle") {
    const count = Number(Deno.args[3]);
    const conns: Conn[] = [];
    const pending: Promise<number>[] = [];
    const before = Deno.memoryUsage().rss;
    for (let i = 0; i < count; i++) {
      const c = await peer.accept(true);
      conns.push(c);
      pending.push(c.recvInto(new Uint8Array(IDLE_READ)));
    }
    await new Promise((r) => setTimeout(r, 200));
    const grown = Deno.memoryUsage().rss - before;
    console.log(JSON.stringify({ rss: grown }));
    await Promise.all(pending);
    for (const c of conns) c.close();
    peer.close();
    return;
  }
  const c = await peer.accept();
  if (workload === "bulk") {
    const buf = new Uint8Array(CHUNK);
    while (await c.recvInto(buf) > 0) { /* count nothing: drain */ }
    await c.sendall(new Uint8Array([1]));
  } else {
    const buf = new Uint8Array(MSG);
    while (await recvExactly(c, buf)) await c.sendall(buf);
  }
  c.close();
}

async function client(
  peer: Peer,
  workload: string,
  port: number,
  amount: number,
): Promise<void> {
  if (workload === "connect") {
    // Connect, wait for the server's close, close.
    const one = new Uint8Array(1);
    const cycle = async (): Promise<void> => {
      const c = await peer.connect(port);
      while (await c.recvInto(one) > 0) { /* the server sends nothing */ }
      c.close();
    };
    // A fifth as many untimed first, so the figure is the steady state.
    for (let i = 0; i < Math.floor(amount / 5); i++) await cycle();
    const start = performance.now();
    for (let i = 0; i < amount; i++) await cycle();
    const seconds = (performance.now() - start) / 1000;
    console.log(JSON.stringify({ seconds, count: amount }));
    return;
  }
  if (workload === "idle") {
    const conns: Conn[] = [];
    for (let i = 0; i < amount; i++) conns.push(await peer.connect(port));
    // The server reports its memory; then every connection sends one byte.
    const line = await new Response(Deno.stdin.readable).text();
    for (const c of conns) await c.sendall(new Uint8Array([1]));
    for (const c of conns) c.close();
    console.log(JSON.stringify({ done: line.length >= 0 }));
    return;
  }
  const c = await peer.connect(port);
  if (workload === "bulk") {
    const chunk = new Uint8Array(CHUNK).fill(0x5a);
    const start = performance.now();
    for (let sent = 0; sent < amount; sent += CHUNK) await c.sendall(chunk);
    await c.shutdownWrite();
    await recvExactly(c, new Uint8Array(1));
    const seconds = (performance.now() - start) / 1000;
    console.log(JSON.stringify({ seconds, bytes: amount }));
  } else {
    const msg = new Uint8Array(MSG).fill(0x33);
    const back = new Uint8Array(MSG);
    const rtts: number[] = [];
    for (let i = 0; i < amount; i++) {
      const t0 = performance.now();
      await c.sendall(msg);
      await recvExactly(c, back);
      rtts.push((performance.now() - t0) * 1000);
    }
    await c.shutdownWrite();
    console.log(JSON.stringify({ rtts }));
  }
  c.close();
}

if (import.meta.main) {
  const [impl, role, workload, port, amount] = Deno.args;
  if (workload === undefined) {
    console.error("usage: _tcp_peer.ts IMPL ROLE WORKLOAD [PORT AMOUNT]");
    Deno.exit(2);
  }
  const peer = impl === "deno" ? denoPeer() : pysocketPeer();
  if (role === "server") await server(peer, workload);
  else await client(peer, workload, Number(port), Number(amount));
}
