// One side of the loopback UDP benchmark on Node.js, with the protocol of
// bench/_udp_peer.ts. `dgram` is idiomatic node:dgram; `pysocket` is the
// npm build of pysocket (npm/dist, made by `deno task npm`).
//
//   node bench/_node_udp_peer.mjs <dgram|pysocket> server
//   node bench/_node_udp_peer.mjs <dgram|pysocket> client <port> <seconds> <window>
import dgram from "node:dgram";
import process from "node:process";

const SIZE = 1024;
const STALL_MS = 300;
const [impl, role, portArg, secondsArg, windowArg] = process.argv.slice(2);
const print = (v) =>
  process.stdout.write(`${typeof v === "string" ? v : JSON.stringify(v)}\n`);
const isStop = (d) =>
  d.length === 4 && d[0] === 83 && d[1] === 84 && d[2] === 79 && d[3] === 80;

async function dgramEndpoint() {
  const s = dgram.createSocket({ type: "udp4", recvBufferSize: 1 << 20 });
  await new Promise((r) => s.bind(0, "127.0.0.1", r));
  const waiters = [];
  const queue = [];
  s.on("message", (msg, rinfo) => {
    const w = waiters.shift();
    if (w) w([msg, rinfo.port]);
    else queue.push([msg, rinfo.port]);
  });
  return {
    port: s.address().port,
    send: (p, to) =>
      new Promise((r, j) => s.send(p, to, "127.0.0.1", (e) => e ? j(e) : r())),
    receive: () =>
      queue.length
        ? Promise.resolve(queue.shift())
        : new Promise((r) => waiters.push(r)),
    close: () => s.close(),
  };
}

async function pysocketEndpoint() {
  const socket = await import(
    new URL("../npm/dist/esm/mod.js", import.meta.url).href
  );
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20);
  s.bind(["127.0.0.1", 0]);
  return {
    port: s.getsockname()[1],
    send: (p, to) => s.sendto(p, ["127.0.0.1", to]),
    receive: async () => {
      const [data, from] = await s.recvfrom(65536);
      return [data, from[1]];
    },
    close: () => s.close(),
  };
}

async function server(ep) {
  print(String(ep.port));
  let echoed = 0;
  for (;;) {
    const [data, from] = await ep.receive();
    if (isStop(data)) break;
    await ep.send(data, from);
    echoed++;
  }
  ep.close();
  print(String(echoed));
}

async function client(ep, port, seconds, window) {
  const msg = new Uint8Array(SIZE);
  const view = new DataView(msg.buffer);
  let sent = 0;
  let received = 0;
  let lost = 0;
  const waiting = new Set();
  const start = performance.now();
  const end = start + seconds * 1000;
  let progress = performance.now();
  const fill = async () => {
    while (waiting.size < window && performance.now() < end) {
      view.setUint32(0, sent);
      waiting.add(sent);
      sent++;
      await ep.send(msg, port);
    }
  };
  let finish = () => {};
  const finished = new Promise((r) => (finish = r));
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (now - progress < STALL_MS) return;
    lost += waiting.size;
    waiting.clear();
    progress = now;
    if (now >= end) finish();
    else fill().catch(finish);
  }, STALL_MS / 3);
  (async () => {
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
  await ep.send(new TextEncoder().encode("STOP"), port);
  ep.close();
  print({ sent, received, lost, seconds: elapsed });
  process.exit(0);
}

const ep = impl === "dgram" ? await dgramEndpoint() : await pysocketEndpoint();
if (role === "server") await server(ep);
else await client(ep, Number(portArg), Number(secondsArg), Number(windowArg));
