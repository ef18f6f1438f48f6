// The runtime boundary of _runtime/deno.ts, on Node.js: node:net, node:dgram,
// node:dns, node:fs and node:os. The npm build swaps this file in for
// deno.ts. Exports, their names and their signatures are the same as deno.ts's
// (npm/runtime_parity.ts checks that), and errors are let through as Node
// makes them: their `code` ("ECONNREFUSED", ...) is what socket/errors.ts
// maps. Where Node's error would not say what Deno's says, an error with
// Deno's class name (`BadResource`, `NotFound`, `TimedOut`) is made here.

import type {
  Capabilities,
  ConnectOptions,
  DatagramBind,
  DatagramOptions,
  DatagramSocket,
  DatagramTarget,
  DnsQueryOptions,
  DnsRecordType,
  InterfaceAddress,
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
import { RuntimeError } from "./error.ts";

import * as dc from "node:diagnostics_channel";
import * as dgram from "node:dgram";
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

// ---------------------------------------------------------------- streams

/** An error named as Deno names it, with the errno code Node would use. */
function runtimeError(name: string, code: string, message: string): Error {
  const e = new Error(message) as Error & { code: string };
  e.name = name;
  e.code = code;
  return e;
}

function badResource(): Error {
  return runtimeError("BadResource", "EBADF", "Bad resource ID");
}

// Node reports use after end or destroy with its own codes; Deno (and the
// socket code) speak of a broken pipe and a closed resource. A system error
// is passed on with its code and message but without Node's numeric
// `errno` (negative, libuv's), which the socket code would take for one of
// its own errors.
function normalizeError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (
    e instanceof Error && typeof code === "string" &&
    typeof (e as { errno?: unknown }).errno === "number"
  ) {
    const plain = runtimeError(e.name, code, e.message);
    plain.cause = e;
    return plain;
  }
  if (code === "ERR_STREAM_WRITE_AFTER_END") {
    return runtimeError("BrokenPipe", "EPIPE", "Broken pipe");
  }
  if (code === "ERR_STREAM_DESTROYED" || code === "ERR_SOCKET_CLOSED") {
    return badResource();
  }
  return e;
}

function tcpAddr(host: string | undefined, port: number | undefined) {
  return {
    transport: "tcp",
    hostname: host ?? "",
    port: port ?? 0,
  } as const;
}

// Reads pull, as Deno's do: a connection reads from the kernel only while
// a read() waits, one chunk per read. Its sockets stay paused (a readable
// high-water mark of 0, never flowing), so each chunk Node reads is held in
// the stream's buffer and the handle stops reading at once, in the read
// callback. Two things depend on that:
//
// - Unread bytes stay in the kernel, where they push back on the sender,
//   and closing with unread bytes resets the connection as it does on Deno.
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

class NodeStream implements StreamConn {
  readonly #sock: net.Socket;
  readonly localAddr: RuntimeAddr;
  readonly remoteAddr: RuntimeAddr;
  readonly #tcp: boolean;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #eof = false;
  #closedHere = false;
  #error: unknown = null;
  #pulling = false;
  #holdOff = false;
  #waiter:
    | {
      p: Uint8Array;
      resolve: (n: number | null) => void;
      reject: (e: unknown) => void;
    }
    | null = null;

