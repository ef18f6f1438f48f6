/**
 * socketserver's servers: `BaseServer`, `TCPServer`, `UDPServer`,
 * `UnixStreamServer` and `UnixDatagramServer`.
 *
 * @module
 */

import {
  type Address,
  AF_INET,
  AF_UNIX,
  error,
  SHUT_WR,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SOCK_DGRAM,
  SOCK_STREAM,
  Socket,
  socket,
  SOL_SOCKET,
} from "../socket/mod.ts";
import { EVENT_READ, PollSelector } from "../selectors/mod.ts";
import type {
  Awaitable,
  DatagramRequest,
  Request,
  RequestHandler,
  RequestHandlerClass,
} from "./handlers.ts";
import { pyStr, traceback } from "./_report.ts";

function notImplemented(what: string): Error {
  const e = new Error(`${what} is not implemented by BaseServer`);
  e.name = "NotImplementedError";
  return e;
}

type BaseStatics = typeof BaseServer;

/**
 * The base of servers, as Python's `BaseServer`: the request loop
 * (`serve_forever`, `handle_request`) and the hooks it calls, each of which
 * a subclass may override and may make async. A subclass provides
 * `fileno()` and `get_request()`.
 *
 * Python's class attributes are static properties that subclasses override
 * (`static override timeout = 5`) and that read through on the instance,
 * where they may also be set.
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, TCPServer } from "@pysocket/socket/socketserver";
 * class Quiet extends TCPServer {
 *   static override allow_reuse_address = true;
 * }
 * await using server = new Quiet(["127.0.0.1", 0], BaseRequestHandler);
 * console.log(server.allow_reuse_address); // true
 * ```
 */
export class BaseServer implements Disposable, AsyncDisposable {
  /** `handle_request()`'s timeout in seconds, or `null`. */
  static timeout: number | null = null;
  /** Whether `server_close()` waits for the requests still running. */
  static block_on_close = true;

  /** The address the server is bound to (after binding, as bound). */
  server_address: Address;
  /** The handler class made for each request. */
  RequestHandlerClass: RequestHandlerClass;

  #timeout: number | null | undefined;
  #blockOnClose: boolean | undefined;
  #shutdownRequest = false;
  #serving: Promise<void> | null = null;
  #abort: AbortController | null = null;

  /**
   * A server for `server_address` whose requests `RequestHandlerClass`
   * handles.
   */
  constructor(
    server_address: Address,
    RequestHandlerClass: RequestHandlerClass,
  ) {
    this.server_address = server_address;
    this.RequestHandlerClass = RequestHandlerClass;
  }

  #statics(): BaseStatics {
    return this.constructor as BaseStatics;
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

  /** `block_on_close`, as the class (or this instance) sets it. */
  get block_on_close(): boolean {
    return this.#blockOnClose ?? this.#statics().block_on_close;
  }
  set block_on_close(v: boolean) {
    this.#blockOnClose = v;
  }

  /** The number `select` and the selectors watch: the server's socket's. */
  fileno(): number {
    throw notImplemented("fileno()");
  }

  /** Called by the constructor to start listening (nothing here). */
  server_activate(): void {}

  /**
   * Handles requests until `shutdown()`: waits for one (looking every
   * `poll_interval` seconds whether to stop, and calling
   * `service_actions()`), then handles it. Resolves once stopped.
   *
   * @example
   * ```ts
   * import { BaseRequestHandler, TCPServer } from "@pysocket/socket/socketserver";
   * await using server = new TCPServer(["127.0.0.1", 0], BaseRequestHandler);
   * const serving = server.serve_forever();
   * await server.shutdown();
   * await serving;
   * ```
   */
  serve_forever(poll_interval: number = 0.5): Promise<void> {
    const run = this.#serve(poll_interval);
    const done = run.then(() => {}, () => {});
    this.#serving = done;
    done.then(() => {
      if (this.#serving === done) this.#serving = null;
    });
    return run;
  }

  async #serve(pollInterval: number): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    try {
      using selector = new PollSelector<null, BaseServer>();
      selector.register(this, EVENT_READ);
      while (!this.#shutdownRequest) {
        let ready: unknown[];
        try {
          ready = await selector.select(pollInterval, { signal: abort.signal });
        } catch (e) {
          if (abort.signal.aborted) break;
          throw e;
        }
        // shutdown() during the wait: stop at once (CPython's bpo-35017).
        if (this.#shutdownRequest) break;
        if (ready.length > 0) await this.#handleRequestNoblock();
        await this.service_actions();
      }
    } finally {
      this.#shutdownRequest = false;
      this.#abort = null;
    }
  }

