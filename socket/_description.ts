// What an OS calls an open file description: the state shared by every
// socket object made from one socket (`dup`, `fromfd`, `makefile`, accept's
// result). It closes for real when the last of them lets go.

import { shared } from "../_base/state.ts";
import type { RuntimeAddr } from "../_runtime/runtime.ts";
import { ntop6, ptonOrNull } from "../addr/inet.ts";
import type { SockAddr } from "../addr/sockaddr.ts";
import {
  AF_INET,
  AF_INET6,
  type FamilyInet,
  type FamilyInet6,
  type FamilyUnix,
  SOCK_DGRAM,
} from "../_base/constants.ts";
import { errno, osError } from "./errors.ts";
import type { ListenerCore } from "./_listener.ts";
import type { StreamCore } from "./_stream.ts";
import type { DatagramCore } from "./_datagram.ts";
import { Signal } from "./_wait.ts";

/** Where a socket is in its life, by name (what the refusal table keys). */
export type State =
  | "new"
  | "bound"
  | "listening"
  | "connecting"
  | "connected"
  | "closed";

/**
 * Where a socket is in its life, with what exists in that phase: a stream
 * socket's listener once bound (Deno binds by listening), its connection
 * once connected, the attempt while connecting. A datagram socket's phase
 * is one variant: its receive queue lives from creation to close (see
 * _datagram.ts); the phase says whether it is bound and to which peer it is
 * connected.
 */
export type Phase =
  | { readonly name: "new" }
  | {
    readonly name: "bound" | "listening";
    readonly addr: SockAddr;
    readonly listener: ListenerCore;
  }
  | {
    readonly name: "connecting";
    /** Ends the attempt (close() aborts it). */
    readonly abort: AbortController;
    /** A non-blocking connect's background completion. */
    readonly background: Promise<void> | null;
  }
  | { readonly name: "connected"; readonly stream: StreamCore }
  | {
    readonly name: "datagram";
    readonly bound: boolean;
    /** The connected peer, as given to connect (host canonical). */
    readonly peer: SockAddr | null;
  }
  | { readonly name: "closed" };

const NEW: Phase = { name: "new" };
const CLOSED: Phase = { name: "closed" };
// What closing a description that holds nothing waits for.
const CLOSED_NOW: Promise<void> = Promise.resolve();

/** An `AF_INET` address: `[host, port]`. */
export type Inet4Address = [host: string, port: number];
/** An `AF_INET6` address, as returned: `[host, port, flowinfo, scope_id]`. */
export type Inet6Address = [
  host: string,
  port: number,
  flowinfo: number,
  scope_id: number,
];
/** An `AF_UNIX` address: a path (`""` for an unnamed socket). */
export type UnixAddress = string;
/** A Python address: `[host, port]`, `[host, port, flowinfo, scope_id]` or a path. */
export type Address = Inet4Address | Inet6Address | UnixAddress;

/**
 * The addresses a socket of family `F` gives: `AF_INET` `[host, port]`,
 * `AF_INET6` the four-tuple, `AF_UNIX` a path; any of them for a family
 * known only at run time.
 */
export type AddressOf<F extends number> = F extends FamilyInet6 ? Inet6Address
  : F extends FamilyUnix ? UnixAddress
  : F extends FamilyInet ? Inet4Address
  : Address;

/**
 * The sender `recvfrom` gives on a socket whose addresses are `A`: an
 * unnamed Unix sender is `null`.
 */
export type SenderOf<A extends Address> = A extends string ? A | null : A;

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
  /** Where the socket is, and what exists there. */
  phase: Phase;
  /** A datagram socket's queue and options, from creation to close. */
  datagram: DatagramCore | null = null;
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
    this.phase = dgram ? { name: "datagram", bound: false, peer: null } : NEW;
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

  /** The phase's name; a datagram socket's is new, bound or connected. */
  get state(): State {
    const p = this.phase;
    if (p.name !== "datagram") return p.name;
    return p.peer !== null ? "connected" : p.bound ? "bound" : "new";
  }

  /** The connection, in the connected phase of a stream socket. */
  get stream(): StreamCore | null {
    return this.phase.name === "connected" ? this.phase.stream : null;
  }

  /** The listener, once a stream socket is bound. */
  get listener(): ListenerCore | null {
    const p = this.phase;
    return p.name === "bound" || p.name === "listening" ? p.listener : null;
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
    const p = this.phase;
    this.phase = CLOSED;
    this.changed.notify();
    // A socket holds one of these at most, so no Promise.all is needed.
    let closing: Promise<void> = CLOSED_NOW;
    if (p.name === "bound" || p.name === "listening") {
      closing = p.listener.close();
    } else if (p.name === "connected") {
      closing = p.stream.close();
    } else if (p.name === "connecting") {
      p.abort.abort();
      if (p.background) closing = p.background.catch(() => {});
    } else if (this.datagram) {
      closing = this.datagram.close();
    }
    this.#closed = closing;
    return closing;
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

/** What `getsockname()` shows before a socket is bound. */
export function unboundAddress(family: number): Address {
  if (family === AF_INET) return ["0.0.0.0", 0];
  if (family === AF_INET6) return ["::", 0, 0, 0];
  return "";
}

// ------------------------------------------------------------ fileno table

// Shared by every copy of the package (see _base/state.ts), so that a
// fileno means the same socket to all of them.
const fds = shared("fds", () => ({
  next: 3,
  table: new Map<number, Description>(),
}));
const table = fds.table;

/** A new fileno for `d`, unique among open sockets. */
export function allocateFd(d: Description): number {
  const fd = fds.next++;
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
