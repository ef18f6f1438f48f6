// A connected stream: the receive buffer and its reads, and the ordered send
// queue. Shared by every socket object and file made on one connection.
//
// Receiving: at most one runtime read is in flight. Its bytes land in the
// bounded receive buffer (SO_RCVBUF), so a caller that times out or goes away
// loses nothing; the next caller finds them there. Reads happen on demand:
// while someone waits and the buffer has room (and at shutdown(SHUT_RD),
// for bytes already on their way). The one exception is a
// blocking caller with no deadline finding the buffer empty: it cannot go
// away before the read ends, so the read goes straight into its buffer.
//
// Sending: every send joins one queue, so `shutdown(SHUT_WR)` and `close()`
// act after the sends before them.

import type { StreamConn } from "../_runtime/runtime.ts";
import { errno, fromRuntimeError, osError, timedOut } from "./errors.ts";
import { type Deadline, raceDeadline, Signal } from "./_wait.ts";

const READ_CHUNK = 64 * 1024;
// The largest buffer `recv(n)` allocates for a read straight into it.
const DIRECT_MAX = 256 * 1024;
const EMPTY = new Uint8Array(0);
const noop = (): void => {};

/** How one call waits: a deadline, or not at all. */
export interface WaitMode {
  /** When to give up with `timeout`; `null` waits as long as it takes. */
  readonly deadline: Deadline;
  /** Give `EAGAIN` at once instead of waiting. */
  readonly nonblocking: boolean;
}

/** Receive and send state of one connection. */
export class StreamCore {
  readonly conn: StreamConn;
  /** Receive buffer limit in bytes (SO_RCVBUF). */
  rcvbuf: number;
  /** Send queue limit in bytes for non-blocking sends (SO_SNDBUF). */
  sndbuf: number;

  #chunks: Uint8Array[] = [];
  #head = 0;
  #size = 0;
  #reading: Promise<unknown> | null = null;
  #eof = false;
  #readShut = false;
  #error: Error | null = null;
  readonly #changed = new Signal();

  #sendTail: Promise<unknown> = Promise.resolve();
  #pendingSends = 0;
  #queuedBytes = 0;
  #sendError: Error | null = null;
  #writeShut = false;

  #closed = false;
  #done: Promise<void> | null = null;

  constructor(conn: StreamConn, rcvbuf: number, sndbuf: number) {
    this.conn = conn;
    this.rcvbuf = rcvbuf;
    this.sndbuf = sndbuf;
  }

  /** Bytes waiting in the receive buffer. */
  get buffered(): number {
    return this.#size;
  }

  /** Whether no more data will arrive (end of stream, shut down, or an error). */
  get ended(): boolean {
    return this.#eof || this.#readShut || this.#error !== null;
  }

  /** Whether the peer has ended the stream and the buffer is drained. */
  get atEnd(): boolean {
    return this.#size === 0 && (this.#eof || this.#readShut);
  }

  // ------------------------------------------------------------- receive

  /**
   * Receives into `dst`: what is buffered, else waits for data. Resolves to
   * the count, 0 at end of stream.
   */
  recvInto(
    dst: Uint8Array,
    mode: WaitMode,
    peek = false,
  ): Promise<number> {
    // The common case, a blocking reader on an empty buffer, takes no
    // async frame of its own: one runtime read straight into `dst`.
    if (dst.length > 0 && !peek && this.#canReadDirect(mode)) {
      return this.#readDirect(dst);
    }
    return this.#recvIntoWaiting(dst, mode, peek);
  }

