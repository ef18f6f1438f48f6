/**
 * socketserver's request handlers: `BaseRequestHandler`,
 * `StreamRequestHandler` (`rfile`, `wfile`) and `DatagramRequestHandler`.
 *
 * @module
 */

import {
  type Address,
  error,
  IPPROTO_TCP,
  type Socket,
  type SocketFile,
  TCP_NODELAY,
} from "../socket/mod.ts";
import type { BaseServer } from "./server.ts";

/** A value, or a promise of it: what the overridable hooks may return. */
export type Awaitable<T> = T | PromiseLike<T>;

/** A datagram server's request: the datagram and the server's socket. */
export type DatagramRequest = [data: Uint8Array, socket: Socket];

/** A request: an accepted connection, or a datagram with its socket. */
export type Request = Socket | DatagramRequest;

/** What a server needs of a handler: the three steps it awaits in order. */
export interface RequestHandler {
  /** Runs first. */
  setup(): Awaitable<void>;
  /** Serves the request. */
  handle(): Awaitable<void>;
  /** Runs last, also when `handle()` threw. */
  finish(): Awaitable<void>;
}

/**
 * A handler class, as a server takes one: constructed with `(request,
 * client_address, server)`. Its request type is not checked against the
 * server's (Python does not either).
 */
export type RequestHandlerClass = new (
  request: never,
  client_address: Address,
  server: never,
) => RequestHandler;

/**
 * The base of request handlers, as Python's `BaseRequestHandler`: `R` is
 * the request's type (an accepted `Socket` by default, a
 * {@link DatagramRequest} for datagram servers). Override `handle()` (and
 * `setup()` / `finish()`); each may return a promise.
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, TCPServer } from "@pysocket/socket/socketserver";
 * class Echo extends BaseRequestHandler {
 *   override async handle(): Promise<void> {
 *     await this.request.sendall(await this.request.recv(1024));
 *   }
 * }
 * await using server = new TCPServer(["127.0.0.1", 0], Echo);
 * console.log(server.server_address); // ["127.0.0.1", <port>]
 * ```
 */
export class BaseRequestHandler<R extends Request = Socket>
  implements RequestHandler {
  /** The request: the connection (stream), or `[data, socket]` (datagram). */
  request: R;
  /** The client's address. */
  client_address: Address;
  /** The server handling the request. */
  server: BaseServer;

  /** Made by the server, which then awaits `setup`, `handle` and `finish`. */
  constructor(request: R, client_address: Address, server: BaseServer) {
    this.request = request;
    this.client_address = client_address;
    this.server = server;
  }

  /** Prepares the request (nothing here). */
  setup(): Awaitable<void> {}

  /** Serves the request (nothing here). */
  handle(): Awaitable<void> {}

  /** Cleans up (nothing here). */
  finish(): Awaitable<void> {}
}

/** A stream handler's `rfile`: Python's buffered reader, in bytes. */
export interface RequestReader extends AsyncIterable<Uint8Array> {
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** Reads `size` bytes, or to the end when negative (the default). */
  read(size?: number): Promise<Uint8Array>;
  /** Reads a line with its newline; empty at the end. */
  readline(limit?: number): Promise<Uint8Array>;
  /** Reads all remaining lines. */
  readlines(hint?: number): Promise<Uint8Array[]>;
  /** Closes the file (the connection stays). */
  close(): Promise<void>;
}

/** A stream handler's `wfile`. */
export interface RequestWriter {
  /** Whether `close()` has been called. */
  readonly closed: boolean;
  /** Writes `data` (a string is sent as UTF-8); resolves to its length. */
  write(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
  ): Promise<number>;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Flushes and closes the file (the connection stays). */
  close(): Promise<void>;
  /** Whether it can be written (always). */
  writable(): boolean;
}

function bytes(v: string | Uint8Array): Uint8Array {
  // A binary file gives bytes; the check keeps the type honest.
  if (typeof v === "string") {
    throw new TypeError("expected bytes from a binary file");
  }
  return v;
}

