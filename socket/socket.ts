/**
 * The socket object: Python's `socket.socket` over Deno's networking.
 *
 * @module
 */

import { parseSockaddr, type SockAddr } from "../addr/sockaddr.ts";
import { resolveZone } from "./_resolve.ts";
import * as C from "../_base/constants.ts";
import type { FamilyInet, KindDgram, KindStream } from "../_base/constants.ts";
import { errno, error, fromRuntimeError, gaierror, osError } from "./errors.ts";
import { runtime } from "../_runtime/runtime.ts";
import { toBytes, toInt, toWritableBytes } from "./_bytes.ts";
import { cIntArg, clinicIntArg, fdArg, pyTypeName } from "../_base/args.ts";
import { shared } from "../_base/state.ts";
import {
  isWaitOptions,
  signalOf,
  splitOptions,
  type WaitOptions,
} from "../_base/wait_options.ts";
import {
  type Address,
  type AddressOf,
  allocateFd,
  Description,
  freeFd,
  lookupFd,
  pythonAddress,
  type SenderOf,
} from "./_description.ts";
import { getOption, setOption } from "./_options.ts";
import { deadlineAfter, Signal, type WaitMode } from "./_wait.ts";
import { recvFlagRefusal } from "./_refusals.ts";
import {
  fileSpec,
  openFile,
  type RawSocketFile,
  type SocketFileFor,
  type SocketFileMode,
} from "./makefile.ts";
import * as dgram from "./_datagram_ops.ts";
import { DATAGRAM } from "./_datagram_ops.ts";
import type { KindOps } from "./_kind.ts";
import { STREAM } from "./_stream_socket.ts";

export type {
  Address,
  AddressOf,
  Inet4Address,
  Inet6Address,
  SenderOf,
  UnixAddress,
} from "./_description.ts";
export type {
  BinarySocketFile,
  BytesInput,
  RawSocketFile,
  SocketFile,
  SocketFileFor,
  SocketFileMode,
  TextSocketFile,
} from "./makefile.ts";

/**
 * What iterating a socket of addresses `A` and type `K` gives: a datagram
 * socket (`SOCK_DGRAM`) `[data, address]` pairs, as `recvfrom`; a stream
 * socket chunks of bytes. A socket whose type the checker does not know
 * (made with a type computed at run time, or `SOCK_DGRAM | SOCK_NONBLOCK`)
 * is typed as a stream socket.
 *
 * @example
 * ```ts
 * import { AF_INET, type ReceivedOf, SOCK_DGRAM, socket } from "@pysocket/socket";
 * using u = socket(AF_INET, SOCK_DGRAM);
 * const item: ReceivedOf<[string, number], typeof SOCK_DGRAM> = [
 *   new Uint8Array(),
 *   ["127.0.0.1", 9],
 * ];
 * console.log(item[1][1], u.type); // 9 2
 * ```
 */
export type ReceivedOf<A extends Address, K extends number> = K extends
  KindDgram ? [data: Uint8Array, address: SenderOf<A>]
  : Uint8Array;
export type { WaitOptions } from "../_base/wait_options.ts";

// The default timeout, shared by every copy of the package (see
// _base/state.ts): setdefaulttimeout through one applies to all.
const defaults = shared("timeout", () => ({
  timeout: null as number | null,
}));

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
  return defaults.timeout;
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
  defaults.timeout = checkTimeout(timeout);
}

/**
 * One fileno and whether it is still open. Socket objects that adopted the
 * same number (`socket(fileno=...)`) share it: closing any of them closes
 * the one descriptor, as with an OS descriptor in CPython.
 */
interface FdHandle {
  readonly fd: number;
  readonly d: Description;
  open: boolean;
}

// Open handles by fileno, and the ones detach() gave up: shared with the
// fileno table by every copy of the package.
const { handles, detached } = shared("handles", () => ({
  handles: new Map<number, FdHandle>(),
  detached: new Set<number>(),
}));

function newHandle(d: Description): FdHandle {
  const h: FdHandle = { fd: allocateFd(d), d, open: true };
  handles.set(h.fd, h);
  return h;
}

// How accept/dup/fromfd hand the constructor a description that exists:
// a token only this module makes.
class Origin {
  readonly handle: FdHandle;
  constructor(handle: FdHandle) {
    this.handle = handle;
  }
}

function adopt(
  d: Description,
  family: number,
  type: number,
  proto: number,
  timeout: number | null,
): Socket {
  // The constructor's fifth parameter is not part of its public signature.
  const make = Socket as unknown as new (
    family: number,
    type: number,
    proto: number,
    fileno: null,
    origin: Origin,
  ) => Socket;
  const s = new make(family, type, proto, null, new Origin(newHandle(d)));
  s.settimeout(timeout);
  return s;
}

// socket(fileno=fd): the same descriptor, not a duplicate.
function adoptFileno(fileno: unknown): FdHandle {
  const fd = fdArg(fileno);
  if (fd < 0) throw new RangeError("negative file descriptor");
  lookupFd(fd);
  const h = handles.get(fd);
  if (h === undefined || !h.open) throw osError(errno.EBADF);
  // A detached number is taken up by this object alone; a live one is shared.
  detached.delete(fd);
  return h;
}

const TYPE_FLAGS = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
// What one read of sendfile takes (CPython's fallback reads 8 KiB; more
// means fewer sends for the same bytes).
const SENDFILE_CHUNK = 65536;
// Linux's IPPROTO_MAX (one past IPPROTO_MPTCP).
const IPPROTO_MAX = 263;
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

// A constructor argument: undefined or socket.py's -1 for "the default".
function defaultable(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = clinicIntArg(v);
  return n === -1 ? undefined : n;
}