  async #recvIntoWaiting(
    dst: Uint8Array,
    mode: WaitMode,
    peek: boolean,
  ): Promise<number> {
    if (dst.length === 0) {
      this.#checkOpen();
      return 0;
    }
    let settled = false;
    for (;;) {
      this.#checkOpen();
      if (this.#size > 0) return this.#copyOut(dst, peek);
      if (this.#readShut && !settled) {
        settled = true;
        await this.#settleShut();
        continue;
      }
      const end = this.#takeEnd();
      if (end) return 0;
      if (mode.nonblocking) {
        this.#startRead();
        throw osError(errno.EAGAIN);
      }
      if (!peek && this.#canReadDirect(mode)) {
        return await this.#readDirect(dst);
      }
      this.#startRead();
      await this.#changed.wait(mode.deadline);
    }
  }

  // A read may go straight into the caller's buffer only when nothing is
  // buffered or pending and the caller cannot go away before it ends.
  #canReadDirect(mode: WaitMode): boolean {
    return mode.deadline === null && !mode.nonblocking && this.#size === 0 &&
      this.#reading === null && !this.#closed && !this.#eof &&
      !this.#readShut && this.#error === null;
  }

  /** Receives up to `n` bytes as a new array (a view where no copy is needed). */
  recv(n: number, mode: WaitMode, peek = false): Promise<Uint8Array> {
    if (n > 0 && !peek && this.#canReadDirect(mode)) {
      const buf = new Uint8Array(Math.min(n, DIRECT_MAX));
      return this.#readDirect(buf).then((got) => buf.subarray(0, got));
    }
    return this.#recvWaiting(n, mode, peek);
  }

  async #recvWaiting(
    n: number,
    mode: WaitMode,
    peek: boolean,
  ): Promise<Uint8Array> {
    this.#checkOpen();
    if (n === 0) return EMPTY;
    if (this.#size === 0) {
      if (!peek && this.#canReadDirect(mode)) {
        const buf = new Uint8Array(Math.min(n, DIRECT_MAX));
        return buf.subarray(0, await this.#readDirect(buf));
      }
      await this.waitReadable(mode);
      if (this.#size === 0) {
        this.#takeEnd();
        return EMPTY;
      }
    }
    const first = this.#chunks[0];
    if (!peek && first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n);
      this.#consume(n);
      return out;
    }
    const out = new Uint8Array(Math.min(n, this.#size));
    this.#copyOut(out, peek);
    return out;
  }

  /**
   * Waits until the buffer holds data or the stream has ended (or failed;
   * the error is left for the next receive). Never consumes.
   */
  async waitReadable(mode: WaitMode): Promise<void> {
    for (;;) {
      this.#checkOpen();
      if (this.#size > 0 || this.#eof || this.#error) return;
      if (this.#readShut) return await this.#settleShut();
      if (mode.nonblocking) {
        this.#startRead();
        throw osError(errno.EAGAIN);
      }
      this.#startRead();
      await this.#changed.wait(mode.deadline);
    }
  }

  /**
   * Waits until `n` bytes are buffered, the buffer is full, or the stream
   * ended. For readers that look ahead (lines, MSG_WAITALL).
   */
  async waitFor(n: number, mode: WaitMode): Promise<void> {
    for (;;) {
      this.#checkOpen();
      if (
        this.#size >= Math.min(n, this.rcvbuf) || this.#eof || this.#error
      ) return;
      if (this.#readShut) return await this.#settleShut();
      if (mode.nonblocking) {
        if (this.#size > 0) return;
        this.#startRead();
        throw osError(errno.EAGAIN);
      }
      this.#startRead();
      await this.#changed.wait(mode.deadline);
    }
  }

  /** Index of `byte` within the first `limit` buffered bytes, or -1. */
  indexOf(byte: number, limit: number): number {
    let seen = 0;
    let off = this.#head;
    for (const chunk of this.#chunks) {
      const end = Math.min(chunk.length, off + (limit - seen));
      const at = chunk.subarray(off, end).indexOf(byte);
      if (at >= 0) return seen + at;
      seen += end - off;
      if (seen >= limit) return -1;
      off = 0;
    }
    return -1;
  }

  /** Takes up to `n` buffered bytes now, without waiting (may be empty). */
  take(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.#size));
    this.#copyOut(out, false);
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
    if (this.#size === 0) this.#takeEnd();
  }

  #copyOut(dst: Uint8Array, peek: boolean): number {
    let n = 0;
    let i = 0;
    let off = this.#head;
    while (n < dst.length && i < this.#chunks.length) {
      const chunk = this.#chunks[i];
      const k = Math.min(chunk.length - off, dst.length - n);
      dst.set(chunk.subarray(off, off + k), n);
      n += k;
      off += k;
      if (off === chunk.length) {
        i++;
        off = 0;
      }
    }
    if (!peek) this.#consume(n);
    return n;
  }

  #consume(n: number): void {
    this.#size -= n;
    let off = this.#head + n;
    let drop = 0;
    while (drop < this.#chunks.length && off >= this.#chunks[drop].length) {
      off -= this.#chunks[drop].length;
      drop++;
    }
    if (drop > 0) this.#chunks.splice(0, drop);
    this.#head = off;
    if (this.#size < this.rcvbuf) this.#changed.notify();
  }

  // After SHUT_RD a receive never waits: Linux gives what is queued, else
  // the end of stream at once. pysocket cannot see the kernel's queue, so a
  // read is started (or the one in flight kept) and given one turn of the
  // event loop, enough for bytes the kernel already holds; what it brings
  // later stays buffered for the next receive, as later data does on Linux.
  async #settleShut(): Promise<void> {
    this.#startRead();
    if (this.#reading === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 0);
      this.#changed.wait(null).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #startRead(): void {
    if (
      this.#reading !== null || this.#eof || this.#error !== null ||
      this.#closed
    ) return;
    const room = this.rcvbuf - this.#size;
    if (room <= 0) return;
    const buf = new Uint8Array(Math.min(READ_CHUNK, room));
    this.#reading = this.conn.read(buf).then(
      (n) => {
        this.#reading = null;
        if (n === null) this.#eof = true;
        else if (n > 0) {
          this.#chunks.push(buf.subarray(0, n));
          this.#size += n;
        }
        this.#changed.notify();
      },
      (e) => {
        this.#reading = null;
        if (!this.#closed) this.#error = fromRuntimeError(e);
        this.#changed.notify();
      },
    );
  }

  #readDirect(dst: Uint8Array): Promise<number> {
    const read = this.conn.read(dst).then(
      (n) => {
        this.#reading = null;
        this.#changed.notify();
        this.#checkOpen();
        if (n === null) {
          this.#eof = true;
          return 0;
        }
        return n;
      },
      (e) => {
        this.#reading = null;
        this.#changed.notify();
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
      this.#enqueue(() => this.#writeAll(part), part.length).catch((e) => {
        this.#sendError ??= e;
      });
      return Promise.resolve(part.length);
    }
    return this.#withDeadline(
      this.#enqueue(() => this.#writeSome(data), data.length),
      mode.deadline,
    );
  }

  /** Sends all of `data`, or rejects. */
  sendall(data: Uint8Array, mode: WaitMode): Promise<void> {
    this.#checkSendable();
    if (mode.nonblocking && this.#queuedBytes + data.length > this.sndbuf) {
      return Promise.reject(osError(errno.EAGAIN));
    }
    const queued = this.#enqueue(() => this.#writeAll(data), data.length);
    if (mode.nonblocking) {
      queued.catch((e) => {
        this.#sendError ??= e;
      });
      return Promise.resolve();
    }
    return this.#withDeadline(queued, mode.deadline);
  }

  /** Ends the write side once the queued sends are out. */
  shutdownWrite(): Promise<void> {
    if (this.#writeShut) return Promise.resolve();
    this.#writeShut = true;
    return this.#enqueue(() => this.conn.closeWrite(), 0).catch(() => {});
  }

  /**
   * Ends the read side: receives no longer wait. Data buffered, in flight or
   * arriving later is still given out, then end of stream, as on Linux TCP.
   */
  shutdownRead(): void {
    this.#readShut = true;
    // Bytes the kernel already holds come in for the next receive.
    this.#startRead();
    this.#changed.notify();
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

  #enqueue<T>(write: () => Promise<T>, bytes: number): Promise<T> {
    this.#queuedBytes += bytes;
    const run = this.#pendingSends === 0 ? write() : this.#sendTail.then(write);
    this.#pendingSends++;
    const done = run.then(
      (v) => {
        this.#pendingSends--;
        this.#queuedBytes -= bytes;
        return v;
      },
      (e) => {
        this.#pendingSends--;
        this.#queuedBytes -= bytes;
        throw this.#closed && !(e instanceof Error && "errno" in e)
          ? osError(errno.EBADF)
          : fromRuntimeError(e);
      },
    );
    this.#sendTail = done.catch(() => {});
    return done;
  }

  #withDeadline<T>(p: Promise<T>, deadline: Deadline): Promise<T> {
    return deadline === null ? p : raceDeadline(p, deadline);
  }

  #writeSome(data: Uint8Array): Promise<number> {
    return data.length === 0 ? Promise.resolve(0) : this.conn.write(data);
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      off += await this.conn.write(off === 0 ? data : data.subarray(off));
    }
  }

  // --------------------------------------------------------------- close

  #checkOpen(): void {
    if (this.#closed) throw osError(errno.EBADF);
  }

  /**
   * Closes the connection once the queued sends are out. Waiters are woken
   * (and get `EBADF`); resolves when the runtime connection is closed.
   */
  close(): Promise<void> {
    if (this.#done) return this.#done;
    this.#closed = true;
    this.#changed.notify();
    const finish = (): void => {
      try {
        this.conn.close();
      } catch {
        // Already closed by the runtime (peer gone): nothing left to free.
      }
    };
    if (this.#pendingSends === 0) {
      finish();
      this.#done = (this.#reading ?? Promise.resolve()).then(noop, noop);
    } else {
      this.#done = this.#sendTail.then(finish).then(() => this.#reading)
        .then(noop, noop);
    }
    return this.#done;
  }

  /** Whether `close` has been called. */
  get closed(): boolean {
    return this.#closed;
  }
}

/** A `timeout` error, for callers that build their own waits. */
export { timedOut };