  constructor(sock: net.Socket, local: RuntimeAddr, remote: RuntimeAddr) {
    this.#sock = sock;
    this.localAddr = local;
    this.remoteAddr = remote;
    this.#tcp = local.transport === "tcp";
    sock.on("end", () => {
      this.#eof = true;
      this.#settle();
    });
    sock.on("error", (e: unknown) => {
      this.#error ??= e;
      this.#settle();
    });
    sock.on("close", () => {
      if (!this.#eof) this.#error ??= badResource();
      this.#settle();
    });
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
      setImmediate(() => {
        this.#holdOff = false;
        this.#pull();
      });
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
      w.reject(normalizeError(this.#error));
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
        runtimeError("Busy", "EBUSY", "a read is already pending"),
      );
    }
    if (this.#queued > 0) return Promise.resolve(this.#take(p));
    if (this.#error !== null) {
      return Promise.reject(normalizeError(this.#error));
    }
    if (this.#eof) return Promise.resolve(null);
    if (p.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.#waiter = { p, resolve, reject };
      this.#pull();
    });
  }

  /**
   * Whether the connection is still there for accept() to hand out: Deno's
   * accept asks the kernel for the peer's address, which a connection reset
   * since it arrived no longer has (`ENOTCONN`), and skips it.
   */
  stillConnected(): boolean {
    if (!this.#tcp) return true;
    return this.#error === null && !this.#sock.destroyed &&
      peerName(this.#sock) !== null;
  }

  // After our close() a call is on a closed resource; after a reset or
  // another failure the connection is gone, which Linux reports as EPIPE.
  #gone(): Error {
    return this.#closedHere
      ? badResource()
      : runtimeError("BrokenPipe", "EPIPE", "Broken pipe");
  }

  write(p: Uint8Array): Promise<number> {
    if (this.#sock.destroyed) return Promise.reject(this.#gone());
    if (p.length === 0) return Promise.resolve(0);
    // Resolves once Node has handed the bytes to the kernel, so the caller
    // may reuse `p`, and a full send buffer holds the writer back.
    return new Promise((resolve, reject) => {
      this.#sock.write(p, (err?: Error | null) => {
        // Node may call back without an error for a write that a reset or
        // a destroy cut short (the error goes to the 'error' event).
        if (!err && this.#sock.destroyed && this.#sock.writableLength > 0) {
          err = (this.#error as Error | null) ?? this.#gone();
        }
        if (!err && this.#sock.destroyed && this.#error !== null) {
          err = this.#error as Error;
        }
        if (err) reject(normalizeError(err));
        else resolve(p.length);
      });
    });
  }

  closeWrite(): Promise<void> {
    if (this.#sock.destroyed) return Promise.reject(this.#gone());
    return new Promise((resolve, reject) => {
      this.#sock.end((err?: Error | null) => {
        if (err) reject(normalizeError(err));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.#closedHere) throw badResource();
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
    if (this.#tcp) this.#sock.setNoDelay(on);
  }

  setKeepAlive(on: boolean): void {
    if (this.#tcp) this.#sock.setKeepAlive(on);
  }
}

// The peer's address as the kernel has it now, `null` when it has none
// (ENOTCONN: the connection was reset). Node keeps the first answer of
// `remoteAddress`, so this asks the socket's handle, whose getpeername()
// is what that getter calls; where the handle has none (a Node.js that
// changed it), the kept answer is used.
function peerName(sock: net.Socket): string | null {
  const handle = (sock as unknown as {
    _handle?: { getpeername?: (out: { address?: string }) => number } | null;
  })._handle;
  if (typeof handle?.getpeername !== "function") {
    return sock.remoteAddress ?? null;
  }
  const out: { address?: string } = {};
  return handle.getpeername(out) === 0 ? out.address ?? "" : null;
}

// Node does not report Unix socket addresses: the listener's path is the
// accepted end's local address and the connected end's remote address; the
// other end is unnamed ("", where Deno gives null).
function streamOf(
  sock: net.Socket,
  unix: { local: string; remote: string } | null,
): NodeStream {
  if (unix !== null) {
    return new NodeStream(
      sock,
      { transport: "unix", path: unix.local },
      { transport: "unix", path: unix.remote },
    );
  }
  return new NodeStream(
    sock,
    tcpAddr(sock.localAddress, sock.localPort),
    tcpAddr(sock.remoteAddress, sock.remotePort),
  );
}

class NodeListener implements StreamListener {
  readonly #server: net.Server;
  readonly addr: RuntimeAddr;
  readonly #unixPath: string | null;
  readonly #ready: NodeStream[] = [];
  readonly #waiters: {
    resolve: (c: StreamConn) => void;
    reject: (e: unknown) => void;
  }[] = [];
  #closed = false;

  constructor(server: net.Server, addr: RuntimeAddr, unixPath: string | null) {
    this.#server = server;
    this.addr = addr;
    this.#unixPath = unixPath;
    // Wrapped at once: the addresses are read while the socket is open (a
    // peer may reset before the accept), and errors have a listener.
    server.on("connection", (sock: net.Socket) => {
      // Reset before Node accepted it: there is no peer address, and Deno
      // would not hand it out either (its accept skips such connections).
      if (sock.remoteAddress === undefined && this.#unixPath === null) {
        sock.on("error", () => {});
        sock.destroy();
        return;
      }
      const conn = this.#wrap(sock);
      const w = this.#waiters.shift();
      if (w) w.resolve(conn);
      else this.#ready.push(conn);
    });
  }

  accept(): Promise<StreamConn> {
    if (this.#closed) return Promise.reject(badResource());
    // Node accepts from the kernel as connections arrive, not when asked.
    // One reset since then is skipped here, as Deno's accept (which takes
    // it from the kernel only now) skips it: so the outcome depends on when
    // the reset came relative to this call, not to Node's event loop.
    for (let conn; (conn = this.#ready.shift()) !== undefined;) {
      if (conn.stillConnected()) return Promise.resolve(conn);
      conn.close();
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  #wrap(sock: net.Socket): NodeStream {
    const path = this.#unixPath;
    return streamOf(sock, path === null ? null : { local: path, remote: "" });
  }

  close(): void {
    if (this.#closed) throw badResource();
    this.#closed = true;
    this.#server.close();
    for (const conn of this.#ready.splice(0)) conn.close();
    for (const w of this.#waiters.splice(0)) w.reject(badResource());
  }
}

// Node's Server.listen() binds and listens in the calling tick when it has
// nothing to look up: for a Unix path, and for TCP without a host. Given a
// host, even a numeric one, it first goes through dns.lookup, which answers
// on a later tick. So a TCP listen is made without a host and this server's
// `_listen2` (the step Node keeps under that name for wrapping) is given the
// numeric address to bind. The outcome is known when listen() returns: the
// server has an address, or the failure was published on the documented
// `net.server.listen` tracing channel (Node emits the same error as an
// 'error' event on the next tick, which is absorbed).
type Listen2 = (
  this: net.Server,
  address: string | null,
  port: number,
  addressType: number,
  backlog: number | undefined,
  fd: number | undefined,
  flags: number | undefined,
) => void;

const LISTEN_ERROR = "tracing:net.server.listen:error";

/** Binds and listens at once, as Deno's listen does. */
function listenStream(
  target: StreamTarget,
  options: { readonly reusePort?: boolean; readonly backlog?: number } = {},
): StreamListener {
  const server = net.createServer({
    allowHalfOpen: true,
    pauseOnConnect: true,
    highWaterMark: 0,
  });
  server.on("error", () => {});
  let failure: unknown = null;
  const onError = (message: unknown) => {
    const m = message as { server?: unknown; error?: unknown };
    if (m.server === server) failure ??= m.error;
  };
  const backlog = options.backlog;
  let unixPath: string | null = null;
  let bound = false;
  dc.subscribe(LISTEN_ERROR, onError);
  try {
    if (target.transport === "unix") {
      unixPath = target.path;
      bound = true;
      server.listen({ path: target.path, backlog, exclusive: true });
    } else {
      const host = numericHost(target.hostname);
      const family = net.isIP(host);
      const own = server as unknown as { _listen2: Listen2 };
      const listen2 = own._listen2;
      own._listen2 = function (_a, port, _t, backlog, fd, flags) {
        bound = true;
        listen2.call(this, host, port, family, backlog, fd, flags ?? 0);
      };
      server.listen({
        port: target.port,
        backlog,
        exclusive: true,
        ...(options.reusePort ? { reusePort: true } : {}),
      });
    }
  } finally {
    dc.unsubscribe(LISTEN_ERROR, onError);
  }
  // (A Unix server reports its path as its address even when it failed.)
  const addr = server.address();
  if (failure !== null || !server.listening || addr === null || !bound) {
    server.close();
    throw normalizeError(failure) ?? runtimeError(
      "NotSupported",
      "EOPNOTSUPP",
      "Operation not supported: this Node.js did not bind in the calling tick",
    );
  }
  if (typeof addr === "string") {
    return new NodeListener(server, { transport: "unix", path: addr }, addr);
  }
  return new NodeListener(server, tcpAddr(addr.address, addr.port), unixPath);
}

// Deno's listen resolves a host name in the call; Node has no synchronous
// resolver, so a name is looked up in the hosts file (as glibc does first),
// IPv4 before IPv6, and a name not found there is reported as not found.
function numericHost(host: string): string {
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (net.isIP(host) !== 0) return host;
  const text = readTextFileSync("/etc/hosts") ?? "";
  const found: string[] = [];
  const want = host.toLowerCase();
  for (const raw of text.split("\n")) {
    const [ip, ...names] = raw.replace(/#.*/, "").trim().split(/\s+/);
    if (ip === undefined || names.length === 0 || net.isIP(ip) === 0) continue;
    if (names.some((n) => n.toLowerCase() === want)) found.push(ip);
  }
  const pick = found.find((a) => net.isIPv4(a)) ?? found[0];
  if (pick === undefined) {
    throw runtimeError(
      "NotFound",
      "ENOENT",
      `${host}: not in the hosts file (Node.js cannot resolve a name synchronously)`,
    );
  }
  return pick;
}

function abortError(): DOMException {
  return new DOMException("The signal has been aborted", "AbortError");
}

// A readable high-water mark of 0 (the option is not in Node's typings).
const PULL: object = { readableHighWaterMark: 0 };

/** Whether connectStream can connect from a chosen local address (TCP). */
const CAN_CONNECT_FROM_LOCAL: boolean = true;

/**
 * Connects; aborting `signal` abandons the attempt. A TCP connection is
 * made from `local` when given (see CAN_CONNECT_FROM_LOCAL).
 */
function connectStream(
  target: StreamTarget,
  options: ConnectOptions = {},
): Promise<StreamConn> {
  const { signal, local } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    if (local !== undefined && target.transport === "unix") {
      reject(runtimeError(
        "NotSupported",
        "EOPNOTSUPP",
        "Operation not supported: Node.js cannot connect a Unix socket from a bound path",
      ));
      return;
    }
    const from = local === undefined ? {} : {
      localAddress: local.hostname.startsWith("[")
        ? local.hostname.slice(1, -1)
        : local.hostname,
      localPort: local.port,
    };
    const sock = target.transport === "unix"
      ? net.connect({
        path: target.path,
        allowHalfOpen: true,
        ...PULL,
      })
      : net.connect({
        host: target.hostname,
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
      reject(normalizeError(e));
    };
    const onConnect = () => {
      done();
      resolve(
        streamOf(
          sock,
          target.transport === "unix"
            ? { local: "", remote: target.path }
            : null,
        ),
      );
    };
    const onAbort = () => {
      done();
      sock.on("error", () => {});
      sock.destroy();
      reject(abortError());
    };
    sock.once("error", onError);
    sock.once("connect", onConnect);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A new private temporary directory (for `socketpair`'s Unix path). */
function makeTempDirSync(): string {
  // The process id in the name lets a test find its own directories.
  return fs.mkdtempSync(path.join(os.tmpdir(), `pysocket-${process.pid}-`));
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

// ------------------------------------------------- system, files, DNS

/** The runtime's name, for messages and for tests of Deno-only behaviour. */

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
    throw new RuntimeError(
      // An errno name as Node spells it; socket/errors.ts checks it.
      typeof code === "string" ? code as ErrnoName : "UNKNOWN",
      "open",
      {
        cause: e,
        message: e instanceof Error ? e.message : String(e),
      },
    );
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
  } catch {
    return null;
  }
}

/** The host's name. Needs `--allow-sys=hostname`. */
function hostname(): string {
  return os.hostname();
}

/** The machine's interface addresses. Needs `--allow-sys=networkInterfaces`. */
function networkInterfaces(): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [name, list] of Object.entries(os.networkInterfaces())) {
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

// Answers that mean "no such name" or "no such record", which Deno reports
// as NotFound (Deno does not tell a refusing or failing server apart either).
const DNS_NOT_FOUND = new Set([
  "ENOTFOUND",
  "ENODATA",
  "ESERVFAIL",
  "EREFUSED",
  "ENONAME",
  "EBADNAME",
]);

/**
 * One DNS query through the runtime's resolver. Rejects with the runtime's
 * own error (`NotFound` when the name or record does not exist); a query
 * that runs past `timeoutMs` rejects with a `TimedOut` error.
 */
function resolveDns(
  query: string,
  type: DnsRecordType,
  options: DnsQueryOptions = {},
): Promise<string[]> {
  // One try: the caller retries as resolv.conf's `attempts` says.
  const resolver = new dns.Resolver({ tries: 1, timeout: -1 });
  const ns = options.nameServer;
  if (ns) {
    const host = ns.ipAddr.includes(":") ? `[${ns.ipAddr}]` : ns.ipAddr;
    resolver.setServers([`${host}:${ns.port ?? 53}`]);
  }
  return new Promise<string[]>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(
          runtimeError(
            "TimedOut",
            "ETIMEDOUT",
            `DNS query for ${query} timed out`,
          ),
        );
      }, options.timeoutMs);
    }
    resolver.resolve(query, type, (err, records) => {
      clearTimeout(timer);
      if (!err) {
        resolve(records as string[]);
      } else if (DNS_NOT_FOUND.has(err.code ?? "")) {
        reject(runtimeError("NotFound", err.code ?? "ENOTFOUND", err.message));
      } else {
        reject(err);
      }
    });
  });
}

// -------------------------------------------------------------- datagrams

/** Whether datagram sockets exist here (Deno: only with `--unstable-net`). */

function noUnixDatagrams(): Error {
  return runtimeError(
    "NotSupported",
    "EOPNOTSUPP",
    "Operation not supported: Node.js has no Unix datagram sockets",
  );
}

// dgram binds in the bind() call itself when its look-up answers at once,
// and reports a failure there too (as an 'error' event): the address is
// numeric, so this look-up answers without looking anything up.
function numericLookup(
  host: string,
  options: unknown,
  callback?: (err: Error | null, address: string, family: number) => void,
): void {
  const cb = typeof options === "function" ? options : callback!;
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
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

  constructor(sock: dgram.Socket, limit: number) {
    this.#sock = sock;
    this.#limit = limit;
    const a = sock.address();
    this.addr = { transport: "udp", hostname: a.address, port: a.port };
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
      w?.reject(normalizeError(e));
    });
  }

  send(data: Uint8Array, to: DatagramTarget): Promise<number> {
    if (this.#closed) return Promise.reject(badResource());
    if (to.transport !== "udp") return Promise.reject(noUnixDatagrams());
    const host = to.hostname.startsWith("[")
      ? to.hostname.slice(1, -1)
      : to.hostname;
    return new Promise((resolve, reject) => {
      this.#sock.send(data, to.port, host, (err, n) => {
        if (err) reject(normalizeError(err));
        else resolve(n);
      });
    });
  }

  receive(buf: Uint8Array): Promise<[Uint8Array, RuntimeAddr]> {
    if (this.#closed) return Promise.reject(badResource());
    const item = this.#queue.shift();
    if (item) {
      this.#queued -= item[0].length;
      return Promise.resolve([fit(buf, item[0]), item[1]]);
    }
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      return Promise.reject(normalizeError(e));
    }
    if (this.#waiter !== null) {
      return Promise.reject(
        runtimeError("Busy", "EBUSY", "a receive is already pending"),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { buf, resolve, reject };
    });
  }

  close(): void {
    if (this.#closed) throw badResource();
    this.#closed = true;
    this.#sock.close();
    const w = this.#waiter;
    this.#waiter = null;
    w?.reject(badResource());
  }

  #membership(leave: () => void, v6: boolean): MulticastMembership {
    const call = (f: () => void) => {
      try {
        f();
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(normalizeError(e));
      }
    };
    return {
      leave: () => call(leave),
      setLoopback: (on) => call(() => this.#sock.setMulticastLoopback(on)),
      setTTL: (ttl) =>
        v6 ? Promise.resolve() : call(() => this.#sock.setMulticastTTL(ttl)),
    };
  }

  joinMulticastV4(group: string, iface: string): Promise<MulticastMembership> {
    try {
      this.#sock.addMembership(group, iface);
    } catch (e) {
      return Promise.reject(normalizeError(e));
    }
    return Promise.resolve(
      this.#membership(() => this.#sock.dropMembership(group, iface), false),
    );
  }

  joinMulticastV6(
    group: string,
    ifindex: number,
  ): Promise<MulticastMembership> {
    // Node names the interface of an IPv6 group by a scoped address.
    const name = ifindex === 0 ? null : interfaceName(ifindex);
    const iface = name === null ? undefined : `::%${name}`;
    try {
      this.#sock.addMembership(group, iface);
    } catch (e) {
      return Promise.reject(normalizeError(e));
    }
    return Promise.resolve(
      this.#membership(() => this.#sock.dropMembership(group, iface), true),
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
  for (const name of readDirSync("/sys/class/net") ?? []) {
    const text = readTextFileSync(`/sys/class/net/${name}/ifindex`);
    if (text !== null && Number(text.trim()) === index) return name;
  }
  return null;
}

/**
 * Opens a datagram socket bound to `at`, in the call (a failure to bind is
 * thrown here). Node.js has no Unix datagram sockets: `EOPNOTSUPP`.
 */
function listenDatagram(
  at: DatagramBind,
  options: DatagramOptions = {},
): DatagramSocket {
  if (at.transport === "unixpacket") throw noUnixDatagrams();
  const host = at.hostname.startsWith("[")
    ? at.hostname.slice(1, -1)
    : at.hostname;
  const bindHost = net.isIP(host) === 0 ? numericHost(host) : host;
  const sock = dgram.createSocket({
    type: net.isIPv6(bindHost) ? "udp6" : "udp4",
    reuseAddr: options.reuseAddress === true,
    lookup: numericLookup as unknown as typeof dns.lookup,
  });
  let failure: unknown = null;
  const onError = (e: unknown) => void (failure ??= e);
  sock.on("error", onError);
  sock.bind({ address: bindHost, port: at.port, exclusive: true });
  sock.off("error", onError);
  if (failure !== null) {
    sock.close();
    throw normalizeError(failure);
  }
  sock.setMulticastLoopback(options.loopback ?? true);
  const size = options.receiveBufferSize ?? 0;
  raiseReceiveBuffer(sock, size);
  return new NodeDatagram(sock, Math.max(DATAGRAM_QUEUE_LIMIT, size));
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

/** What Node.js can do. */
const capabilities: Capabilities = {
  connectFromLocal: CAN_CONNECT_FROM_LOCAL,
  abstractUnixNames: false,
  unixDatagrams: false,
  udp: true,
  ipv6Only: false,
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
  removeSync,
} satisfies Runtime;
