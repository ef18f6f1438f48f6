/**
 * `socket.makefile()`: a file object over a connected stream socket.
 *
 * Reads come straight from the socket's receive buffer, so mixing file reads
 * and `recv` loses nothing, and bytes a read had taken when it timed out
 * stay in the file for the next read.
 *
 * @module
 */

import { error } from "./errors.ts";
import { toBytes } from "./_bytes.ts";
import type { StreamCore } from "./_stream.ts";
import type { WaitMode } from "./_wait.ts";

/** The modes `makefile` takes: text (`r`, `w`, `rw`) or bytes (`rb`, `wb`, `rwb`). */
export type SocketFileMode = "r" | "w" | "rw" | "rb" | "wb" | "rwb" | string;

/** How a file reaches its socket: the socket's wait mode, and letting go. Internal. */
export interface SocketFileOwner {
  /** The socket's timeout as a wait mode, fresh for each call. */
  mode(): WaitMode;
  /** Lets go of the socket (it closes when nothing else holds it). */
  release(): Promise<void>;
}

const NEWLINE = 0x0a;
const CHUNK = 65536;
const WRITE_BUFFER = 8192;
const encoder = new TextEncoder();

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined) return only;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * The file object `makefile` returns. In text modes reads give and writes
 * take strings (UTF-8; `\r\n` is read as `\n`); in binary modes they use
 * `Uint8Array`. An async iterable of lines.
 *
 * @example
 * ```ts
 * import { socketpair } from "../mod.ts";
 * const [a, b] = await socketpair();
 * const w = a.makefile("wb");
 * await w.write(new TextEncoder().encode("x\ny\n"));
 * await w.close();
 * a.close();
 * const r = b.makefile("rb");
 * console.log((await r.readlines()).length); // 2
 * await r.close();
 * b.close();
 * ```
 */
export interface SocketFile extends AsyncIterable<string | Uint8Array> {
  /** The mode given to `makefile`. */
  readonly mode: string;
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** Reads `size` bytes (characters in text mode), or to the end when `size` is negative. */
  read(size?: number): Promise<string | Uint8Array>;
  /** Reads one line with its newline; empty at the end of the stream. */
  readline(limit?: number): Promise<string | Uint8Array>;
  /** Reads all remaining lines. */
  readlines(hint?: number): Promise<Array<string | Uint8Array>>;
  /** Writes `data`; resolves to the length written. */
  write(
    data: string | Uint8Array | ArrayBufferView | ArrayBuffer,
  ): Promise<number>;
  /** Sends whatever `write` has buffered. */
  flush(): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Closes the file (`await using f = sock.makefile()`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The one implementation of {@link SocketFile}. Internal. */
export class SocketFileImpl implements SocketFile {
  readonly #stream: StreamCore;
  readonly #owner: SocketFileOwner;
  readonly #readable: boolean;
  readonly #writable: boolean;
  readonly #binary: boolean;
  readonly #mode: string;
  readonly #unbuffered: boolean;
  // Bytes taken from the socket but not yet handed out.
  #carry: Uint8Array[] = [];
  #carrySize = 0;
  // Text decoded but not yet handed out (text mode `read(n)`).
  #text = "";
  readonly #decoder = new TextDecoder();
  #out: Uint8Array[] = [];
  #outSize = 0;
  #closed = false;

  /** Use `socket.makefile()`. */
  constructor(
    stream: StreamCore,
    mode: SocketFileMode,
    buffering: number,
    owner: SocketFileOwner,
  ) {
    const chars = [...mode];
    if (
      chars.some((c) => !"rwb".includes(c)) ||
      new Set(chars).size !== chars.length || mode === "" || mode === "b"
    ) {
      throw new RangeError(`invalid mode '${mode}' (only r, w, b allowed)`);
    }
    this.#stream = stream;
    this.#owner = owner;
    this.#readable = chars.includes("r");
    this.#writable = chars.includes("w");
    this.#binary = chars.includes("b");
    this.#mode = mode;
    if (buffering === 0 && !this.#binary) {
      owner.release();
      throw new RangeError("unbuffered streams must be binary");
    }
    this.#unbuffered = buffering === 0;
  }

  /** The mode given to `makefile`. */
  get mode(): string {
    return this.#mode;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  #check(readable: boolean): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (readable && !this.#readable) {
      throw new error("File not open for reading");
    }
    if (!readable && !this.#writable) {
      throw new error("File not open for writing");
    }
  }

  // ------------------------------------------------------------ reading

  #takeCarry(max: number): Uint8Array {
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

  #keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#carry.push(bytes);
    this.#carrySize += bytes.length;
  }

