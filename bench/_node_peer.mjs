// One side of a loopback TCP benchmark on Node.js, speaking the protocol of
// bench/_tcp_peer.ts. `net` is idiomatic node:net; `pysocket` is the npm
// build of pysocket (npm/dist, made by `deno task npm`).
//
//   node bench/_node_peer.mjs <net|pysocket> server <workload> [count]
//   node bench/_node_peer.mjs <net|pysocket> client <workload> <port> <amount>
import net from "node:net";
import process from "node:process";

const CHUNK = 64 * 1024;
const MSG = 64;
const IDLE_READ = 1024;
const [impl, role, workload, a4, a5] = process.argv.slice(2);
const now = () => performance.now();

// connect: a fifth as many untimed cycles first, so the figure is the steady
// state; then `amount` timed ones, printed as {seconds, count}.
async function timeCycles(cycle, amount) {
  for (let i = 0; i < Math.floor(amount / 5); i++) await cycle();
  const start = now();
  for (let i = 0; i < amount; i++) await cycle();
  print({ seconds: (now() - start) / 1000, count: amount });
}
const print = (v) =>
  process.stdout.write(`${typeof v === "string" ? v : JSON.stringify(v)}\n`);

function stdinText() {
  return new Promise((resolve) => {
    let text = "";
    process.stdin.on("data", (d) => (text += d));
    process.stdin.on("end", () => resolve(text));
  });
}

// ------------------------------------------------------------ raw node:net

async function netServer() {
  const server = net.createServer({ noDelay: false });
  await new Promise((r) => server.listen(0, "127.0.0.1", 4096, r));
  print(String(server.address().port));
  if (workload === "bulk") {
    server.once("connection", (c) => {
      c.on("data", () => {});
      c.on("end", () => c.end(Buffer.from([1])));
      server.close();
    });
  } else if (workload === "pingpong") {
    server.once("connection", (c) => {
      let pending = Buffer.alloc(0);
      c.on("data", (d) => {
        pending = pending.length ? Buffer.concat([pending, d]) : d;
        while (pending.length >= MSG) {
          c.write(pending.subarray(0, MSG));
          pending = pending.subarray(MSG);
        }
      });
      c.on("end", () => c.end());
      server.close();
    });
  } else if (workload === "connect") {
    const total = Number(a4);
    let n = 0;
    server.on("connection", (c) => {
      c.on("error", () => {});
      c.end();
      if (++n === total) server.close();
    });
  } else if (workload === "idle") {
    const count = Number(a4);
    const before = process.memoryUsage().rss;
    let n = 0;
    let ended = 0;
    server.on("connection", (c) => {
      c.on("data", () => {});
      c.on("end", () => {
        c.end();
        if (++ended === count) server.close();
      });
      if (++n === count) {
        setTimeout(
          () => print({ rss: process.memoryUsage().rss - before }),
          200,
        );
      }
    });
  }
}

function netConnect(port) {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: "127.0.0.1" }, () => resolve(c));
    c.once("error", reject);
  });
}

async function netClient(port, amount) {
  if (workload === "connect") {
    // Connect, wait for the server's close, close.
    const cycle = async () => {
      const c = await netConnect(port);
      await new Promise((resolve) => {
        c.on("data", () => {});
        c.once("end", resolve);
      });
      c.destroy();
    };
    await timeCycles(cycle, amount);
    return;
  }
  if (workload === "idle") {
    const conns = [];
    for (let i = 0; i < amount; i++) conns.push(await netConnect(port));
    await stdinText();
    for (const c of conns) c.end(Buffer.from([1]));
    print({ done: true });
    return;
  }
  const c = await netConnect(port);
  if (workload === "bulk") {
    const chunk = Buffer.alloc(CHUNK, 0x5a);
    const start = now();
    const done = new Promise((r) => c.once("data", r));
    for (let sent = 0; sent < amount; sent += CHUNK) {
      if (!c.write(chunk)) await new Promise((r) => c.once("drain", r));
    }
    c.end();
    await done;
    print({ seconds: (now() - start) / 1000, bytes: amount });
    c.destroy();
    return;
  }
  const msg = Buffer.alloc(MSG, 0x33);
  const rtts = [];
  let got = 0;
  let wake = null;
  c.on("data", (d) => {
    got += d.length;
    if (got >= MSG && wake) wake();
  });
  for (let i = 0; i < amount; i++) {
    const t0 = now();
    const back = new Promise((r) => (wake = r));
    c.write(msg);
    if (got < MSG) await back;
    got -= MSG;
    rtts.push((now() - t0) * 1000);
  }
  c.end();
  print({ rtts });
}

