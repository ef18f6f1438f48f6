// pysocket's client of the line-protocol section (bench/line.ts), against
// the CPython server of bench/_line_peer.py, written as its CPython client
// is written.
//
//   deno run -A bench/_line_peer.ts <recv|readline|bulk> <port> <amount> [deno]
//
// recv: `amount` round trips, each a sendall of a request line and recv(4096)
// until the reply ends in a newline; readline: the same with the reply read
// by makefile("rb").readline(); bulk: `amount` times a BULK request and
// makefile("rb").read(16 MiB). Prints {"us": [microseconds each]}.
// PYSOCKET_ROOT picks the checkout measured (bench/_pysocket.ts). With
// `deno` last, the same client on raw Deno.connect (reads of a 4 KiB buffer,
// a minimal line reader, one read loop into a 16 MiB buffer): the floor
// pysocket is held to.
import { loadPysocket } from "./_pysocket.ts";

const encoder = new TextEncoder();
const REQUEST = encoder.encode("PING 0123456789abcdef\n");
const REPLY_LENGTH = 64;
const BULK = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// The raw Deno client. Its line reader keeps one buffer and hands out views.
async function raw(mode: string, port: number, amount: number): Promise<void> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(mode === "bulk" ? BULK : 4096);
  let start = 0;
  let end = 0;
  const readline = async (): Promise<Uint8Array> => {
    for (;;) {
      const at = buf.subarray(start, end).indexOf(NEWLINE);
      if (at >= 0) {
        const line = buf.subarray(start, start + at + 1);
        start += at + 1;
        return line;
      }
      buf.copyWithin(0, start, end);
      end -= start;
      start = 0;
      const n = await c.read(buf.subarray(end));
      if (n === null) throw new Error("server closed early");
      end += n;
    }
  };
  const write = async (p: Uint8Array): Promise<void> => {
    for (let off = 0; off < p.length;) off += await c.write(p.subarray(off));
  };
  const us: number[] = [];
  const bulkRequest = encoder.encode(`BULK ${BULK}\n`);
  for (let i = 0; i < amount; i++) {
    const t0 = performance.now();
    let got = 0;
    if (mode === "bulk") {
      await write(bulkRequest);
      while (got < BULK) {
        const n = await c.read(buf.subarray(got));
        if (n === null) throw new Error("server closed early");
        got += n;
      }
    } else if (mode === "readline") {
      await write(REQUEST);
      got = (await readline()).length;
    } else {
      await write(REQUEST);
      let data: Uint8Array = buf.subarray(0, (await c.read(buf)) ?? 0);
      while (data.length > 0 && data[data.length - 1] !== NEWLINE) {
        const n = await c.read(buf);
        if (n === null) throw new Error("server closed early");
        data = concat(data, buf.subarray(0, n));
      }
      got = data.length;
    }
    if (mode !== "bulk" && got !== REPLY_LENGTH) {
      throw new Error(`reply of ${got} bytes`);
    }
    us.push((performance.now() - t0) * 1000);
  }
  c.close();
  console.log(JSON.stringify({ us }));
}

if (import.meta.main && Deno.args[3] === "deno") {
  await raw(Deno.args[0], Number(Deno.args[1]), Number(Deno.args[2]));
} else if (import.meta.main) {
  const [mode, port, amount] = Deno.args;
  const socket = await loadPysocket();
  const s = await socket.create_connection(["127.0.0.1", Number(port)]);
  const f = s.makefile("rb");
  const us: number[] = [];
  const bulkRequest = encoder.encode(`BULK ${BULK}\n`);
  for (let i = 0; i < Number(amount); i++) {
    const t0 = performance.now();
    let got: number;
    if (mode === "bulk") {
      await s.sendall(bulkRequest);
      got = (await f.read(BULK)).length;
      if (got !== BULK) throw new Error(`read ${got} bytes`);
    } else if (mode === "readline") {
      await s.sendall(REQUEST);
      got = (await f.readline()).length;
    } else {
      await s.sendall(REQUEST);
      let data = await s.recv(4096);
      while (data.length > 0 && data[data.length - 1] !== NEWLINE) {
        const more = await s.recv(4096);
        if (more.length === 0) throw new Error("server closed early");
        data = concat(data, more);
      }
      got = data.length;
    }
    if (mode !== "bulk" && got !== REPLY_LENGTH) {
      throw new Error(`reply of ${got} bytes`);
    }
    us.push((performance.now() - t0) * 1000);
  }
  await f.close();
  s.close();
  console.log(JSON.stringify({ us }));
}
