/**
 * The socket object: Python's `socket.socket` over Deno's networking.
 *
 * @module
 */

import {
  runtime,
  type StreamConn,
  type StreamTarget,
} from "../_runtime/runtime.ts";
import { parseSockaddr, type SockAddr } from "../addr/sockaddr.ts";
import * as C from "../_base/constants.ts";
import { errno, error, fromRuntimeError, gaierror, osError } from "./errors.ts";
import { toBytes, toInt, toWritableBytes } from "./_bytes.ts";
import { cIntArg } from "../_base/args.ts";
import {
  type Address,
  allocateFd,
  Description,
  freeFd,
  lookupFd,
  pythonAddress,
  unboundAddress,
} from "./_description.ts";
import { ListenerCore } from "./_listener.ts";
import { getOption, setOption } from "./_options.ts";
import { resolveAddress } from "./_resolve.ts";
import { StreamCore } from "./_stream.ts";
import { deadlineAfter, raceMode, type WaitMode } from "./_wait.ts";
import {
  type SocketFile,
  SocketFileImpl,
  type SocketFileMode,
} from "./makefile.ts";
import * as dgram from "./_datagram_ops.ts";

export type { Address } from "./_description.ts";
export type { SocketFile, SocketFileMode } from "./makefile.ts";

let defaultTimeout: number | null = null;

// The largest timeout CPython takes: 2^63 - 1 nanoseconds.
const MAX_TIMEOUT_S = 9223372036.854775;

/** Checks a timeout argument as Python's `settimeout` does. */
function checkTimeout(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number") {
    throw new TypeError(
      `'${
        typeof value === "string" ? "str" : typeof value
      }' object cannot be interpreted as an integer`,
    );
  }
  if (Number.isNaN(value)) {
    throw new RangeError("Invalid value NaN (not a number)");
  }
  if (value < 0) throw new RangeError("Timeout value out of range");
  // CPython keeps timeouts as int64 nanoseconds (OverflowError past that).
  if (value > MAX_TIMEOUT_S) {
    throw new RangeError("timestamp out of range for platform time_t");
  }
  return value;
}

/**
 * The default timeout, in seconds, of new sockets; `null` means blocking.
 *
 * @example
 * ```ts
 * import { getdefaulttimeout } from "./socket.ts";
 * console.log(getdefaulttimeout()); // null
 * ```
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Sets the default timeout, in seconds, of sockets made after this call.
 *
 * @example
 * ```ts
 * import { getdefaulttimeout, setdefaulttimeout } from "./socket.ts";
 * setdefaulttimeout(5);
 * console.log(getdefaulttimeout()); // 5
 * setdefaulttimeout(null);
 * ```
 */
export function setdefaulttimeout(timeout: number | null): void {
  defaultTimeout = checkTimeout(timeout);
}

// A description handed to the constructor by accept/dup/fromfd.
let adopting: Description | null = null;

function adopt(
  d: Description,
  family: number,
  type: number,
  proto: number,
  timeout: number | null,
): Socket {
  adopting = d;
  try {
    const s = new Socket(family, type, proto);
    s.settimeout(timeout);
    return s;
  } finally {
    adopting = null;
  }
}

const TYPE_FLAGS = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
// The largest chunk one read of `readable` (or one iteration) hands out.
const READABLE_CHUNK = 65536;
// The two waits without a deadline, shared by every call.
const BLOCKING: WaitMode = { nonblocking: false, deadline: null };
const NONBLOCKING: WaitMode = { nonblocking: true, deadline: null };

// How a call waits under `timeout` (`dontwait`: MSG_DONTWAIT).
function waitMode(timeout: number | null, dontwait: boolean): WaitMode {
  if (timeout === 0 || dontwait) return NONBLOCKING;
  if (timeout === null) return BLOCKING;
  return { nonblocking: false, deadline: deadlineAfter(timeout) };
}

function checkFamilyAndType(family: number, type: number): void {
  if (family !== C.AF_INET && family !== C.AF_INET6 && family !== C.AF_UNIX) {
    throw osError(errno.EAFNOSUPPORT);
  }
  if (type !== C.SOCK_STREAM && type !== C.SOCK_DGRAM) {
    throw osError(errno.EINVAL);
  }
}

/**
 * A socket, as Python's `socket.socket`: `AF_INET`, `AF_INET6` or `AF_UNIX`,
 * `SOCK_STREAM` or `SOCK_DGRAM`. Methods that wait are `async`; the rest are
 * synchronous. `using s = socket(...)` closes it as Python's `with` does.
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, Socket } from "../mod.ts";
 * using server = new Socket(AF_INET, SOCK_STREAM);
 * server.bind(["127.0.0.1", 0]);
 * server.listen();
 * console.log(server.getsockname()[0]); // 127.0.0.1
 * ```
 */
