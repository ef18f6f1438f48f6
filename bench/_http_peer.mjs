// The HTTP/1.1 keep-alive server of bench/_http_peer.ts on Node.js.
//
//   node bench/_http_peer.mjs <net|pysocket>
//
// `net` is idiomatic node:net (data events, a buffer per connection);
// `pysocket` is the code of _http_peer.ts's pysocket server on pysocket's npm
// build (<PYSOCKET_ROOT or this checkout>/npm/dist, made by `deno task npm`).
// Prints its port, serves until its stdin ends, then prints {"errors": n,
// "resets": m}, as _http_peer.ts.
import net from "node:net";
import process from "node:process";
import { pathToFileURL } from "node:url";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const BODY = "Hello, world!";
const response = (keepAlive) =>
  encoder.encode(
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" +
      `Content-Length: ${BODY.length}\r\n` +
      `Connection: ${keepAlive ? "keep-alive" : "close"}\r\n\r\n${BODY}`,
  );
const KEEP = response(true);
const CLOSE = response(false);
const MAX_LINE = 65537;
let errors = 0;
let resets = 0;

function failed(e) {
  if (
    e?.errno === 104 || e?.errno === 32 || e?.code === "ECONNRESET" ||
    e?.code === "EPIPE"
  ) {
    resets++;
    return;
  }
  if (errors++ < 3) console.error("http server:", e);
}

function keepAliveOf(version, headers) {
  let keep = version === "HTTP/1.1";
  for (const h of headers) {
    const colon = h.indexOf(":");
    if (h.slice(0, colon).trim().toLowerCase() !== "connection") continue;
    const value = h.slice(colon + 1).trim().toLowerCase();
    if (value === "close") keep = false;
    else if (value === "keep-alive") keep = true;
  }
  return keep;
}

function print(v) {
  process.stdout.write(`${typeof v === "string" ? v : JSON.stringify(v)}\n`);
}

async function netServer() {
  const server = net.createServer((c) => {
    let pending = Buffer.alloc(0);
    let request = null; // [version, headers] while headers come
    c.on("error", failed);
    c.on("data", (d) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      for (;;) {
        const nl = pending.indexOf(0x0a);
        if (nl < 0) {
          if (pending.length >= MAX_LINE) c.destroy();
          return;
        }
        const text = decoder.decode(pending.subarray(0, nl + 1));
        pending = pending.subarray(nl + 1);
        if (request === null) {
          request = [text.trim().split(/\s+/)[2], []];
        } else if (text === "\r\n" || text === "\n") {
          const keep = keepAliveOf(request[0], request[1]);
          request = null;
          if (keep) c.write(KEEP);
          else {
            c.end(CLOSE);
            return;
          }
        } else {
          request[1].push(text);
        }
      }
    });
    c.on("end", () => c.end());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", 128, r));
  print(String(server.address().port));
}

async function pysocketServer() {
  const root = process.env.PYSOCKET_ROOT
    ? pathToFileURL(`${process.env.PYSOCKET_ROOT}/`)
    : new URL("../", import.meta.url);
  const socket = await import(new URL("npm/dist/esm/mod.js", root).href);
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(128);
  await srv.ready?.();
  print(String(srv.getsockname()[1]));

  const handle = async (conn) => {
    const f = conn.makefile("rb");
    try {
      for (;;) {
        const line = await f.readline(MAX_LINE);
        if (line.length === 0) return;
        const [, , version] = decoder.decode(line).trim().split(/\s+/);
        const headers = [];
        for (;;) {
          const h = await f.readline(MAX_LINE);
          if (h.length === 0) return;
          const text = decoder.decode(h);
          if (text === "\r\n" || text === "\n") break;
          headers.push(text);
        }
        const keep = keepAliveOf(version, headers);
        await conn.sendall(keep ? KEEP : CLOSE);
        if (!keep) return;
      }
    } catch (e) {
      failed(e);
    } finally {
      await f.close();
      conn.close();
    }
  };

  for (;;) {
    const [conn] = await srv.accept();
    handle(conn);
  }
}

process.stdin.on("data", () => {});
process.stdin.on("end", () => {
  print({ errors, resets });
  process.exit(0);
});
if (process.argv[2] === "net") await netServer();
else await pysocketServer();
