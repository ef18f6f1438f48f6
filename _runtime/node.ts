// The Node.js side of the runtime port (types.ts), on node:net, node:dgram,
// node:dns, node:fs, node:os and node:worker_threads. The npm build swaps
// this file in for deno.ts. It uses only Node's public APIs (so it runs on
// Bun too), speaks in plain objects and fails only with `RuntimeError`s:
// the errno name Node gives as `err.code` (`ECONNREFUSED`, ...) becomes the
// RuntimeError's code, Node's error its cause.

import { RuntimeError } from "./error.ts";
import { checkShared } from "./_files.ts";
import type {
  Capabilities,
  ConnectOptions,
  DatagramBind,
  DatagramOptions,
  DatagramSocket,
  DatagramTarget,
  DnsQueryOptions,
  DnsRecordType,
  FileLock,
  FileReader,
  InterfaceAddress,
  ListenOptions,
  MulticastMembership,
  PermissionQuery,
  PermissionState,
  Runtime,
  RuntimeAddr,
  StreamConn,
  StreamListener,
  StreamTarget,
} from "./types.ts";
export type * from "./types.ts";
import type { ErrnoName } from "../_base/errors.ts";
export { RuntimeError } from "./error.ts";

import * as dgram from "node:dgram";
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";

// ----------------------------------------------------------------- errors

// Node's own codes (not errnos) for conditions the socket code knows by
// their errno: a write after end is a broken pipe, a call on a destroyed or
// closed socket is on a bad descriptor, an argument Node refuses is invalid.
const ERRNO_FOR_NODE_CODE: Readonly<Record<string, ErrnoName>> = {
  ERR_STREAM_WRITE_AFTER_END: "EPIPE",
  ERR_STREAM_DESTROYED: "EBADF",
  ERR_SOCKET_CLOSED: "EBADF",
  ERR_SOCKET_DGRAM_NOT_RUNNING: "EBADF",
  ERR_SERVER_NOT_RUNNING: "EBADF",
  ERR_SOCKET_DGRAM_IS_CONNECTED: "EISCONN",
  ERR_SOCKET_DGRAM_NOT_CONNECTED: "ENOTCONN",
  ERR_SOCKET_BAD_PORT: "EINVAL",
  ERR_INVALID_ARG_TYPE: "EINVAL",
  ERR_INVALID_ARG_VALUE: "EINVAL",
  ERR_INVALID_IP_ADDRESS: "EINVAL",
  ERR_OUT_OF_RANGE: "EINVAL",
};

/**
 * Node's error (or anything thrown) as a `RuntimeError` of `syscall`: the
 * errno name Node gives as `code`, `UNKNOWN` where it gives none, and Node's
 * error as `cause`. Exported for the adapter's own tests only.
 */
export function translate(e: unknown, syscall: string): RuntimeError {
  if (e instanceof RuntimeError) return e;
  if (!(e instanceof Error)) {
    return new RuntimeError("UNKNOWN", syscall, {
      cause: e,
      message: String(e),
    });
  }
  const code = (e as { code?: unknown }).code;
  const mapped = typeof code !== "string"
    ? undefined
    : ERRNO_FOR_NODE_CODE[code] ??
      // An errno name as Node spells it; socket/errors.ts checks it.
      (/^E[A-Z0-9]+$/.test(code) ? code as ErrnoName : undefined);
  return new RuntimeError(mapped ?? "UNKNOWN", syscall, {
    cause: e,
    message: e.message,
  });
}

/** Runs `f`, translating what it throws. */
function attempt<T>(syscall: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw translate(e, syscall);
  }
}