export class Socket
  implements Disposable, AsyncDisposable, AsyncIterable<Uint8Array> {
  #d: Description | null;
  #fd: number;
  #timeout: number | null;
  readonly #family: number;
  readonly #type: number;
  readonly #proto: number;
  #readable: ReadableStream<Uint8Array> | null = null;
  #writable: WritableStream<Uint8Array> | null = null;

  /**
   * Makes a socket, as `socket.socket(family, type, proto, fileno)`.
   *
   * @param family `AF_INET` (default), `AF_INET6` or `AF_UNIX`.
   * @param type `SOCK_STREAM` (default) or `SOCK_DGRAM`, optionally or'ed
   *   with `SOCK_NONBLOCK` / `SOCK_CLOEXEC`.
   * @param proto 0, or the protocol number matching the type.
   * @param fileno The `fileno()` of an open socket to share, as `fromfd`.
   */
  constructor(
    family: number = C.AF_INET,
    type: number = C.SOCK_STREAM,
    proto: number = 0,
    fileno?: number | null,
  ) {
    family = cIntArg(family);
    type = cIntArg(type);
    proto = cIntArg(proto);
    const kind = type & ~TYPE_FLAGS;
    let d = adopting;
    if (d === null && fileno !== undefined && fileno !== null) {
      d = lookupFd(toInt(fileno));
      d.retain();
    }
    if (d === null) {
      checkFamilyAndType(family, kind);
      if (proto !== 0 && proto !== protocolFor(family, kind)) {
        throw osError(errno.EPROTONOSUPPORT);
      }
      if (kind === C.SOCK_DGRAM) dgram.checkAvailable(family);
      d = new Description(family, kind, proto);
      if (kind === C.SOCK_DGRAM) dgram.prepare(d);
    }
    this.#d = d;
    this.#family = d.family;
    this.#type = d.type;
    this.#proto = d.proto;
    this.#fd = allocateFd(d);
    this.#timeout = (type & C.SOCK_NONBLOCK) ? 0 : defaultTimeout;
  }

  /** The address family (`AF_INET`, ...). */
  get family(): number {
    return this.#family;
  }

  /** The socket type (`SOCK_STREAM` or `SOCK_DGRAM`). */
  get type(): number {
    return this.#type;
  }

  /** The protocol number given at creation (0 by default). */
  get proto(): number {
    return this.#proto;
  }

  /** The timeout in seconds, `null` when blocking (Python's `timeout`). */
  get timeout(): number | null {
    return this.#timeout;
  }

  // ------------------------------------------------------------- helpers

  #desc(): Description {
    const d = this.#d;
    if (d === null || d.state === "closed") throw osError(errno.EBADF);
    return d;
  }

  #mode(flags = 0): WaitMode {
    return waitMode(this.#timeout, (flags & C.MSG_DONTWAIT) !== 0);
  }

  #stream(d: Description, forSend: boolean): StreamCore {
    if (d.state !== "connected" || d.stream === null) {
      // Linux: an unconnected AF_UNIX stream gives EINVAL to recv and
      // ENOTCONN to send; TCP gives ENOTCONN and EPIPE.
      if (d.family === C.AF_UNIX) {
        throw osError(forSend ? errno.ENOTCONN : errno.EINVAL);
      }
      throw osError(forSend ? errno.EPIPE : errno.ENOTCONN);
    }
    return d.stream;
  }

  #isDatagram(d: Description): boolean {
    return d.type === C.SOCK_DGRAM;
  }

  // ------------------------------------------------- bind, listen, accept

  /**
   * Binds the socket to `address` now: the port is taken and
   * `getsockname()` shows it. Throws `EADDRINUSE` here.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * s.bind(["127.0.0.1", 0]);
   * console.log(s.getsockname()[1] > 0); // true
   * ```
   */
  bind(address: Address): void {
    const d = this.#desc();
    const sa = parseSockaddr(d.family, address, "bind");
    if (d.state !== "new") throw osError(errno.EINVAL);
    if (this.#isDatagram(d)) {
      dgram.bind(d, sa);
      return;
    }
    bindStream(d, sa);
  }

  /**
   * Starts accepting connections. An unbound socket is first bound to an
   * ephemeral port on the wildcard address, as Linux does.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * s.listen();
   * console.log(s.getsockname()[1] > 0); // true
   * ```
   */
  listen(backlog?: number): void {
    const d = this.#desc();
    if (backlog !== undefined) cIntArg(backlog);
    if (this.#isDatagram(d)) throw osError(errno.EOPNOTSUPP);
    if (d.state === "new") {
      bindStream(d, wildcard(d.family));
    }
    if (d.state !== "bound" && d.state !== "listening") {
      throw osError(errno.EINVAL);
    }
    // Again after shutdown(SHUT_RD) stopped it.
    d.listener?.resume();
    d.state = "listening";
    d.changed.notify();
  }

  /**
   * Waits for a connection: resolves to `[socket, address]`. The new
   * socket has this socket's timeout.
   *
   * @example
   * ```ts
   * import { create_connection, socket } from "../mod.ts";
   * using server = socket();
   * server.bind(["127.0.0.1", 0]);
   * server.listen();
   * using client = await create_connection(server.getsockname() as [string, number]);
   * const [conn, addr] = await server.accept();
   * console.log(addr[0]); // 127.0.0.1
   * conn.close();
   * ```
   */
  async accept(): Promise<[Socket, Address]> {
    const d = this.#desc();
    if (d.state !== "listening" || d.listener === null) {
      throw osError(this.#isDatagram(d) ? errno.EOPNOTSUPP : errno.EINVAL);
    }
    const conn = await d.listener.accept(this.#mode());
    const nd = connectedDescription(d.family, d.type, d.proto, conn, d);
    const peer = pythonAddress(d.family, conn.remoteAddr);
    return [adopt(nd, d.family, d.type, d.proto, this.#timeout), peer];
  }

  // -------------------------------------------------------------- connect

  /**
   * Connects to `address`. In non-blocking mode rejects with
   * `EINPROGRESS` while the connection completes in the background.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using server = socket();
   * server.bind(["127.0.0.1", 0]);
   * server.listen();
   * using client = socket();
   * await client.connect(server.getsockname());
   * console.log(client.getpeername()); // same as server.getsockname()
   * ```
   */
  async connect(address: Address): Promise<void> {
    const d = this.#desc();
    const parsed = parseSockaddr(d.family, address, "connect");
    if (this.#isDatagram(d)) {
      await dgram.connect(d, await resolveAddress(parsed));
      return;
    }
    checkConnectable(d);
    const mode = this.#mode();
    const sa = await resolveAddress(parsed);
    checkConnectable(d);
    const local = d.state === "bound" ? releaseLocalBind(d) : undefined;
    const target = streamTarget(sa);
    // close() ends a connect in flight (its descriptor is freed at once).
    const abort = new AbortController();
    d.connectAbort = abort;
    if (mode.nonblocking) {
      d.state = "connecting";
      d.connecting = connectTo(target, abort.signal, local).then(
        (conn) => {
          d.connecting = null;
          d.connectAbort = null;
          if (d.state === "closed") {
            conn.close();
            return;
          }
          attachStream(d, conn);
          d.changed.notify();
        },
        (e) => {
          d.connecting = null;
          d.connectAbort = null;
          if (d.state === "closed") return;
          d.state = "new";
          const err = fromRuntimeError(e);
          d.soError = err instanceof error && err.errno !== null
            ? err.errno
            : errno.ECONNREFUSED;
          d.changed.notify();
        },
      );
      throw osError(errno.EINPROGRESS);
    }
    d.state = "connecting";
    let conn: StreamConn;
    try {
      conn = await connectWithin(target, mode, local, abort);
    } catch (e) {
      d.connectAbort = null;
      if ((d.state as string) === "closed") throw osError(errno.EBADF);
      if (d.state === "connecting") d.state = "new";
      throw e;
    }
    d.connectAbort = null;
    // The socket may have been closed while the connection was made.
    if ((d.state as string) === "closed") {
      conn.close();
      throw osError(errno.EBADF);
    }
    attachStream(d, conn);
    // select, poll and epoll watching the socket learn it is connected.
    d.changed.notify();
  }

  /**
   * Like {@link connect}, but resolves to `0` or the errno instead of
   * rejecting for a refused or unreachable peer (name errors still reject).
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using probe = socket();
   * probe.bind(["127.0.0.1", 0]);
   * const port = probe.getsockname()[1] as number;
   * probe.close();
   * using s = socket();
   * console.log(await s.connect_ex(["127.0.0.1", port])); // 111
   * ```
   */
  async connect_ex(address: Address): Promise<number> {
    try {
      await this.connect(address);
      return 0;
    } catch (e) {
      if (e instanceof gaierror || !(e instanceof error)) throw e;
      if (e.errno === null) return errno.EAGAIN; // the socket's timeout
      return e.errno;
    }
  }

  // ----------------------------------------------------------------- send

  /**
   * Sends some of `data`; resolves to the number of bytes taken, which may
   * be fewer than given.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * console.log(await a.send("hi")); // 2
   * a.close();
   * b.close();
   * ```
   */
  send(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
    flags = 0,
  ): Promise<number> {
    try {
      const d = this.#desc();
      const bytes = toBytes(data);
      toInt(flags);
      if (this.#isDatagram(d)) {
        return dgram.send(d, bytes, null, this.#mode(flags), flags);
      }
      return this.#stream(d, true).send(bytes, this.#mode(flags));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends all of `data`, or rejects.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall(new Uint8Array(100_000));
   * a.close();
   * let total = 0;
   * for await (const chunk of b) total += chunk.length;
   * console.log(total); // 100000
   * b.close();
   * ```
   */
  sendall(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
    flags = 0,
  ): Promise<void> {
    try {
      const d = this.#desc();
      const bytes = toBytes(data);
      toInt(flags);
      if (this.#isDatagram(d)) {
        return dgram.send(d, bytes, null, this.#mode(flags), flags)
          .then(() => {});
      }
      return this.#stream(d, true).sendall(bytes, this.#mode(flags));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sends a datagram to `address`: `sendto(data, address)` or
   * `sendto(data, flags, address)`.
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "../mod.ts";
   * using rx = socket(AF_INET, SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket(AF_INET, SOCK_DGRAM);
   * await tx.sendto("ping", rx.getsockname());
   * const [data] = await rx.recvfrom(100);
   * console.log(new TextDecoder().decode(data)); // ping
   * ```
   */
  sendto(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
    flagsOrAddress: number | Address,
    address?: Address,
  ): Promise<number> {
    try {
      const d = this.#desc();
      const bytes = toBytes(data);
      let flags = 0;
      let target: unknown = flagsOrAddress;
      if (address !== undefined) {
        flags = toInt(flagsOrAddress);
        target = address;
      }
      const parsed = parseSockaddr(d.family, target, "sendto");
      if (!this.#isDatagram(d)) {
        // A connected TCP stream ignores the address, as Linux does; else
        // EPIPE. An AF_UNIX stream refuses any address: EISCONN once
        // connected, EOPNOTSUPP before.
        if (d.family === C.AF_UNIX) {
          throw osError(
            d.state === "connected" ? errno.EISCONN : errno.EOPNOTSUPP,
          );
        }
        return this.#stream(d, true).send(bytes, this.#mode(flags));
      }
      return dgram.send(d, bytes, parsed, this.#mode(flags), flags);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // -------------------------------------------------------------- receive

  /**
   * Receives at most `bufsize` bytes; an empty array at end of stream.
   * `flags`: `MSG_PEEK`, `MSG_WAITALL`, `MSG_DONTWAIT`.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.send("hello");
   * console.log(new TextDecoder().decode(await b.recv(1024))); // hello
   * a.close();
   * b.close();
   * ```
   */
  recv(bufsize: number, flags = 0): Promise<Uint8Array> {
    // Not async: the hot path hands back the core's promise as it is.
    try {
      const d = this.#desc();
      const n = checkBufsize(bufsize, "recv");
      toInt(flags);
      if (this.#isDatagram(d)) {
        // CPython's recv(0) returns at once without reading.
        if (n === 0) return Promise.resolve(new Uint8Array(0));
        return dgram.recvfrom(d, n, flags, this.#mode(flags)).then((r) => r[0]);
      }
      const s = this.#stream(d, false);
      const mode = this.#mode(flags);
      const peek = (flags & C.MSG_PEEK) !== 0;
      if ((flags & C.MSG_WAITALL) !== 0 && !peek && waitsForAll(mode)) {
        const buf = new Uint8Array(n);
        return recvAll(s, buf, mode).then((got) => buf.subarray(0, got));
      }
      return s.recv(n, mode, peek);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives into `buffer` (at most `nbytes`, default its length);
   * resolves to the count.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.send("abc");
   * const buf = new Uint8Array(10);
   * console.log(await b.recv_into(buf)); // 3
   * a.close();
   * b.close();
   * ```
   */
  recv_into(
    buffer: Uint8Array | ArrayBufferView | ArrayBuffer,
    nbytes = 0,
    flags = 0,
  ): Promise<number> {
    try {
      const d = this.#desc();
      const dst = intoView(buffer, nbytes, "recv_into");
      toInt(flags);
      if (this.#isDatagram(d)) {
        // CPython's recv_into into nothing returns at once without reading.
        if (dst.length === 0) return Promise.resolve(0);
        return dgram.recvfromInto(d, dst, flags, this.#mode(flags)).then((r) =>
          r[0]
        );
      }
      const s = this.#stream(d, false);
      const mode = this.#mode(flags);
      const peek = (flags & C.MSG_PEEK) !== 0;
      if ((flags & C.MSG_WAITALL) !== 0 && !peek && waitsForAll(mode)) {
        return recvAll(s, dst, mode);
      }
      return s.recvInto(dst, mode, peek);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives at most `bufsize` bytes and the sender's address.
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "../mod.ts";
   * using rx = socket(AF_INET, SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket(AF_INET, SOCK_DGRAM);
   * await tx.sendto("ping", rx.getsockname());
   * const [, from] = await rx.recvfrom(100);
   * console.log(from[0]); // 127.0.0.1
   * ```
   */
  recvfrom(
    bufsize: number,
    flags = 0,
  ): Promise<[Uint8Array, Address | null]> {
    try {
      const d = this.#desc();
      const n = checkBufsize(bufsize, "recvfrom");
      toInt(flags);
      if (this.#isDatagram(d)) {
        return dgram.recvfrom(d, n, flags, this.#mode(flags));
      }
      // A stream socket has no per-message sender: Linux gives no address.
      return this.recv(n, flags).then((data) => [data, null]);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives into `buffer`; resolves to `[count, address]`.
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "../mod.ts";
   * using rx = socket(AF_INET, SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket(AF_INET, SOCK_DGRAM);
   * await tx.sendto("ping", rx.getsockname());
   * const [n] = await rx.recvfrom_into(new Uint8Array(100));
   * console.log(n); // 4
   * ```
   */
  recvfrom_into(
    buffer: Uint8Array | ArrayBufferView | ArrayBuffer,
    nbytes = 0,
    flags = 0,
  ): Promise<[number, Address | null]> {
    try {
      const d = this.#desc();
      const dst = intoView(buffer, nbytes, "recvfrom_into");
      toInt(flags);
      if (this.#isDatagram(d)) {
        return dgram.recvfromInto(d, dst, flags, this.#mode(flags));
      }
      return this.recv_into(dst, 0, flags).then((n) => [n, null]);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ------------------------------------------------------ shutdown, close

  /**
   * Shuts down one or both halves: `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`. Sends
   * queued before it go out first.
   *
   * @example
   * ```ts
   * import { SHUT_WR, socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.send("last words");
   * a.shutdown(SHUT_WR);
   * console.log((await b.recv(100)).length, (await b.recv(100)).length); // 10 0
   * a.close();
   * b.close();
   * ```
   */
  shutdown(how: number): void {
    const d = this.#desc();
    how = toInt(how);
    if (how !== C.SHUT_RD && how !== C.SHUT_WR && how !== C.SHUT_RDWR) {
      throw osError(errno.EINVAL);
    }
    if (this.#isDatagram(d)) {
      dgram.shutdown(d, how);
      return;
    }
    if (d.state === "listening" && d.listener !== null) {
      // Linux: SHUT_WR does nothing to a listener. SHUT_RD stops a TCP
      // listener (its port stays bound; listen() starts it again); on
      // AF_UNIX it makes a blocking accept with nothing queued give EINVAL.
      if (how === C.SHUT_WR) return;
      if (d.family === C.AF_UNIX) {
        d.listener.shutRead();
      } else {
        d.listener.stop();
        d.state = "bound";
      }
      return;
    }
    if (d.state !== "connected" || d.stream === null) {
      // An unconnected AF_UNIX socket takes any shutdown, as on Linux.
      if (d.family === C.AF_UNIX) return;
      throw osError(errno.ENOTCONN);
    }
    if (how !== C.SHUT_WR) d.stream.shutdownRead();
    if (how !== C.SHUT_RD) d.stream.shutdownWrite();
  }

  /**
   * Closes the socket. Idempotent; sends already queued are still
   * delivered; later calls on this socket give `EBADF`.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * const s = socket();
   * s.close();
   * console.log(s.fileno()); // -1
   * ```
   */
  close(): void {
    this.#release();
  }

  #release(): Promise<void> {
    const d = this.#d;
    if (d === null) return Promise.resolve();
    freeFd(this.#fd);
    this.#d = null;
    this.#fd = -1;
    return d.release();
  }

  /**
   * Gives up this socket object without closing the connection; returns the
   * fileno, which `fromfd` can take up again.
   *
   * @example
   * ```ts
   * import { fromfd, socket, AF_INET, SOCK_STREAM } from "../mod.ts";
   * const s = socket();
   * const fd = s.detach();
   * using again = fromfd(fd, AF_INET, SOCK_STREAM);
   * console.log(s.fileno(), again.fileno() > 0); // -1 true
   * ```
   */
  detach(): number {
    const fd = this.#fd;
    if (this.#d === null) return -1;
    this.#d = null;
    this.#fd = -1;
    markDetached(fd);
    return fd;
  }

  /**
   * A new socket object on the same socket (closing one leaves the other
   * open).
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * using t = s.dup();
   * console.log(t.fileno() !== s.fileno()); // true
   * ```
   */
  dup(): Socket {
    const d = this.#desc();
    d.retain();
    // CPython's dup() copies the timeout (and so the blocking mode).
    return adopt(d, this.#family, this.#type, this.#proto, this.#timeout);
  }

  /**
   * A positive integer unique among open sockets of this module; `-1` once
   * closed. Not an OS descriptor.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * console.log(s.fileno() > 0); // true
   * ```
   */
  fileno(): number {
    return this.#fd;
  }

  // ------------------------------------------------------------ addresses

  /**
   * The socket's own address (`["0.0.0.0", 0]` before it is bound).
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * console.log(s.getsockname()); // ["0.0.0.0", 0]
   * ```
   */
  getsockname(): Address {
    const d = this.#desc();
    if (this.#isDatagram(d)) return dgram.sockname(d);
    if (d.unnamed) return "";
    if (d.stream) return pythonAddress(d.family, d.stream.conn.localAddr);
    if (d.listener) return pythonAddress(d.family, d.listener.listener.addr);
    return unboundAddress(d.family);
  }

  /**
   * The peer's address; `ENOTCONN` when not connected.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * try { s.getpeername(); } catch (e) { console.log((e as { errno: number }).errno); } // 107
   * ```
   */
  getpeername(): Address {
    const d = this.#desc();
    if (this.#isDatagram(d)) return dgram.peername(d);
    if (d.state !== "connected" || d.stream === null) {
      throw osError(errno.ENOTCONN);
    }
    if (d.unnamed) return "";
    return pythonAddress(d.family, d.stream.conn.remoteAddr);
  }

  // ------------------------------------------------------------- timeouts

  /**
   * `setblocking(false)` is `settimeout(0)`; `setblocking(true)` is
   * `settimeout(null)`.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * s.setblocking(false);
   * console.log(s.gettimeout()); // 0
   * ```
   */
  setblocking(flag: boolean): void {
    this.#desc();
    this.#timeout = flag ? null : 0;
  }

  /**
   * Whether the socket is blocking (no timeout of 0).
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * console.log(s.getblocking()); // true
   * ```
   */
  getblocking(): boolean {
    this.#desc();
    return this.#timeout !== 0;
  }

  /**
   * Sets the timeout in seconds: `null` blocks, `0` is non-blocking, more
   * makes waiting operations reject with `timeout` after that long.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * s.settimeout(0.5);
   * console.log(s.gettimeout()); // 0.5
   * ```
   */
  settimeout(value: number | null): void {
    const t = checkTimeout(value);
    this.#desc();
    this.#timeout = t;
  }

  /**
   * The timeout in seconds, or `null`.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * console.log(s.gettimeout()); // null
   * ```
   */
  gettimeout(): number | null {
    return this.#timeout;
  }

  // -------------------------------------------------------------- options

  /**
   * Sets an option; see the README for the options pysocket honours. Any
   * other gives `ENOPROTOOPT` naming it.
   *
   * @example
   * ```ts
   * import { socket, SOL_SOCKET, SO_REUSEADDR } from "../mod.ts";
   * using s = socket();
   * s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
   * console.log(s.getsockopt(SOL_SOCKET, SO_REUSEADDR)); // 1
   * ```
   */
  setsockopt(
    level: number,
    optname: number,
    value: number | boolean | Uint8Array | ArrayBufferView | ArrayBuffer,
  ): void {
    const d = this.#desc();
    setOption(d, toInt(level), toInt(optname), value);
  }

  /**
   * Reads an option: a number, or bytes when `buflen` is given.
   *
   * @example
   * ```ts
   * import { socket, SOL_SOCKET, SO_TYPE, SOCK_STREAM } from "../mod.ts";
   * using s = socket();
   * console.log(s.getsockopt(SOL_SOCKET, SO_TYPE) === SOCK_STREAM); // true
   * ```
   */
  getsockopt(level: number, optname: number): number;
  /** Reads an option as `buflen` bytes (little-endian int, as Linux gives it). */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array;
  getsockopt(
    level: number,
    optname: number,
    buflen?: number,
  ): number | Uint8Array {
    const d = this.#desc();
    return getOption(
      d,
      toInt(level),
      toInt(optname),
      buflen === undefined ? undefined : toInt(buflen),
    );
  }

  // ------------------------------------------------------ files, streams

  /**
   * A file object over the socket: `"r"`, `"w"`, `"rw"` (text) or `"rb"`,
   * `"wb"`, `"rwb"` (bytes). The socket stays open until it and every file
   * made from it are closed.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("one\ntwo\n");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.readline()); // "one\n"
   * await f.close();
   * b.close();
   * ```
   */
  makefile(mode: SocketFileMode = "r", buffering?: number | null): SocketFile {
    const d = this.#desc();
    if (this.#isDatagram(d)) throw osError(errno.EOPNOTSUPP);
    const stream = this.#stream(d, false);
    d.retain();
    const timeout = this.#timeout;
    return new SocketFileImpl(stream, mode, buffering ?? -1, {
      mode: () => waitMode(timeout, false),
      release: () => d.release(),
    });
  }

  /**
   * A byte `ReadableStream` of received data (for Web-streams code; a BYOB
   * reader works). It reads only for a pending read: releasing the reader
   * or cancelling the stream loses nothing, the next `recv` gets what comes
   * next. Cancelling does not close the socket (as closing a file from
   * Python's `makefile` does not): close it yourself.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("streamed");
   * a.close();
   * const text = await new Response(b.readable).text();
   * console.log(text); // streamed
   * b.close();
   * ```
   */
  get readable(): ReadableStream<Uint8Array> {
    this.#readable ??= new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: READABLE_CHUNK,
      pull: (controller) => this.#pull(controller),
    });
    return this.#readable;
  }

  // One read of `readable`: waits until a receive would not wait, then, if
  // the read is still pending, takes at most what it asked for, in the same
  // turn, so that no byte is taken for a reader that has gone.
  async #pull(controller: ReadableByteStreamController): Promise<void> {
    const d = this.#desc();
    if (this.#isDatagram(d)) {
      const chunk = await this.recv(READABLE_CHUNK);
      controller.enqueue(chunk);
      return;
    }
    const s = this.#stream(d, false);
    await s.waitReadable(this.#mode());
    const request = controller.byobRequest;
    if (request === null) return;
    const want = request.view?.byteLength ?? READABLE_CHUNK;
    if (s.buffered > 0) {
      controller.enqueue(s.take(want));
      return;
    }
    s.throwPending();
    controller.close();
    controller.byobRequest?.respond(0);
  }

  /**
   * A `WritableStream` that sends each chunk whole; closing it shuts the
   * write side down.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await new Blob(["piped"]).stream().pipeTo(a.writable);
   * console.log(new TextDecoder().decode(await b.recv(100))); // piped
   * a.close();
   * b.close();
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    this.#writable ??= new WritableStream<Uint8Array>({
      write: (chunk) => this.sendall(chunk),
      close: () => this.shutdown(C.SHUT_WR),
    });
    return this.#writable;
  }

  /**
   * Iterates over received chunks until the end of the stream.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("abc");
   * a.close();
   * for await (const chunk of b) console.log(chunk.length); // 3
   * b.close();
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk = await this.recv(65536);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Closes the socket (`using s = socket()`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the socket and waits until queued sends are out and it is closed. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#release();
  }

  /** Python's repr, for `console.log`. */
  toString(): string {
    const fam = C.AddressFamily[this.#family] ?? this.#family;
    const kind = C.SocketKind[this.#type] ?? this.#type;
    return `<socket.socket fd=${this.#fd}, family=${fam}, type=${kind}, proto=${this.#proto}>`;
  }
}

/**
 * Python's name for the socket class.
 *
 * @example
 * ```ts
 * import { Socket, SocketType } from "../mod.ts";
 * console.log(SocketType === Socket); // true
 * ```
 */
export const SocketType: typeof Socket = Socket;

/**
 * Makes a socket, as Python's `socket.socket(family, type, proto)`.
 *
 * @example
 * ```ts
 * import { AF_INET6, SOCK_STREAM, socket } from "../mod.ts";
 * using s = socket(AF_INET6, SOCK_STREAM);
 * console.log(s.getsockname()); // ["::", 0, 0, 0]
 * ```
 */
export function socket(
  family: number = C.AF_INET,
  type: number = C.SOCK_STREAM,
  proto: number = 0,
  fileno?: number | null,
): Socket {
  return new Socket(family, type, proto, fileno);
}

/**
 * A new socket on the same connection as the open socket whose `fileno()`
 * is `fd`; `EBADF` for any other number.
 *
 * @example
 * ```ts
 * import { AF_INET, fromfd, SOCK_STREAM, socket } from "../mod.ts";
 * using s = socket();
 * using t = fromfd(s.fileno(), AF_INET, SOCK_STREAM);
 * console.log(t.family === s.family); // true
 * ```
 */
export function fromfd(
  fd: number,
  family: number,
  type: number,
  proto: number = 0,
): Socket {
  const d = lookupFd(toInt(fd));
  toInt(family);
  toInt(type);
  toInt(proto);
  if (takeDetached(fd)) {
    // A detached descriptor is taken up: its reference moves to the new socket.
  } else {
    d.retain();
  }
  return adopt(d, d.family, d.type, d.proto, defaultTimeout);
}

// ----------------------------------------------------------------- helpers

const detached = new Set<number>();

function markDetached(fd: number): void {
  detached.add(fd);
}

function takeDetached(fd: number): boolean {
  if (!detached.delete(fd)) return false;
  freeFd(fd);
  return true;
}

function protocolFor(family: number, type: number): number {
  if (family === C.AF_UNIX) return 0;
  return type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP;
}

function wildcard(family: number): SockAddr {
  return parseSockaddr(
    family,
    family === C.AF_UNIX ? "" : family === C.AF_INET6 ? ["::", 0] : ["", 0],
    "bind",
  );
}

function streamTarget(sa: SockAddr): StreamTarget {
  if (sa.family === C.AF_UNIX) {
    if (sa.path === "" || sa.path.startsWith("\0")) {
      throw osError(
        errno.EOPNOTSUPP,
        "Operation not supported: Deno has no abstract or unnamed Unix sockets",
      );
    }
    return { transport: "unix", path: sa.path };
  }
  return { transport: "tcp", hostname: sa.host, port: sa.port };
}

function bindStream(d: Description, sa: SockAddr): void {
  const target = streamTarget(sa);
  try {
    const listener = runtime.listenStream(target, {
      reusePort: d.options.reuseport !== 0,
    });
    d.listener = new ListenerCore(listener);
  } catch (e) {
    const err = fromRuntimeError(e);
    if (
      !sa.numeric && sa.family !== C.AF_UNIX && err instanceof error &&
      err.errno === errno.ENOENT
    ) {
      throw new gaierror(C.EAI_NONAME);
    }
    throw err;
  }
  d.bound = sa;
  d.state = "bound";
}

function checkConnectable(d: Description): void {
  // Linux refuses a listening AF_UNIX socket with EINVAL, TCP with EISCONN.
  if (d.state === "listening" && d.family === C.AF_UNIX) {
    throw osError(errno.EINVAL);
  }
  if (d.state === "connected" || d.state === "listening") {
    throw osError(errno.EISCONN);
  }
  if (d.state === "connecting") throw osError(errno.EALREADY);
  if (d.state === "closed") throw osError(errno.EBADF);
}

// Deno cannot connect from a bound socket. A bind to the wildcard address
// and port 0 asked for nothing a fresh connection does not give, so that
// one is let go; anything more specific cannot be honoured there. A runtime
// that can (runtime.capabilities.connectFromLocal: Node.js) connects from the address the
// bind took, which is given back here once the bind lets it go.
function releaseLocalBind(
  d: Description,
): { hostname: string; port: number } | undefined {
  const b = d.bound;
  const wild = b !== null && b.port === 0 &&
    (b.host === "0.0.0.0" || b.host === "::");
  const addr = d.listener?.listener.addr;
  const local =
    !wild && runtime.capabilities.connectFromLocal && addr?.transport === "tcp"
      ? { hostname: addr.hostname, port: addr.port }
      : undefined;
  if (!wild && local === undefined) {
    throw osError(
      errno.EOPNOTSUPP,
      "Operation not supported: Deno cannot connect from a chosen local address or port; connect without bind",
    );
  }
  d.listener?.close();
  d.listener = null;
  d.bound = null;
  d.state = "new";
  return local;
}

// Port 0 is never listening: Linux refuses it at once, where the runtime
// rejects the port with a RangeError of its own.
function connectTo(
  target: StreamTarget,
  signal: AbortSignal | undefined,
  local: { hostname: string; port: number } | undefined,
): Promise<StreamConn> {
  if (target.transport === "tcp" && target.port === 0) {
    return Promise.reject(osError(errno.ECONNREFUSED));
  }
  return runtime.connectStream(target, {
    ...(signal ? { signal } : {}),
    ...(local ? { local } : {}),
  });
}

// A connect bounded by the call's wait mode (deadline, abort) and by
// `abort` (the socket's close). An attempt given up is abandoned in the
// runtime too; a connection that made it anyway is closed.
async function connectWithin(
  target: StreamTarget,
  mode: WaitMode,
  local: { hostname: string; port: number } | undefined,
  abort: AbortController,
): Promise<StreamConn> {
  const attempt = connectTo(target, abort.signal, local);
  try {
    return await raceMode(attempt, mode);
  } catch (e) {
    if (!abort.signal.aborted) {
      abort.abort();
      await attempt.then((c) => c.close(), () => {});
    }
    if (e instanceof error || e === mode.signal?.reason) throw e;
    throw fromRuntimeError(e);
  }
}

function attachStream(d: Description, conn: StreamConn): void {
  d.stream = new StreamCore(conn, d.options.rcvbuf, d.options.sndbuf);
  if (d.options.nodelay) conn.setNoDelay(true);
  if (d.options.keepalive) conn.setKeepAlive(true);
  d.state = "connected";
}

function connectedDescription(
  family: number,
  type: number,
  proto: number,
  conn: StreamConn,
  parent: Description,
): Description {
  const nd = new Description(family, type, proto);
  // Options set on a TCP listener carry over to what it accepts; Linux's
  // AF_UNIX accept makes a new socket with the defaults.
  if (family !== C.AF_UNIX) Object.assign(nd.options, parent.options);
  attachStream(nd, conn);
  return nd;
}

function checkBufsize(bufsize: unknown, fn: string): number {
  const n = toInt(bufsize);
  if (n < 0) throw new RangeError(`negative buffersize in ${fn}`);
  // Beyond what a buffer can hold (CPython: MemoryError or OverflowError).
  if (n > Number.MAX_SAFE_INTEGER) {
    throw new RangeError("Python int too large to convert to C ssize_t");
  }
  return n;
}

function intoView(buffer: unknown, nbytes: unknown, fn: string): Uint8Array {
  const view = toWritableBytes(buffer);
  const n = toInt(nbytes);
  if (n < 0) throw new RangeError(`negative buffersize in ${fn}`);
  if (n > view.length) {
    throw new RangeError(
      fn === "recv_into"
        ? "buffer too small for requested bytes"
        : "nbytes is greater than the length of the buffer",
    );
  }
  return n === 0 ? view : view.subarray(0, n);
}

// CPython keeps the descriptor non-blocking under any timeout and waits for
// readability itself, so MSG_WAITALL waits for all the bytes only on a
// blocking socket; with a timeout (or MSG_DONTWAIT) it is a plain receive:
// what is there once the first byte has come.
function waitsForAll(mode: WaitMode): boolean {
  return mode.deadline === null && !mode.nonblocking;
}

// MSG_WAITALL on a blocking socket: fill `dst` or stop at the end of the
// stream; an error after some bytes arrived returns what came, as Linux does.
async function recvAll(
  s: StreamCore,
  dst: Uint8Array,
  mode: WaitMode,
): Promise<number> {
  let got = 0;
  while (got < dst.length) {
    let n: number;
    try {
      n = await s.recvInto(dst.subarray(got), mode);
    } catch (e) {
      if (got > 0 && e instanceof error && e.errno !== errno.EBADF) return got;
      throw e;
    }
    if (n === 0) break;
    got += n;
  }
  return got;
}