  // Up to `size` bytes, or everything to the end when `size` is negative.
  async #readBytes(size: number): Promise<Uint8Array> {
    if (size > this.#carrySize && !this.#unbuffered) {
      return await this.#readExactly(size);
    }
    const want = size < 0 ? Infinity : size;
    while (this.#carrySize < want) {
      const chunk = await this.#stream.recv(
        Math.min(CHUNK, want - this.#carrySize),
        this.#owner.mode(),
      );
      if (chunk.length === 0) break;
      this.#keep(chunk);
      if (this.#unbuffered) break;
    }
    return this.#takeCarry(want);
  }

  // `size` bytes (fewer at the end of the stream), received straight into
  // the result. What came before a failure (a timeout) stays for the next
  // read, as in Python's BufferedReader.
  async #readExactly(size: number): Promise<Uint8Array> {
    const out = new Uint8Array(size);
    let got = this.#carrySize;
    out.set(this.#takeCarry(got));
    try {
      while (got < size) {
        const n = await this.#stream.recvInto(
          out.subarray(got),
          this.#owner.mode(),
        );
        if (n === 0) break;
        got += n;
      }
    } catch (e) {
      this.#keep(out.slice(0, got));
      throw e;
    }
    return got === size ? out : out.slice(0, got);
  }

  // One line of bytes (with its `\n`), at most `limit` bytes when `limit` >= 0.
  async #readLineBytes(limit: number): Promise<Uint8Array> {
    const max = limit < 0 ? Infinity : limit;
    for (;;) {
      const carried = this.#carrySize;
      if (carried >= max) return this.#takeCarry(max);
      const room = max - carried;
      const at = this.#stream.indexOf(
        NEWLINE,
        Math.min(room, this.#stream.buffered),
      );
      if (at >= 0) {
        // The common case, a whole line already in the store: as it is.
        if (carried === 0) return this.#stream.take(at + 1);
        this.#keep(this.#stream.take(at + 1));
        return this.#takeCarry(carried + at + 1);
      }
      const s = this.#stream;
      if (s.buffered >= room) {
        this.#keep(s.take(room));
        return this.#takeCarry(max);
      }
      if (s.buffered >= s.rcvbuf) {
        // A line longer than the receive buffer: hold what came so far.
        this.#keep(s.take(s.buffered));
        continue;
      }
      if (s.ended) {
        this.#keep(s.take(s.buffered));
        if (this.#carrySize === 0) s.throwPending();
        return this.#takeCarry(Infinity);
      }
      await s.waitFor(s.buffered + 1, this.#owner.mode());
    }
  }

  #decode(bytes: Uint8Array): string {
    return this.#decoder.decode(bytes, { stream: true }).replaceAll(
      "\r\n",
      "\n",
    );
  }

  /**
   * Reads `size` bytes (characters in text mode), or to the end of the
   * stream when `size` is negative.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("abcdef");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.read(2), await f.read()); // ab cdef
   * await f.close();
   * b.close();
   * ```
   */
  async read(size = -1): Promise<string | Uint8Array> {
    this.#check(true);
    if (this.#binary) return await this.#readBytes(size);
    if (size < 0) {
      const all = this.#text + this.#decode(await this.#readBytes(-1)) +
        this.#decoder.decode();
      this.#text = "";
      return all;
    }
    while (this.#text.length < size) {
      const chunk = await this.#readBytes(Math.min(CHUNK, size));
      if (chunk.length === 0) break;
      this.#text += this.#decode(chunk);
    }
    const out = this.#text.slice(0, size);
    this.#text = this.#text.slice(size);
    return out;
  }

  /**
   * Reads one line, with its newline; an empty result at the end of the
   * stream. `limit` caps the bytes (characters in text mode) read.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("GET / HTTP/1.0\r\n\r\n");
   * const f = b.makefile("rb");
   * console.log((await f.readline()).length); // 16
   * await f.close();
   * a.close();
   * b.close();
   * ```
   */
  async readline(limit = -1): Promise<string | Uint8Array> {
    this.#check(true);
    if (this.#binary) return await this.#readLineBytes(limit);
    const nl = this.#text.indexOf("\n");
    if (nl >= 0 && (limit < 0 || nl < limit)) {
      const line = this.#text.slice(0, nl + 1);
      this.#text = this.#text.slice(nl + 1);
      return line;
    }
    if (limit >= 0 && this.#text.length >= limit) {
      const line = this.#text.slice(0, limit);
      this.#text = this.#text.slice(limit);
      return line;
    }
    const rest = limit < 0 ? -1 : limit - this.#text.length;
    const line = this.#text + this.#decode(await this.#readLineBytes(rest));
    this.#text = "";
    return line;
  }

  /**
   * Reads all remaining lines.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * await a.sendall("1\n2\n3");
   * a.close();
   * const f = b.makefile("r");
   * console.log(await f.readlines()); // ["1\n", "2\n", "3"]
   * await f.close();
   * b.close();
   * ```
   */
  async readlines(hint = -1): Promise<Array<string | Uint8Array>> {
    const lines: Array<string | Uint8Array> = [];
    let total = 0;
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
      total += line.length;
      if (hint > 0 && total >= hint) return lines;
    }
  }

  /** Iterates over lines until the end of the stream. */
  async *[Symbol.asyncIterator](): AsyncGenerator<
    string | Uint8Array,
    void,
    undefined
  > {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  // ------------------------------------------------------------ writing

  /**
   * Writes `data` (a string in text mode, bytes in binary mode); it is sent
   * when the buffer fills, on `flush()` and on `close()`. Resolves to the
   * length written.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
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
  async write(
    data: string | Uint8Array | ArrayBufferView | ArrayBuffer,
  ): Promise<number> {
    this.#check(false);
    if (this.#binary && typeof data === "string") {
      throw new TypeError("a bytes-like object is required, not 'str'");
    }
    if (!this.#binary && typeof data !== "string") {
      throw new TypeError("write() argument must be str, not bytes");
    }
    const bytes = typeof data === "string"
      ? encoder.encode(data)
      : toBytes(data).slice();
    this.#out.push(bytes);
    this.#outSize += bytes.length;
    if (this.#unbuffered || this.#outSize >= WRITE_BUFFER) await this.flush();
    return typeof data === "string" ? data.length : bytes.length;
  }

  /**
   * Sends whatever `write` has buffered.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
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
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    if (this.#outSize === 0) return;
    const data = concat(this.#out, this.#outSize);
    this.#out = [];
    this.#outSize = 0;
    await this.#stream.sendall(data, this.#owner.mode());
  }

  /**
   * Flushes and closes the file; the socket closes when nothing else holds
   * it.
   *
   * @example
   * ```ts
   * import { socketpair } from "../mod.ts";
   * const [a, b] = await socketpair();
   * const f = a.makefile("rb");
   * await f.close();
   * console.log(f.closed); // true
   * a.close();
   * b.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#writable && this.#outSize > 0) await this.flush();
    } finally {
      this.#closed = true;
      await this.#owner.release();
    }
  }

  /** Closes the file (`await using f = sock.makefile()`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
