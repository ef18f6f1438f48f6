/**
 * `socket.makefile()`: file objects over a connected stream socket, as
 * CPython's `SocketIO` (unbuffered, `buffering = 0`), `io.BufferedReader` /
 * `BufferedWriter` / `BufferedRWPair` (binary modes) and `io.TextIOWrapper`
 * (text modes).
 *
 * Reads come straight from the socket's receive buffer, so mixing file reads
 * and `recv` loses nothing. Each read and write uses the socket's timeout at
 * the time of the call; after a read has timed out the file refuses to read
 * again (`cannot read from timed out object`), as CPython's `SocketIO`.
 *
 * @module
 */

import { BlockingIOError, errno, error, timeout } from "./errors.ts";
import { notAnInteger, pyTypeName } from "../_base/args.ts";
import { toBytes } from "./_bytes.ts";
import { type Codec, type Decoder, lookupCodec } from "./_codec.ts";
import type { StreamCore } from "./_stream.ts";
import type { WaitMode } from "./_wait.ts";

/**
 * A mode for `makefile`: the letters `r`, `w` and `b`, each at most once,
 * in any order (`"r"`, `"w"`, `"rw"`, `"rb"`, `"wb"`, `"rwb"`, ...). A
 * mode with `b` gives bytes; one without, text; one without `w` reads.
 * CPython also takes letters repeated (`"rwbrw"`), and so does pysocket at
 * run time; the type names the modes that mean something different.
 *
 * @example
 * ```ts
 * import { socketpair, type SocketFileMode } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * const mode: SocketFileMode = "rwb";
 * const f = a.makefile(mode);
 * console.log(f.mode); // rwb
 * await f.close();
 * a.close();
 * b.close();
 * ```
 */
export type SocketFileMode =
  | "r"
  | "w"
  | "b"
  | "rw"
  | "wr"
  | "rb"
  | "br"
  | "wb"
  | "bw"
  | "rwb"
  | "rbw"
  | "wrb"
  | "wbr"
  | "brw"
  | "bwr";

/** How a file reaches its socket. Internal. */
export interface SocketFileOwner {
  /** The socket's timeout now, as a wait mode (EBADF once it is closed). */
  mode(): WaitMode;
  /** The socket's `fileno()`. */
  fileno(): number;
  /** Lets go of the socket (it closes now if `close()` was called on it). */
  release(): Promise<void>;
}

/**
 * What a binary file's `write` and `readinto` take.
 *
 * @example
 * ```ts
 * import type { BytesInput } from "@pysocket/socket";
 * const data: BytesInput = new Uint16Array([1, 2]);
 * console.log(data.byteLength); // 4
 * ```
 */
export type BytesInput = Uint8Array | ArrayBufferView | ArrayBuffer;

/**
 * What every file from `makefile` has. Reads give `string` in text modes
 * and `Uint8Array` in binary modes; {@link TextSocketFile} and
 * {@link BinarySocketFile} say which.
 *
 * @example
 * ```ts
 * import { type SocketFile, type SocketFileMode, socketpair } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * const mode: SocketFileMode = Math.random() < 2 ? "rb" : "r";
 * const f: SocketFile = a.makefile(mode);
 * console.log(f.readable(), f.writable(), f.name === a.fileno()); // true false true
 * await f.close();
 * a.close();
 * b.close();
 * ```
 */
