// An HTTP/1.1 keep-alive server for the http section, in its own process.
//
//   deno run -A bench/_http_peer.ts <pysocket|deno>
//
// Prints its port, serves until its stdin ends, then prints {"errors": n,
// "resets": m} and exits: connections that ended in an error, and those the
// client reset (as wrk does to its connections when a run ends).
//
// `pysocket` is written as a Python programmer writes it with the socket
// module: an accept loop, a task per connection, `makefile("rb").readline()`
// for the request line and headers, `sendall` of the response. `deno` is the
// same server on raw Deno.listen with the smallest line reader that does the
// job. Both answer every request with the same 13-byte body; a request's
// keep-alive is HTTP/1.1's default or HTTP/1.0's `Connection: keep-alive`.
import { loadPysocket } from "./_pysocket.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const BODY = "Hello, world!";
const response = (keepAlive: boolean): Uint8Array =>
  encoder.encode(
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" +
      `Content-Length: ${BODY.length}\r\n` +
      `Connection: ${keepAlive ? "keep-alive" : "close"}\r\n\r\n${BODY}`,
  );
const KEEP = response(true);
const CLOSE = response(false);
// The longest request line or header taken, as http.server's 65536.
const MAX_LINE = 65537;

let errors = 0;
let resets = 0;

// A connection's end in an error: a reset by the client is counted apart.
function failed(e: unknown): void {
  const errno = (e as { errno?: unknown }).errno;
  if (
    errno === 104 || errno === 32 || e instanceof Deno.errors.ConnectionReset ||
    e instanceof Deno.errors.BrokenPipe
  ) {
    resets++;
    return;
  }
  if (errors++ < 3) console.error("http server:", e);
}

/** Whether the connection stays open after this request (and its headers). */
function keepAliveOf(
  version: string | undefined,
  headers: string[],
): boolean {
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

async function pysocketServer(): Promise<void> {
  const socket = await loadPysocket();
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(["127.0.0.1", 0]);
  srv.listen(128);
  console.log((srv.getsockname() as [string, number])[1]);

  const handle = async (conn: InstanceType<typeof socket.Socket>) => {
    const f = conn.makefile("rb");
    try {
      for (;;) {
        const line = await f.readline(MAX_LINE) as Uint8Array;
        if (line.length === 0) return;
        const [, , version] = decoder.decode(line).trim().split(/\s+/);
        const headers: string[] = [];
        for (;;) {
          const h = await f.readline(MAX_LINE) as Uint8Array;
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

// The line reader a raw Deno server needs: lines are views of one buffer.
class RawLines {
  readonly #conn: Deno.Conn;
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** The next line with its `\n`; empty at the end of the stream. */
  async readline(): Promise<Uint8Array> {
    for (;;) {
      const at = this.#buf.subarray(this.#start, this.#end).indexOf(0x0a);
      if (at >= 0) {
        const line = this.#buf.subarray(this.#start, this.#start + at + 1);
        this.#start += at + 1;
        return line;
      }
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      if (this.#end === this.#buf.length) {
        if (this.#buf.length >= MAX_LINE) throw new Error("line too long");
        const grown = new Uint8Array(this.#buf.length * 2);
        grown.set(this.#buf);
        this.#buf = grown;
      }
      const n = await this.#conn.read(this.#buf.subarray(this.#end));
      if (n === null) return this.#buf.subarray(0, 0);
      this.#end += n;
    }
  }
}

async function denoServer(): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(listener.addr.port);

  const handle = async (conn: Deno.Conn) => {
    const lines = new RawLines(conn);
    try {
      for (;;) {
        const line = await lines.readline();
        if (line.length === 0) return;
        const [, , version] = decoder.decode(line).trim().split(/\s+/);
        const headers: string[] = [];
        for (;;) {
          const h = await lines.readline();
          if (h.length === 0) return;
          const text = decoder.decode(h);
          if (text === "\r\n" || text === "\n") break;
          headers.push(text);
        }
        const keep = keepAliveOf(version, headers);
        const out = keep ? KEEP : CLOSE;
        for (let off = 0; off < out.length;) {
          off += await conn.write(out.subarray(off));
        }
        if (!keep) return;
      }
    } catch (e) {
      failed(e);
    } finally {
      try {
        conn.close();
      } catch { /* closed by the runtime already */ }
    }
  };

  for await (const conn of listener) handle(conn);
}

if (import.meta.main) {
  const impl = Deno.args[0];
  // Serve until the harness closes our stdin.
  (async () => {
    await new Response(Deno.stdin.readable).arrayBuffer();
    console.log(JSON.stringify({ errors, resets }));
    Deno.exit(0);
  })();
  if (impl === "deno") await denoServer();
  else await pysocketServer();
}
