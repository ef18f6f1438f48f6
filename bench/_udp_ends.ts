// The ends a UDP echo is measured through, shared by the loopback benchmark's
// UDP peer (_udp_peer.ts) and the echo taken apart (udp_overhead.ts):
//
//   raw       Deno.DatagramConn's calling code: one receive buffer reused,
//             the sender's port read from the address object
//   slab      the same calling code, receiving into fresh memory as a socket
//             handing out each datagram's own bytes must: views of 512 KiB
//             slabs, a new slab when less than 64 KiB is left
//   floor     a bare wrapper that keeps only Python's guarantees: slabs as
//             above, an address tuple per datagram, a send error mapped (one
//             .then per send); none of a socket's bookkeeping
//   pysocket  socket.recvfrom / socket.sendto

/** The part of Deno.DatagramConn an end uses. */
export interface Conn {
  readonly addr: Deno.Addr;
  receive(buf: Uint8Array): Promise<[Uint8Array, Deno.Addr]>;
  send(p: Uint8Array, to: Remote): Promise<number>;
  close(): void;
}

/** A UDP destination on loopback, as Deno.DatagramConn.send takes it. */
export interface Remote {
  transport: "udp";
  hostname: string;
  port: number;
}

/** One end of an echo. */
export interface UdpEnd {
  /** The bound port. */
  readonly port: number;
  /** The next datagram's bytes and its sender's port. */
  receive(): Promise<[Uint8Array, number]>;
  send(p: Uint8Array, port: number): Promise<number>;
  close(): void | Promise<void>;
}

/** Opens a Deno datagram socket (or a stand-in for one). */
export type Open = () => Conn;

/** The part of pysocket an end uses. */
export type PySocket = typeof import("../mod.ts");

const SLAB = 512 * 1024;
const MAX = 65536;

/** Opens a real UDP socket on 127.0.0.1, port 0. */
export function openLoopback(): Conn {
  return Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  }) as unknown as Conn;
}

/** Raw Deno, as its documentation calls it. */
export function rawEnd(open: Open): UdpEnd {
  const conn = open();
  const buf = new Uint8Array(MAX);
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

/** Raw Deno's calling code, receiving into fresh slabs. */
export function slabEnd(open: Open): UdpEnd {
  const conn = open();
  let slab = new Uint8Array(SLAB);
  let off = 0;
  return {
    port: (conn.addr as Deno.NetAddr).port,
    receive: async () => {
      if (slab.length - off < MAX) {
        slab = new Uint8Array(SLAB);
        off = 0;
      }
      const [data, from] = await conn.receive(
        new Uint8Array(slab.buffer, off, MAX),
      );
      off += data.length;
      return [data, (from as Deno.NetAddr).port];
    },
    send: (p, port) =>
      conn.send(p, { transport: "udp", hostname: "127.0.0.1", port }),
    close: () => conn.close(),
  };
}

/** The bare wrapper with Python's guarantees and nothing else. */
export function floorEnd(open: Open): UdpEnd {
  const conn = open();
  let slab = new Uint8Array(SLAB);
  let off = 0;
  const mapped = (e: unknown): never => {
    throw new Error(String(e));
  };
  let target: Remote = { transport: "udp", hostname: "", port: -1 };
  const recvfrom = (): Promise<[Uint8Array, [string, number]]> => {
    if (slab.length - off < MAX) {
      slab = new Uint8Array(SLAB);
      off = 0;
    }
    return conn.receive(new Uint8Array(slab.buffer, off, MAX)).then((r) => {
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

/** pysocket, as a program ported from Python calls it. */
export function pysocketEnd(socket: PySocket): UdpEnd {
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