// ------------------------------------------------------- pysocket on Node

async function pysocketMain() {
  const socket = await import(
    new URL("../npm/dist/esm/mod.js", import.meta.url).href
  );
  const recvExactly = async (s, buf) => {
    let got = 0;
    while (got < buf.length) {
      const n = await s.recv_into(buf.subarray(got));
      if (n === 0) return false;
      got += n;
    }
    return true;
  };
  if (role === "server") {
    const srv = socket.socket();
    srv.bind(["127.0.0.1", 0]);
    srv.listen();
    await srv.ready?.();
    print(String(srv.getsockname()[1]));
    if (workload === "connect") {
      const total = Number(a4);
      for (let i = 0; i < total; i++) (await srv.accept())[0].close();
    } else if (workload === "idle") {
      const count = Number(a4);
      const before = process.memoryUsage().rss;
      const conns = [];
      const pending = [];
      for (let i = 0; i < count; i++) {
        const [c] = await srv.accept();
        conns.push(c);
        pending.push(c.recv_into(new Uint8Array(IDLE_READ)));
      }
      await new Promise((r) => setTimeout(r, 200));
      print({ rss: process.memoryUsage().rss - before });
      await Promise.all(pending);
      for (const c of conns) c.close();
    } else {
      const [c] = await srv.accept();
      if (workload === "bulk") {
        const buf = new Uint8Array(CHUNK);
        while (await c.recv_into(buf) > 0) { /* drain */ }
        await c.sendall(new Uint8Array([1]));
      } else {
        const buf = new Uint8Array(MSG);
        while (await recvExactly(c, buf)) await c.sendall(buf);
      }
      c.close();
    }
    srv.close();
    return;
  }
  const port = Number(a4);
  const amount = Number(a5);
  const connect = async () => {
    const s = socket.socket();
    await s.connect(["127.0.0.1", port]);
    return s;
  };
  if (workload === "connect") {
    // Connect, wait for the server's close, close.
    const one = new Uint8Array(1);
    const cycle = async () => {
      const s = await connect();
      while (await s.recv_into(one) > 0) { /* the server sends nothing */ }
      s.close();
    };
    await timeCycles(cycle, amount);
    return;
  }
  if (workload === "idle") {
    const conns = [];
    for (let i = 0; i < amount; i++) conns.push(await connect());
    await stdinText();
    for (const c of conns) await c.sendall(new Uint8Array([1]));
    for (const c of conns) c.close();
    print({ done: true });
    return;
  }
  const c = await connect();
  if (workload === "bulk") {
    const chunk = new Uint8Array(CHUNK).fill(0x5a);
    const start = now();
    for (let sent = 0; sent < amount; sent += CHUNK) await c.sendall(chunk);
    c.shutdown(socket.SHUT_WR);
    await recvExactly(c, new Uint8Array(1));
    print({ seconds: (now() - start) / 1000, bytes: amount });
  } else {
    const msg = new Uint8Array(MSG).fill(0x33);
    const back = new Uint8Array(MSG);
    const rtts = [];
    for (let i = 0; i < amount; i++) {
      const t0 = now();
      await c.sendall(msg);
      await recvExactly(c, back);
      rtts.push((now() - t0) * 1000);
    }
    c.shutdown(socket.SHUT_WR);
    print({ rtts });
  }
  c.close();
}

if (impl === "net") {
  if (role === "server") await netServer();
  else await netClient(Number(a4), Number(a5));
} else {
  await pysocketMain();
}