  /**
   * Stops `serve_forever()` and resolves once it has stopped (at once
   * when it is not running; a later `serve_forever()` then returns at
   * once, as in CPython).
   */
  async shutdown(): Promise<void> {
    this.#shutdownRequest = true;
    this.#abort?.abort();
    if (this.#serving !== null) await this.#serving;
  }

  /**
   * Called by `serve_forever()` on each turn of its loop (nothing here).
   */
  service_actions(): Awaitable<void> {}

  /**
   * Waits for one request and handles it, or calls `handle_timeout()`
   * when none came within `timeout` (the smaller of the server's and its
   * socket's).
   */
  async handle_request(): Promise<void> {
    let timeout = this.socketTimeout();
    if (timeout === null) timeout = this.timeout;
    else if (this.timeout !== null) timeout = Math.min(timeout, this.timeout);
    const deadline = timeout === null
      ? null
      : performance.now() + timeout * 1000;
    using selector = new PollSelector<null, BaseServer>();
    selector.register(this, EVENT_READ);
    for (;;) {
      const ready = await selector.select(timeout);
      if (ready.length > 0) return await this.#handleRequestNoblock();
      if (deadline !== null) {
        timeout = (deadline - performance.now()) / 1000;
        if (timeout < 0) return await this.handle_timeout();
      }
    }
  }

  /** The timeout of the server's socket (none here). */
  protected socketTimeout(): number | null {
    return null;
  }

  async #handleRequestNoblock(): Promise<void> {
    let request: Request;
    let client_address: Address;
    try {
      [request, client_address] = await this.get_request();
    } catch (e) {
      if (e instanceof error) return;
      throw e;
    }
    if (await this.verify_request(request, client_address)) {
      try {
        await this.process_request(request, client_address);
      } catch (e) {
        await this.handle_error(request, client_address, e);
        await this.shutdown_request(request);
      }
    } else {
      await this.shutdown_request(request);
    }
  }

  /** Takes the next request: `[request, client_address]`. */
  get_request(): Awaitable<[Request, Address]> {
    throw notImplemented("get_request()");
  }

  /** Called when `handle_request()` waited `timeout` for nothing. */
  handle_timeout(): Awaitable<void> {}

  /** Whether to handle a request (always, here). */
  verify_request(
    _request: Request,
    _client_address: Address,
  ): Awaitable<boolean> {
    return true;
  }

  /** Handles the request, then shuts it down (`ThreadingMixIn` overrides). */
  async process_request(
    request: Request,
    client_address: Address,
  ): Promise<void> {
    await this.finish_request(request, client_address);
    await this.shutdown_request(request);
  }

  /**
   * Cleans up the server; resolves once the requests still running have
   * finished (with `block_on_close`).
   */
  server_close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Makes the handler for the request and awaits its `setup()`,
   * `handle()` and `finish()` (`finish()` also when `handle()` throws).
   */
  async finish_request(
    request: Request,
    client_address: Address,
  ): Promise<void> {
    // The handler class takes the server's kind of request (unchecked, as
    // in Python).
    const handler: RequestHandler = new this.RequestHandlerClass(
      request as never,
      client_address,
      this as never,
    );
    await handler.setup();
    try {
      await handler.handle();
    } finally {
      await handler.finish();
    }
  }

  /** Shuts down and closes a request. */
  shutdown_request(request: Request): Awaitable<void> {
    return this.close_request(request);
  }

  /** Closes a request (nothing here). */
  close_request(_request: Request): Awaitable<void> {}

  /**
   * Reports an error of a request as CPython does, to stderr, with the
   * client's address and a traceback; the server goes on serving.
   */
  handle_error(
    _request: Request,
    client_address: Address,
    err: unknown,
  ): Awaitable<void> {
    const line = "-".repeat(40);
    console.error(
      [
        line,
        `Exception occurred during processing of request from ${
          pyStr(client_address)
        }`,
        traceback(err),
        line,
      ].join("\n"),
    );
  }

