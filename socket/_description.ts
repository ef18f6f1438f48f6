// What an OS calls an open file description: the state shared by every
// socket object made from one socket (`dup`, `fromfd`, `makefile`, accept's
// result). It closes for real when the last of them lets go.

import type { RuntimeAddr } from "../_runtime/runtime.ts";
import { ntop6, ptonOrNull } from "../addr/inet.ts";
import type { SockAddr } from "../addr/sockaddr.ts";
import { AF_INET, AF_INET6, SOCK_DGRAM } from "../_base/constants.ts";
import { errno, osError } from "./errors.ts";
import type { ListenerCore } from "./_listener.ts";
import type { StreamCore } from "./_stream.ts";
import type { DatagramCore } from "./_datagram.ts";
import { Signal } from "./_wait.ts";

/** Where a socket is in its life. */
export type State =
  | "new"
  | "bound"
  | "listening"
  | "connecting"
  | "connected"
  | "closed";

/** A Python address: `[host, port]`, `[host, port, flowinfo, scope_id]` or a path. */
export type Address =
  | [host: string, port: number]
  | [host: string, port: number, flowinfo: number, scope_id: number]
  | string;

// Linux's defaults, as getsockopt reports them on a new TCP socket.
const DEFAULT_RCVBUF = 131072;
const DEFAULT_SNDBUF = 16384;
const DEFAULT_DGRAM_RCVBUF = 212992;
const DEFAULT_DGRAM_SNDBUF = 212992;

/** Option values a socket remembers (what getsockopt reports). */
export interface OptionValues {
  reuseaddr: number;
  reuseport: number;
  keepalive: number;
  nodelay: number;
  broadcast: number;
  rcvbuf: number;
  sndbuf: number;
  v6only: number;
  multicastTtl: number;
  multicastLoop: number;
}

/** State shared by every socket object on one socket. */
export class Description {
  readonly family: number;
  readonly type: number;
  readonly proto: number;
  state: State = "new";
  /** The bound address, once bound. */
  bound: SockAddr | null = null;
  listener: ListenerCore | null = null;
  stream: StreamCore | null = null;
  datagram: DatagramCore | null = null;
  /** A background connect (non-blocking mode), while it runs. */
  connecting: Promise<void> | null = null;
  /** Ends the connect in flight (blocking or not): close() aborts it. */
  connectAbort: AbortController | null = null;
  /** A socketpair() end: no name and no peer name, as on Linux. */
  unnamed = false;
  /** The pending error SO_ERROR reports (and clears). */
  soError = 0;
  readonly options: OptionValues;
  /** Notified when the phase changes (a connect ends, the socket closes). */
  readonly changed: Signal = new Signal();
  #refs = 1;
  #closed: Promise<void> | null = null;

  constructor(family: number, type: number, proto: number) {
    this.family = family;
    this.type = type;
    this.proto = proto;
    const dgram = type === SOCK_DGRAM;
    this.options = {
      reuseaddr: 0,
      reuseport: 0,
      keepalive: 0,
      nodelay: 0,
      broadcast: 0,
      rcvbuf: dgram ? DEFAULT_DGRAM_RCVBUF : DEFAULT_RCVBUF,
      sndbuf: dgram ? DEFAULT_DGRAM_SNDBUF : DEFAULT_SNDBUF,
      v6only: 0,
      multicastTtl: 1,
      multicastLoop: 1,
    };
  }

  /** One more socket object or file uses this description. */
  retain(): void {
    this.#refs++;
  }

  /** One user lets go; the last one closes. Resolves when closed. */
  release(): Promise<void> {
    if (--this.#refs > 0) return Promise.resolve();
    return this.closeNow();
  }

  /** Closes whatever runtime resources this description holds. */
  closeNow(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.state = "closed";
    this.changed.notify();
    const parts: Promise<void>[] = [];
    if (this.listener) parts.push(this.listener.close());
    if (this.stream) parts.push(this.stream.close());
    if (this.datagram) parts.push(this.datagram.close());
    this.connectAbort?.abort();
    if (this.connecting) parts.push(this.connecting.catch(() => {}));
    this.#closed = Promise.all(parts).then(() => {});
    return this.#closed;
  }
}

/** The Python form of a runtime address, for a socket of `family`. */
export function pythonAddress(family: number, addr: RuntimeAddr): Address {
  if (!("hostname" in addr)) return addr.path ?? "";
  let host = addr.hostname;
  if (host.startsWith("[")) host = host.slice(1, -1);
  if (family === AF_INET6) {
    const packed = ptonOrNull(AF_INET6, host) ??
      ptonOrNull(AF_INET6, `::ffff:${host}`);
    return [packed ? ntop6(packed) : host, addr.port, 0, 0];
  }
  if (family === AF_INET && host.startsWith("::ffff:")) host = host.slice(7);
  return [host, addr.port];
}

/** The Python form of a parsed address. */
export function pythonSockAddr(a: SockAddr): Address {
  if (a.family === AF_INET) return [a.host, a.port];
  if (a.family === AF_INET6) return [a.host, a.port, a.flowinfo, a.scopeId];
  return a.path;
}

/** What `getsockname()` shows before a socket is bound. */
export function unboundAddress(family: number): Address {
  if (family === AF_INET) return ["0.0.0.0", 0];
  if (family === AF_INET6) return ["::", 0, 0, 0];
  return "";
}

// ------------------------------------------------------------ fileno table

let nextFd = 3;
const table = new Map<number, Description>();

/** A new fileno for `d`, unique among open sockets. */
export function allocateFd(d: Description): number {
  const fd = nextFd++;
  table.set(fd, d);
  return fd;
}

/** Forgets a fileno. */
export function freeFd(fd: number): void {
  const d = table.get(fd);
  table.delete(fd);
  // select, poll and epoll watching this number learn it is gone.
  d?.changed.notify();
}

/** The description behind an open (or detached) fileno, or `EBADF`. */
export function lookupFd(fd: number): Description {
  const d = table.get(fd);
  if (!d || d.state === "closed") throw osError(errno.EBADF);
  return d;
}

/** The description behind an open fileno, or `null`. */
export function findFd(fd: number): Description | null {
  const d = table.get(fd);
  return d === undefined || d.state === "closed" ? null : d;
}
