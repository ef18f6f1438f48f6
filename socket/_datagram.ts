// A datagram socket's core: the runtime socket once bound, the receive queue
// and the options that live on the runtime socket.
//
// Receiving: while the socket is bound, one runtime receive is always in
// flight, as the kernel is always taking datagrams in. Each datagram lands
// whole in a queue bounded by SO_RCVBUF. For UDP, what does not fit is
// dropped, as the kernel drops it. Linux never drops a Unix datagram: a
// full receiver makes its senders wait (or gives them EAGAIN). So a Unix
// socket whose queue reaches SO_RCVBUF stops receiving from the runtime:
// the kernel's queue fills behind it and the kernel pushes back on the
// senders; receiving resumes once a receive takes the queue below the
// limit. `recvfrom` takes from the queue, so a caller that times out loses
// nothing and MSG_PEEK is a look at the head.
//
// A blocking receiver with no deadline that finds the queue empty cannot go
// away before a datagram comes (only close ends its wait), so it is handed
// the next datagram straight from the runtime receive, without queueing it.
//
// Queue accounting: each datagram costs its payload bytes plus a fixed
// OVERHEAD, so that a flood of empty datagrams is bounded too. (Linux
// charges the kernel buffer's true size, which is larger still.) As on
// Linux, one datagram is always admitted into an empty queue, whatever its
// size.

import {
  type DatagramSocket,
  type DatagramTarget,
  type MulticastMembership,
  runtime,
  type RuntimeAddr,
} from "../_runtime/runtime.ts";
import { inet_ntoa, ntop6 } from "../addr/inet.ts";
import { AF_INET, AF_INET6, AF_UNIX } from "../_base/constants.ts";
import { errno, fromRuntimeError, osError } from "./errors.ts";
import { raceMode, Signal } from "./_wait.ts";
import { POLLERR, POLLIN, POLLOUT } from "../_base/poll.ts";
import type { WaitMode } from "./_wait.ts";

/** What one queued datagram costs on top of its payload, in bytes. */
export const OVERHEAD = 256;

// The receive buffer handed to the runtime: a UDP datagram's payload is at
// most 65,527 bytes; a Unix datagram is bounded by the sender's SO_SNDBUF
// (212,992 by default on Linux).
const UDP_RECEIVE = 65536;
const UNIX_RECEIVE = 256 * 1024;
// Datagrams are received straight into a slab, one after another, and
// handed out as views of it: no copy and no allocation per datagram. A new
// slab starts when the room left is less than the largest datagram.
const SLAB_DATAGRAMS = 8;

/** One received datagram: its bytes and where it came from. */
export interface Datagram {
  /** The payload (owned by the queue until taken). */
  readonly data: Uint8Array;
  /** The sender, as the runtime gave it. */
  readonly from: RuntimeAddr;
}

// A receiver waiting for the next datagram (see above).
interface Taker {
  shape(data: Uint8Array, from: RuntimeAddr): unknown;
  resolve(value: unknown): void;
  fail(e: unknown): void;
}

interface PendingSend {
  readonly data: Uint8Array;
  readonly to: DatagramTarget;
  resolve(n: number): void;
  reject(e: unknown): void;
}

interface Group {
  readonly version: 4 | 6;
  readonly group: string;
  readonly iface: string;
  readonly ifindex: number;
  /** The join in flight or done; `null` until the socket is bound. */
  op: Promise<MulticastMembership | null> | null;
}

/** Receive queue, send bookkeeping and options of one datagram socket. */
export class DatagramCore {
  #rcvbuf: number;
  /** SO_SNDBUF, reported back. */
  sndbuf: number;
  /** SHUT_WR: sends give EPIPE. */
  writeShut = false;
  /** SHUT_RD: for Unix sockets, new arrivals are dropped (as Linux does). */
  readShut = false;
  /**
   * A socketpair's: the peer's private path. Such a socket shows no names
   * (getsockname, senders, getpeername while connected to that peer), as
   * Linux shows a socketpair's sockets.
   */
  pairPeer: string | null = null;
  // Filesystem entries removed once closed (a socketpair's private paths).
  #owned: string[] = [];

  readonly #family: number;
  #sock: DatagramSocket | null = null;
  #buf: Uint8Array | null = null;
  #max = 0;
  #off = 0;
  #queue: Datagram[] = [];
  #head = 0;
  #queued = 0;
  #receiving: Promise<void> | null = null;
  #takers: Taker[] = [];
  #sendQueue: PendingSend[] = [];
  #flushing = false;
  #waking = false;
  #waker: DatagramSocket | null = null;
  readonly #token: Uint8Array = crypto.getRandomValues(new Uint8Array(16));
  #error: Error | null = null;
  #accept: ((from: RuntimeAddr) => boolean) | null = null;
  #closed = false;
  #done: Promise<void> | null = null;
  readonly #changed = new Signal();