  /** `using server = ...`: calls `server_close()` (not awaited). */
  [Symbol.dispose](): void {
    this.server_close().catch(() => {});
  }

  /** `await using server = ...`: awaits `server_close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.server_close();
  }
}

type TCPStatics = typeof TCPServer;

/**
 * A TCP server, as Python's `TCPServer`: binds and listens in the
 * constructor (unless `bind_and_activate` is `false`), with the class's
 * `address_family`, `socket_type`, `allow_reuse_address`,
 * `allow_reuse_port` and `request_queue_size`. Requests are handled one
 * at a time; see `ThreadingTCPServer` for one task each.
 *
 * @example
 * ```ts
 * import { socket } from "@pysocket/socket";
 * import { BaseRequestHandler, TCPServer } from "@pysocket/socket/socketserver";
 * class Hello extends BaseRequestHandler {
 *   override async handle(): Promise<void> {
 *     await this.request.sendall("hello\n");
 *   }
 * }
 * await using server = new TCPServer(["127.0.0.1", 0], Hello);
 * using client = socket();
 * await client.connect(server.server_address);
 * await server.handle_request();
 * console.log(new TextDecoder().decode(await client.recv(100))); // hello
 * ```
 */
export class TCPServer extends BaseServer {
  /** The socket family (`AF_INET`). */
  static address_family: number = AF_INET;
  /** The socket type (`SOCK_STREAM`). */
  static socket_type: number = SOCK_STREAM;
  /** The listen backlog. */
  static request_queue_size = 5;
  /** Whether to set `SO_REUSEADDR` before binding. */
  static allow_reuse_address = false;
  /** Whether to set `SO_REUSEPORT` before binding. */
  static allow_reuse_port = false;

  #family: number | undefined;
  #type: number | undefined;
  #queue: number | undefined;
  #reuseAddress: boolean | undefined;
  #reusePort: boolean | undefined;

  /** The server's socket. */
  socket: Socket;

  /**
   * A server bound to `server_address` and listening, unless
   * `bind_and_activate` is `false` (then call `server_bind()` and
   * `server_activate()`); on failure the socket is closed.
   */
  constructor(
    server_address: Address,
    RequestHandlerClass: RequestHandlerClass,
    bind_and_activate: boolean = true,
  ) {
    super(server_address, RequestHandlerClass);
    this.socket = socket(this.address_family, this.socket_type);
    if (bind_and_activate) {
      try {
        this.server_bind();
        this.server_activate();
      } catch (e) {
        this.server_close().catch(() => {});
        throw e;
      }
    }
  }

  #tcpStatics(): TCPStatics {
    return this.constructor as TCPStatics;
  }

  /** `address_family`, as the class (or this instance) sets it. */
  get address_family(): number {
    return this.#family ?? this.#tcpStatics().address_family;
  }
  set address_family(v: number) {
    this.#family = v;
  }

  /** `socket_type`, as the class (or this instance) sets it. */
  get socket_type(): number {
    return this.#type ?? this.#tcpStatics().socket_type;
  }
  set socket_type(v: number) {
    this.#type = v;
  }

  /** `request_queue_size`, as the class (or this instance) sets it. */
  get request_queue_size(): number {
    return this.#queue ?? this.#tcpStatics().request_queue_size;
  }
  set request_queue_size(v: number) {
    this.#queue = v;
  }

  /** `allow_reuse_address`, as the class (or this instance) sets it. */
  get allow_reuse_address(): boolean {
    return this.#reuseAddress ?? this.#tcpStatics().allow_reuse_address;
  }
  set allow_reuse_address(v: boolean) {
    this.#reuseAddress = v;
  }

  /** `allow_reuse_port`, as the class (or this instance) sets it. */
  get allow_reuse_port(): boolean {
    return this.#reusePort ?? this.#tcpStatics().allow_reuse_port;
  }
  set allow_reuse_port(v: boolean) {
    this.#reusePort = v;
  }

