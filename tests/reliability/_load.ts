// The load workload, shared by the test and the soak: one pysocket echo
// server, many concurrent pysocket clients, each echoing random messages
// and checking every byte that comes back.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { firstDifference, mib, Rng } from "./_util.ts";

/** Figures of one load run. */
export interface LoadResult {
  seed: number;
  clients: number;
  messages: number;
  bytesEachWay: number;
  serverBytes: number;
  peakConcurrent: number;
  seconds: number;
  memory: {
    before: Deno.MemoryUsage;
    peak: Deno.MemoryUsage;
    after: Deno.MemoryUsage;
  };
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  clients: number;
  messages: number;
  seed: number;
  /** Largest message in bytes (sizes are 1..maxMessage). */
  maxMessage?: number;
}

/** An echo server: accepts until closed, echoes each connection. */
export class EchoServer {
  readonly sock: socket.Socket;
  readonly #handlers = new Set<Promise<void>>();
  readonly #loop: Promise<void>;
  readonly #expected: number;
  bytes = 0;
  open = 0;
  peakOpen = 0;
  served = 0;
  /** Memory when `expected` connections were open at once. */
  peakMemory: Deno.MemoryUsage | null = null;

  constructor(expected = 0) {
    this.#expected = expected;
    this.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    this.sock.bind(["127.0.0.1", 0]);
    this.sock.listen(socket.SOMAXCONN);
    this.#loop = this.#acceptLoop();
  }

  get address(): socket.Address {
    return this.sock.getsockname();
  }

  async #acceptLoop(): Promise<void> {
    for (;;) {
      let conn: socket.Socket;
      try {
        [conn] = await this.sock.accept();
      } catch (e) {
        // Closing the listener ends the loop with EBADF, as documented.
        if (e instanceof socket.error && e.errno === socket.errno.EBADF) return;
        throw e;
      }
      const h = this.#echo(conn);
      this.#handlers.add(h);
      h.finally(() => this.#handlers.delete(h));
    }
  }

  async #echo(conn: socket.Socket): Promise<void> {
    this.open++;
    this.served++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    if (this.open === this.#expected) this.peakMemory = Deno.memoryUsage();
    try {
      for (;;) {
        const data = await conn.recv(65536);
        if (data.length === 0) break;
        this.bytes += data.length;
        await conn.sendall(data);
      }
    } finally {
      this.open--;
      await conn[Symbol.asyncDispose]();
    }
  }

  /** Stops accepting and waits for every connection to end. */
  async close(): Promise<void> {
    await this.sock[Symbol.asyncDispose]();
    await this.#loop;
    await Promise.all(this.#handlers);
  }
}

async function client(
  address: socket.Address,
  messages: number,
  maxMessage: number,
  rng: Rng,
  connected: () => void,
  allConnected: Promise<void>,
): Promise<number> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  let sent = 0;
  try {
    await s.connect(address);
    connected();
    // Every client is connected before any starts: all at once for real.
    await allConnected;
    const back = new Uint8Array(maxMessage);
    for (let i = 0; i < messages; i++) {
      const msg = rng.bytes(rng.int(1, maxMessage));
      await s.sendall(msg);
      let got = 0;
      while (got < msg.length) {
        const n = await s.recv_into(back.subarray(got, msg.length));
        assert.ok(n > 0, `client: end of stream after ${sent + got} bytes`);
        got += n;
      }
      const bad = firstDifference(back.subarray(0, msg.length), msg);
      assert.equal(bad, -1, `message ${i}: byte ${bad} differs`);
      sent += msg.length;
    }
  } finally {
    await s[Symbol.asyncDispose]();
  }
  return sent;
}

/**
 * Runs `clients` concurrent clients against `address`; resolves to the
 * bytes echoed in all. Rejects on the first wrong byte.
 */
export async function runClients(
  address: socket.Address,
  opts: LoadOptions,
): Promise<number> {
  const maxMessage = opts.maxMessage ?? 64;
  const rng = new Rng(opts.seed);
  let connected = 0;
  let release!: () => void;
  const allConnected = new Promise<void>((r) => release = r);
  const onConnected = (): void => {
    if (++connected === opts.clients) release();
  };
  const runs: Promise<number>[] = [];
  for (let i = 0; i < opts.clients; i++) {
    runs.push(
      client(
        address,
        opts.messages,
        maxMessage,
        new Rng(rng.u32()),
        onConnected,
        allConnected,
      ).catch((e) => {
        release(); // a failed client must not leave the others waiting
        throw e;
      }),
    );
  }
  let bytes = 0;
  for (const r of await Promise.allSettled(runs)) {
    if (r.status === "rejected") throw r.reason;
    bytes += r.value;
  }
  return bytes;
}

/**
 * One server in this process, the clients in a child process (so that the
 * memory measured is the server's, and both cores work).
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const before = Deno.memoryUsage();
  const server = new EchoServer(opts.clients);
  let bytes: number;
  try {
    const [host, port] = server.address as [string, number];
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        import.meta.filename!,
        host,
        String(port),
        JSON.stringify(opts),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    assert.ok(out.success, `clients failed: ${text}`);
    bytes = JSON.parse(text.split("\n").at(-1)!).bytes;
  } finally {
    await server.close();
  }
  const after = Deno.memoryUsage();
  assert.equal(server.bytes, bytes, "the server echoed every byte once");
  assert.equal(server.served, opts.clients, "every client was served");
  return {
    seed: opts.seed,
    clients: opts.clients,
    messages: opts.messages,
    bytesEachWay: bytes,
    serverBytes: server.bytes,
    peakConcurrent: server.peakOpen,
    seconds: (performance.now() - start) / 1000,
    memory: { before, peak: server.peakMemory ?? after, after },
  };
}

/** A summary for the log. */
export function describeLoad(r: LoadResult): string {
  const m = (u: Deno.MemoryUsage): string =>
    `rss ${mib(u.rss)}, heapUsed ${mib(u.heapUsed)}`;
  return `load: seed ${r.seed}, ${r.clients} clients x ${r.messages} messages ` +
    `(${r.clients * r.messages} round trips), ${
      mib(r.bytesEachWay)
    } each way, ` +
    `${r.peakConcurrent} connections open at once, ${
      r.seconds.toFixed(1)
    } s\n` +
    `  server memory before: ${m(r.memory.before)}\n` +
    `  server memory with all clients connected: ${m(r.memory.peak)}\n` +
    `  server memory after: ${m(r.memory.after)}`;
}

// The client process: `deno run -A _load.ts HOST PORT OPTIONS_JSON`.
if (import.meta.main) {
  const [host, port, json] = Deno.args;
  if (host === undefined || port === undefined || json === undefined) {
    console.error("usage: _load.ts HOST PORT OPTIONS_JSON");
    Deno.exit(2);
  }
  let unhandled = 0;
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    unhandled++;
    console.error("unhandled rejection:", e.reason);
  });
  const bytes = await runClients([host, Number(port)], JSON.parse(json));
  await new Promise((r) => setTimeout(r, 50));
  if (unhandled > 0) Deno.exit(3);
  console.log(JSON.stringify({ bytes }));
}