// `makefile("rb")` typed as bytes.
class FileReader implements RequestReader {
  readonly #file: SocketFile;
  constructor(file: SocketFile) {
    this.#file = file;
  }
  get closed(): boolean {
    return this.#file.closed;
  }
  async read(size = -1): Promise<Uint8Array> {
    return bytes(await this.#file.read(size));
  }
  async readline(limit = -1): Promise<Uint8Array> {
    return bytes(await this.#file.readline(limit));
  }
  async readlines(hint = -1): Promise<Uint8Array[]> {
    return (await this.#file.readlines(hint)).map(bytes);
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const line of this.#file) yield bytes(line);
  }
  close(): Promise<void> {
    return this.#file.close();
  }
}

// `makefile("wb", wbufsize)`.
class FileWriter implements RequestWriter {
  readonly #file: SocketFile;
  constructor(file: SocketFile) {
    this.#file = file;
  }
  get closed(): boolean {
    return this.#file.closed;
  }
  write(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
  ): Promise<number> {
    // As the unbuffered writer (and sendall): a string goes out as UTF-8.
    return this.#file.write(
      typeof data === "string" ? new TextEncoder().encode(data) : data,
    );
  }
  flush(): Promise<void> {
    return this.#file.flush();
  }
  close(): Promise<void> {
    return this.#file.close();
  }
  writable(): boolean {
    return true;
  }
}

// Python's `_SocketWriter`: each write is one `sendall`, nothing buffered.
class SocketWriter implements RequestWriter {
  readonly #sock: Socket;
  #closed = false;
  constructor(sock: Socket) {
    this.#sock = sock;
  }
  get closed(): boolean {
    return this.#closed;
  }
  async write(
    data: Uint8Array | ArrayBufferView | ArrayBuffer | string,
  ): Promise<number> {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
    const b = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.#sock.sendall(b);
    return b.byteLength;
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
  writable(): boolean {
    return true;
  }
  fileno(): number {
    return this.#sock.fileno();
  }
}

type StreamHandlerStatics = typeof StreamRequestHandler;

/**
 * A handler for stream servers with file objects over the connection, as
 * Python's `StreamRequestHandler`: `rfile` (buffered, `rbufsize`) and
 * `wfile` (each write sent at once when `wbufsize` is 0, the default).
 * `timeout` (seconds) applies to the connection, and
 * `disable_nagle_algorithm` turns `TCP_NODELAY` on. Both files are closed
 * by `finish()`.
 *
 * @example
 * ```ts
 * import { StreamRequestHandler, TCPServer } from "@pysocket/socket/socketserver";
 * class Upper extends StreamRequestHandler {
 *   static override timeout = 5;
 *   override async handle(): Promise<void> {
 *     const line = await this.rfile.readline();
 *     await this.wfile.write(new TextDecoder().decode(line).toUpperCase());
 *   }
 * }
 * await using server = new TCPServer(["127.0.0.1", 0], Upper);
 * ```
 */
export class StreamRequestHandler extends BaseRequestHandler<Socket> {
  /** Buffer size of `rfile` (-1: the default size). */
  static rbufsize: number = -1;
  /** Buffer size of `wfile` (0: unbuffered, each write sent at once). */
  static wbufsize: number = 0;
  /** A timeout for the connection, in seconds, when not `null`. */
  static timeout: number | null = null;
  /** Whether to set `TCP_NODELAY` on the connection. */
  static disable_nagle_algorithm = false;

  #rbufsize: number | undefined;
  #wbufsize: number | undefined;
  #timeout: number | null | undefined;
  #nagle: boolean | undefined;

  /** The connection (the request). */
  connection: Socket;
  /** Reads from the connection; made by `setup()`. */
  rfile!: RequestReader;
  /** Writes to the connection; made by `setup()`. */
  wfile!: RequestWriter;

  /** Made by the server. */
  constructor(request: Socket, client_address: Address, server: BaseServer) {
    super(request, client_address, server);
    this.connection = request;
  }

  #statics(): StreamHandlerStatics {
    return this.constructor as StreamHandlerStatics;
  }

  /** `rbufsize`, as the class (or this instance) sets it. */
  get rbufsize(): number {
    return this.#rbufsize ?? this.#statics().rbufsize;
  }
  set rbufsize(v: number) {
    this.#rbufsize = v;
  }

  /** `wbufsize`, as the class (or this instance) sets it. */
  get wbufsize(): number {
    return this.#wbufsize ?? this.#statics().wbufsize;
  }
  set wbufsize(v: number) {
    this.#wbufsize = v;
  }

  /** `timeout`, as the class (or this instance) sets it. */
  get timeout(): number | null {
    return this.#timeout === undefined
      ? this.#statics().timeout
      : this.#timeout;
  }
  set timeout(v: number | null) {
    this.#timeout = v;
  }

  /** `disable_nagle_algorithm`, as the class (or this instance) sets it. */
  get disable_nagle_algorithm(): boolean {
    return this.#nagle ?? this.#statics().disable_nagle_algorithm;
  }
  set disable_nagle_algorithm(v: boolean) {
    this.#nagle = v;
  }

  /** Applies `timeout` and `disable_nagle_algorithm`, makes the files. */
  override setup(): Awaitable<void> {
    this.connection = this.request;
    if (this.timeout !== null) this.connection.settimeout(this.timeout);
    if (this.disable_nagle_algorithm) {
      this.connection.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    }
    this.rfile = new FileReader(this.connection.makefile("rb", this.rbufsize));
    this.wfile = this.wbufsize === 0
      ? new SocketWriter(this.connection)
      : new FileWriter(this.connection.makefile("wb", this.wbufsize));
  }

  /** Flushes `wfile` (a socket error there is ignored), closes both files. */
  override async finish(): Promise<void> {
    if (!this.wfile.closed) {
      try {
        await this.wfile.flush();
      } catch (e) {
        // As CPython: a last socket error here (ECONNABORTED, ...) is
        // not the handler's.
        if (!(e instanceof error)) throw e;
      }
    }
    await this.wfile.close();
    await this.rfile.close();
  }
}

/**
 * An in-memory bytes file, as Python's `io.BytesIO`: a datagram handler's
 * `rfile` (the datagram) and `wfile` (the reply).
 *
 * @example
 * ```ts
 * import { BytesIO } from "@pysocket/socket/socketserver";
 * const f = new BytesIO(new TextEncoder().encode("a\nb\n"));
 * console.log(f.readline()); // Uint8Array [97, 10]
 * ```
 */
export class BytesIO implements Iterable<Uint8Array> {
  #buf: Uint8Array;
  #size: number;
  #pos = 0;
  #closed = false;

  /** A file holding a copy of `initial`, positioned at its start. */
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.#buf = initial.slice();
    this.#size = initial.length;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  #check(): void {
    if (this.#closed) throw new RangeError("I/O operation on closed file.");
  }

  /** Reads `size` bytes, or the rest when negative (the default). */
  read(size = -1): Uint8Array {
    this.#check();
    const end = size < 0 ? this.#size : Math.min(this.#size, this.#pos + size);
    const out = this.#buf.slice(this.#pos, Math.max(end, this.#pos));
    this.#pos += out.length;
    return out;
  }

  /** Reads up to and including the next newline (at most `limit` bytes). */
  readline(limit = -1): Uint8Array {
    this.#check();
    let end = this.#buf.subarray(0, this.#size).indexOf(0x0a, this.#pos);
    end = end < 0 ? this.#size : end + 1;
    if (limit >= 0) end = Math.min(end, this.#pos + limit);
    const out = this.#buf.slice(this.#pos, Math.max(end, this.#pos));
    this.#pos += out.length;
    return out;
  }

  /** Reads all remaining lines. */
  readlines(): Uint8Array[] {
    const lines: Uint8Array[] = [];
    for (let line = this.readline(); line.length > 0; line = this.readline()) {
      lines.push(line);
    }
    return lines;
  }

  /** Writes `data` at the position (a string as UTF-8); returns its length. */
  write(data: Uint8Array | ArrayBufferView | ArrayBuffer | string): number {
    this.#check();
    const b = typeof data === "string"
      ? new TextEncoder().encode(data)
      : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const end = this.#pos + b.length;
    if (end > this.#buf.length) {
      const grown = new Uint8Array(Math.max(end, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#size));
      this.#buf = grown;
    }
    this.#buf.set(b, this.#pos);
    this.#pos = end;
    this.#size = Math.max(this.#size, end);
    return b.length;
  }

  /** The whole contents. */
  getvalue(): Uint8Array {
    this.#check();
    return this.#buf.slice(0, this.#size);
  }

  /** Nothing to flush: here for file-like code. */
  flush(): void {
    this.#check();
  }

  /** Frees the contents; later calls throw. */
  close(): void {
    this.#closed = true;
    this.#buf = new Uint8Array(0);
    this.#size = 0;
  }

  /** The remaining lines. */
  *[Symbol.iterator](): Iterator<Uint8Array> {
    for (let line = this.readline(); line.length > 0; line = this.readline()) {
      yield line;
    }
  }
}

/**
 * A handler for datagram servers, as Python's `DatagramRequestHandler`:
 * `rfile` holds the datagram, and what is written to `wfile` is sent back
 * to the client by `finish()`.
 *
 * @example
 * ```ts
 * import { DatagramRequestHandler, UDPServer } from "@pysocket/socket/socketserver";
 * class Upper extends DatagramRequestHandler {
 *   override handle(): void {
 *     const text = new TextDecoder().decode(this.rfile.read());
 *     this.wfile.write(text.toUpperCase());
 *   }
 * }
 * await using server = new UDPServer(["127.0.0.1", 0], Upper);
 * ```
 */
export class DatagramRequestHandler
  extends BaseRequestHandler<DatagramRequest> {
  /** The datagram. */
  packet: Uint8Array;
  /** The server's socket, which the reply goes out of. */
  socket: Socket;
  /** The datagram, to read. */
  rfile: BytesIO = new BytesIO();
  /** The reply, sent by `finish()`. */
  wfile: BytesIO = new BytesIO();

  /** Made by the server. */
  constructor(
    request: DatagramRequest,
    client_address: Address,
    server: BaseServer,
  ) {
    super(request, client_address, server);
    [this.packet, this.socket] = request;
  }

  /** Makes `rfile` from the datagram and an empty `wfile`. */
  override setup(): Awaitable<void> {
    [this.packet, this.socket] = this.request;
    this.rfile = new BytesIO(this.packet);
    this.wfile = new BytesIO();
  }

  /** Sends what was written to `wfile` to the client. */
  override async finish(): Promise<void> {
    await this.socket.sendto(this.wfile.getvalue(), this.client_address);
  }
}