function badDescriptor(syscall: string): RuntimeError {
  return new RuntimeError("EBADF", syscall, { message: "Bad file descriptor" });
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

// ----------------------------------------------------- binding in the call

// The port binds in the call (listenStream, listenDatagram): Python's bind()
// takes the port at once, getsockname() shows it, and EADDRINUSE is thrown
// there. Node.js binds a TCP server that is given a host only once
// dns.lookup has answered, on a later tick, even for a numeric address, and
// it reports any listen() failure as an 'error' event on a later tick; Bun
// binds its UDP sockets on a later tick. No public API binds in the call or
// waits for a later tick. So where the runtime did not bind in the call,
// the same bind is made in a helper thread while this one waits for it
// (Atomics.wait): the kernel's own answer, the port it gave or why it
// refused, comes back in the call. The helper lets its socket go before it
// answers, and this thread binds that port for real, on the next tick (the
// look-up's answer is queued before anything the caller does next, so a
// connect of this process reaches the listener). A port taken by another
// process in between fails the real bind: that error goes to the next
// accept or receive. Names are resolved in the helper too (getaddrinfo, as
// the system resolves them), because Node has no synchronous look-up.
//
// Until that tick the kernel does not know of the bind, so a second bind of
// this process in the same tick (a listener, then another bind to its
// address) would be let through by the helper. The binds still pending are
// kept here and a new one is checked against them with Linux's rules (the
// same port and overlapping addresses, unless both share it: SO_REUSEPORT
// for TCP, SO_REUSEADDR for UDP); a port the helper offers that a pending
// bind has is asked for again.

/** A bind this thread has made that the kernel has not seen yet. */
interface PendingBind {
  readonly transport: "tcp" | "udp" | "unix";
  /** A numeric host, or a Unix path. */
  readonly host: string;
  readonly port: number;
  readonly shared: boolean;
  readonly v6only: boolean;
}

const pendingBinds = new Set<PendingBind>();

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

// Whether two binds would cover a common address: the same one, or a
// wildcard of the family (a dual-stack `::` covers IPv4 too).
function overlap(a: PendingBind, b: PendingBind): boolean {
  if (a.transport === "unix") return a.host === b.host;
  const a6 = a.host.includes(":");
  if (a6 === b.host.includes(":")) {
    return a.host === b.host || isWildcard(a.host) || isWildcard(b.host);
  }
  const v6 = a6 ? a : b;
  return v6.host === "::" && !v6.v6only;
}

function pendingConflict(bind: PendingBind): boolean {
  for (const p of pendingBinds) {
    if (
      p.transport === bind.transport && p.port === bind.port &&
      !(p.shared && bind.shared) && overlap(p, bind)
    ) return true;
  }
  return false;
}

function addressInUse(): RuntimeError {
  return new RuntimeError("EADDRINUSE", "bind", {
    message: "Address already in use",
  });
}

/**
 * Binds `bind` in the helper thread: resolves to the port the kernel gave
 * (one no pending bind has), or throws why it refused.
 */
function probeBind(
  bind: PendingBind,
  request: (port: number) => object,
): number {
  if (pendingConflict(bind)) throw addressInUse();
  for (let tries = 0; tries < 8; tries++) {
    const port = askHelper(request(bind.port), "bind").port ?? 0;
    if (bind.port !== 0 || !pendingConflict({ ...bind, port })) return port;
  }
  throw addressInUse();
}

// CommonJS, run as a worker's eval'd source (no file to ship or find). Its
// answer goes through a shared buffer: a state word, a length, JSON bytes;
// each answer carries its request's id, so a late one is never taken for
// the answer to a later request.
const HELPER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const dgram = require("node:dgram");
const dns = require("node:dns");
const net = require("node:net");
const state = new Int32Array(workerData, 0, 2);
const body = new Uint8Array(workerData, 8);
let current = 0;
function answer(id, reply) {
  const bytes = new TextEncoder().encode(JSON.stringify({ ...reply, id }));
  const n = Math.min(bytes.length, body.length);
  body.set(bytes.subarray(0, n));
  Atomics.store(state, 1, n);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}
function failure(e) {
  const code = e !== null && typeof e === "object" && typeof e.code === "string"
    ? e.code : "UNKNOWN";
  return { error: { code, message: String((e && e.message) || e) } };
}
process.on("uncaughtException", (e) => answer(current, failure(e)));
const ops = {
  lookup(m, done, fail) {
    dns.lookup(m.host, { all: true }, (err, list) =>
      err ? fail(err) : done({ addresses: list.map((a) => a.address) }));
  },
  tcp(m, done, fail) {
    const server = net.createServer();
    server.once("error", fail);
    server.listen(m.listen, () => {
      const a = server.address();
      const port = a !== null && typeof a === "object" ? a.port : 0;
      server.close(() => done({ port }));
    });
  },
  udp(m, done, fail) {
    const sock = dgram.createSocket(m.socket);
    sock.once("error", (e) => {
      try { sock.close(); } catch {}
      fail(e);
    });
    sock.bind(m.bind, () => {
      const port = sock.address().port;
      sock.close(() => done({ port }));
    });
  },
};
parentPort.on("message", (m) => {
  current = m.id;
  const done = (reply) => answer(m.id, reply);
  const fail = (e) => answer(m.id, failure(e));
  try { ops[m.op](m, done, fail); } catch (e) { fail(e); }
});
`;

/** What the helper answers. */
interface HelperReply {
  readonly id: number;
  readonly port?: number;
  readonly addresses?: string[];
  readonly error?: { readonly code: string; readonly message: string };
}

// Long enough for a look-up that goes through every name server's timeout.
const HELPER_TIMEOUT_MS = 60_000;

let helper: {
  worker: Worker;
  state: Int32Array;
  body: Uint8Array;
  requests: number;
} | null = null;

/** Sends `request` to the helper thread and waits for its answer. */
function askHelper(request: object, syscall: string): HelperReply {
  if (helper === null) {
    const shared = new SharedArrayBuffer(8 + 64 * 1024);
    const worker = attempt(
      syscall,
      () =>
        // No preloads of this process's (--import, --require): the helper
        // needs none.
        new Worker(HELPER_SOURCE, {
          eval: true,
          workerData: shared,
          execArgv: [],
        }),
    );
    // An idle helper never keeps the process alive.
    worker.unref();
    helper = {
      worker,
      state: new Int32Array(shared, 0, 2),
      body: new Uint8Array(shared, 8),
      requests: 0,
    };
  }
  const h = helper;
  const id = ++h.requests;
  const deadline = Date.now() + HELPER_TIMEOUT_MS;
  Atomics.store(h.state, 0, 0);
  h.worker.postMessage({ ...request, id });
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(h.state, 0, 0, left) === "timed-out") {
      // Stuck (a look-up that never ends): the next call starts a new one.
      void h.worker.terminate();
      helper = null;
      throw new RuntimeError("ETIMEDOUT", syscall, {
        message: `${syscall}: no answer from the helper thread`,
      });
    }
    // A copy: TextDecoder does not read shared memory.
    const text = new TextDecoder().decode(
      h.body.slice(0, Atomics.load(h.state, 1)),
    );
    const reply = JSON.parse(text) as HelperReply;
    if (reply.id !== id) {
      // A late answer to an earlier request: wait for this one's.
      Atomics.store(h.state, 0, 0);
      continue;
    }
    if (reply.error !== undefined) {
      const cause = Object.assign(new Error(reply.error.message), {
        code: reply.error.code,
      });
      throw translate(cause, syscall);
    }
    return reply;
  }
}

// What getaddrinfo says of a name that does not exist. The port's word for
// it is ENOENT (as the Deno adapter's NotFound): the socket code turns that
// into gaierror EAI_NONAME.
const NAME_NOT_FOUND = new Set(["ENOTFOUND", "ENODATA", "EAI_NODATA"]);

/**
 * `host` as a numeric address: a name is resolved as the system resolves
 * it, IPv4 first (the port gives no family; the socket code checks it).
 */
function numericHost(host: string, syscall: string): string {
  const bare = unbracket(host);
  if (net.isIP(bare) !== 0) return bare;
  let found: string[];
  try {
    found = askHelper({ op: "lookup", host: bare }, syscall).addresses ?? [];
  } catch (e) {
    const code = e instanceof RuntimeError ? String(e.code) : "";
    if (!NAME_NOT_FOUND.has(code)) throw e;
    found = [];
  }
  const pick = found.find((a) => net.isIPv4(a)) ?? found[0];
  if (pick === undefined) {
    throw new RuntimeError("ENOENT", syscall, {
      message: `${bare}: name or service not known`,
    });
  }
  return pick;
}

// ---------------------------------------------------------------- streams

// Reads pull, as Deno's do: a connection reads from the kernel only while
// a read() waits, one chunk per read. Its sockets stay paused (a readable
// high-water mark of 0, never flowing), so each chunk Node reads is held in
// the stream's buffer and the handle stops reading at once, in the read
// callback. Two things depend on that:
//
// - Unread bytes stay in the kernel, where they push back on the sender,
//   and closing with unread bytes resets the connection, as on Linux.
//   Bytes Node has read that no read() took yet (a chunk larger than the
//   read) are still unread to the peer: close() then resets on purpose.
// - A reset is reported as one. libuv ends a read callback's loop with a
//   short read (the kernel had no more), and if the kernel flagged a
//   hang-up in the same wake-up while the handle is still reading, libuv
//   reports the end of the stream without asking the kernel, which would
//   have said ECONNRESET when the hang-up is a reset behind data. In flowing
//   mode (a 'data' listener) Node keeps the handle reading after a chunk; a
//   read() made while Node delivers a chunk (its promise reactions run
//   before control goes back to libuv) would start it again too. So after a
//   short chunk the next kernel read starts only once libuv's loop has moved
//   on (setImmediate): the handle is not reading when libuv looks, and the
//   next read() gets the kernel's own answer (ECONNRESET, or 0 at a real
//   end). A short read means the kernel had nothing more, so waiting costs
//   nothing; after a full chunk reads go on at once.

// The size of libuv's reads on a stream (its suggested buffer size).
const READ_SIZE = 64 * 1024;

// The streams held off after a short read, let go together by one
// immediate per turn of the loop: a server reading many connections in one
// wake-up schedules one immediate, not one per connection.
let heldOff: (() => void)[] = [];

function releaseHeldOff(): void {
  const release = heldOff;
  heldOff = [];
  for (const f of release) f();
}

function holdOff(release: () => void): void {
  if (heldOff.length === 0) setImmediate(releaseHeldOff);
  heldOff.push(release);
}

function tcpAddr(host: string | undefined, port: number | undefined) {
  return {
    transport: "tcp",
    hostname: host ?? "",
    port: port ?? 0,
  } as const;
}

class NodeStream implements StreamConn {
  readonly #sock: net.Socket;
  readonly localAddr: RuntimeAddr;
  readonly #unixRemote: string | null;
  #remote: RuntimeAddr | null = null;
  readonly #tcp: boolean;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #eof = false;
  #closedHere = false;
  #error: unknown = null;
  #pulling = false;
  #holdOff = false;
  // Made once: a short read hands it to holdOff() (no closure per read).
  readonly #release = (): void => {
    this.#holdOff = false;
    this.#pull();
  };
  #waiter:
    | {
      p: Uint8Array;
      resolve: (n: number | null) => void;
      reject: (e: unknown) => void;
    }
    | null = null;

  // Node does not report Unix socket addresses: the listener's path is the
  // accepted end's local address and the connected end's remote address;
  // the other end is unnamed (""). A TCP peer's address is asked for only
  // when first needed (see stillConnected).
  constructor(
    sock: net.Socket,
    unix: { local: string; remote: string } | null,
  ) {
    this.#sock = sock;
    this.#tcp = unix === null;
    this.#unixRemote = unix?.remote ?? null;
    this.localAddr = unix === null
      ? tcpAddr(sock.localAddress, sock.localPort)
      : { transport: "unix", path: unix.local };
    sock.on("end", () => {
      this.#eof = true;
      this.#settle();
    });
    sock.on("error", (e: unknown) => {
      this.#error ??= e;
      this.#settle();
    });
    sock.on("close", () => {
      if (!this.#eof) this.#error ??= badDescriptor("recv");
      this.#settle();
    });
  }

  get remoteAddr(): RuntimeAddr {
    if (this.#remote === null) {
      this.#remote = this.#unixRemote !== null
        ? { transport: "unix", path: this.#unixRemote }
        : tcpAddr(this.#sock.remoteAddress, this.#sock.remotePort);
    }
    return this.#remote;
  }

  /**
   * Whether the connection is still there for accept() to hand out. Node
   * accepts from the kernel as connections arrive, not when asked; one reset
   * since then is skipped, as the Deno adapter's accept (which takes it from
   * the kernel only when asked) skips it. Node asks the kernel for the
   * peer's address the first time `remoteAddress` is read, and a reset
   * connection has none (ENOTCONN), so it is read here first.
   */
  stillConnected(): boolean {
    if (!this.#tcp) return true;
    if (this.#error !== null || this.#sock.destroyed) return false;
    if (this.#remote !== null) return true;
    if (this.#sock.remoteAddress === undefined) return false;
    void this.remoteAddr;
    return true;
  }

  // Takes what Node has read for the waiting read(), or asks Node to read
  // (stream.read() on an empty buffer starts the handle); 'readable' says
  // when the chunk, the end or an error has come.
  #pull(): void {
    const w = this.#waiter;
    if (w === null) return;
    const sock = this.#sock;
    if (!this.#pulling) {
      this.#pulling = true;
      // Added on the first read: the listener makes Node start a read.
      sock.on("readable", () => this.#pull());
    }
    if (this.#holdOff && sock.readableLength === 0) return;
    const chunk = sock.read() as Uint8Array | null;
    if (chunk === null) return;
    if (chunk.length < READ_SIZE) {
      this.#holdOff = true;
      holdOff(this.#release);
    }
    this.#waiter = null;
    const n = Math.min(w.p.length, chunk.length);
    w.p.set(n === chunk.length ? chunk : chunk.subarray(0, n));
    if (n < chunk.length) this.#push(chunk.subarray(n));
    w.resolve(n);
  }

  #push(chunk: Uint8Array): void {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  // Wakes a pending read once the stream has ended or failed.
  #settle(): void {
    const w = this.#waiter;
    if (w === null || this.#queued > 0) return;
    if (this.#error !== null) {
      this.#waiter = null;
      w.reject(translate(this.#error, "recv"));
    } else if (this.#eof) {
      this.#waiter = null;
      w.resolve(null);
    }
  }

  #take(p: Uint8Array): number {
    let n = 0;
    for (
      let head = this.#queue[0];
      head !== undefined && n < p.length;
      head = this.#queue[0]
    ) {
      const k = Math.min(head.length, p.length - n);
      p.set(k === head.length ? head : head.subarray(0, k), n);
      n += k;
      if (k === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(k);
    }
    this.#queued -= n;
    return n;
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.#waiter !== null) {
      return Promise.reject(
        new RuntimeError("EBUSY", "recv", {
          message: "a read is already pending",
        }),
      );
    }
    if (this.#queued > 0) return Promise.resolve(this.#take(p));
    if (this.#error !== null) {
      return Promise.reject(translate(this.#error, "recv"));
    }
    if (this.#eof) return Promise.resolve(null);
    if (p.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.#waiter = { p, resolve, reject };
      this.#pull();
    });
  }

  // After our close() a call is on a closed descriptor; after a reset or
  // another failure the connection is gone, which Linux reports as EPIPE.
  #gone(syscall: string): RuntimeError {
    return this.#closedHere
      ? badDescriptor(syscall)
      : new RuntimeError("EPIPE", syscall, { message: "Broken pipe" });
  }

  // Bun fails the writes still queued on a connection that has gone with
  // ECANCELED, after the 'error' event that says why it went: the write
  // fails for that reason, as it does on Node.js and Linux.
  #cancelled(err: unknown, syscall: string): unknown {
    if ((err as { code?: unknown } | null)?.code !== "ECANCELED") return err;
    return this.#error ?? this.#gone(syscall);
  }

  write(p: Uint8Array): Promise<number> {
    if (this.#sock.destroyed) return Promise.reject(this.#gone("send"));
    if (p.length === 0) return Promise.resolve(0);
    // Resolves once Node has handed the bytes to the kernel, so the caller
    // may reuse `p`, and a full send buffer holds the writer back. Not
    // earlier, even when libuv wrote all of `p` within the call: the send
    // queue above counts the bytes as queued until then, which is what
    // makes a run of non-blocking sends find the queue full.
    return new Promise((resolve, reject) => {
      this.#sock.write(p, (err?: Error | null) => {
        // Node may call back without an error for a write that a reset or
        // a destroy cut short (the error goes to the 'error' event).
        let failure: unknown = this.#cancelled(err ?? null, "send");
        if (failure === null && this.#sock.destroyed) {
          if (this.#error !== null) failure = this.#error;
          else if (this.#sock.writableLength > 0) failure = this.#gone("send");
        }
        if (failure !== null) reject(translate(failure, "send"));
        else resolve(p.length);
      });
    });
  }

  closeWrite(): Promise<void> {
    if (this.#sock.destroyed) return Promise.reject(this.#gone("shutdown"));
    return new Promise((resolve, reject) => {
      this.#sock.end((err?: Error | null) => {
        const failure = this.#cancelled(err ?? null, "shutdown");
        if (failure !== null) reject(translate(failure, "shutdown"));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.#closedHere) throw badDescriptor("close");
    this.#closedHere = true;
    // Linux resets a connection closed with unread data. Node may have read
    // that data out of the kernel (a chunk longer than the read that asked
    // for it), so the kernel would send FIN: Node is told to reset. Not
    // while a shutdown is under way (libuv refuses a reset then).
    const sock = this.#sock;
    const unread = this.#queued > 0 || sock.readableLength > 0;
    if (
      this.#tcp && unread && !sock.destroyed &&
      (!sock.writableEnded || sock.writableFinished)
    ) {
      sock.resetAndDestroy();
    } else {
      sock.destroy();
    }
  }

  setNoDelay(on: boolean): void {
    if (this.#tcp) attempt("setsockopt", () => this.#sock.setNoDelay(on));
  }

  setKeepAlive(on: boolean): void {
    if (this.#tcp) attempt("setsockopt", () => this.#sock.setKeepAlive(on));
  }
}

class NodeListener implements StreamListener {
  readonly #server: net.Server;
  readonly addr: RuntimeAddr;
  readonly #ready: NodeStream[] = [];
  readonly #waiters: {
    resolve: (c: StreamConn) => void;
    reject: (e: unknown) => void;
  }[] = [];
  #closed = false;
  // The bind made after the helper's answer failed: every accept gets it.
  #broken: RuntimeError | null = null;
  // A failed accept of Node's (EMFILE, ...): the next accept gets it.
  #failure: RuntimeError | null = null;

  constructor(server: net.Server, addr: RuntimeAddr, unixPath: string | null) {
    this.#server = server;
    this.addr = addr;
    // Wrapped at once, so that errors have a listener.
    server.on("connection", (sock: net.Socket) => {
      const conn = new NodeStream(
        sock,
        unixPath === null ? null : { local: unixPath, remote: "" },
      );
      if (this.#closed) {
        conn.close();
        return;
      }
      const w = this.#waiters.shift();
      if (w === undefined) this.#ready.push(conn);
      else if (conn.stillConnected()) w.resolve(conn);
      else {
        this.#waiters.unshift(w);
        conn.close();
      }
    });
    server.on("error", (e: unknown) => {
      const bound = server.listening;
      const err = translate(e, bound ? "accept" : "bind");
      if (!bound) this.#broken = err;
      const waiters = this.#waiters.splice(0);
      for (const w of waiters) w.reject(err);
      if (bound && waiters.length === 0) this.#failure = err;
    });
  }

  accept(): Promise<StreamConn> {
    if (this.#closed) return Promise.reject(badDescriptor("accept"));
    for (let conn; (conn = this.#ready.shift()) !== undefined;) {
      if (conn.stillConnected()) return Promise.resolve(conn);
      conn.close();
    }
    if (this.#broken !== null) return Promise.reject(this.#broken);
    const failure = this.#failure;
    if (failure !== null) {
      this.#failure = null;
      return Promise.reject(failure);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  close(): void {
    if (this.#closed) throw badDescriptor("close");
    this.#closed = true;
    this.#server.close();
    for (const conn of this.#ready.splice(0)) conn.close();
    for (const w of this.#waiters.splice(0)) w.reject(badDescriptor("accept"));
  }
}

function newServer(): net.Server {
  return net.createServer({
    allowHalfOpen: true,
    pauseOnConnect: true,
    highWaterMark: 0,
  });
}

/**
 * Binds and listens at once; a failure is thrown here, and `addr` holds
 * the port taken (see "binding in the call" above).
 */
function listenStream(
  target: StreamTarget,
  options: ListenOptions = {},
): StreamListener {
  let listen: net.ListenOptions;
  let host: string | null = null;
  if (target.transport === "unix") {
    listen = { path: target.path, exclusive: true };
  } else {
    host = numericHost(target.hostname, "bind");
    listen = {
      host,
      port: target.port,
      exclusive: true,
      ...(options.ipv6Only ? { ipv6Only: true } : {}),
      ...(options.reusePort ? { reusePort: true } : {}),
    };
  }
  const unixPath = target.transport === "unix" ? target.path : null;
  const first = newServer();
  // A failure is reported below; Node's later 'error' event is not.
  first.on("error", () => {});
  first.listen(listen);
  const addr = first.listening ? first.address() : null;
  if (addr !== null) {
    return new NodeListener(
      first,
      typeof addr === "string"
        ? { transport: "unix", path: addr }
        : tcpAddr(addr.address, addr.port),
      unixPath,
    );
  }
  // Not bound in the call: failed, or bound only once a look-up answers.
  // Closing it now cancels the latter before it binds.
  first.close();
  const wanted: PendingBind = {
    transport: host === null ? "unix" : "tcp",
    host: host ?? unixPath ?? "",
    port: target.transport === "tcp" ? target.port : 0,
    shared: options.reusePort === true,
    v6only: options.ipv6Only === true,
  };
  const port = probeBind(
    wanted,
    (port) => ({
      op: "tcp",
      listen: host === null ? listen : { ...listen, port },
    }),
  );
  const server = newServer();
  const bound: PendingBind = { ...wanted, port };
  pendingBinds.add(bound);
  const settled = () => void pendingBinds.delete(bound);
  server.once("listening", settled);
  server.once("error", settled);
  server.once("close", settled);
  const listener = new NodeListener(
    server,
    host === null
      ? { transport: "unix", path: unixPath ?? "" }
      : tcpAddr(host, port),
    unixPath,
  );
  server.listen({
    ...listen,
    ...(host === null ? {} : { port }),
  });
  return listener;
}

// A readable high-water mark of 0 (the option is not in Node's typings).
const PULL: object = { readableHighWaterMark: 0 };

/**
 * Connects; aborting `signal` abandons the attempt (ECANCELED, the abort's
 * reason as cause). A TCP connection is made from `local` when given; a
 * Unix one cannot be: Node cannot bind a connecting Unix socket.
 */
function connectStream(
  target: StreamTarget,
  options: ConnectOptions = {},
): Promise<StreamConn> {
  const { signal, local } = options;
  const cancelled = () =>
    new RuntimeError("ECANCELED", "connect", {
      cause: signal?.reason,
      message: "connect: cancelled",
    });
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    if (local !== undefined && target.transport === "unix") {
      reject(
        new RuntimeError("EOPNOTSUPP", "connect", {
          message:
            "Operation not supported: Node.js cannot connect a Unix socket from a bound path",
        }),
      );
      return;
    }
    const from = local === undefined
      ? {}
      : { localAddress: unbracket(local.hostname), localPort: local.port };
    const sock = target.transport === "unix"
      ? net.connect({ path: target.path, allowHalfOpen: true, ...PULL })
      : net.connect({
        host: unbracket(target.hostname),
        port: target.port,
        allowHalfOpen: true,
        autoSelectFamily: false,
        ...from,
        ...PULL,
      });
    // Paused before it connects, so nothing is read until a read() asks.
    sock.pause();
    const done = () => {
      sock.off("error", onError);
      sock.off("connect", onConnect);
      signal?.removeEventListener("abort", onAbort);
    };
    const onError = (e: unknown) => {
      done();
      sock.destroy();
      reject(translate(e, "connect"));
    };
    const onConnect = () => {
      done();
      const conn = new NodeStream(
        sock,
        target.transport === "unix" ? { local: "", remote: target.path } : null,
      );
      // Asked now, while the connection is surely there.
      void conn.remoteAddr;
      resolve(conn);
    };
    const onAbort = () => {
      done();
      sock.on("error", () => {});
      sock.destroy();
      reject(cancelled());
    };
    sock.once("error", onError);
    sock.once("connect", onConnect);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// -------------------------------------------------------------- datagrams

function noUnixDatagrams(syscall: string): RuntimeError {
  return new RuntimeError("EOPNOTSUPP", syscall, {
    message: "Operation not supported: Node.js has no Unix datagram sockets",
  });
}

// node:dgram's documented `lookup` option: the address is numeric already
// (numericHost), so this answers at once, and Node binds in the bind() call.
function numericLookup(
  host: string,
  options: unknown,
  callback?: (err: Error | null, address: string, family: number) => void,
): void {
  const cb = typeof options === "function" ? options : callback;
  const bare = unbracket(host);
  (cb as NonNullable<typeof callback>)(null, bare, net.isIP(bare) || 4);
}

// libuv takes datagrams from the kernel as they arrive, not when asked.
// Those not yet received are kept up to this many bytes, or the socket's
// SO_RCVBUF where that is larger; more are dropped, as a full kernel
// receive buffer drops them.
const DATAGRAM_QUEUE_LIMIT = 4 * 1024 * 1024;

class NodeDatagram implements DatagramSocket {
  readonly #sock: dgram.Socket;
  readonly addr: RuntimeAddr;
  readonly #queue: [Uint8Array, RuntimeAddr][] = [];
  #queued = 0;
  #waiter: {
    buf: Uint8Array;
    resolve: (v: [Uint8Array, RuntimeAddr]) => void;
    reject: (e: unknown) => void;
  } | null = null;
  #closed = false;
  #error: unknown = null;
  readonly #limit: number;
  // Settles once the socket is bound: at once where it was bound in the
  // call; on Bun when its later bind is done (joins need a bound socket).
  readonly #bound: Promise<void>;

  constructor(
    sock: dgram.Socket,
    addr: RuntimeAddr,
    limit: number,
    bound: Promise<void>,
  ) {
    this.#sock = sock;
    this.addr = addr;
    this.#limit = limit;
    this.#bound = bound;
    sock.on("message", (msg: Uint8Array, rinfo: dgram.RemoteInfo) => {
      const from: RuntimeAddr = {
        transport: "udp",
        hostname: rinfo.address,
        port: rinfo.port,
      };
      const w = this.#waiter;
      if (w !== null) {
        this.#waiter = null;
        w.resolve([fit(w.buf, msg), from]);
      } else if (this.#queued + msg.length <= this.#limit) {
        this.#queue.push([msg, from]);
        this.#queued += msg.length;
      }
    });
    sock.on("error", (e: unknown) => {
      this.#error = e;
      const w = this.#waiter;
      this.#waiter = null;
      if (w !== null) {
        this.#error = null;
        w.reject(translate(e, "recvfrom"));
      }
    });
  }

  send(data: Uint8Array, to: DatagramTarget): Promise<number> {
    if (this.#closed) return Promise.reject(badDescriptor("sendto"));
    if (to.transport !== "udp") {
      return Promise.reject(noUnixDatagrams("sendto"));
    }
    return new Promise((resolve, reject) => {
      try {
        this.#sock.send(data, to.port, unbracket(to.hostname), (err, n) => {
          if (err) reject(translate(err, "sendto"));
          else resolve(n);
        });
      } catch (e) {
        reject(translate(e, "sendto"));
      }
    });
  }

  receive(buf: Uint8Array): Promise<[Uint8Array, RuntimeAddr]> {
    if (this.#closed) return Promise.reject(badDescriptor("recvfrom"));
    const item = this.#queue.shift();
    if (item) {
      this.#queued -= item[0].length;
      return Promise.resolve([fit(buf, item[0]), item[1]]);
    }
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      return Promise.reject(translate(e, "recvfrom"));
    }
    if (this.#waiter !== null) {
      return Promise.reject(
        new RuntimeError("EBUSY", "recvfrom", {
          message: "a receive is already pending",
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { buf, resolve, reject };
    });
  }

  close(): void {
    if (this.#closed) throw badDescriptor("close");
    this.#closed = true;
    attempt("close", () => this.#sock.close());
    const w = this.#waiter;
    this.#waiter = null;
    w?.reject(badDescriptor("recvfrom"));
  }

  #membership(leave: () => void, v6: boolean): MulticastMembership {
    const call = (f: () => void) => {
      try {
        f();
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(translate(e, "setsockopt"));
      }
    };
    return {
      leave: () => call(leave),
      setLoopback: (on) => call(() => this.#sock.setMulticastLoopback(on)),
      // IPv6 has no IP_MULTICAST_TTL.
      setTTL: (ttl) =>
        v6 ? Promise.resolve() : call(() => this.#sock.setMulticastTTL(ttl)),
    };
  }

  async joinMulticastV4(
    group: string,
    iface: string,
  ): Promise<MulticastMembership> {
    await this.#bound;
    attempt("setsockopt", () => this.#sock.addMembership(group, iface));
    return this.#membership(
      () => this.#sock.dropMembership(group, iface),
      false,
    );
  }

  async joinMulticastV6(
    group: string,
    ifindex: number,
  ): Promise<MulticastMembership> {
    // Node names the interface of an IPv6 group by a scoped address.
    const name = ifindex === 0 ? null : interfaceName(ifindex);
    const iface = name === null ? undefined : `::%${name}`;
    await this.#bound;
    attempt("setsockopt", () => this.#sock.addMembership(group, iface));
    return this.#membership(
      () => this.#sock.dropMembership(group, iface),
      true,
    );
  }
}

function fit(buf: Uint8Array, msg: Uint8Array): Uint8Array {
  const n = Math.min(buf.length, msg.length);
  buf.set(n === msg.length ? msg : msg.subarray(0, n));
  return buf.subarray(0, n);
}

// Linux lists interface indexes in /sys/class/net/NAME/ifindex.
function interfaceName(index: number): string | null {
  let names: string[];
  try {
    names = readDirSync("/sys/class/net") ?? [];
  } catch {
    return null; // Unreadable now: no name.
  }
  for (const name of names) {
    let text: string | null = null;
    try {
      text = readTextFileSync(`/sys/class/net/${name}/ifindex`);
    } catch {
      // Unreadable now: not the one.
    }
    if (text !== null && Number(text.trim()) === index) return name;
  }
  return null;
}

// The bound address, or null while the socket is not bound yet.
function boundPort(sock: dgram.Socket): number | null {
  try {
    return sock.address().port;
  } catch {
    return null;
  }
}

function closeQuietly(sock: dgram.Socket): void {
  try {
    sock.close();
  } catch {
    // Never bound, or closed already.
  }
}

// Whether node:dgram binds in the bind() call (Node.js) or later (Bun),
// found out once with a throwaway socket on an ephemeral port. Each bind
// then goes one way only: a socket whose bind is under way cannot be taken
// back in time for the helper to bind its address.
let dgramBindsInCall: boolean | null = null;

function bindsInCall(): boolean {
  if (dgramBindsInCall === null) {
    const probe = dgram.createSocket({
      type: "udp4",
      lookup: numericLookup as unknown as typeof dns.lookup,
    });
    probe.on("error", () => {});
    try {
      probe.bind({ address: "127.0.0.1", port: 0, exclusive: true });
      dgramBindsInCall = boundPort(probe) !== null;
    } catch {
      dgramBindsInCall = false;
    }
    closeQuietly(probe);
  }
  return dgramBindsInCall;
}

/**
 * Opens a UDP socket bound to `at`, in the call (a failure to bind is
 * thrown here; see "binding in the call" above). Node.js has no Unix
 * datagram sockets: `EOPNOTSUPP`.
 */
function listenDatagram(
  at: DatagramBind,
  options: DatagramOptions = {},
): DatagramSocket {
  if (at.transport === "unixpacket") throw noUnixDatagrams("bind");
  const host = numericHost(at.hostname, "bind");
  const socketOptions = {
    type: net.isIPv6(host) ? "udp6" : "udp4",
    reuseAddr: options.reuseAddress === true,
    ...(options.ipv6Only ? { ipv6Only: true } : {}),
  } as const;
  const create = () =>
    attempt("socket", () =>
      dgram.createSocket({
        ...socketOptions,
        lookup: numericLookup as unknown as typeof dns.lookup,
      }));
  const bind = { address: host, port: at.port, exclusive: true };
  const size = options.receiveBufferSize ?? 0;
  const setUp = (s: dgram.Socket) => {
    attempt(
      "setsockopt",
      () => s.setMulticastLoopback(options.loopback ?? true),
    );
    raiseReceiveBuffer(s, size);
  };
  const limit = Math.max(DATAGRAM_QUEUE_LIMIT, size);
  if (bindsInCall()) {
    const sock = create();
    let failure: unknown = null;
    const onError = (e: unknown) => void (failure ??= e);
    sock.on("error", onError);
    try {
      attempt("bind", () => sock.bind(bind));
      if (failure !== null) throw translate(failure, "bind");
      setUp(sock);
    } catch (e) {
      closeQuietly(sock);
      throw e;
    } finally {
      sock.off("error", onError);
    }
    const port = boundPort(sock) ?? at.port;
    return new NodeDatagram(
      sock,
      { transport: "udp", hostname: host, port },
      limit,
      Promise.resolve(),
    );
  }
  // Bound only on a later tick (Bun): the helper binds it now.
  const wanted: PendingBind = {
    transport: "udp",
    host,
    port: at.port,
    shared: options.reuseAddress === true,
    v6only: options.ipv6Only === true,
  };
  const port = probeBind(
    wanted,
    (port) => ({ op: "udp", socket: socketOptions, bind: { ...bind, port } }),
  );
  const sock = create();
  const pending: PendingBind = { ...wanted, port };
  pendingBinds.add(pending);
  const settled = () => void pendingBinds.delete(pending);
  sock.once("close", settled);
  const bound = new Promise<void>((resolve, reject) => {
    sock.once("error", (e) => {
      settled();
      reject(translate(e, "bind"));
    });
    sock.once("listening", () => {
      settled();
      try {
        setUp(sock);
      } catch {
        // Options the socket keeps at their defaults; it still works.
      }
      resolve();
    });
  });
  // A failed bind also reaches the next receive (the 'error' event).
  bound.catch(() => {});
  sock.bind({ ...bind, port });
  return new NodeDatagram(
    sock,
    { transport: "udp", hostname: host, port },
    limit,
    bound,
  );
}

// The kernel's receive buffer holds datagrams until libuv's next read; when
// the event loop is busy for a moment a burst of large datagrams overflows
// Linux's default (rmem_default, 208 KiB, which counts each datagram's
// memory, not only its bytes) and the kernel drops them. A socket that asks
// for a larger SO_RCVBUF gets it in the kernel too (Linux doubles the size
// it is given and caps it at rmem_max); it is never made smaller.
function raiseReceiveBuffer(sock: dgram.Socket, size: number): void {
  try {
    if (size > sock.getRecvBufferSize()) {
      sock.setRecvBufferSize(Math.ceil(size / 2));
    }
  } catch {
    // The kernel keeps its own size: the datagrams still come, the socket
    // only has less room for a burst.
  }
}

// ------------------------------------------------- system, files, DNS

/** A new private temporary directory (for `socketpair`'s Unix path). */
function makeTempDirSync(): string {
  // The process id in the name lets a test find its own directories.
  return attempt(
    "mkdtemp",
    () => fs.mkdtempSync(path.join(os.tmpdir(), `pysocket-${process.pid}-`)),
  );
}

/** See `Runtime.sharedDirSync`. */
function sharedDirSync(dir: string): void {
  attempt("mkdir", () => {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "ENOENT") throw e;
      try {
        fs.mkdirSync(dir);
        // Not through mkdir's mode, which the umask narrows.
        fs.chmodSync(dir, 0o1777);
      } catch (e) {
        if ((e as { code?: unknown }).code !== "EEXIST") throw e;
      }
      st = fs.statSync(dir);
    }
    checkShared(dir, st.isDirectory(), st.mode);
  });
}

/**
 * See `Runtime.tryLockSync`: Node.js has no `flock` in its public API.
 * pysocket never asks here, as the lock is for Deno's permission flags.
 */
function tryLockSync(_path: string): FileLock | null {
  throw new RuntimeError("ENOSYS", "flock", {
    message: "Function not implemented: Node.js has no flock()",
  });
}

/**
 * A reader over a `node:fs` `FileHandle` or a path (see
 * `Runtime.fileReader`). A `FileHandle` is read by position and has no
 * position of its own to leave.
 */
async function fileReader(file: unknown): Promise<FileReader | null> {
  if (typeof file === "string") {
    let h: fs.promises.FileHandle;
    try {
      h = await fs.promises.open(file, "r");
    } catch (e) {
      throw translate(e, "open");
    }
    return handleReader(h, true);
  }
  if (isFileHandle(file)) return handleReader(file, false);
  return null;
}

function isFileHandle(v: unknown): v is fs.promises.FileHandle {
  if (typeof v !== "object" || v === null) return false;
  const h = v as { fd?: unknown; read?: unknown; stat?: unknown };
  return typeof h.fd === "number" && typeof h.read === "function" &&
    typeof h.stat === "function";
}

function handleReader(h: fs.promises.FileHandle, owned: boolean): FileReader {
  return {
    read: async (buf, position) => {
      try {
        return (await h.read(buf, 0, buf.length, position)).bytesRead;
      } catch (e) {
        throw translate(e, "read");
      }
    },
    seek: () => Promise.resolve(),
    close: () => {
      if (owned) h.close().catch(() => {});
    },
  };
}

/** Removes a file or an empty directory, ignoring errors. */
function removeSync(path: string): void {
  try {
    fs.rmSync(path);
  } catch {
    try {
      fs.rmdirSync(path);
    } catch {
      // Nothing to do: it is gone or was never there.
    }
  }
}

/** The host platform: `linux`, `darwin`, `windows`, ... */
function platform(): string {
  return process.platform === "win32" ? "windows" : process.platform;
}

/** Whether a permission is granted, without ever prompting. */
function permissionState(_query: PermissionQuery): PermissionState {
  // Node.js runs with every permission unless its permission model is on,
  // and then a refused operation throws, which callers already handle.
  return "granted";
}

/**
 * A text file's contents, or `null` when there is no such file. Any other
 * failure throws a `RuntimeError` with its errno (`EACCES`, `EISDIR`,
 * `EMFILE`, `EIO`, ...).
 */
function readTextFileSync(path: string): string | null {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw translate(e, "open");
  }
}

/**
 * A file's modification time and size as one key that changes when the file
 * does, or `null` when it cannot be seen.
 */
function fileStamp(path: string): string | null {
  try {
    const info = fs.statSync(path);
    return `${info.mtime.getTime()}:${info.size}:${info.ino}`;
  } catch {
    return null;
  }
}

/**
 * What is at `path` (symbolic links followed): `"socket"`, `"other"`, or
 * `"missing"`; `null` when it cannot be seen.
 */
function pathKind(path: string): "socket" | "other" | "missing" | null {
  try {
    return fs.statSync(path).isSocket() ? "socket" : "other";
  } catch (e) {
    return (e as { code?: string }).code === "ENOENT" ? "missing" : null;
  }
}

/** The names in a directory, or `null` when it cannot be listed. */
function readDirSync(path: string): string[] | null {
  try {
    return fs.readdirSync(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (
      code === "ENOENT" || code === "ENOTDIR" || code === "EACCES" ||
      code === "EPERM"
    ) return null;
    // A failure of the moment (EMFILE, ...): the caller says so.
    throw translate(e, "opendir");
  }
}

/** The host's name. */
function hostname(): string {
  return attempt("gethostname", () => os.hostname());
}

/** The machine's interface addresses. */
function networkInterfaces(): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  const all = attempt("getifaddrs", () => os.networkInterfaces());
  for (const [name, list] of Object.entries(all)) {
    for (const i of list ?? []) {
      // Node before 18.4 gave the family as a number.
      const family = String(i.family) === "6" || i.family === "IPv6"
        ? "IPv6"
        : "IPv4";
      out.push({
        name,
        family,
        address: i.address,
        scopeid: family === "IPv6"
          ? (i as os.NetworkInterfaceInfoIPv6).scopeid ?? 0
          : 0,
      });
    }
  }
  return out;
}

// Answers that mean "no such name" or "no such record": the port's ENOENT.
// A refusing or failing server counts as one too, as it does in the Deno
// adapter (Deno's resolver reports them all as NotFound), so that both
// runtimes follow the search list alike.
const DNS_NOT_FOUND = new Set([
  "ENOTFOUND",
  "ENODATA",
  "ESERVFAIL",
  "EREFUSED",
  "ENONAME",
  "EBADNAME",
]);

/**
 * One DNS query through the runtime's resolver. Rejects with `ENOENT` when
 * the name or record does not exist, `ETIMEDOUT` past `timeoutMs`, and
 * Node's code otherwise.
 */
function resolveDns(
  query: string,
  type: DnsRecordType,
  options: DnsQueryOptions = {},
): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    let resolver: dns.Resolver;
    try {
      // One try: the caller retries as resolv.conf's `attempts` says.
      resolver = new dns.Resolver({ tries: 1, timeout: -1 });
      const ns = options.nameServer;
      if (ns) {
        const host = ns.ipAddr.includes(":") ? `[${ns.ipAddr}]` : ns.ipAddr;
        resolver.setServers([`${host}:${ns.port ?? 53}`]);
      }
    } catch (e) {
      reject(translate(e, "getaddrinfo"));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(
          new RuntimeError("ETIMEDOUT", "getaddrinfo", {
            message: `DNS query for ${query} timed out`,
          }),
        );
      }, options.timeoutMs);
    }
    resolver.resolve(query, type, (err, records) => {
      clearTimeout(timer);
      if (!err) {
        resolve(records as string[]);
        return;
      }
      const code = err.code ?? "";
      reject(
        DNS_NOT_FOUND.has(code)
          ? new RuntimeError("ENOENT", "getaddrinfo", {
            cause: err,
            message: err.message,
          })
          : code === "ETIMEOUT"
          ? new RuntimeError("ETIMEDOUT", "getaddrinfo", {
            cause: err,
            message: err.message,
          })
          : translate(err, "getaddrinfo"),
      );
    });
  });
}

/** What Node.js (and Bun) can do. */
const capabilities: Capabilities = {
  connectFromLocal: true,
  // A path starting with NUL names a Linux abstract socket in node:net.
  abstractUnixNames: process.platform === "linux",
  unixDatagrams: false,
  udp: true,
  ipv6Only: true,
  permissionFlags: false,
  datagramWakeup: true,
};

/** The runtime port, on Node.js (and Bun). */
export const runtime: Runtime = {
  capabilities,
  name: "node",
  listenStream,
  connectStream,
  listenDatagram,
  resolveDns,
  platform,
  hostname,
  networkInterfaces,
  permissionState,
  readTextFileSync,
  fileStamp,
  pathKind,
  readDirSync,
  makeTempDirSync,
  sharedDirSync,
  removeSync,
  tryLockSync,
  fileReader,
} satisfies Runtime;