// The protocol check Linux's socket() makes: inet_create and inet6_create
// refuse a number outside 0..IPPROTO_MAX-1 with EINVAL and one that is not
// the type's with EPROTONOSUPPORT; unix_create takes 0 and PF_UNIX (1).
function checkProtocol(family: number, kind: number, proto: number): void {
  if (family === C.AF_UNIX) {
    if (proto !== 0 && proto !== C.AF_UNIX) {
      throw osError(errno.EPROTONOSUPPORT);
    }
    return;
  }
  if (proto < 0 || proto >= IPPROTO_MAX) throw osError(errno.EINVAL);
  if (proto !== 0 && proto !== protocolFor(family, kind)) {
    throw osError(errno.EPROTONOSUPPORT);
  }
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
 * import { AF_INET, SOCK_STREAM, Socket } from "@pysocket/socket";
 * using server = new Socket(AF_INET, SOCK_STREAM);
 * server.bind(["127.0.0.1", 0]);
 * server.listen();
 * console.log(server.getsockname()[0]); // 127.0.0.1
 * ```
 */
export class Socket<A extends Address = Address, K extends number = number>
  implements Disposable, AsyncDisposable, AsyncIterable<ReceivedOf<A, K>> {
  #h: FdHandle | null;
  // The implementation of this socket's kind (stream or datagram).
  readonly #ops: KindOps;
  #timeout: number | null;
  readonly #family: number;
  readonly #type: number;
  readonly #proto: number;
  #readable: ReadableStream<Uint8Array> | null = null;
  #writable: WritableStream<Uint8Array> | null = null;
  // Python's `_io_refs` and `_closed`: files made by makefile() keep the
  // socket open until they are closed too.
  #ioRefs = 0;
  #closeCalled = false;

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
    family?: number,
    type?: number,
    proto?: number,
    fileno?: number | null,
  );
  constructor(
    family?: number,
    type?: number,
    proto?: number,
    fileno?: number | null,
    origin?: Origin,
  ) {
    // Converted first, as CPython's argument parsing does; -1 is socket.py's
    // default: AF_INET, SOCK_STREAM, 0, or, with a fileno, what it is.
    const famArg = defaultable(family);
    const typeArg = defaultable(type);
    const protoArg = defaultable(proto);
    let h: FdHandle;
    if (origin instanceof Origin) {
      h = origin.handle;
    } else if (fileno !== undefined && fileno !== null) {
      h = adoptFileno(fileno);
    } else {
      const fam = famArg ?? C.AF_INET;
      const kind = (typeArg ?? C.SOCK_STREAM) & ~TYPE_FLAGS;
      const pr = protoArg ?? 0;
      checkFamilyAndType(fam, kind);
      checkProtocol(fam, kind, pr);
      if (kind === C.SOCK_DGRAM) dgram.checkAvailable();
      const d = new Description(fam, kind, pr);
      if (kind === C.SOCK_DGRAM) dgram.prepare(d);
      h = newHandle(d);
    }
    // Explicit arguments win over what the descriptor is, as in CPython.
    const t = typeArg ?? h.d.type;
    this.#h = h;
    this.#ops = h.d.type === C.SOCK_DGRAM ? DATAGRAM : STREAM;
    this.#family = famArg ?? h.d.family;
    this.#type = t & ~TYPE_FLAGS;
    this.#proto = protoArg ?? h.d.proto;
    this.#timeout = (t & C.SOCK_NONBLOCK) ? 0 : defaults.timeout;
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
    const h = this.#h;
    if (h === null || !h.open || h.d.state === "closed") {
      throw osError(errno.EBADF);
    }
    return h.d;
  }

  #mode(flags = 0, signal?: AbortSignal): WaitMode {
    const mode = waitMode(this.#timeout, (flags & C.MSG_DONTWAIT) !== 0);
    return signal === undefined ? mode : { ...mode, signal };
  }

  // A receive that `flags` make Linux refuse (MSG_OOB, MSG_ERRQUEUE), or
  // `null`. Under a timeout CPython waits for readability before each
  // try: an empty error queue keeps it waiting until the timeout, and an
  // urgent-data read on a connection waits for data to arrive first.
  #refusedFlags(
    d: Description,
    flags: number,
    mode: WaitMode,
  ): Promise<never> | null {
    if ((flags & (C.MSG_OOB | C.MSG_ERRQUEUE)) === 0) return null;
    const code = recvFlagRefusal(d.family, d.type, d.state, flags);
    if (code === null) return null;
    const fail = (): never => {
      throw osError(errno[code]);
    };
    if (mode.deadline === null || mode.nonblocking) {
      return Promise.resolve().then(fail);
    }
    if (code === "EAGAIN") return new Signal().wait(mode).then(fail);
    if (d.type === C.SOCK_STREAM && d.state === "connected") {
      return this.#ops.connection(d).waitReadable(mode).then(fail);
    }
    return Promise.resolve().then(fail);
  }

  // ------------------------------------------------- bind, listen, accept

  /**
   * Binds the socket to `address` now: the port is taken and
   * `getsockname()` shows it. Throws `EADDRINUSE` here.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * s.bind(["127.0.0.1", 0]);
   * console.log(s.getsockname()[1] > 0); // true
   * ```
   */
  bind(address: Address): void {
    const d = this.#desc();
    this.#ops.bind(d, sockaddrArg(d.family, address, "bind"));
  }

  /**
   * Starts accepting connections. An unbound socket is first bound to an
   * ephemeral port on the wildcard address, as Linux does.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * s.listen();
   * console.log(s.getsockname()[1] > 0); // true
   * ```
   */
  listen(backlog?: number): void {
    const d = this.#desc();
    if (backlog !== undefined) cIntArg(backlog);
    this.#ops.listen(d);
  }

  /**
   * Waits for a connection: resolves to `[socket, address]`. The new
   * socket gets `getdefaulttimeout()`, as in CPython. `{ signal }` gives
   * up waiting with `signal.reason`; no connection is lost by it.
   *
   * @example
   * ```ts
   * import { create_connection, socket } from "@pysocket/socket";
   * using server = socket();
   * server.bind(["127.0.0.1", 0]);
   * server.listen();
   * using client = await create_connection(server.getsockname() as [string, number]);
   * const [conn, addr] = await server.accept();
   * console.log(addr[0]); // 127.0.0.1
   * conn.close();
   * ```
   */
  async accept(options?: WaitOptions): Promise<[Socket<A, KindStream>, A]> {
    const d = this.#desc();
    const signal = signalOf(options);
    signal?.throwIfAborted();
    const [nd, from] = await this.#ops.accept(d, this.#mode(0, signal));
    // The family fixes the address type (A is only the checker's view).
    const peer = pythonAddress(d.family, from) as A;
    // CPython gives an accepted socket the default timeout, whatever the
    // listener's.
    const s = adopt(nd, d.family, d.type, d.proto, defaults.timeout);
    return [s as Socket<A, KindStream>, peer];
  }

  // -------------------------------------------------------------- connect

  /**
   * Connects to `address`. In non-blocking mode rejects with
   * `EINPROGRESS` while the connection completes in the background.
   * `{ signal }` gives up with `signal.reason`, as a timeout does (the
   * socket can connect again).
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using server = socket();
   * server.bind(["127.0.0.1", 0]);
   * server.listen();
   * using client = socket();
   * await client.connect(server.getsockname());
   * console.log(client.getpeername()); // same as server.getsockname()
   * ```
   */
  connect(address: Address, options?: WaitOptions): Promise<void> {
    // Not async: the kind's promise is handed back as it is, a turn of the
    // event loop sooner; what the checks throw still comes as a rejection.
    try {
      const d = this.#desc();
      const parsed = sockaddrArg(d.family, address, "connect");
      const signal = signalOf(options);
      signal?.throwIfAborted();
      return this.#ops.connect(d, parsed, this.#mode(0, signal));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Like {@link connect}, but resolves to `0` or the errno instead of
   * rejecting for a refused or unreachable peer (name errors and an
   * abort of `{ signal }` still reject).
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using probe = socket();
   * probe.bind(["127.0.0.1", 0]);
   * const port = probe.getsockname()[1] as number;
   * probe.close();
   * using s = socket();
   * console.log(await s.connect_ex(["127.0.0.1", port])); // 111
   * ```
   */
  async connect_ex(address: Address, options?: WaitOptions): Promise<number> {
    try {
      await this.connect(address, options);
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
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * console.log(await a.send("hi")); // 2
   * a.close();
   * b.close();
   * ```
   */
  send(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
    flags?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<number> {
    try {
      const bytes = toBytes(data);
      const [f, signal] = flagsAndSignal(flags, options);
      const d = this.#desc();
      signal?.throwIfAborted();
      return this.#ops.send(d, bytes, this.#mode(f, signal), f);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /**
   * Sends all of `data`, or rejects.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
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
    flags?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<void> {
    try {
      const bytes = toBytes(data);
      const [f, signal] = flagsAndSignal(flags, options);
      const d = this.#desc();
      signal?.throwIfAborted();
      return this.#ops.sendall(d, bytes, this.#mode(f, signal), f);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /**
   * Sends a datagram to `address`: `sendto(data, address)` or
   * `sendto(data, flags, address)`, each with an optional `{ signal }`
   * last.
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/socket";
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
    address: Address,
    options?: WaitOptions,
  ): Promise<number>;
  /** `sendto(data, flags, address)`: the same with `flags`. */
  sendto(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
    flags: number,
    address: Address,
    options?: WaitOptions,
  ): Promise<number>;
  sendto(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
    flagsOrAddress: number | Address,
    // Not optional here, so that `sendto(data, flags)` is reported against
    // the public forms alone.
    address: Address | WaitOptions | undefined,
    options?: WaitOptions,
  ): Promise<number> {
    try {
      const bytes = toBytes(data);
      let flags = 0;
      let target: unknown = flagsOrAddress;
      let signal: AbortSignal | undefined;
      if (address !== undefined && !isWaitOptions(address)) {
        flags = cIntArg(flagsOrAddress);
        target = address;
        signal = signalOf(options);
      } else {
        if (options !== undefined) {
          throw new TypeError("sendto() takes at most 3 arguments");
        }
        signal = signalOf(address);
      }
      const d = this.#desc();
      const parsed = sockaddrArg(d.family, target, "sendto");
      signal?.throwIfAborted();
      return this.#ops.sendto(
        d,
        bytes,
        parsed,
        this.#mode(flags, signal),
        flags,
      );
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
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.send("hello");
   * console.log(new TextDecoder().decode(await b.recv(1024))); // hello
   * a.close();
   * b.close();
   * ```
   */
  recv(
    bufsize: number,
    flags?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<Uint8Array> {
    // Not async: the hot path hands back the core's promise as it is.
    try {
      const n = checkBufsize(bufsize, "recv");
      const [f, signal] = flagsAndSignal(flags, options);
      // CPython answers a zero-byte recv at once, whatever the socket.
      if (n === 0) return Promise.resolve(new Uint8Array(0));
      const d = this.#desc();
      signal?.throwIfAborted();
      const mode = this.#mode(f, signal);
      return this.#refusedFlags(d, f, mode) ?? this.#ops.recv(d, n, f, mode);
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
   * import { socketpair } from "@pysocket/socket";
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
    nbytes?: number | WaitOptions,
    flags?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<number> {
    try {
      let nb: unknown, fl: unknown, signal: AbortSignal | undefined;
      // A bare call (the common one) makes no arrays to split.
      if (
        nbytes !== undefined || flags !== undefined || options !== undefined
      ) {
        [[nb, fl], signal] = splitOptions([nbytes, flags, options]);
      }
      const dst = intoView(buffer, nb ?? 0, "recv_into");
      const f = fl === undefined ? 0 : cIntArg(fl);
      // As recv(0): an empty buffer is filled at once.
      if (dst.length === 0) return Promise.resolve(0);
      const d = this.#desc();
      signal?.throwIfAborted();
      const mode = this.#mode(f, signal);
      return this.#refusedFlags(d, f, mode) ??
        this.#ops.recvInto(d, dst, f, mode);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /**
   * Receives at most `bufsize` bytes and the sender's address.
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/socket";
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
    flags?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<[Uint8Array, SenderOf<A>]> {
    try {
      const n = checkBufsize(bufsize, "recvfrom");
      const [f, signal] = flagsAndSignal(flags, options);
      const d = this.#desc();
      signal?.throwIfAborted();
      const mode = this.#mode(f, signal);
      // The sender is typed by the family (a datagram socket of an IP
      // family always has one); a stream socket gives `null`, as Linux.
      return (this.#refusedFlags(d, f, mode) ??
        this.#ops.recvfrom(d, n, f, mode)) as Promise<
          [Uint8Array, SenderOf<A>]
        >;
    } catch (e) {
      return Promise.reject(e);
    }
  }
  /**
   * Receives into `buffer`; resolves to `[count, address]`.
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket } from "@pysocket/socket";
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
    nbytes?: number | WaitOptions,
    flags?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<[number, SenderOf<A>]> {
    try {
      let nb: unknown, fl: unknown, signal: AbortSignal | undefined;
      // A bare call (the common one) makes no arrays to split.
      if (
        nbytes !== undefined || flags !== undefined || options !== undefined
      ) {
        [[nb, fl], signal] = splitOptions([nbytes, flags, options]);
      }
      const dst = intoView(buffer, nb ?? 0, "recvfrom_into");
      const f = fl === undefined ? 0 : cIntArg(fl);
      const d = this.#desc();
      signal?.throwIfAborted();
      const mode = this.#mode(f, signal);
      // Typed as recvfrom's sender is.
      return (this.#refusedFlags(d, f, mode) ??
        this.#ops.recvfromInto(d, dst, f, mode)) as Promise<
          [number, SenderOf<A>]
        >;
    } catch (e) {
      return Promise.reject(e);
    }
  }
  // ------------------------------------------------------------- sendfile

  /**
   * Sends a file, as Python's `sendfile(file, offset=0, count=None)`: `file`
   * is an open file of the runtime (a `Deno.FsFile`, a `node:fs`
   * `FileHandle`) or a path, read from `offset` for `count` bytes (to the
   * end when `null`). Resolves to the bytes sent; an open file's position
   * is left at `offset` plus those, as CPython leaves it.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const path = await Deno.makeTempFile();
   * await Deno.writeTextFile(path, "file contents");
   * const [a, b] = await socketpair();
   * console.log(await a.sendfile(path, 5)); // 8
   * console.log(new TextDecoder().decode(await b.recv(100))); // contents
   * a.close();
   * b.close();
   * await Deno.remove(path);
   * ```
   */
  async sendfile(
    file: string | object,
    offset = 0,
    count: number | null = null,
  ): Promise<number> {
    // CPython's checks, in its order.
    const mode = (file as { mode?: unknown } | null)?.mode;
    if (typeof mode === "string" && !mode.includes("b")) {
      throw new RangeError("file should be opened in binary mode");
    }
    if (this.#type !== C.SOCK_STREAM) {
      throw new RangeError("only SOCK_STREAM type sockets are supported");
    }
    if (count !== null && count !== undefined) {
      if (typeof count !== "number" || !Number.isInteger(count) || count <= 0) {
        const shown = typeof count === "number"
          ? String(count)
          : pyTypeName(count);
        const e = `count must be a positive integer (got ${shown})`;
        throw typeof count === "number" && Number.isInteger(count)
          ? new RangeError(e)
          : new TypeError(e);
      }
    }
    const start = toInt(offset);
    this.#desc();
    if (this.#timeout === 0) {
      throw new RangeError("non-blocking sockets are not supported");
    }
    // Linux's sendfile(2) refuses a negative offset.
    if (start < 0) throw osError(errno.EINVAL);
    let reader;
    try {
      reader = await runtime.fileReader(file);
    } catch (e) {
      throw fromRuntimeError(e);
    }
    if (reader === null) {
      throw new TypeError(
        `sendfile() argument 'file' must be a file or a path, not ${
          pyTypeName(file)
        }`,
      );
    }
    const chunk = new Uint8Array(SENDFILE_CHUNK);
    let total = 0;
    try {
      for (;;) {
        const want = count === null || count === undefined
          ? SENDFILE_CHUNK
          : Math.min(count - total, SENDFILE_CHUNK);
        if (want <= 0) break;
        let n: number;
        try {
          n = await reader.read(chunk.subarray(0, want), start + total);
        } catch (e) {
          throw fromRuntimeError(e);
        }
        if (n === 0) break;
        // A copy: the chunk is read into again while the send may wait.
        await this.sendall(chunk.slice(0, n));
        total += n;
      }
    } finally {
      try {
        if (total > 0) await reader.seek(start + total);
      } finally {
        reader.close();
      }
    }
    return total;
  }

  // ------------------------------------------------------ sendmsg, recvmsg

  /**
   * Sends the bytes of `buffers`, one after the other, as one send (one
   * datagram on a datagram socket), to `address` when given: Python's
   * `sendmsg`. Resolves to the number of bytes taken. Ancillary data
   * cannot be passed by the runtime: any item gives `EOPNOTSUPP` naming it.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * console.log(await a.sendmsg(["head ", new Uint8Array([98, 111, 100, 121])])); // 9
   * console.log(new TextDecoder().decode(await b.recv(100))); // head body
   * a.close();
   * b.close();
   * ```
   */
  sendmsg(
    buffers: Iterable<Uint8Array | ArrayBufferView | ArrayBuffer | string>,
    ancdata: Iterable<[number, number, Uint8Array | ArrayBufferView]> = [],
    flags = 0,
    address: Address | null = null,
  ): Promise<number> {
    try {
      const data = gather(buffers);
      checkAncillary(ancdata);
      const f = cIntArg(flags);
      if (address === null || address === undefined) return this.send(data, f);
      return this.sendto(data, f, address);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Receives at most `bufsize` bytes: Python's `recvmsg`, resolving to
   * `[data, ancdata, msg_flags, address]`. `ancdata` is always empty (the
   * runtime passes none); `msg_flags` has `MSG_TRUNC` for a datagram cut
   * to `bufsize`; `address` is the sender on a datagram socket, `null` on
   * a stream, as Linux gives it.
   *
   * @example
   * ```ts
   * import { AF_INET, MSG_TRUNC, SOCK_DGRAM, socket } from "../mod.ts";
   * using rx = socket(AF_INET, SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket(AF_INET, SOCK_DGRAM);
   * await tx.sendto("too long", rx.getsockname());
   * const [data, , msgFlags] = await rx.recvmsg(3);
   * console.log(data.length, (msgFlags & MSG_TRUNC) !== 0); // 3 true
   * ```
   */
  async recvmsg(
    bufsize: number,
    ancbufsize = 0,
    flags = 0,
  ): Promise<[Uint8Array, [number, number, Uint8Array][], number, A | null]> {
    const n = toInt(bufsize);
    if (n < 0) throw new RangeError("negative buffer size in recvmsg()");
    checkAncBufsize(ancbufsize);
    const f = cIntArg(flags);
    return await this.#recvmsg(n, f);
  }

  /**
   * Receives into `buffers`, filling each in turn: Python's
   * `recvmsg_into`, resolving to `[nbytes, ancdata, msg_flags, address]`
   * as {@link recvmsg}.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("abcde");
   * const head = new Uint8Array(2);
   * const rest = new Uint8Array(8);
   * const [n] = await b.recvmsg_into([head, rest]);
   * console.log(n, new TextDecoder().decode(head)); // 5 ab
   * a.close();
   * b.close();
   * ```
   */
  async recvmsg_into(
    buffers: Iterable<Uint8Array | ArrayBufferView | ArrayBuffer>,
    ancbufsize = 0,
    flags = 0,
  ): Promise<[number, [number, number, Uint8Array][], number, A | null]> {
    const views = scatterViews(buffers);
    checkAncBufsize(ancbufsize);
    const f = cIntArg(flags);
    const total = views.reduce((sum, v) => sum + v.length, 0);
    const [data, anc, msgFlags, from] = await this.#recvmsg(total, f);
    let at = 0;
    for (const v of views) {
      if (at >= data.length) break;
      const part = data.subarray(at, at + v.length);
      v.set(part);
      at += part.length;
    }
    return [data.length, anc, msgFlags, from];
  }

  // recvmsg's receive: a datagram is taken whole (MSG_TRUNC) to tell
  // whether it was cut, then cut to `n`.
  async #recvmsg(
    n: number,
    flags: number,
  ): Promise<[Uint8Array, [number, number, Uint8Array][], number, A | null]> {
    if (this.#type !== C.SOCK_DGRAM || (flags & C.MSG_TRUNC) !== 0) {
      const [data, from] = await this.recvfrom(n, flags);
      return [data, [], 0, from as A | null];
    }
    const [whole, from] = await this.recvfrom(n, flags | C.MSG_TRUNC);
    const cut = whole.length > n;
    const data = cut ? whole.slice(0, n) : whole;
    return [data, [], cut ? C.MSG_TRUNC : 0, from as A | null];
  }

  // ------------------------------------------------------ shutdown, close

  /**
   * Shuts down one or both halves: `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`. Sends
   * queued before it go out first.
   *
   * @example
   * ```ts
   * import { SHUT_WR, socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.send("last words");
   * a.shutdown(SHUT_WR);
   * console.log((await b.recv(100)).length, (await b.recv(100)).length); // 10 0
   * a.close();
   * b.close();
   * ```
   */
  shutdown(how: number): void {
    how = clinicIntArg(how);
    const d = this.#desc();
    if (how !== C.SHUT_RD && how !== C.SHUT_WR && how !== C.SHUT_RDWR) {
      throw osError(errno.EINVAL);
    }
    this.#ops.shutdown(d, how);
  }

  /**
   * Closes the socket. Idempotent; sends already queued are still
   * delivered; later calls on this socket give `EBADF`. When its number was
   * closed under it (the module's `close(fd)`, or another socket object
   * made with `socket(..., fileno)` on the same number), `EBADF` once, as
   * in CPython.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * const s = socket();
   * s.close();
   * console.log(s.fileno()); // -1
   * ```
   */
  close(): void {
    const h = this.#h;
    if (h !== null && !h.open) {
      // Its number was closed under it (the module's close(fd), or another
      // object on the same number): Linux's close gives EBADF, and CPython
      // raises it, once.
      this.#h = null;
      throw osError(errno.EBADF);
    }
    this.#closeCalled = true;
    if (this.#ioRefs <= 0) void this.#release();
  }

  #release(): Promise<void> {
    const h = this.#h;
    this.#h = null;
    if (h === null || !h.open) return Promise.resolve();
    h.open = false;
    handles.delete(h.fd);
    detached.delete(h.fd);
    freeFd(h.fd);
    return h.d.release();
  }

  /**
   * Gives up this socket object without closing the connection; returns the
   * fileno, which `fromfd` can take up again.
   *
   * @example
   * ```ts
   * import { fromfd, socket, AF_INET, SOCK_STREAM } from "@pysocket/socket";
   * const s = socket();
   * const fd = s.detach();
   * using again = fromfd(fd, AF_INET, SOCK_STREAM);
   * console.log(s.fileno(), again.fileno() > 0); // -1 true
   * ```
   */
  detach(): number {
    this.#closeCalled = true;
    const h = this.#h;
    this.#h = null;
    if (h === null || !h.open) return -1;
    detached.add(h.fd);
    return h.fd;
  }

  /**
   * A new socket object on the same socket (closing one leaves the other
   * open).
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * using t = s.dup();
   * console.log(t.fileno() !== s.fileno()); // true
   * ```
   */
  dup(): Socket<A, K> {
    const d = this.#desc();
    d.retain();
    // CPython's dup() copies the timeout (and so the blocking mode).
    const s = adopt(d, this.#family, this.#type, this.#proto, this.#timeout);
    return s as Socket<A, K>;
  }

  /**
   * Whether a child process would inherit the socket: never, here (Deno
   * and Node.js cannot hand a socket to a child), so always `false`.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * console.log(s.get_inheritable()); // false
   * ```
   */
  get_inheritable(): boolean {
    this.#desc();
    return false;
  }

  /**
   * `set_inheritable(false)` is accepted (a pysocket socket is never
   * inherited); `set_inheritable(true)` gives `EOPNOTSUPP`, saying why, as
   * the runtime cannot hand a socket to a child process.
   *
   * @example
   * ```ts
   * import { socket } from "../mod.ts";
   * using s = socket();
   * s.set_inheritable(false);
   * console.log(s.get_inheritable()); // false
   * ```
   */
  set_inheritable(inheritable: boolean): void {
    const on = typeof inheritable === "boolean"
      ? inheritable
      : toInt(inheritable) !== 0;
    this.#desc();
    if (on) {
      throw osError(
        errno.EOPNOTSUPP,
        "Operation not supported: a child process cannot inherit a pysocket socket",
      );
    }
  }

  /**
   * A positive integer unique among open sockets of this module; `-1` once
   * closed. Not an OS descriptor.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * console.log(s.fileno() > 0); // true
   * ```
   */
  fileno(): number {
    return this.#h?.fd ?? -1;
  }

  // ------------------------------------------------------------ addresses

  /**
   * The socket's own address (`["0.0.0.0", 0]` before it is bound).
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * console.log(s.getsockname()); // ["0.0.0.0", 0]
   * ```
   */
  getsockname(): A {
    return this.#sockname() as A;
  }

  #sockname(): Address {
    return this.#ops.sockname(this.#desc());
  }

  /**
   * The peer's address; `ENOTCONN` when not connected.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * try { s.getpeername(); } catch (e) { console.log((e as { errno: number }).errno); } // 107
   * ```
   */
  getpeername(): A {
    return this.#peername() as A;
  }

  #peername(): Address {
    return this.#ops.peername(this.#desc());
  }

  // ------------------------------------------------------------- timeouts

  /**
   * `setblocking(false)` is `settimeout(0)`; `setblocking(true)` is
   * `settimeout(null)`.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
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
   * import { socket } from "@pysocket/socket";
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
   * import { socket } from "@pysocket/socket";
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
   * import { socket } from "@pysocket/socket";
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
   * import { socket, SOL_SOCKET, SO_REUSEADDR } from "@pysocket/socket";
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
    const lv = cIntArg(level);
    const opt = cIntArg(optname);
    const d = this.#desc();
    setOption(d, lv, opt, value);
  }

  /**
   * Reads an option: a number, or bytes when `buflen` is given.
   *
   * @example
   * ```ts
   * import { socket, SOL_SOCKET, SO_TYPE, SOCK_STREAM } from "@pysocket/socket";
   * using s = socket();
   * console.log(s.getsockopt(SOL_SOCKET, SO_TYPE) === SOCK_STREAM); // true
   * ```
   */
  getsockopt(level: number, optname: number): number;
  /** A `buflen` of 0 asks for the number, as in CPython. */
  getsockopt(level: number, optname: number, buflen: 0): number;
  /** Reads an option as `buflen` bytes (little-endian int, as Linux gives it). */
  getsockopt(level: number, optname: number, buflen: number): Uint8Array;
  getsockopt(
    level: number,
    optname: number,
    buflen?: number,
  ): number | Uint8Array {
    const lv = cIntArg(level);
    const opt = cIntArg(optname);
    const len = buflen === undefined ? undefined : cIntArg(buflen);
    const d = this.#desc();
    return getOption(d, lv, opt, len);
  }

  // ------------------------------------------------------ files, streams

  /**
   * A file object over the socket, as CPython's `makefile(mode, buffering,
   * encoding, errors, newline)`: text for a mode without `b` (`"r"`, `"w"`,
   * `"rw"`), bytes with it (`"rb"`, `"wb"`, `"rwb"`), unbuffered
   * (CPython's `SocketIO`) when `buffering` is 0. Its reads and writes use
   * the socket's timeout at each call. After `close()` the socket stays
   * usable until every file made from it is closed too, as in CPython.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("one\ntwo\n");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.readline()); // "one\n"
   * await f.close();
   * b.close();
   * ```
   */
  makefile<M extends SocketFileMode>(
    mode: M,
    buffering: 0,
    encoding?: string | null,
    errors?: string | null,
    newline?: string | null,
  ): RawSocketFile;
  /**
   * A buffered file: bytes for a mode with `b`, text without (typed by the
   * mode when it is a literal).
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("r", null, "latin-1", "strict", "");
   * console.log(f.encoding, f.mode); // latin-1 r
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  makefile<M extends SocketFileMode = "r">(
    mode?: M,
    buffering?: number | null,
    encoding?: string | null,
    errors?: string | null,
    newline?: string | null,
  ): SocketFileFor<M>;
  makefile(
    mode: SocketFileMode = "r",
    buffering?: number | null,
    encoding?: string | null,
    errors?: string | null,
    newline?: string | null,
  ): SocketFileFor<string> | RawSocketFile {
    const d = this.#desc();
    const stream = this.#ops.connection(d);
    const spec = fileSpec(mode, buffering, encoding, errors, newline);
    this.#ioRefs++;
    return openFile(stream, spec, {
      // The socket's timeout at each call, as SocketIO's recv_into.
      mode: () => {
        this.#desc();
        return this.#mode();
      },
      fileno: () => this.fileno(),
      release: () => {
        if (this.#ioRefs > 0) this.#ioRefs--;
        if (this.#closeCalled && this.#ioRefs <= 0) return this.#release();
        return Promise.resolve();
      },
    }) as SocketFileFor<string> | RawSocketFile;
  }

  /**
   * A byte `ReadableStream` of received data (for Web-streams code; a BYOB
   * reader works). It reads only for a pending read: releasing the reader
   * or cancelling the stream loses nothing, the next `recv` gets what comes
   * next. Cancelling (as `pipeTo` does when the destination fails, or
   * `break` in a `for await` over the stream) does not close the socket, as
   * closing a file from Python's `makefile` does not: close it yourself.
   * After a cancel, `readable` gives a new stream.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
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
      cancel: () => {
        this.#readable = null;
      },
    });
    return this.#readable;
  }

  // One read of `readable`: waits until a receive would not wait, then, if
  // the read is still pending, takes at most what it asked for, in the same
  // turn, so that no byte is taken for a reader that has gone.
  async #pull(controller: ReadableByteStreamController): Promise<void> {
    const d = this.#desc();
    if (d.type === C.SOCK_DGRAM) {
      // A datagram's bytes, in a buffer of the stream's own.
      controller.enqueue((await this.recv(READABLE_CHUNK)).slice());
      return;
    }
    const s = this.#ops.connection(d);
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
   * import { socketpair } from "@pysocket/socket";
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
   * Iterates over what the socket receives. A stream socket gives chunks of
   * bytes (each as `recv(65536)`) until the end of the stream. A datagram
   * socket gives `[data, address]` pairs (each as `recvfrom(65536)`) until
   * the socket is closed.
   *
   * Leaving the loop (`break`, `return`, a throw) stops receiving and
   * leaves the socket open, as leaving a loop over Python's `makefile()`
   * does: nothing that was not handed out is consumed, the next `recv`
   * gets it, and closing the socket is the caller's business (`using`).
   *
   * @example
   * ```ts
   * import { AF_INET, SOCK_DGRAM, socket, socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("abc");
   * a.close();
   * for await (const chunk of b) console.log(chunk.length); // 3
   * b.close();
   *
   * using rx = socket(AF_INET, SOCK_DGRAM);
   * rx.bind(["127.0.0.1", 0]);
   * using tx = socket(AF_INET, SOCK_DGRAM);
   * await tx.sendto("ping", rx.getsockname());
   * for await (const [data, [host]] of rx) {
   *   console.log(data.length, host); // 4 127.0.0.1
   *   break; // rx stays open
   * }
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<
    ReceivedOf<A, K>,
    void,
    undefined
  > {
    if (this.#ops === DATAGRAM) {
      for (;;) {
        let item: [Uint8Array, SenderOf<A>];
        try {
          item = await this.recvfrom(READABLE_CHUNK);
        } catch (e) {
          // Closing the socket is how a loop over datagrams ends.
          if (this.#h === null && e instanceof error) return;
          throw e;
        }
        // The runtime type fixes the item's shape (K is the checker's view).
        yield item as ReceivedOf<A, K>;
      }
    }
    for (;;) {
      const chunk = await this.recv(READABLE_CHUNK);
      if (chunk.length === 0) return;
      yield chunk as ReceivedOf<A, K>;
    }
  }

  /** Closes the socket (`using s = socket()`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the socket and waits until queued sends are out and it is closed. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#closeCalled = true;
    return this.#ioRefs > 0 ? Promise.resolve() : this.#release();
  }

  /**
   * CPython 3.11's repr: `<socket.socket fd=3, family=2, type=1, proto=0,
   * laddr=('127.0.0.1', 8080)>`, with `raddr` when connected and `[closed]`
   * once closed. `console.log(sock)` shows the same.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * using s = socket();
   * s.bind(["127.0.0.1", 0]);
   * console.log(String(s).startsWith("<socket.socket fd=")); // true
   * ```
   */
  toString(): string {
    const h = this.#h;
    const live = h !== null && h.open && h.d.state !== "closed";
    // As CPython: `[closed]` once close() is called, even while a file
    // from makefile() keeps the descriptor open.
    const open = live && !this.#closeCalled;
    let out = `<socket.socket${open ? "" : " [closed]"} fd=${
      live ? h.fd : -1
    }, family=${this.#family}, type=${this.#type}, proto=${this.#proto}`;
    if (open) {
      const laddr = this.#sockname();
      if (laddr !== "") out += `, laddr=${pyStr(laddr)}`;
      try {
        const raddr = this.#peername();
        if (raddr !== "") out += `, raddr=${pyStr(raddr)}`;
      } catch {
        // Not connected: no raddr, as in CPython.
      }
    }
    return out + ">";
  }

  /** The repr, for Deno's `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** The repr, for Node's `util.inspect` and `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

// Python's str() of an address: a tuple as its repr, a path as it is.
function pyStr(a: Address): string {
  if (typeof a === "string") return a;
  const parts = a.map((v) => typeof v === "number" ? String(v) : pyQuote(v));
  return `(${parts.join(", ")})`;
}

// Python's repr of a str (the quotes it picks; backslashes escaped).
function pyQuote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replaceAll("\\", "\\\\").replaceAll(q, `\\${q}`);
  return `${q}${body}${q}`;
}

/**
 * Python's name for the socket class.
 *
 * @example
 * ```ts
 * import { Socket, SocketType } from "@pysocket/socket";
 * console.log(SocketType === Socket); // true
 * ```
 */
export const SocketType: typeof Socket = Socket;

/**
 * Makes a socket, as Python's `socket.socket(family, type, proto)`.
 *
 * @example
 * ```ts
 * import { AF_INET6, SOCK_STREAM, socket } from "@pysocket/socket";
 * using s = socket(AF_INET6, SOCK_STREAM);
 * console.log(s.getsockname()); // ["::", 0, 0, 0]
 * ```
 */
export function socket<
  F extends number = FamilyInet,
  K extends number = KindStream,
>(
  family?: F,
  type?: K,
  proto?: number,
  fileno?: number | null,
): Socket<AddressOf<F>, K> {
  return new Socket(family, type, proto, fileno) as Socket<AddressOf<F>, K>;
}

// `isinstance(s, socket.socket)` is `s instanceof socket` here: the factory
// shares the class's prototype.
Object.defineProperty(socket, "prototype", { value: Socket.prototype });

/**
 * A new socket on the same connection as the open socket whose `fileno()`
 * is `fd`; `EBADF` for any other number.
 *
 * @example
 * ```ts
 * import { AF_INET, fromfd, SOCK_STREAM, socket } from "@pysocket/socket";
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
  const n = fdArg(fd);
  const d = lookupFd(n);
  clinicIntArg(family);
  clinicIntArg(type);
  clinicIntArg(proto);
  if (detached.delete(n)) {
    // A detached descriptor is taken up: its reference moves to the new
    // socket, under a new number.
    handles.delete(n);
    freeFd(n);
  } else {
    d.retain();
  }
  return adopt(d, d.family, d.type, d.proto, defaults.timeout);
}

/**
 * A new `fileno()` number for the socket whose number is `fd`, as Python's
 * `socket.dup(fd)`: no socket object holds it until `fromfd` or
 * `socket(..., fileno)` takes it up; `close` frees it. `EBADF` for a number
 * that is no open socket.
 *
 * @example
 * ```ts
 * import { AF_INET, close, dup, SOCK_STREAM, socket } from "../mod.ts";
 * using s = socket();
 * const fd = dup(s.fileno());
 * using t = socket(AF_INET, SOCK_STREAM, 0, fd);
 * console.log(t.fileno() === fd); // true
 * ```
 */
export function dup(fd: number): number {
  const h = handles.get(fdArg(fd));
  if (h === undefined || !h.open || h.d.state === "closed") {
    throw osError(errno.EBADF);
  }
  h.d.retain();
  const copy = newHandle(h.d);
  detached.add(copy.fd);
  return copy.fd;
}

/**
 * Closes a `fileno()` number, as Python's `socket.close(fd)`: a socket
 * object holding it then gives `EBADF`, as on Linux. `EBADF` for a number
 * that is not open.
 *
 * @example
 * ```ts
 * import { close, dup, socket } from "../mod.ts";
 * using s = socket();
 * close(dup(s.fileno()));
 * console.log(s.fileno() > 0); // true: the original is still open
 * ```
 */
export function close(fd: number): void {
  const n = fdArg(fd);
  const h = handles.get(n);
  if (h === undefined || !h.open) throw osError(errno.EBADF);
  h.open = false;
  handles.delete(n);
  detached.delete(n);
  freeFd(n);
  void h.d.release();
}

// ----------------------------------------------------------------- helpers

// sendmsg's buffers, joined (a single one is sent as it is).
function gather(buffers: unknown): Uint8Array {
  if (typeof buffers === "string") {
    // CPython iterates a str into str items, which it refuses.
    throw new TypeError("a bytes-like object is required, not 'str'");
  }
  if (
    buffers === null || typeof buffers !== "object" ||
    typeof (buffers as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError("sendmsg() argument 1 must be an iterable");
  }
  const parts: Uint8Array[] = [];
  for (const b of buffers as Iterable<unknown>) parts.push(toBytes(b));
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// sendmsg's ancillary data: checked as CPython checks it, then refused,
// naming the first item (no runtime passes any).
function checkAncillary(ancdata: unknown): void {
  if (
    ancdata === null || typeof ancdata !== "object" ||
    typeof (ancdata as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError("sendmsg() argument 2 must be an iterable");
  }
  const items = [...(ancdata as Iterable<unknown>)];
  for (const item of items) {
    if (!Array.isArray(item) || item.length !== 3) {
      throw new TypeError(
        `[sendmsg() ancillary data items]() argument must be 3-item sequence, not ${
          pyTypeName(item)
        }`,
      );
    }
    cIntArg(item[0]);
    cIntArg(item[1]);
    toBytes(item[2]);
  }
  const first = items[0] as [number, number, unknown] | undefined;
  if (first === undefined) return;
  const name = first[0] === C.SOL_SOCKET && first[1] === C.SCM_RIGHTS
    ? "SCM_RIGHTS"
    : first[0] === C.SOL_SOCKET && first[1] === C.SCM_CREDENTIALS
    ? "SCM_CREDENTIALS"
    : `level ${first[0]} type ${first[1]}`;
  throw osError(
    errno.EOPNOTSUPP,
    `Operation not supported: ancillary data (${name}) cannot be passed by the runtime`,
  );
}

function checkAncBufsize(ancbufsize: unknown): void {
  if (toInt(ancbufsize) < 0) {
    throw new RangeError("invalid ancillary data buffer length");
  }
}

// recvmsg_into's buffers, as writable views.
function scatterViews(buffers: unknown): Uint8Array[] {
  if (
    buffers === null || typeof buffers !== "object" ||
    typeof (buffers as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError("recvmsg_into() argument 1 must be an iterable");
  }
  const views: Uint8Array[] = [];
  for (const b of buffers as Iterable<unknown>) {
    if (!ArrayBuffer.isView(b) && !(b instanceof ArrayBuffer)) {
      throw new TypeError(
        "recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers",
      );
    }
    views.push(toWritableBytes(b));
  }
  return views;
}

// An address argument, parsed, with a `%name` zone read as getaddrinfo
// reads it (the rest of a name is resolved by the kind, when it needs it).
function sockaddrArg(family: number, address: unknown, fn: string): SockAddr {
  return resolveZone(parseSockaddr(family, address, fn));
}

function protocolFor(family: number, type: number): number {
  if (family === C.AF_UNIX) return 0;
  return type === C.SOCK_STREAM ? C.IPPROTO_TCP : C.IPPROTO_UDP;
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

// A call's `flags` and `{ signal }` (last, or in place of the flags). The
// common call, with neither, makes no array on the way: send and recv are
// hot.
// The common call's answer, made once (it is only read).
const NO_FLAGS: readonly [flags: number, signal: AbortSignal | undefined] = [
  0,
  undefined,
];

function flagsAndSignal(
  flags: unknown,
  options: unknown,
): readonly [flags: number, signal: AbortSignal | undefined] {
  if (flags === undefined && options === undefined) return NO_FLAGS;
  const [[fl], signal] = splitOptions([flags, options]);
  return [fl === undefined ? 0 : cIntArg(fl), signal];
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
