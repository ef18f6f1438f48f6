// A connected stream: the receive buffer and its reads, and the ordered send
// queue. Shared by every socket object and file made on one connection.
//
// Receiving: the runtime is read only when someone needs bytes (a receive, a
// readiness watch, a file read), at most one read at a time, straight into
// the free space of the connection's receive store (which nothing else
// moves while the read is in flight). The store's size SO_RCVBUF bounds, and
// a caller that times out or gives up loses nothing: the next caller finds
// the bytes there. Results are fresh arrays of exactly their bytes, never
// views of a larger buffer. The one shortcut: a caller that cannot go away
// (blocking, no deadline, no abort) finding the store empty waits on the
// read itself, and `recv_into` then reads into the caller's buffer.
//
// Sending: every send joins one queue, written in order by one pump, so
// `shutdown(SHUT_WR)` and `close()` act after the sends before them. Once a
// send's promise has settled, the caller's buffer is never read again: a
// send that may settle before its bytes are out (non-blocking, a deadline,
// an abort) is written from pysocket's own copy.
//
// Readiness: `readable` is notified when data, the end of the stream or an
// error arrives, or the connection closes; `writable` when the queue has
// room again. Receives, sends and select/poll all wait on these signals.

import type { StreamConn } from "../_runtime/runtime.ts";
import { errno, fromRuntimeError, osError, timedOut } from "./errors.ts";
import { plainBlocking, Signal, Timer, type WaitMode } from "./_wait.ts";
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP } from "../_base/poll.ts";

// The read buffer starts small (an idle connection holds little) and grows
// when reads fill it, up to READ_MAX.
const READ_MIN = 16 * 1024;
// The first read buffer of a connection whose first read asks for little.
const READ_FIRST = 1024;
const READ_MAX = 64 * 1024;
// A deadline or abortable send is copied into this much at a time.
const STAGE = 64 * 1024;
// The store is given back when it empties and is larger than this.
const STORE_KEEP = 64 * 1024;
// How long a closed connection may go without any byte leaving before it is
// cut: a peer that never reads cannot keep it (and its queue) forever.
export const CLOSE_STALL_MS = 10_000;
const EMPTY = new Uint8Array(0);
const noop = (): void => {};
// One settled promise for every connection that has nothing to wait for.
const DONE: Promise<void> = Promise.resolve();

interface SendJob {
  data: Uint8Array;
  off: number;
  /** `sendall`: the whole of `data`; else one write's worth. */
  readonly all: boolean;
  /** Written from the caller's buffer as it is (it cannot settle first). */
  readonly direct: boolean;
  /** A write of `closeWrite()` (SHUT_WR), not of bytes. */
  readonly shut: boolean;
  /** `sendall`'s: resolved with nothing, as Python's returns `None`. */
  readonly quiet: boolean;
  resolve(n: number | undefined): void;
  reject(e: unknown): void;
  /** Settled (done, failed, timed out): no more bytes of it are written. */
  over: boolean;
  /** The promise the caller holds. */
  visible: Promise<unknown> | null;
  /** Stops the send's deadline and abort (the close takes it over). */
  unbind: (() => void) | null;
}

/** Receive and send state of one connection. */
export class StreamCore {
  readonly conn: StreamConn;
  /** Receive store limit in bytes (SO_RCVBUF). */
  rcvbuf: number;
  /** Send queue limit in bytes for non-blocking sends (SO_SNDBUF). */
  sndbuf: number;
  /** Notified when receiving may no longer wait. */
  readonly readable: Signal = new Signal();
  /** Notified when sending may no longer wait. */
  readonly writable: Signal = new Signal();

  // The receive store: bytes `#start` to `#end` of `#store`.
  #store: Uint8Array<ArrayBuffer> = EMPTY;
  #start = 0;
  #end = 0;
  // The size of the store's reads (0 before the first), and the free
  // space a read in flight fills.
  #readSize = 0;
  #target: Uint8Array | null = null;
  #reading: Promise<unknown> | null = null;
  #eof = false;
  #readShut = false;
  #error: Error | null = null;

