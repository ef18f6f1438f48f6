// Shared helpers for the select, selectors and socketserver tests:
// connected stream pairs on loopback, closed at the end of a test.

import * as socket from "../mod.ts";

/** Connected pairs `[a, b]` from one listener; `close()` closes them all. */
export interface Pairs extends Disposable {
  readonly pairs: Array<[socket.Socket, socket.Socket]>;
  close(): void;
}

/** `n` connected TCP pairs on 127.0.0.1. */
export async function tcpPairs(n: number): Promise<Pairs> {
  using server = socket.socket();
  server.bind(["127.0.0.1", 0]);
  server.listen(n);
  const addr = server.getsockname();
  const pairs: Array<[socket.Socket, socket.Socket]> = [];
  for (let i = 0; i < n; i++) {
    const a = socket.socket();
    const connecting = a.connect(addr);
    const [b] = await server.accept();
    await connecting;
    pairs.push([a, b]);
  }
  const close = (): void => {
    for (const [a, b] of pairs) {
      a.close();
      b.close();
    }
  };
  return { pairs, close, [Symbol.dispose]: close };
}

/** One connected TCP pair, closed by `using`. */
export async function tcpPair(): Promise<
  [socket.Socket, socket.Socket] & Disposable
> {
  const p = await tcpPairs(1);
  const [a, b] = p.pairs[0] ?? [];
  if (a === undefined || b === undefined) throw new Error("no pair");
  return Object.assign([a, b] as [socket.Socket, socket.Socket], {
    [Symbol.dispose]: () => p.close(),
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long `f` takes, in milliseconds, and what it gave. */
export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

/** A port nothing listens on (bound, then closed). */
export function closedPort(): number {
  const s = socket.socket();
  s.bind(["127.0.0.1", 0]);
  const port = s.getsockname()[1];
  s.close();
  return Number(port);
}

/** Fills `s`'s send queue (non-blocking) until a send is refused. */
export async function fill(s: socket.Socket): Promise<number> {
  const wasBlocking = s.getblocking();
  s.setblocking(false);
  const chunk = new Uint8Array(65536);
  let total = 0;
  let refused = 0;
  // Full: refused again and again while the kernel's buffer takes nothing.
  while (refused < 10) {
    try {
      total += await s.send(chunk);
      refused = 0;
    } catch (e) {
      if (!(e instanceof socket.error) || e.errno !== socket.errno.EAGAIN) {
        throw e;
      }
      refused++;
      await sleep(5);
    }
  }
  s.setblocking(wasBlocking);
  return total;
}

/** Receives exactly `n` bytes. */
export async function drain(s: socket.Socket, n: number): Promise<void> {
  let got = 0;
  while (got < n) {
    const data = await s.recv(1 << 20);
    if (data.length === 0) throw new Error("end of stream");
    got += data.length;
  }
}