export interface SocketFile extends AsyncIterable<string | Uint8Array> {
  /** `"rb"`, `"wb"` or `"rwb"` for a binary file; the mode given for text. */
  readonly mode: string;
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** The socket's `fileno()` (`-1` once the file is closed). */
  readonly name: number;
  /** The socket's `fileno()`; a `RangeError` once the file is closed. */
  fileno(): number;
  /** Whether the file reads. */
  readable(): boolean;
  /** Whether the file writes. */
  writable(): boolean;
  /** Always `false`: a socket cannot seek. */
  seekable(): boolean;
  /** Reads `size` bytes (characters in text mode), or to the end when negative. */
  read(size?: number | null): Promise<string | Uint8Array>;
  /** Reads one line with its newline; empty at the end of the stream. */
  readline(limit?: number | null): Promise<string | Uint8Array>;
  /** Reads the remaining lines (or lines up to `hint` bytes or characters). */
  readlines(hint?: number | null): Promise<Array<string | Uint8Array>>;
  /** Writes `data`; resolves to its length. */
  write(data: string | BytesInput): Promise<number>;
  /** Sends whatever `write` has buffered. */
  flush(): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Closes the file (`await using f = sock.makefile()`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A binary file (`"rb"`, `"wb"`, `"rwb"`), as `io.BufferedReader` /
 * `BufferedWriter` / `BufferedRWPair`. In non-blocking mode a `read` or
 * `readinto` that finds nothing at all rejects with `BlockingIOError`
 * (`EAGAIN`) where CPython returns `None` (see the README).
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * await a.sendall("line\nrest");
 * a.close();
 * const f = b.makefile("rb");
 * const line: Uint8Array = await f.readline();
 * console.log(line.length, (await f.read()).length); // 5 4
 * await f.close();
 * b.close();
 * ```
 */
export interface BinarySocketFile extends SocketFile {
  /** Reads `size` bytes (fewer only at the end), or to the end when `size` is -1. */
  read(size?: number | null): Promise<Uint8Array>;
  /** At most `size` bytes, with at most one receive. */
  read1(size?: number): Promise<Uint8Array>;
  /** Fills `buffer` (less only at the end); resolves to the count. */
  readinto(buffer: BytesInput): Promise<number>;
  /** Reads one line with its `\n`, at most `limit` bytes. */
  readline(limit?: number | null): Promise<Uint8Array>;
  /** Reads the remaining lines. */
  readlines(hint?: number | null): Promise<Uint8Array[]>;
  /** Buffers `data`; resolves to its length. */
  write(data: BytesInput): Promise<number>;
  /** Iterates over lines. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
}

/**
 * A text file (`"r"`, `"w"`, `"rw"`), as `io.TextIOWrapper`: `read(n)` and
 * `readline(limit)` count characters (code points), `write` takes strings.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * await a.sendall("💥 ok\r\n");
 * a.close();
 * const f = b.makefile("r", null, "utf-8");
 * const first: string = await f.read(1);
 * console.log(first, await f.readline()); // 💥 " ok\n"
 * await f.close();
 * b.close();
 * ```
 */
export interface TextSocketFile extends SocketFile {
  /** The encoding, as given (`"UTF-8"` by default). */
  readonly encoding: string;
  /** The error handler (`"strict"` by default). */
  readonly errors: string;
  /** Reads `size` characters, or to the end when `size` is negative. */
  read(size?: number | null): Promise<string>;
  /** Reads one line with its line ending, at most `limit` characters. */
  readline(limit?: number | null): Promise<string>;
  /** Reads the remaining lines. */
  readlines(hint?: number | null): Promise<string[]>;
  /** Writes `data`; resolves to its length in characters. */
  write(data: string): Promise<number>;
  /** Iterates over lines. */
  [Symbol.asyncIterator](): AsyncIterator<string>;
}

/**
 * An unbuffered binary file (`makefile("rb", 0)`), as CPython's `SocketIO`:
 * each `read`/`readinto` is one receive and each `write` one send, and in
 * non-blocking mode they resolve to `null` when nothing is ready.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * const w = a.makefile("wb", 0);
 * console.log(await w.write(new Uint8Array(3))); // 3
 * b.setblocking(false);
 * const r = b.makefile("rb", 0);
 * console.log((await r.read(10))?.length, await r.read(10)); // 3 null
 * await w.close();
 * await r.close();
 * a.close();
 * b.close();
 * ```
 */
export interface RawSocketFile extends AsyncIterable<Uint8Array> {
  /** `"rb"`, `"wb"` or `"rwb"`. */
  readonly mode: string;
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** The socket's `fileno()` (`-1` once closed). */
  readonly name: number;
  /** The socket's `fileno()`. */
  fileno(): number;
  /** Whether the file reads. */
  readable(): boolean;
  /** Whether the file writes. */
  writable(): boolean;
  /** Always `false`. */
  seekable(): boolean;
  /** One receive of at most `size` bytes (all to the end when negative); `null` when nothing is ready in non-blocking mode. */
  read(size?: number | null): Promise<Uint8Array | null>;
  /** One receive into `buffer`: the count, or `null` when nothing is ready. */
  readinto(buffer: BytesInput): Promise<number | null>;
  /** Reads one line. */
  readline(limit?: number | null): Promise<Uint8Array>;
  /** Reads the remaining lines. */
  readlines(hint?: number | null): Promise<Uint8Array[]>;
  /** One send: the bytes taken, or `null` when none fit. */
  write(data: BytesInput): Promise<number | null>;
  /** Nothing to send (checks the file is open). */
  flush(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
  /** Closes the file. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The file type `makefile(mode)` gives for a mode: text or binary when the
 * mode is a literal, {@link SocketFile} otherwise.
 *
 * @example
 * ```ts
 * import type { BinarySocketFile, SocketFileFor } from "@pysocket/socket";
 * type F = SocketFileFor<"rb">;
 * const same = (f: F): BinarySocketFile => f;
 * console.log(typeof same); // function
 * ```
 */
export type SocketFileFor<M extends string> = string extends M ? SocketFile
  : M extends `${string}b${string}` ? BinarySocketFile
  : TextSocketFile;

const NEWLINE = 0x0a;
// io.DEFAULT_BUFFER_SIZE, and TextIOWrapper's chunk.
const DEFAULT_BUFFER_SIZE = 8192;
const TEXT_CHUNK = 8192;
// One receive of read(-1).
const READALL_CHUNK = 65536;
const EMPTY = new Uint8Array(0);

function closedFile(what = "I/O operation on closed file."): RangeError {
  return new RangeError(what);
}

function unsupported(message: string): error {
  const e = new error(message);
  e.name = "UnsupportedOperation";
  return e;
}

function isBlocking(e: unknown): boolean {
  return e instanceof error && e.errno === errno.EAGAIN;
}

// An optional size as Python's `_Py_convert_optional_to_ssize_t`: an int,
// or None for -1.
function optionalSize(v: unknown): number {
  if (v === undefined || v === null) return -1;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(
      `argument should be integer or None, not '${pyTypeName(v)}'`,
    );
  }
  return v;
}

// A size as Python's `n` format: an int (None is refused, as there).
function intSize(v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v)) throw notAnInteger(v);
  return v;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined && only.length === total) return only;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function writableBytes(buffer: unknown, fn: string): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) {
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  throw new TypeError(
    `${fn}() argument must be read-write bytes-like object, not ${
      pyTypeName(buffer)
    }`,
  );
}