  readonly #inflight = new Set<Promise<unknown>>();
  // Sends in flight, and who waits for them to be out (close).
  #sending = 0;
  #drained: (() => void) | null = null;
  #optionError: Error | null = null;
  readonly #groups = new Map<string, Group>();
  #broadcast = false;
  #ttl = 1;
  #loop = true;
  #loopAtBind = true;

  constructor(family: number, rcvbuf: number, sndbuf: number) {
    this.#family = family;
    this.#rcvbuf = rcvbuf;
    this.sndbuf = sndbuf;
  }

  /** Receive queue limit in bytes (SO_RCVBUF). */
  get rcvbuf(): number {
    return this.#rcvbuf;
  }

  set rcvbuf(size: number) {
    this.#rcvbuf = size;
    // A Unix socket held back by a full queue may take datagrams again.
    this.#pump();
  }

  // A Unix socket whose queue is full takes no more from the runtime.
  #full(): boolean {
    return this.#family === AF_UNIX && this.#queued >= this.#rcvbuf;
  }

  /** The runtime socket, once bound. */
  get socket(): DatagramSocket | null {
    return this.#sock;
  }

  /** Whether `close` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Notified when a datagram or an error arrives, or the socket closes. */
  get readable(): Signal {
    return this.#changed;
  }

  /**
   * Linux's poll bits now: readable with a datagram queued, POLLERR with an
   * error pending; writable always (a datagram send does not wait for room
   * here).
   */
  readiness(): number {
    if (this.#closed) return 0;
    let bits = POLLOUT;
    const failed = this.#error !== null || this.#optionError !== null;
    // Linux: a pending error is POLLERR alone (which select counts as
    // readable); POLLIN means a datagram is queued.
    if (this.#head < this.#queue.length) bits |= POLLIN;
    if (failed) bits |= POLLERR;
    return bits;
  }

  /** Removes `paths` once this socket is closed, in order (files, then dirs). */
  own(paths: string[]): void {
    this.#owned.push(...paths);
  }

  /**
   * Takes the bound runtime socket and starts receiving. `loop` is the
   * IP_MULTICAST_LOOP it was opened with.
   */
  attach(sock: DatagramSocket, loop: boolean): void {
    this.#sock = sock;
    this.#loopAtBind = loop;
    this.#loop = loop;
    const named = !("path" in sock.addr) || sock.addr.path !== null;
    if (named) {
      this.#max = this.#family === AF_UNIX ? UNIX_RECEIVE : UDP_RECEIVE;
      this.#buf = new Uint8Array(this.#max * SLAB_DATAGRAMS);
      this.#pump();
    }
    for (const g of this.#groups.values()) this.#join(g);
  }

  /**
   * Only datagrams `accept` says yes to are queued from now on (a connected
   * socket's peer); `null` takes all.
   */
  filter(accept: ((from: RuntimeAddr) => boolean) | null): void {
    this.#accept = accept;
  }

  /**
   * Empties the receive queue (a Unix socket connecting to another peer:
   * Linux's unix_dgram_disconnected). Datagrams still in the kernel's queue
   * are not reached.
   */
  purge(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    this.#pump();
  }

  // ------------------------------------------------------------- receive

  /**
   * The next datagram, given to `shape`, waiting as `mode` says; left
   * queued when `peek`. A pending receive or option error is thrown once
   * instead.
   */
  next<T>(
    mode: WaitMode,
    peek: boolean,
    shape: (data: Uint8Array, from: RuntimeAddr) => T,
  ): Promise<T> {
    try {
      const dg = this.poll(peek);
      if (dg !== null) return Promise.resolve(shape(dg.data, dg.from));
    } catch (e) {
      return Promise.reject(e);
    }
    if (
      peek || mode.nonblocking || mode.deadline !== null ||
      mode.signal !== undefined
    ) {
      return this.#nextWaiting(mode, peek).then((dg) =>
        shape(dg.data, dg.from)
      );
    }
    return new Promise<T>((resolve, fail) => {
      this.#takers.push({
        shape,
        resolve: resolve as (value: unknown) => void,
        fail,
      });
    });
  }

  async #nextWaiting(mode: WaitMode, peek: boolean): Promise<Datagram> {
    for (;;) {
      const dg = this.poll(peek);
      if (dg !== null) return dg;
      if (mode.nonblocking) throw osError(errno.EAGAIN);
      await this.#changed.wait(mode);
    }
  }

  // Wakes every waiter; the first taker gets `e` (an error kept for the
  // next receiver), or all get EBADF once closed.
  #wakeAll(e: Error | null): boolean {
    this.#changed.notify();
    if (this.#takers.length === 0) return false;
    if (this.#closed) {
      for (const t of this.#takers.splice(0)) t.fail(osError(errno.EBADF));
      return true;
    }
    if (e === null) return false;
    (this.#takers.shift() as Taker).fail(e);
    return true;
  }

  /**
   * The next datagram if one is queued, else `null`, without waiting; a
   * pending receive or option error is thrown once instead.
   */
  poll(peek: boolean): Datagram | null {
    this.#checkOpen();
    this.#throwOptionError();
    const dg = this.#queue[this.#head];
    if (dg !== undefined) {
      if (!peek) this.#shift(dg);
      return dg;
    }
    if (this.#error) {
      const e = this.#error;
      this.#error = null;
      this.#pump();
      throw e;
    }
    return null;
  }

  #shift(dg: Datagram): void {
    this.#queue[this.#head++] = EMPTY_SLOT;
    this.#queued -= dg.data.length + OVERHEAD;
    if (this.#receiving === null) this.#pump();
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #admit(data: Uint8Array, from: RuntimeAddr): void {
    if (this.#accept !== null && !this.#accept(from)) return;
    if (this.readShut && this.#family === AF_UNIX) return;
    const cost = data.length + OVERHEAD;
    const empty = this.#head === this.#queue.length;
    // A Unix datagram already taken from the runtime is kept: receiving
    // stops instead (see #full).
    if (
      !empty && this.#queued + cost > this.#rcvbuf && this.#family !== AF_UNIX
    ) {
      return;
    }
    // Kept where it landed: the slab's room after it is used next.
    this.#off += data.length;
    const taker = empty ? this.#takers.shift() : undefined;
    if (taker !== undefined) {
      try {
        taker.resolve(taker.shape(data, from));
      } catch (e) {
        taker.fail(e);
      }
      return;
    }
    this.#queue.push({ data, from });
    this.#queued += cost;
    this.#changed.notify();
  }

  #pump(): void {
    if (
      this.#receiving !== null || this.#closed || this.#sock === null ||
      this.#buf === null || this.#error !== null ||
      this.#sendQueue.length > 0 || this.#full()
    ) return;
    this.#receiving = this.#receiveLoop(this.#sock);
  }

  // Receives until the socket closes, a receive fails, sends are waiting
  // for the socket (Unix) or the queue is full (Unix): one loop, not a chain
  // of callbacks, as this runs once per datagram.
  async #receiveLoop(sock: DatagramSocket): Promise<void> {
    for (;;) {
      let buf = this.#buf as Uint8Array;
      if (buf.length - this.#off < this.#max) {
        buf = this.#buf = new Uint8Array(this.#max * SLAB_DATAGRAMS);
        this.#off = 0;
      }
      let got: [Uint8Array, RuntimeAddr];
      try {
        // A view made directly: cheaper than subarray, once per datagram.
        got = await sock.receive(
          new Uint8Array(buf.buffer, this.#off, this.#max),
        );
      } catch (e) {
        this.#receiving = null;
        this.#waking = false;
        this.#receiveFailed(e);
        if (this.#sendQueue.length > 0) this.#flush();
        return;
      }
      // Not destructured: this runs once per datagram.
      const data = got[0];
      const from = got[1];
      this.#waking = false;
      // Sends queued before close still go out.
      if (!this.#closed && !this.#isWake(data, from)) this.#admit(data, from);
      if (this.#closed || this.#sendQueue.length > 0 || this.#full()) {
        this.#receiving = null;
        if (this.#sendQueue.length > 0) this.#flush();
        return;
      }
    }
  }

  #receiveFailed(e: unknown): void {
    if (this.#closed) return;
    const err = fromRuntimeError(e);
    // Given to a waiting taker, or kept for the next receiver; receiving
    // starts again after that.
    if (this.#wakeAll(err)) {
      this.#pump();
      return;
    }
    this.#error = err;
  }

  // ---------------------------------------------------------------- send

  /** Sends one datagram through the bound socket. */
  send(
    data: Uint8Array,
    to: DatagramTarget,
    mode: WaitMode,
  ): Promise<number> {
    this.#checkOpen();
    this.#throwOptionError();
    const sock = this.#sock;
    if (sock === null) return Promise.reject(osError(errno.EDESTADDRREQ));
    const sent = this.#buf !== null && this.#family === AF_UNIX
      ? this.#sendUnix(data, to)
      : sock.send(data, to);
    this.#sending++;
    const mapped = sent.then(this.#sent, this.#sendFailed);
    return raceMode(mapped, mode);
  }

  readonly #sent = (n: number): number => {
    if (--this.#sending === 0 && this.#drained) this.#drained();
    return n;
  };

  readonly #sendFailed = (e: unknown): never => {
    if (--this.#sending === 0 && this.#drained) this.#drained();
    throw this.#closed && !(e instanceof Error && "errno" in e)
      ? osError(errno.EBADF)
      : fromRuntimeError(e);
  };

  // Deno's Unix datagram socket cannot send while a receive is pending on it
  // ("Socket already in use"). So a send on a receiving Unix socket waits
  // in a queue, and the pending receive is ended by a wake-up datagram sent
  // to this socket's own path from an unnamed helper socket, carrying a
  // random token; the sends go out, then receiving resumes. The wake-up
  // datagram is recognised by its token and unnamed sender, and dropped.
  #sendUnix(data: Uint8Array, to: DatagramTarget): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#sendQueue.push({ data, to, resolve, reject });
      if (this.#flushing) return;
      if (this.#receiving === null) {
        this.#flush();
      } else if (!this.#waking) {
        this.#waking = true;
        this.#wake();
      }
    });
  }

  #wake(): void {
    const sock = this.#sock;
    if (sock === null || !("path" in sock.addr) || sock.addr.path === null) {
      return;
    }
    const self: DatagramTarget = {
      transport: "unixpacket",
      path: sock.addr.path,
    };
    try {
      this.#waker ??= runtime.listenDatagram({
        transport: "unixpacket",
        path: null,
      });
    } catch (e) {
      this.#failSends(fromRuntimeError(e));
      return;
    }
    this.#track(this.#waker.send(this.#token, self)).catch((e) => {
      // Our own path no longer takes datagrams: the sends cannot wait.
      this.#waking = false;
      this.#failSends(fromRuntimeError(e));
    });
  }

  #failSends(e: Error): void {
    for (const r of this.#sendQueue.splice(0)) r.reject(e);
  }

  #isWake(data: Uint8Array, from: RuntimeAddr): boolean {
    if (this.#family !== AF_UNIX || data.length !== this.#token.length) {
      return false;
    }
    if ("path" in from && from.path !== null && from.path !== "") return false;
    return data.every((b, i) => b === this.#token[i]);
  }

  #flush(): void {
    const sock = this.#sock;
    if (this.#flushing || sock === null) return;
    this.#flushing = true;
    const next = (): void => {
      const r = this.#sendQueue.shift();
      if (r === undefined) {
        this.#flushing = false;
        this.#pump();
        return;
      }
      sock.send(r.data, r.to).then(
        (n) => {
          r.resolve(n);
          next();
        },
        (e) => {
          r.reject(e);
          next();
        },
      );
    };
    next();
  }

  #track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(() => {}, () => {});
    this.#inflight.add(settled);
    settled.then(() => this.#inflight.delete(settled));
    return p;
  }

  // ------------------------------------------------------------- options

  /** SO_BROADCAST: whether a broadcast destination is allowed. */
  setBroadcast(on: boolean): void {
    this.#broadcast = on;
  }

  /** Whether SO_BROADCAST is on. */
  get broadcast(): boolean {
    return this.#broadcast;
  }

  /**
   * IP_MULTICAST_TTL. Deno sets it through a joined group only, so it takes
   * effect once an IPv4 group is joined (at once if one is).
   */
  setMulticastTtl(ttl: number): void {
    if (ttl < -1 || ttl > 255) throw osError(errno.EINVAL);
    this.#ttl = ttl === -1 ? 1 : ttl;
    const g = this.#firstJoined(4);
    if (g) this.#apply(g, (m) => m.setTTL(this.#ttl));
  }

  /**
   * IP_MULTICAST_LOOP. Before `bind` it is given to the runtime socket when
   * it opens; after, Deno sets it through a joined group only, so it takes
   * effect at once if a group is joined, else at the next join.
   */
  setMulticastLoop(on: boolean): void {
    this.#loop = on;
    const g = this.#firstJoined(null);
    if (g) this.#apply(g, (m) => m.setLoopback(on));
  }

  /**
   * IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP (`mreq`: 8-byte `ip_mreq` or
   * 12-byte `ip_mreqn`; the interface is chosen by its address) and
   * IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP (`mreq`: 20-byte `ipv6_mreq`).
   * Checked now; the runtime joins in the background, and a refusal is
   * reported by the next send or receive.
   */
  membership(version: 4 | 6, join: boolean, mreq: Uint8Array): void {
    this.#checkOpen();
    if (
      this.#family === AF_UNIX || (version === 6 && this.#family === AF_INET)
    ) {
      throw osError(errno.ENOPROTOOPT);
    }
    let group: string;
    let iface = "";
    let ifindex = 0;
    if (version === 4) {
      const first = mreq[0];
      if (first === undefined || mreq.length < 8) throw osError(errno.EINVAL);
      if ((first & 0xf0) !== 0xe0) throw osError(errno.EINVAL);
      group = inet_ntoa(mreq.subarray(0, 4));
      iface = inet_ntoa(mreq.subarray(4, 8));
    } else {
      if (mreq.length < 20) throw osError(errno.EINVAL);
      if (mreq[0] !== 0xff) throw osError(errno.EINVAL);
      group = ntop6(mreq.subarray(0, 16));
      ifindex = new DataView(mreq.buffer, mreq.byteOffset + 16, 4)
        .getUint32(0, true);
    }
    const key = `${version} ${group} ${iface} ${ifindex}`;
    const had = this.#groups.get(key);
    if (join) {
      if (had) throw osError(errno.EADDRINUSE);
      const g: Group = { version, group, iface, ifindex, op: null };
      this.#groups.set(key, g);
      if (this.#sock) this.#join(g);
      return;
    }
    if (!had) throw osError(errno.EADDRNOTAVAIL);
    this.#groups.delete(key);
    if (had.op) this.#apply(had, (m) => m.leave());
  }

  #join(g: Group): void {
    const sock = this.#sock;
    if (sock === null || g.op !== null) return;
    const joining = g.version === 4
      ? sock.joinMulticastV4(g.group, g.iface)
      : sock.joinMulticastV6(g.group, g.ifindex);
    g.op = this.#track(
      joining.then(
        async (m) => {
          if (g.version === 4 && this.#ttl !== 1) await m.setTTL(this.#ttl);
          if (this.#loop !== this.#loopAtBind) await m.setLoopback(this.#loop);
          return m;
        },
      ).catch((e) => {
        for (const [k, v] of this.#groups) {
          if (v === g) this.#groups.delete(k);
        }
        this.#optionFailed(e);
        return null;
      }),
    );
  }

  #firstJoined(version: 4 | 6 | null): Group | null {
    for (const g of this.#groups.values()) {
      if (g.op && (version === null || g.version === version)) return g;
    }
    return null;
  }

  #apply(g: Group, act: (m: MulticastMembership) => Promise<void>): void {
    const op = g.op;
    if (op === null) return;
    this.#track(
      op.then((m) => m ? act(m) : undefined).catch((e) =>
        this.#optionFailed(e)
      ),
    );
  }

  // An option the runtime refused: reported by the next send or receive
  // (a waiting receiver gets it now).
  #optionFailed(e: unknown): void {
    this.#optionError ??= fromRuntimeError(e);
    if (this.#takers.length === 0) {
      this.#changed.notify();
      return;
    }
    const err = this.#optionError;
    this.#optionError = null;
    this.#wakeAll(err);
  }

  #throwOptionError(): void {
    const e = this.#optionError;
    if (e) {
      this.#optionError = null;
      throw e;
    }
  }

  // --------------------------------------------------------------- close

  #checkOpen(): void {
    if (this.#closed) throw osError(errno.EBADF);
  }

  /**
   * Closes once the sends in flight are out. Waiters are woken (and get
   * `EBADF`); resolves when the runtime socket is closed and nothing of it
   * is still running.
   */
  close(): Promise<void> {
    if (this.#done) return this.#done;
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    this.#wakeAll(null);
    const finish = (): Promise<void> => {
      for (const sock of [this.#sock, this.#waker]) {
        try {
          sock?.close();
        } catch {
          // Already closed by the runtime: nothing left to free.
        }
      }
      // A directory still holding its peer's path stays for the peer.
      for (const path of this.#owned) runtime.removeSync(path);
      return (this.#receiving ?? Promise.resolve()).then(() => {});
    };
    const sends = this.#sending === 0
      ? null
      : new Promise<void>((resolve) => this.#drained = resolve);
    if (this.#inflight.size === 0 && sends === null) {
      this.#done = finish();
    } else {
      this.#done = Promise.all([...this.#inflight, sends]).then(finish);
    }
    return this.#done;
  }
}

const EMPTY_SLOT: Datagram = {
  data: new Uint8Array(0),
  from: { transport: "udp", hostname: "", port: 0 },
};

/** The wildcard address of `family`, as the runtime takes it. */
export function wildcardHost(family: number): string {
  return family === AF_INET6 ? "::" : "0.0.0.0";
}