  /** Sets the reuse options asked for, binds, records the bound address. */
  server_bind(): void {
    if (this.allow_reuse_address) {
      this.socket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    }
    if (this.allow_reuse_port) {
      this.socket.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);
    }
    this.socket.bind(this.server_address);
    this.server_address = this.socket.getsockname();
  }

  /** Listens, with `request_queue_size`. */
  override server_activate(): void {
    this.socket.listen(this.request_queue_size);
  }

  /** Closes the server's socket. */
  override server_close(): Promise<void> {
    this.socket.close();
    return Promise.resolve();
  }

  /** The server's socket's number. */
  override fileno(): number {
    return this.socket.fileno();
  }

  /** Accepts the next connection. */
  override get_request(): Awaitable<[Request, Address]> {
    return this.socket.accept();
  }

  /** The timeout of the server's socket. */
  protected override socketTimeout(): number | null {
    return this.socket.gettimeout();
  }

  /** Shuts the connection's sending side, then closes it. */
  override shutdown_request(request: Request): Awaitable<void> {
    if (request instanceof Socket) {
      try {
        request.shutdown(SHUT_WR);
      } catch (e) {
        // Some platforms give ENOTCONN here.
        if (!(e instanceof error)) throw e;
      }
    }
    return this.close_request(request);
  }

  /** Closes the connection. */
  override close_request(request: Request): Awaitable<void> {
    if (request instanceof Socket) request.close();
  }
}

type UDPStatics = typeof UDPServer;

/**
 * A UDP server, as Python's `UDPServer`: each datagram is a request
 * `[data, socket]` (at most `max_packet_size` bytes), answered through
 * the server's socket.
 *
 * @example
 * ```ts
 * import { DatagramRequestHandler, UDPServer } from "@pysocket/socket/socketserver";
 * class Echo extends DatagramRequestHandler {
 *   override handle(): void {
 *     this.wfile.write(this.rfile.read());
 *   }
 * }
 * await using server = new UDPServer(["127.0.0.1", 0], Echo);
 * ```
 */
export class UDPServer extends TCPServer {
  /** The socket type (`SOCK_DGRAM`). */
  static override socket_type: number = SOCK_DGRAM;
  /** Whether to set `SO_REUSEADDR` before binding. */
  static override allow_reuse_address = false;
  /** Whether to set `SO_REUSEPORT` before binding. */
  static override allow_reuse_port = false;
  /** The largest datagram taken (the rest is dropped). */
  static max_packet_size = 8192;

  #max: number | undefined;

  /** `max_packet_size`, as the class (or this instance) sets it. */
  get max_packet_size(): number {
    return this.#max ?? (this.constructor as UDPStatics).max_packet_size;
  }
  set max_packet_size(v: number) {
    this.#max = v;
  }

  /** Receives the next datagram: `[[data, socket], client_address]`. */
  override async get_request(): Promise<[DatagramRequest, Address]> {
    const [data, client_addr] = await this.socket.recvfrom(
      this.max_packet_size,
    );
    // An unbound Unix sender has no address (CPython's None): "" here, as
    // an unbound Unix socket's own name shows.
    return [[data, this.socket], client_addr ?? ""];
  }

  /** Nothing: a datagram socket does not listen. */
  override server_activate(): void {}

  /** Nothing to shut down. */
  override shutdown_request(request: Request): Awaitable<void> {
    return this.close_request(request);
  }

  /** Nothing to close. */
  override close_request(_request: Request): Awaitable<void> {}
}

/**
 * A Unix stream socket server, as Python's `UnixStreamServer`
 * (`server_address` is a path).
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, UnixStreamServer } from "@pysocket/socket/socketserver";
 * const path = Deno.makeTempDirSync() + "/sock";
 * await using server = new UnixStreamServer(path, BaseRequestHandler);
 * console.log(server.server_address === path); // true
 * ```
 */
export class UnixStreamServer extends TCPServer {
  /** The socket family (`AF_UNIX`). */
  static override address_family: number = AF_UNIX;
}

/**
 * A Unix datagram socket server, as Python's `UnixDatagramServer`.
 *
 * @example
 * ```ts
 * import { DatagramRequestHandler, UnixDatagramServer } from "@pysocket/socket/socketserver";
 * const path = Deno.makeTempDirSync() + "/dgram";
 * await using server = new UnixDatagramServer(path, DatagramRequestHandler);
 * console.log(server.server_address === path); // true
 * ```
 */
export class UnixDatagramServer extends UDPServer {
  /** The socket family (`AF_UNIX`). */
  static override address_family: number = AF_UNIX;
}
