// pysocket's client of the line-protocol section (bench/line.ts), against
// the CPython server of bench/_line_peer.py, written as its CPython client
// is written.
//
//   deno run -A bench/_line_peer.ts <lines|bulk> <port> <amount> [deno]
//
// lines: `amount` round trips read each way on one connection, in
// alternating blocks (so both see the same moments of a shared machine and
// the same server thread): a sendall of a request line, then the reply read
// with recv(4096) until it ends in a newline, or with
// makefile("rb").readline(). A reply is one line and the next request
// waits for it, so the file holds nothing when the other way takes over. Prints
// {"recv": [µs each], "readline": [µs each]}. bulk: `amount` times a BULK
// request and makefile("rb").read(16 MiB); prints {"us": [µs each]}.
//
// PYSOCKET_ROOT picks the checkout measured (bench/_pysocket.ts). With
// `deno` last, the same client on raw Deno.connect (reads of a 4 KiB buffer,
// a minimal line reader, one read loop into a 16 MiB buffer): the floor on
// this runtime.
import { loadPysocket } from "./_pysocket.ts";

const encoder = new TextEncoder();
const REQUEST = encoder.encode("PING 0123456789abcdef\n");
const REPLY_LENGTH = 64;
const BULK = 16 * 1024 * 1024;
const BULK_REQUEST = encoder.encode(`BULK ${BULK}\n`);
const NEWLINE = 0x0a;
// Round trips in a row on one connection before the other's turn.
const BLOCK = 250;

/** One client's three ways of reading its replies; each resolves to the bytes read. */
interface Client {
  recvTrip(): Promise<number>;
  readlineTrip(): Promise<number>;
  bulk(): Promise<number>;
  close(): Promise<void>;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function pysocketClient(port: number, mode: string): Promise<Client> {
  const socket = await loadPysocket();
  const connect = () => socket.create_connection(["127.0.0.1", port]);
  // lines: `r` is read with recv, `l` with its file, one connection;
  // bulk: `l` only.
  const l = await connect();
  const r = mode === "lines" ? l : null;
  const f = l.makefile("rb");
  return {
    async recvTrip() {
      await r!.sendall(REQUEST);
      let data = await r!.recv(4096);
      while (data.length > 0 && data[data.length - 1] !== NEWLINE) {
        const more = await r!.recv(4096);
        if (more.length === 0) throw new Error("server closed early");
        data = concat(data, more);
      }
      return data.length;
    },
    async readlineTrip() {
      await l.sendall(REQUEST);
      return (await f.readline()).length;
    },
    async bulk() {
      await l.sendall(BULK_REQUEST);
      return (await f.read(BULK)).length;
    },
    async close() {
      await f.close();
      l.close();
    },
  };
}

// A raw Deno connection with the smallest line reader: one buffer, views.
class RawConn {
  readonly conn: Deno.Conn;
  readonly buf: Uint8Array;
  #start = 0;
  #end = 0;

  constructor(conn: Deno.Conn, size: number) {
    this.conn = conn;
    this.buf = new Uint8Array(size);
  }

  async write(p: Uint8Array): Promise<void> {
    for (let off = 0; off < p.length;) {
      off += await this.conn.write(p.subarray(off));
    }
  }

  async readline(): Promise<Uint8Array> {
    for (;;) {
      const at = this.buf.subarray(this.#start, this.#end).indexOf(NEWLINE);
      if (at >= 0) {
        const line = this.buf.subarray(this.#start, this.#start + at + 1);
        this.#start += at + 1;
        return line;
      }
      this.buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      const n = await this.conn.read(this.buf.subarray(this.#end));
      if (n === null) throw new Error("server closed early");
      this.#end += n;
    }
  }
}

async function rawClient(port: number, mode: string): Promise<Client> {
  const connect = () => Deno.connect({ hostname: "127.0.0.1", port });
  const l = new RawConn(await connect(), mode === "bulk" ? BULK : 4096);
  // lines: recv and the line reader share `l` (and its buffer, which a
  // whole line leaves empty).
  const r = mode === "lines" ? l : null;
  return {
    async recvTrip() {
      await r!.write(REQUEST);
      const buf = r!.buf;
      let data: Uint8Array = buf.subarray(0, (await r!.conn.read(buf)) ?? 0);
      while (data.length > 0 && data[data.length - 1] !== NEWLINE) {
        const n = await r!.conn.read(buf);
        if (n === null) throw new Error("server closed early");
        data = concat(data, buf.subarray(0, n));
      }
      return data.length;
    },
    async readlineTrip() {
      await l.write(REQUEST);
      return (await l.readline()).length;
    },
    async bulk() {
      await l.write(BULK_REQUEST);
      let got = 0;
      while (got < BULK) {
        const n = await l.conn.read(l.buf.subarray(got));
        if (n === null) throw new Error("server closed early");
        got += n;
      }
      return got;
    },
    close() {
      l.conn.close();
      return Promise.resolve();
    },
  };
}

async function timed(
  us: number[],
  want: number,
  trip: () => Promise<number>,
): Promise<void> {
  const t0 = performance.now();
  const got = await trip();
  us.push((performance.now() - t0) * 1000);
  if (got !== want) throw new Error(`read ${got} bytes, not ${want}`);
}

if (import.meta.main) {
  const [mode = "", portText, amountText, impl] = Deno.args;
  const port = Number(portText);
  const amount = Number(amountText);
  const c = impl === "deno"
    ? await rawClient(port, mode)
    : await pysocketClient(port, mode);
  if (mode === "bulk") {
    const us: number[] = [];
    for (let i = 0; i < amount; i++) await timed(us, BULK, c.bulk);
    console.log(JSON.stringify({ us }));
  } else {
    const recv: number[] = [];
    const readline: number[] = [];
    for (let done = 0, b = 0; done < amount; done += BLOCK, b++) {
      const n = Math.min(BLOCK, amount - done);
      // The two take turns going first.
      for (const which of b % 2 ? [1, 0] : [0, 1]) {
        for (let i = 0; i < n; i++) {
          if (which === 0) await timed(recv, REPLY_LENGTH, c.recvTrip);
          else await timed(readline, REPLY_LENGTH, c.readlineTrip);
        }
      }
    }
    console.log(JSON.stringify({ recv, readline }));
  }
  await c.close();
}