  #jobs: SendJob[] = [];
  #pumping = false;
  // The write (or closeWrite) in flight, settled either way; or null.
  #writing: Promise<void> | null = null;
  #inFlight: SendJob | null = null;
  #queuedBytes = 0;
  #sendError: Error | null = null;
  #writeShut = false;
  #stage: Uint8Array | null = null;
  #lastProgress = 0;

  #closed = false;
  #done: Promise<void> | null = null;
  #finish: (() => void) | null = null;
  #stallTimer: Timer | null = null;

  constructor(conn: StreamConn, rcvbuf: number, sndbuf: number) {
    this.conn = conn;
    this.rcvbuf = rcvbuf;
    this.sndbuf = sndbuf;
  }

  /** Bytes waiting in the receive store. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Whether no more data will arrive (end of stream, shut down, or an error). */
  get ended(): boolean {
    return this.#eof || this.#readShut || this.#error !== null;
  }

  /** Whether the peer has ended the stream and the store is drained. */
  get atEnd(): boolean {
    return this.buffered === 0 && (this.#eof || this.#readShut);
  }

  /** Whether `close` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  // ------------------------------------------------------------ readiness

  /**
   * Linux's poll bits for this connection now. Asking arms a read when the
   * store is empty, so that `readable` is notified when data comes.
   */
  readiness(): number {
    if (this.#closed) return 0;
    let bits = 0;
    if (this.buffered > 0 || this.#eof || this.#readShut || this.#error) {
      bits |= POLLIN;
    } else {
      this.#startRead();
    }
    // Linux: RDHUP once the read side is shut (by the peer or SHUT_RD);
    // HUP once both are, or the connection failed.
    const readDone = this.#eof || this.#readShut;
    const failed = this.#error !== null || this.#sendError !== null;
    if (readDone) bits |= POLLRDHUP;
    if (failed) bits |= POLLERR;
    if ((readDone && this.#writeShut) || failed) bits |= POLLHUP;
    if (this.#queuedBytes < this.sndbuf || this.#writeShut) bits |= POLLOUT;
    return bits;
  }

  // ------------------------------------------------------------- receive

  /**
   * Receives into `dst`: what is buffered, else waits for data. Resolves to
   * the count, 0 at end of stream.
   */
  recvInto(dst: Uint8Array, mode: WaitMode, peek = false): Promise<number> {
    // The common case, a blocking reader on an empty store, takes no async
    // frame of its own: one runtime read straight into `dst`.
    if (dst.length > 0 && !peek && this.#canReadDirect(mode)) {
      return this.#readDirect(dst);
    }
    return this.#receive(
      dst.length,
      mode,
      peek,
      (n) => this.#copyOut(dst, n, peek),
    );
  }

  /** Receives up to `n` bytes, as a new array of exactly those bytes. */
  recv(n: number, mode: WaitMode, peek = false): Promise<Uint8Array> {
    const take = peek ? this.#peekOut : this.#takeOut;
    if (n > 0 && !peek && this.#canReadDirect(mode)) {
      // The common case, a blocking reader on an empty store, takes no async
      // frame of its own: one runtime read into the store, taken at once
      // (unless another reader of the connection took it first).
      const read = this.#startRead(n);
      if (read !== null) {
        return read.then(() =>
          this.buffered > 0 ? this.take(n) : this.#receive(n, mode, peek, take)
        );
      }
    }
    return this.#receive(n, mode, peek, take);
  }

  // A receive's result: `k` buffered bytes in an array of their own, taken
  // or (a peek) left in the store. Made once per connection.
  readonly #takeOut = (k: number): Uint8Array => this.take(k);
  readonly #peekOut = (k: number): Uint8Array =>
    this.#store.slice(this.#start, this.#start + k);

  // The wait loop of every receive: take what is buffered, else report the
  // end (or the pending error), else wait for the readable signal.
  async #receive<T>(
    n: number,
    mode: WaitMode,
    peek: boolean,
    take: (n: number) => T,
  ): Promise<T> {
    this.#checkOpen();
    if (n === 0) return take(0);
    let settled = false;
    for (;;) {
      this.#checkOpen();
      if (this.buffered > 0) {
        // Linux's peek sees all the kernel holds: bytes on their way here
        // are given a turn to arrive while they keep coming.
        while (peek && this.buffered < n && await this.#settle());
        this.#checkOpen();
        return take(Math.min(n, this.buffered));
      }
      if (this.#readShut && !settled) {
        settled = true;
        await this.#settle();
        continue;
      }
      if (this.#takeEnd()) return take(0);
      // A blocking reader waits on the read itself (it never rejects); one
      // that can give up, on the readable signal.
      const read = this.#startRead(peek ? 0 : n);
      if (read !== null && plainBlocking(mode)) await read;
      else await this.readable.wait(mode);
    }
  }

  // A read may go straight into the caller's buffer only when nothing is
  // buffered or pending and the caller cannot go away before it ends.
  #canReadDirect(mode: WaitMode): boolean {
    return plainBlocking(mode) && this.#end === this.#start &&
      this.#reading === null && !this.#closed && !this.#eof &&
      !this.#readShut && this.#error === null;
  }

  /**
   * Waits until the store holds data or the stream has ended (or failed;
   * the error is left for the next receive). Never consumes.
   */
  async waitReadable(mode: WaitMode): Promise<void> {
    for (;;) {
      this.#checkOpen();
      if (this.buffered > 0 || this.#eof || this.#error) return;
      if (this.#readShut) {
        await this.#settle();
        return;
      }
      this.#startRead();
      await this.readable.wait(mode);
    }
  }

  /**
   * Waits until `n` bytes are buffered, the store is full, or the stream
   * ended. For readers that look ahead (lines, MSG_WAITALL).
   */
  async waitFor(n: number, mode: WaitMode): Promise<void> {
    for (;;) {
      this.#checkOpen();
      if (
        this.buffered >= Math.min(n, this.rcvbuf) || this.#eof || this.#error
      ) return;
      if (this.#readShut) {
        await this.#settle();
        return;
      }
      if (mode.nonblocking && this.buffered > 0) return;
      const read = this.#startRead();
      // A blocking reader waits on the read itself (it never rejects); one
      // that can give up, on the readable signal.
      if (read !== null && plainBlocking(mode)) await read;
      else await this.readable.wait(mode);
    }
  }

  /**
   * {@link waitFor} for a reader that looks again after each change (a
   * line reader): a blocking one waits on the next read itself, with no
   * async frame of its own.
   */
  waitForMore(n: number, mode: WaitMode): Promise<unknown> {
    if (
      plainBlocking(mode) && !this.#closed && !this.ended &&
      this.buffered < Math.min(n, this.rcvbuf)
    ) {
      const read = this.#startRead();
      if (read !== null) return read;
    }
    return this.waitFor(n, mode);
  }

  /** Index of `byte` within the first `limit` buffered bytes, or -1. */
  indexOf(byte: number, limit: number): number {
    const end = this.#start + Math.min(limit, this.buffered);
    // No view: the search runs on the store itself, from the first byte.
    const at = this.#store.indexOf(byte, this.#start);
    return at >= 0 && at < end ? at - this.#start : -1;
  }

  /** Takes up to `n` buffered bytes now, without waiting (may be empty). */
  take(n: number): Uint8Array<ArrayBuffer> {
    const k = Math.min(n, this.buffered);
    // One copy into an array of its own, no view made on the way.
    const out = this.#store.slice(this.#start, this.#start + k);
    if (k > 0) this.#consume(k);
    return out;
  }

  /**
   * The pending error or end of stream, reported once: an error is thrown
   * (and the stream ends after it); `true` at end of stream.
   */
  #takeEnd(): boolean {
    if (this.#error) {
      const e = this.#error;
      this.#error = null;
      this.#eof = true;
      throw e;
    }
    return this.#eof || this.#readShut;
  }

  /** Throws the pending receive error, if any (for readers of `atEnd`). */
  throwPending(): void {
    this.#checkOpen();
    if (this.buffered === 0) this.#takeEnd();
  }

  #copyOut(dst: Uint8Array, n: number, peek: boolean): number {
    if (n === 0) return 0;
    dst.set(this.#store.subarray(this.#start, this.#start + n));
    if (!peek) this.#consume(n);
    return n;
  }

  #consume(n: number): void {
    this.#start += n;
    // Not under a read in flight: it fills the free space after `#end`.
    if (this.#start === this.#end && this.#reading === null) {
      this.#start = this.#end = 0;
      if (this.#store.length > STORE_KEEP) this.#store = EMPTY;
    }
  }

  // Sizes the store's reads: a first one small (an idle connection's
  // pending recv(1024) holds 1 KiB), then doubled when a receive asks for
  // more or a read fills it, up to READ_MAX.
  #sizeReads(want: number): void {
    const size = this.#readSize;
    if (size === 0) {
      this.#readSize = Math.min(READ_MIN, Math.max(want, READ_FIRST));
    } else if (size < want && size < READ_MAX) {
      this.#readSize = Math.min(READ_MAX, Math.max(READ_MIN, size * 2));
    }
  }

  // The store's free space after `#end` for a read of at least `k` and at
  // most `room` bytes: the store is compacted or grown when it has less.
  // Only while no read is in flight (one fills that space).
  #space(k: number, room: number): Uint8Array {
    const size = this.#end - this.#start;
    if (size === 0) this.#start = this.#end = 0;
    if (this.#store.length - this.#end < k) {
      if (this.#start > 0 && this.#store.length - size >= k) {
        this.#store.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(
          Math.max(size + k, Math.min(this.#store.length * 2, this.rcvbuf)),
        );
        grown.set(this.#store.subarray(this.#start, this.#end));
        this.#store = grown;
      }
      this.#start = 0;
      this.#end = size;
    }
    const free = Math.min(room, this.#store.length - this.#end);
    return this.#store.subarray(this.#end, this.#end + free);
  }

  // Gives a read in flight (or one started now) one turn of the event loop:
  // enough for bytes the kernel already holds. Used where Linux would not
  // wait but reports what the kernel has: a peek, a receive after SHUT_RD.
  // Resolves to whether the store grew.
  async #settle(): Promise<boolean> {
    const before = this.buffered;
    this.#startRead();
    if (this.#reading === null) return false;
    await new Promise<void>((resolve) => {
      const stop = this.readable.watch(() => {
        stop();
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        stop();
        resolve();
      }, 0);
    });
    return this.buffered > before;
  }

  // Starts a read into the store's free space unless one is pending or
  // none may be made; `want`, a receive's size, lets reads grow toward it.
  // Returns the read started (it never rejects), or `null`.
  #startRead(want = 0): Promise<void> | null {
    if (
      this.#reading !== null || this.#eof || this.#error !== null ||
      this.#closed
    ) return null;
    const room = this.rcvbuf - this.buffered;
    if (room <= 0) return null;
    this.#sizeReads(want);
    const target = this.#space(Math.min(room, this.#readSize), room);
    this.#target = target;
    const read = this.conn.read(target).then(this.#onRead, this.#onReadFailed);
    this.#reading = read;
    return read;
  }

  // A read's callbacks, made once per connection. The bytes are already in
  // the store (the read filled the space after `#end`, which nothing else
  // moves while it is in flight).
  readonly #onRead = (n: number | null): void => {
    const target = this.#target;
    this.#target = null;
    this.#reading = null;
    if (n === null) this.#eof = true;
    else if (n > 0) {
      this.#end += n;
      // A read that filled its space asks for a larger one next time.
      if (target !== null && n === target.length) this.#sizeReads(n * 2);
    }
    this.readable.notify();
  };
  readonly #onReadFailed = (e: unknown): void => {
    this.#target = null;
    this.#reading = null;
    if (!this.#closed) this.#error = fromRuntimeError(e);
    this.readable.notify();
  };

  #readDirect(dst: Uint8Array): Promise<number> {
    const read = this.conn.read(dst).then(
      (n) => {
        this.#reading = null;
        this.readable.notify();
        this.#checkOpen();
        if (n === null) {
          this.#eof = true;
          return 0;
        }
        return n;
      },
      (e) => {
        this.#reading = null;
        this.readable.notify();
        this.#checkOpen();
        this.#eof = true;
        throw fromRuntimeError(e);
      },
    );
    // Others wait on this read's end; its outcome is the caller's alone.
    this.#reading = read;
    return read;
  }

  // ---------------------------------------------------------------- send

  /** One write of some of `data`; resolves to how much was taken. */
  send(data: Uint8Array, mode: WaitMode): Promise<number> {
    this.#checkSendable();
    if (mode.nonblocking) {
      const room = this.sndbuf - this.#queuedBytes;
      if (room <= 0) return Promise.reject(osError(errno.EAGAIN));
      const part = data.slice(0, Math.min(room, data.length));
      this.#queue(part, true, true, mode);
      return Promise.resolve(part.length);
    }
    if (data.length === 0) return Promise.resolve(0);
    return this.#queue(data, false, this.#canSendDirect(mode), mode);
  }

  /** Sends all of `data`, or rejects. */
  sendall(data: Uint8Array, mode: WaitMode): Promise<void> {
    this.#checkSendable();
    if (mode.nonblocking) {
      if (this.#queuedBytes + data.length > this.sndbuf) {
        return Promise.reject(osError(errno.EAGAIN));
      }
      this.#queue(data.slice(), true, true, mode);
      return Promise.resolve();
    }
    if (data.length === 0) return Promise.resolve();
    return this.#queue(data, true, this.#canSendDirect(mode), mode, true);
  }

  /** Ends the write side once the queued sends are out. */
  shutdownWrite(): Promise<void> {
    if (this.#writeShut) return Promise.resolve();
    this.#writeShut = true;
    const done = new Promise<number | undefined>((resolve, reject) => {
      this.#jobs.push({
        data: EMPTY,
        off: 0,
        all: true,
        direct: true,
        shut: true,
        quiet: false,
        resolve,
        reject,
        over: false,
        visible: null,
        unbind: null,
      });
    });
    this.#pump();
    return done.then(() => {}, () => {});
  }

  /**
   * Ends the read side: receives no longer wait. Data buffered, in flight or
   * arriving later is still given out, then end of stream, as on Linux TCP.
   */
  shutdownRead(): void {
    this.#readShut = true;
    // Bytes the kernel already holds come in for the next receive.
    this.#startRead();
    this.readable.notify();
  }

  // Only a send that cannot settle before its bytes are out may be written
  // from the caller's buffer.
  #canSendDirect(mode: WaitMode): boolean {
    return mode.deadline === null && mode.signal === undefined;
  }

  #checkSendable(): void {
    this.#checkOpen();
    if (this.#sendError) {
      const e = this.#sendError;
      this.#sendError = null;
      this.#writeShut = true;
      throw e;
    }
    if (this.#writeShut) throw osError(errno.EPIPE);
  }

  // Queues a send. Resolves to the bytes written (`void` for `sendall`).
  // A non-blocking send's promise is pysocket's own: it is settled already
  // for the caller, and its failure shows as the next send's error.
  #queue(
    data: Uint8Array,
    all: boolean,
    direct: boolean,
    mode: WaitMode,
  ): Promise<number>;
  #queue(
    data: Uint8Array,
    all: true,
    direct: boolean,
    mode: WaitMode,
    quiet: true,
  ): Promise<void>;
  #queue(
    data: Uint8Array,
    all: boolean,
    direct: boolean,
    mode: WaitMode,
    quiet = false,
  ): Promise<number | void> {
    let resolve: (n: number | undefined) => void = noop;
    let reject: (e: unknown) => void = noop;
    const done = new Promise<number | undefined>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: SendJob = {
      data,
      off: 0,
      all,
      direct,
      shut: false,
      quiet,
      resolve,
      reject,
      over: false,
      visible: null,
      unbind: null,
    };
    this.#queuedBytes += data.length;
    this.#jobs.push(job);
    this.#pump();
    if (mode.nonblocking) {
      done.then(noop, (e) => {
        this.#sendError ??= fromRuntimeError(e);
      });
      return done;
    }
    const visible = mode.deadline === null && mode.signal === undefined
      ? done
      : this.#bounded(job, done, mode);
    job.visible = visible;
    return visible;
  }

  // A send's promise under a deadline or an abort. When time runs out with
  // its write in flight, the write is given one more turn of the event
  // loop (a busy loop may have its result waiting behind the timer), then
  // the send gives up: no more of its bytes are written.
  #bounded(
    job: SendJob,
    done: Promise<number | undefined>,
    mode: WaitMode,
  ): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      let timer: Timer | null = null;
      const signal = mode.signal;
      const giveUp = (reason: unknown): void => {
        if (job.over) return;
        this.#cancel(job);
        reject(reason);
      };
      const onAbort = (): void => giveUp(signal?.reason);
      const stop = (): void => {
        timer?.cancel();
        signal?.removeEventListener("abort", onAbort);
        job.unbind = null;
      };
      job.unbind = stop;
      if (mode.deadline !== null) {
        timer = new Timer(mode.deadline, () => {
          setTimeout(() => giveUp(timedOut()), 0);
        });
      }
      if (signal !== undefined) {
        if (signal.aborted) {
          giveUp(signal.reason);
          return;
        }
        signal.addEventListener("abort", onAbort, { once: true });
      }
      done.then(
        (n) => {
          stop();
          resolve(n);
        },
        (e) => {
          stop();
          reject(e);
        },
      );
    });
  }

  // A send that gave up: its unsent bytes leave the queue (a write in
  // flight, from pysocket's own copy, still completes).
  #cancel(job: SendJob): void {
    job.over = true;
    this.#queuedBytes -= job.data.length - job.off;
    job.off = job.data.length;
    job.resolve(0);
    this.writable.notify();
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#next();
  }

  // Writes the next bytes of the queue, one write in flight at a time (its
  // settling comes back here), or ends the pump when the queue is empty.
  // Callbacks rather than an async loop: a send makes no promise but the
  // runtime's write and its own.
  #next(): void {
    let job = this.#jobs[0];
    // Sends that gave up (timed out, aborted) leave the queue here.
    while (job !== undefined && job.over) {
      this.#jobs.shift();
      job = this.#jobs[0];
    }
    if (job === undefined) {
      this.#writing = null;
      this.#pumping = false;
      if (this.#closed) this.#closeNowIfIdle();
      return;
    }
    let op: Promise<number | void>;
    try {
      op = job.shut
        ? this.conn.closeWrite()
        : this.conn.write(this.#viewOf(job));
    } catch (e) {
      this.#writeFailed(e);
      return;
    }
    this.#inFlight = job;
    this.#writing = op.then(this.#onWritten, this.#onWriteFailed);
  }

  // The write's callbacks, made once per connection.
  readonly #onWritten = (n: number | void): void => {
    const job = this.#inFlight;
    this.#inFlight = null;
    if (job !== null) this.#written(job, n ?? 0);
  };
  readonly #onWriteFailed = (e: unknown): void => {
    this.#inFlight = null;
    this.#writeFailed(e);
  };

  #written(job: SendJob, n: number): void {
    if (job.shut) {
      job.over = true;
      this.#jobs.shift();
      job.resolve(0);
    } else {
      // Progress counts only for a close's stall watch (asking the clock
      // costs a call into the runtime).
      if (this.#closed) this.#lastProgress = performance.now();
      if (!job.over) { // else it gave up while in flight
        job.off += n;
        this.#queuedBytes -= n;
        if (!job.all || job.off === job.data.length) {
          job.over = true;
          this.#jobs.shift();
          if (!job.all) {
            // The rest of a single `send` is not queued: give it back.
            this.#queuedBytes -= job.data.length - job.off;
          }
          job.resolve(job.quiet ? undefined : job.all ? job.off : n);
        }
        this.writable.notify();
      }
    }
    this.#next();
  }

  #writeFailed(e: unknown): void {
    this.#failSends(e);
    this.#writing = null;
    this.#pumping = false;
    if (this.#closed) this.#closeNowIfIdle();
  }

  // The bytes of the next write of `job`: the caller's buffer where the
  // send cannot settle first, else a copy.
  #viewOf(job: SendJob): Uint8Array {
    const rest = job.data.length - job.off;
    if (job.direct) {
      return job.off === 0 ? job.data : job.data.subarray(job.off);
    }
    const k = Math.min(rest, STAGE);
    const stage = this.#stage ??= new Uint8Array(STAGE);
    stage.set(job.data.subarray(job.off, job.off + k));
    return stage.subarray(0, k);
  }

  #failSends(e: unknown): void {
    const err = this.#closed && !(e instanceof Error && "errno" in e)
      ? osError(errno.EBADF)
      : fromRuntimeError(e);
    const jobs = this.#jobs.splice(0);
    for (const job of jobs) {
      if (job.over) continue;
      job.over = true;
      job.reject(err);
    }
    this.#queuedBytes = 0;
    // Later sends give the error once, then EPIPE.
    if (jobs.length > 0 && !this.#closed) this.#sendError ??= err;
    this.writable.notify();
  }

  // --------------------------------------------------------------- close

  #checkOpen(): void {
    if (this.#closed) throw osError(errno.EBADF);
  }

  /**
   * Closes the connection once the queued sends are out (in the background,
   * for as long as bytes keep leaving: a connection that sends nothing for
   * CLOSE_STALL_MS is cut). Waiters are woken (and get `EBADF`). Resolves
   * when the runtime connection is closed.
   */
  close(): Promise<void> {
    if (this.#done) return this.#done;
    this.#closed = true;
    // Sends still queued are now the close's: they go out in the background
    // without their deadlines, and a failure (the connection cut) is not
    // the caller's to catch, as a send that had returned.
    for (const job of this.#jobs) {
      if (job.over) continue;
      job.unbind?.();
      job.visible?.catch(noop);
    }
    // Settled on before anyone is told: a close() from a watcher gets this.
    if (this.#jobs.length > 0 || this.#pumping) {
      this.#done = new Promise<void>((resolve) => {
        this.#finish = resolve;
      });
      this.#lastProgress = performance.now();
      this.#watchStall();
    } else {
      this.#done = this.#closeConn();
    }
    this.readable.notify();
    this.writable.notify();
    return this.#done;
  }

  #watchStall(): void {
    this.#stallTimer = new Timer(
      this.#lastProgress + CLOSE_STALL_MS,
      () => {
        if (this.#finish === null) return;
        if (performance.now() - this.#lastProgress >= CLOSE_STALL_MS) {
          this.#shut();
        } else {
          this.#watchStall();
        }
      },
    );
  }

  #closeNowIfIdle(): void {
    if (this.#jobs.length === 0 && !this.#pumping) this.#shut();
  }

  // Ends a close that waited for the queued sends.
  #shut(): void {
    const finish = this.#finish;
    if (finish === null) return;
    this.#finish = null;
    this.#stallTimer?.cancel();
    this.#closeConn().then(finish);
  }

  // Closes the runtime connection: a write still in flight fails, and so do
  // the sends behind it. Resolves once the runtime has let go of the read
  // and the write in flight (at once when there are none).
  #closeConn(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // Already closed by the runtime (peer gone): nothing left to free.
    }
    if (this.#reading === null && this.#writing === null) return DONE;
    return Promise.all([this.#reading, this.#writing]).then(noop, noop);
  }
}

/** A `timeout` error, for callers that build their own waits. */
export { timedOut };