function bytesInput(data: unknown): Uint8Array {
  if (typeof data === "string") {
    throw new TypeError("a bytes-like object is required, not 'str'");
  }
  return toBytes(data);
}

// The number of code points in `s`.
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// The index in `s` after `n` code points from `from`, and how many of
// them were missing (0 when `s` had them all).
function advance(s: string, from: number, n: number): [number, number] {
  let i = from;
  while (n > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    n--;
  }
  return [i, n];
}

// ---------------------------------------------------------------- the base

// What the three kinds share: the socket, the mode, closing, and the
// receive path (with CPython's rule that a timed-out file reads no more).
abstract class FileCore {
  protected readonly stream: StreamCore;
  protected readonly owner: SocketFileOwner;
  protected readonly reading: boolean;
  protected readonly writing: boolean;
  #closed = false;
  #timedOut = false;
  // Bytes taken from the socket but not yet handed out (a long line in
  // the making, or what a failed read had received).
  #carry: Uint8Array[] = [];
  #carrySize = 0;

  constructor(
    stream: StreamCore,
    owner: SocketFileOwner,
    reading: boolean,
    writing: boolean,
  ) {
    this.stream = stream;
    this.owner = owner;
    this.reading = reading;
    this.writing = writing;
  }

  /** `"rb"`, `"wb"` or `"rwb"`. */
  get mode(): string {
    return (this.reading ? "r" : "") + (this.writing ? "w" : "") + "b";
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The socket's `fileno()`, `-1` once closed. */
  get name(): number {
    return this.#closed ? -1 : this.owner.fileno();
  }

  /** The socket's `fileno()`. */
  fileno(): number {
    if (this.#closed) throw closedFile();
    return this.owner.fileno();
  }

  /** Whether the file reads. */
  readable(): boolean {
    if (this.#closed) throw closedFile("I/O operation on closed socket.");
    return this.reading;
  }

  /** Whether the file writes. */
  writable(): boolean {
    if (this.#closed) throw closedFile("I/O operation on closed socket.");
    return this.writing;
  }

  /** Always `false`. */
  seekable(): boolean {
    if (this.#closed) throw closedFile("I/O operation on closed socket.");
    return false;
  }

  protected markClosed(): Promise<void> {
    this.#closed = true;
    return this.owner.release();
  }

  // ---------------------------------------------------------- the carry

  protected get carrySize(): number {
    return this.#carrySize;
  }

  protected takeCarry(max: number): Uint8Array {
    if (this.#carrySize === 0) return EMPTY;
    const parts: Uint8Array[] = [];
    let got = 0;
    for (
      let first = this.#carry[0];
      first !== undefined && got < max;
      first = this.#carry[0]
    ) {
      const k = Math.min(first.length, max - got);
      parts.push(first.subarray(0, k));
      if (k === first.length) this.#carry.shift();
      else this.#carry[0] = first.subarray(k);
      got += k;
    }
    this.#carrySize -= got;
    return concat(parts, got);
  }

  // Copies up to `dst.length` carried bytes into `dst`; the count.
  protected carryInto(dst: Uint8Array): number {
    if (this.#carrySize === 0) return 0;
    const part = this.takeCarry(dst.length);
    dst.set(part);
    return part.length;
  }

  protected keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#carry.push(bytes);
    this.#carrySize += bytes.length;
  }

  // The end of the first line in the carry within `max` bytes, or -1.
  #carryLineEnd(max: number): number {
    let off = 0;
    for (const p of this.#carry) {
      if (off >= max) break;
      const at = p.indexOf(NEWLINE);
      if (at >= 0 && off + at < max) return off + at + 1;
      off += p.length;
    }
    return -1;
  }

  // -------------------------------------------------------- receiving

  // CPython's SocketIO.readinto: the socket's recv_into under its timeout
  // now; `null` for EAGAIN; a timeout ends the file's reading.
  protected failed(e: unknown): null {
    if (e instanceof timeout) this.#timedOut = true;
    else if (isBlocking(e)) return null;
    throw e;
  }

  protected checkTimedOut(): void {
    if (this.#timedOut) throw new error("cannot read from timed out object");
  }

  /** One receive into `dst`: the count (0 at the end), `null` for EAGAIN. */
  protected async rawInto(dst: Uint8Array): Promise<number | null> {
    this.checkTimedOut();
    try {
      return await this.stream.recvInto(dst, this.owner.mode());
    } catch (e) {
      return this.failed(e);
    }
  }

  /** A whole line already in the socket's buffer, taken now; else `null`. */
  protected lineNow(limit: number): Uint8Array | null {
    if (this.#carrySize > 0 || this.#timedOut) return null;
    const s = this.stream;
    const room = limit < 0 ? s.buffered : Math.min(limit, s.buffered);
    const at = s.indexOf(NEWLINE, room);
    return at < 0 ? null : s.take(at + 1);
  }

  /**
   * One line of bytes (with its `\n`), at most `limit` bytes when `limit`
   * >= 0. `raw`: CPython's RawIOBase.readline, which fails when a
   * non-blocking socket runs dry; buffered, the line so far is given.
   */
  protected async lineBytes(limit: number, raw: boolean): Promise<Uint8Array> {
    const max = limit < 0 ? Infinity : limit;
    if (this.#carrySize > 0) {
      const end = this.#carryLineEnd(max);
      if (end >= 0) return this.takeCarry(end);
    }
    const s = this.stream;
    for (;;) {
      const carried = this.#carrySize;
      if (carried >= max) return this.takeCarry(max);
      this.checkTimedOut();
      const room = max - carried;
      const at = s.indexOf(NEWLINE, Math.min(room, s.buffered));
      if (at >= 0) {
        // The common case, a whole line already in the store: as it is.
        if (carried === 0) return s.take(at + 1);
        this.keep(s.take(at + 1));
        return this.takeCarry(carried + at + 1);
      }
      if (s.buffered >= room) {
        this.keep(s.take(room));
        return this.takeCarry(max);
      }
      if (s.buffered >= s.rcvbuf) {
        // A line longer than the receive buffer: hold what came so far.
        this.keep(s.take(s.buffered));
        continue;
      }
      if (s.ended) {
        this.keep(s.take(s.buffered));
        if (this.#carrySize === 0) s.throwPending();
        return this.takeCarry(Infinity);
      }
      // Waits here, not in a helper: one async frame less per line.
      const mode = this.owner.mode();
      const before = s.buffered;
      let more = true;
      try {
        await s.waitForMore(before + 1, mode);
        more = !(mode.nonblocking && s.buffered === before && !s.ended);
      } catch (e) {
        more = this.failed(e) ?? false;
      }
      if (!more) {
        if (raw) {
          throw new error(
            "read() should have returned a bytes object, not 'NoneType'",
          );
        }
        this.keep(s.take(s.buffered));
        return this.takeCarry(Infinity);
      }
    }
  }

  /**
   * Everything to the end of the stream, as one array; `null` when a
   * non-blocking socket had nothing at all.
   */
  protected async readAll(): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    let total = this.#carrySize;
    if (total > 0) parts.push(this.takeCarry(total));
    try {
      for (;;) {
        const chunk = new Uint8Array(
          Math.max(READALL_CHUNK, this.stream.buffered),
        );
        const n = await this.rawInto(chunk);
        if (n === null) {
          if (total === 0) return null;
          break;
        }
        if (n === 0) break;
        parts.push(n === chunk.length ? chunk : chunk.subarray(0, n));
        total += n;
      }
    } catch (e) {
      this.keep(concat(parts, total));
      throw e;
    }
    return concat(parts, total);
  }

  /**
   * Fills `dst` (fewer bytes only at the end of the stream, or when a
   * non-blocking socket runs dry): the count, `null` when nothing came.
   * What a failure leaves received stays for the next read.
   */
  protected async fill(dst: Uint8Array): Promise<number | null> {
    let got = this.carryInto(dst);
    try {
      while (got < dst.length) {
        const n = await this.rawInto(got === 0 ? dst : dst.subarray(got));
        if (n === null) {
          if (got === 0) return null;
          break;
        }
        if (n === 0) break;
        got += n;
      }
    } catch (e) {
      this.keep(dst.slice(0, got));
      throw e;
    }
    return got;
  }

  /** At most `n` bytes with at most one receive; empty for EAGAIN. */
  protected async readOnce(n: number): Promise<Uint8Array> {
    if (this.#carrySize > 0) return this.takeCarry(n);
    this.checkTimedOut();
    const s = this.stream;
    if (s.buffered > 0) return s.take(n);
    try {
      return await s.recv(n, this.owner.mode());
    } catch (e) {
      this.failed(e);
      return EMPTY;
    }
  }

  /** Lines until the end, or until `hint` bytes/characters. */
  protected async lines<T extends string | Uint8Array>(
    hint: unknown,
    next: () => Promise<T>,
  ): Promise<T[]> {
    const h = optionalSize(hint);
    const lines: T[] = [];
    let total = 0;
    for (;;) {
      const line = await next();
      if (line.length === 0) return lines;
      lines.push(line);
      total += line.length;
      if (h > 0 && total >= h) return lines;
    }
  }
}

// ------------------------------------------------------------- buffered

/** A binary file (`io.BufferedReader`, `BufferedWriter`, `BufferedRWPair`). Internal. */
class BufferedFile extends FileCore implements BinarySocketFile {
  readonly #bufsize: number;
  #out: Uint8Array[] = [];
  #outSize = 0;

  constructor(
    stream: StreamCore,
    owner: SocketFileOwner,
    reading: boolean,
    writing: boolean,
    bufsize: number,
  ) {
    super(stream, owner, reading, writing);
    this.#bufsize = bufsize;
  }

  #checkRead(what: string, op = "read"): void {
    if (this.closed) throw closedFile(`${what} of closed file`);
    if (!this.reading) throw unsupported(op);
  }

  /**
   * Reads `size` bytes, fewer only at the end of the stream; to the end
   * when `size` is -1 or absent. Received straight into the result.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("abcdef");
   * a.close();
   * const f = b.makefile("rb");
   * console.log((await f.read(2)).length, (await f.read()).length); // 2 4
   * await f.close();
   * b.close();
   * ```
   */
  async read(size?: number | null): Promise<Uint8Array> {
    this.#checkRead("read");
    const n = optionalSize(size);
    if (n < -1) throw new RangeError("read length must be non-negative or -1");
    if (n === 0) return new Uint8Array(0);
    if (n < 0) return this.#orBlocking(await this.readAll());
    if (this.carrySize >= n) return this.takeCarry(n);
    const s = this.stream;
    if (this.carrySize === 0 && s.buffered >= n) {
      this.checkTimedOut();
      return s.take(n);
    }
    const out = new Uint8Array(n);
    const got = this.#orBlocking(await this.fill(out));
    return got === n ? out : out.slice(0, got);
  }

  #orBlocking<T>(v: T | null): T {
    if (v === null) throw new BlockingIOError(errno.EAGAIN);
    return v;
  }

  /**
   * At most `size` bytes with at most one receive (what is buffered, if
   * anything is).
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("abc");
   * const f = b.makefile("rb");
   * console.log((await f.read1(100)).length); // 3
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async read1(size?: number): Promise<Uint8Array> {
    this.#checkRead("read", "read1");
    let n = intSize(size, -1);
    if (n < 0) n = this.#bufsize;
    if (n === 0) return new Uint8Array(0);
    return await this.readOnce(n);
  }

  /**
   * Fills `buffer` (less only at the end of the stream); resolves to the
   * count.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("abcd");
   * const f = b.makefile("rb");
   * const buf = new Uint8Array(4);
   * console.log(await f.readinto(buf)); // 4
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async readinto(buffer: BytesInput): Promise<number> {
    this.#checkRead("readinto", "read");
    const dst = writableBytes(buffer, "readinto");
    if (dst.length === 0) return 0;
    return this.#orBlocking(await this.fill(dst));
  }

  /**
   * Reads one line with its `\n`; empty at the end of the stream. `limit`
   * caps the bytes read.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("GET / HTTP/1.0\r\n\r\n");
   * const f = b.makefile("rb");
   * console.log((await f.readline()).length); // 16
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  readline(limit?: number | null): Promise<Uint8Array> {
    try {
      this.#checkRead("readline");
      const max = optionalSize(limit);
      const line = this.lineNow(max);
      return line === null ? this.lineBytes(max, false) : Promise.resolve(line);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Reads the remaining lines (until `hint` bytes, when given).
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("1\n2\n3");
   * a.close();
   * const f = b.makefile("rb");
   * console.log((await f.readlines()).length); // 3
   * await f.close();
   * b.close();
   * ```
   */
  readlines(hint?: number | null): Promise<Uint8Array[]> {
    if (this.closed) return Promise.reject(closedFile());
    return this.lines(hint, () => this.readline());
  }

  /** Iterates over lines until the end of the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Buffers `data`; it is sent when the buffer fills, on `flush()` and on
   * `close()`. Resolves to its length.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("wb");
   * console.log(await f.write(new Uint8Array([1, 2, 3]))); // 3
   * await f.flush();
   * console.log((await b.recv(10)).length); // 3
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async write(data: BytesInput): Promise<number> {
    if (this.closed) throw closedFile("write to closed file");
    if (!this.writing) throw unsupported("write");
    const bytes = bytesInput(data);
    const n = bytes.length;
    if (this.#outSize === 0 && n >= this.#bufsize) {
      // Too big to buffer: sent as it is (sendall copies what it must).
      await this.stream.sendall(bytes, this.owner.mode());
      return n;
    }
    this.#out.push(bytes.slice());
    this.#outSize += n;
    if (this.#outSize >= this.#bufsize) await this.flush();
    return n;
  }

  /**
   * Sends whatever `write` has buffered.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("wb");
   * await f.write(new Uint8Array([1, 2, 3]));
   * await f.flush();
   * console.log((await b.recv(10)).length); // 3
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async flush(): Promise<void> {
    if (this.closed) throw closedFile("flush of closed file");
    if (this.#outSize === 0) return;
    const data = concat(this.#out, this.#outSize);
    this.#out = [];
    this.#outSize = 0;
    await this.stream.sendall(data, this.owner.mode());
  }

  /**
   * Flushes and closes the file; the socket closes too if its `close()`
   * was called while the file was open.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("rb");
   * await f.close();
   * console.log(f.closed, f.name); // true -1
   * a.close();
   * b.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.#outSize > 0) await this.flush();
    } finally {
      await this.markClosed();
    }
  }

  /** Closes the file (`await using f = sock.makefile("rb")`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

// ------------------------------------------------------------------ raw

/** An unbuffered binary file (CPython's `SocketIO`). Internal. */
class RawFile extends FileCore implements RawSocketFile {
  #check(readable: boolean): void {
    if (this.closed) throw closedFile();
    if (readable && !this.reading) {
      throw unsupported("File or stream is not readable.");
    }
    if (!readable && !this.writing) {
      throw unsupported("File or stream is not writable.");
    }
  }

  /**
   * One receive of at most `size` bytes (to the end when negative);
   * `null` when a non-blocking socket has nothing.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("abc");
   * const f = b.makefile("rb", 0);
   * console.log((await f.read(100))?.length); // 3
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async read(size?: number | null): Promise<Uint8Array | null> {
    this.#check(true);
    const n = size === null ? -1 : intSize(size, -1);
    if (n < 0) return await this.readAll();
    const buf = new Uint8Array(n);
    const got = this.carrySize > 0
      ? this.carryInto(buf)
      : await this.rawInto(buf);
    if (got === null) return null;
    return got === n ? buf : buf.slice(0, got);
  }

  /**
   * One receive into `buffer`: the count, `null` when a non-blocking
   * socket has nothing.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("ab");
   * const f = b.makefile("rb", 0);
   * console.log(await f.readinto(new Uint8Array(8))); // 2
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async readinto(buffer: BytesInput): Promise<number | null> {
    this.#check(true);
    const dst = writableBytes(buffer, "readinto");
    if (this.carrySize > 0) return this.carryInto(dst);
    return await this.rawInto(dst);
  }

  /**
   * Reads one line; in non-blocking mode it fails when the socket runs dry
   * before the newline, as CPython's.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("x\ny\n");
   * const f = b.makefile("rb", 0);
   * console.log((await f.readline()).length); // 2
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async readline(limit?: number | null): Promise<Uint8Array> {
    this.#check(true);
    return await this.lineBytes(optionalSize(limit), true);
  }

  /**
   * Reads the remaining lines.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("x\ny\n");
   * a.close();
   * const f = b.makefile("rb", 0);
   * console.log((await f.readlines()).length); // 2
   * await f.close();
   * b.close();
   * ```
   */
  readlines(hint?: number | null): Promise<Uint8Array[]> {
    if (this.closed) return Promise.reject(closedFile());
    return this.lines(hint, () => this.readline());
  }

  /** Iterates over lines until the end of the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * One send: resolves to the bytes taken, or `null` when a non-blocking
   * socket's buffer is full (CPython's `SocketIO.write`).
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("wb", 0);
   * console.log(await f.write(new Uint8Array(5))); // 5
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async write(data: BytesInput): Promise<number | null> {
    this.#check(false);
    const bytes = bytesInput(data);
    try {
      return await this.stream.send(bytes, this.owner.mode());
    } catch (e) {
      if (isBlocking(e)) return null;
      throw e;
    }
  }

  /**
   * Nothing is buffered: checks that the file is open.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("wb", 0);
   * await f.flush();
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.reject(closedFile());
    return Promise.resolve();
  }

  /**
   * Closes the file.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("rb", 0);
   * await f.close();
   * console.log(f.closed); // true
   * a.close();
   * b.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.markClosed();
  }

  /** Closes the file. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

// ----------------------------------------------------------------- text

type Newline = null | "" | "\n" | "\r" | "\r\n";

/** A text file (`io.TextIOWrapper` over the buffered file). Internal. */
class TextFile implements TextSocketFile {
  readonly #buf: BufferedFile;
  readonly #mode: string;
  readonly #encoding: string;
  readonly #errors: string;
  readonly #codec: Codec;
  readonly #newline: Newline;
  #decoder: Decoder;
  // Decoded characters not yet handed out: `#chars` from `#at`.
  #chars = "";
  #at = 0;
  // A `\r` held back until the next chunk says whether `\n` follows.
  #pendingCR = false;

  constructor(
    buf: BufferedFile,
    mode: string,
    encoding: string,
    codec: Codec,
    errors: string,
    newline: Newline,
  ) {
    this.#buf = buf;
    this.#mode = mode;
    this.#encoding = encoding;
    this.#codec = codec;
    this.#errors = errors;
    this.#newline = newline;
    this.#decoder = codec.decoder(errors);
  }

  /** The mode given to `makefile`. */
  get mode(): string {
    return this.#mode;
  }

  /** The encoding, as given (`"UTF-8"` by default). */
  get encoding(): string {
    return this.#encoding;
  }

  /** The error handler (`"strict"` by default). */
  get errors(): string {
    return this.#errors;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#buf.closed;
  }

  /** The socket's `fileno()`, `-1` once closed. */
  get name(): number {
    return this.#buf.name;
  }

  /** The socket's `fileno()`. */
  fileno(): number {
    return this.#buf.fileno();
  }

  /** Whether the file reads. */
  readable(): boolean {
    return this.#buf.readable();
  }

  /** Whether the file writes. */
  writable(): boolean {
    return this.#buf.writable();
  }

  /** Always `false`. */
  seekable(): boolean {
    return this.#buf.seekable();
  }

  #checkRead(): void {
    if (this.#buf.closed) throw closedFile();
    if (!this.#buf.readable()) throw unsupported("not readable");
  }

  // Decoded text of `bytes`, newlines as `newline` says (universal modes
  // hold a final `\r` back until the next chunk or the end).
  #decode(bytes: Uint8Array, final: boolean): string {
    let s = this.#decoder.decode(bytes, final);
    const nl = this.#newline;
    if (nl !== null && nl !== "") return s;
    if (this.#pendingCR) {
      s = "\r" + s;
      this.#pendingCR = false;
    }
    if (!final && s.endsWith("\r")) {
      s = s.slice(0, -1);
      this.#pendingCR = true;
    }
    if (nl === null && s.includes("\r")) s = s.replace(/\r\n?/g, "\n");
    return s;
  }

  // One chunk from the buffer, decoded; false at the end of the stream
  // (or, as CPython's, when a non-blocking socket has nothing).
  async #chunk(): Promise<boolean> {
    const bytes = await this.#buf.read1(TEXT_CHUNK);
    const eof = bytes.length === 0;
    const s = this.#decode(bytes, eof);
    if (this.#at > 0) {
      this.#chars = this.#chars.slice(this.#at);
      this.#at = 0;
    }
    this.#chars += s;
    return !eof;
  }

  #take(end: number): string {
    const out = this.#chars.slice(this.#at, end);
    if (end >= this.#chars.length) {
      this.#chars = "";
      this.#at = 0;
    } else {
      this.#at = end;
    }
    return out;
  }

  /**
   * Reads `size` characters (code points), fewer only at the end of the
   * stream; to the end when `size` is negative or absent.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("éa💥");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.read(2), await f.read()); // éa 💥
   * await f.close();
   * b.close();
   * ```
   */
  async read(size?: number | null): Promise<string> {
    this.#checkRead();
    const n = optionalSize(size);
    if (n < 0) {
      const bytes = await this.#readAllBytes();
      const all = this.#take(this.#chars.length) + this.#decode(bytes, true);
      this.#decoder = this.#codec.decoder(this.#errors);
      return all;
    }
    let [end, missing] = advance(this.#chars, this.#at, n);
    while (missing > 0) {
      const from = end - this.#at;
      if (!await this.#chunk()) break;
      [end, missing] = advance(this.#chars, from, missing);
    }
    return this.#take(end);
  }

  async #readAllBytes(): Promise<Uint8Array> {
    try {
      return await this.#buf.read();
    } catch (e) {
      // CPython: the buffer's None is concatenated to bytes.
      if (e instanceof BlockingIOError) {
        throw new TypeError("can't concat NoneType to bytes");
      }
      throw e;
    }
  }

  // The end of the first line from `from`, or -1.
  #lineEnd(from: number): number {
    const s = this.#chars;
    switch (this.#newline) {
      case null:
      case "\n": {
        const at = s.indexOf("\n", from);
        return at < 0 ? -1 : at + 1;
      }
      case "\r": {
        const at = s.indexOf("\r", from);
        return at < 0 ? -1 : at + 1;
      }
      case "\r\n": {
        const at = s.indexOf("\r\n", from);
        return at < 0 ? -1 : at + 2;
      }
      case "": {
        for (let i = from; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c === 0x0a) return i + 1;
          if (c === 0x0d) return s.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
        }
        return -1;
      }
    }
  }

  /**
   * Reads one line with its line ending; empty at the end of the stream.
   * `limit` caps the characters (code points) read.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("one\r\ntwo\n");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.readline(), await f.readline(2)); // "one\n" "tw"
   * await f.close();
   * b.close();
   * ```
   */
  async readline(limit?: number | null): Promise<string> {
    this.#checkRead();
    const max = intSize(limit === null ? -1 : limit, -1);
    if (max === 0) return "";
    let searched = 0;
    for (;;) {
      const from = this.#at + searched;
      const end = this.#lineEnd(from);
      if (max > 0) {
        const [cap, missing] = advance(this.#chars, this.#at, max);
        if (missing === 0 && (end < 0 || end > cap)) return this.#take(cap);
      }
      if (end >= 0) return this.#take(end);
      // A `\r\n` may be cut between chunks: look at the last `\r` again.
      searched = Math.max(0, this.#chars.length - this.#at - 1);
      if (!await this.#chunk()) return this.#take(this.#chars.length);
    }
  }

  /**
   * Reads the remaining lines (until `hint` characters, when given).
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * await a.sendall("1\n2\n3");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.readlines()); // ["1\n", "2\n", "3"]
   * await f.close();
   * b.close();
   * ```
   */
  async readlines(hint?: number | null): Promise<string[]> {
    if (this.closed) throw closedFile();
    const h = optionalSize(hint);
    const lines: string[] = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += codePoints(line);
      if (h > 0 && total >= h) return lines;
    }
  }

  /** Iterates over lines until the end of the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Writes `data` (encoded; `\n` written as the `newline` given, when it
   * is `"\r"` or `"\r\n"`). Resolves to its length in characters.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("w", null, "latin-1");
   * console.log(await f.write("é\n")); // 2
   * await f.flush();
   * console.log((await b.recv(100)).length); // 2
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async write(data: string): Promise<number> {
    if (typeof data !== "string") {
      throw new TypeError(
        `write() argument must be str, not ${pyTypeName(data)}`,
      );
    }
    if (this.#buf.closed) throw closedFile();
    if (!this.#buf.writable()) throw unsupported("not writable");
    const nl = this.#newline;
    const text = (nl === "\r" || nl === "\r\n") && data.includes("\n")
      ? data.replaceAll("\n", nl)
      : data;
    await this.#buf.write(this.#codec.encode(text, this.#errors));
    return codePoints(data);
  }

  /**
   * Sends whatever `write` has buffered.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("w");
   * await f.write("hello\n");
   * await f.flush();
   * console.log((await b.recv(100)).length); // 6
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async flush(): Promise<void> {
    if (this.#buf.closed) throw closedFile();
    await this.#buf.flush();
  }

  /**
   * Flushes and closes the file.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * const [a, b] = await socketpair();
   * const f = a.makefile("r");
   * await f.close();
   * console.log(f.closed); // true
   * a.close();
   * b.close();
   * ```
   */
  close(): Promise<void> {
    return this.#buf.close();
  }

  /** Closes the file (`await using f = sock.makefile()`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

// ---------------------------------------------------------------- makefile

function strOrNone(v: unknown, what: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") {
    throw new TypeError(
      `TextIOWrapper() argument '${what}' must be str or None, not ${
        pyTypeName(v)
      }`,
    );
  }
  return v;
}

/** The checks of `makefile`'s arguments, before anything is made. Internal. */
export interface FileSpec {
  readonly mode: string;
  readonly reading: boolean;
  readonly writing: boolean;
  readonly binary: boolean;
  readonly buffering: number;
  readonly text: {
    readonly encoding: string;
    readonly codec: Codec;
    readonly errors: string;
    readonly newline: Newline;
  } | null;
}

/**
 * Checks `makefile`'s arguments as CPython's `socket.makefile` (and the
 * `TextIOWrapper` it makes) does. Internal.
 */
export function fileSpec(
  mode: unknown,
  buffering: unknown,
  encoding: unknown,
  errors: unknown,
  newline: unknown,
): FileSpec {
  if (typeof mode !== "string") {
    throw new TypeError(`'${pyTypeName(mode)}' object is not iterable`);
  }
  if (![...mode].every((c) => c === "r" || c === "w" || c === "b")) {
    throw new RangeError(`invalid mode '${mode}' (only r, w, b allowed)`);
  }
  const writing = mode.includes("w");
  const reading = mode.includes("r") || !writing;
  const binary = mode.includes("b");
  let size: number;
  if (buffering === undefined || buffering === null) size = -1;
  else if (typeof buffering === "string") {
    throw new TypeError(
      "'<' not supported between instances of 'str' and 'int'",
    );
  } else size = intSize(buffering, -1);
  if (size < 0) size = DEFAULT_BUFFER_SIZE;
  if (size === 0 && !binary) {
    throw new RangeError("unbuffered streams must be binary");
  }
  if (binary) {
    return { mode, reading, writing, binary, buffering: size, text: null };
  }
  const enc = strOrNone(encoding, "encoding") ?? "UTF-8";
  const errs = strOrNone(errors, "errors") ?? "strict";
  const nl = strOrNone(newline, "newline");
  if (nl !== null && nl !== "" && nl !== "\n" && nl !== "\r" && nl !== "\r\n") {
    throw new RangeError(`illegal newline value: ${nl}`);
  }
  const codec = lookupCodec(enc);
  return {
    mode,
    reading,
    writing,
    binary,
    buffering: size,
    text: { encoding: enc, codec, errors: errs, newline: nl as Newline },
  };
}

/** Makes the file `spec` describes. Internal. */
export function openFile(
  stream: StreamCore,
  spec: FileSpec,
  owner: SocketFileOwner,
): SocketFile | RawSocketFile {
  if (spec.buffering === 0) {
    return new RawFile(stream, owner, spec.reading, spec.writing);
  }
  const buf = new BufferedFile(
    stream,
    owner,
    spec.reading,
    spec.writing,
    spec.buffering,
  );
  const t = spec.text;
  if (t === null) return buf;
  return new TextFile(buf, spec.mode, t.encoding, t.codec, t.errors, t.newline);
}
