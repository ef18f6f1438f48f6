/**
 * socketserver's `ThreadingMixIn` and the threading servers. JavaScript
 * has no threads to give each request: each runs as a task of its own,
 * concurrently with the server loop and the other requests.
 *
 * @module
 */

import type { Address } from "../socket/mod.ts";
import type { Request } from "./handlers.ts";
import {
  BaseServer,
  TCPServer,
  UDPServer,
  UnixDatagramServer,
  UnixStreamServer,
} from "./server.ts";

/** A server class `ThreadingMixIn` can mix into. */
export type ServerClass = abstract new (...args: never[]) => BaseServer;

/** The static side `ThreadingMixIn` adds. */
export interface ThreadingMixInStatics {
  /** When `true`, `server_close()` does not wait for running requests. */
  daemon_threads: boolean;
}

/** The instance side `ThreadingMixIn` adds. */
export interface ThreadingMixInMembers {
  /** `daemon_threads`, as the class (or this instance) sets it. */
  daemon_threads: boolean;
  /**
   * Handles one request in its own task: `finish_request()`, then
   * `handle_error()` if it threw, and `shutdown_request()` in any case.
   */
  process_request_thread(
    request: Request,
    client_address: Address,
  ): Promise<void>;
}

/** `Base` with `ThreadingMixIn` mixed in. */
export type ThreadingClass<C extends ServerClass> =
  & { [K in Exclude<keyof C, "prototype">]: C[K] }
  & ThreadingMixInStatics
  & (new (
    ...args: ConstructorParameters<C>
  ) => InstanceType<C> & ThreadingMixInMembers);

/**
 * Python's `ThreadingMixIn` as a class mixin: `process_request` starts
 * each request as a task of its own and returns at once, and
 * `server_close()` resolves once the running requests have finished
 * (unless `block_on_close` is `false` or `daemon_threads` is `true`).
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, TCPServer, ThreadingMixIn } from "@pysocket/socket/socketserver";
 * class MyServer extends ThreadingMixIn(TCPServer) {
 *   static override daemon_threads = true;
 * }
 * await using server = new MyServer(["127.0.0.1", 0], BaseRequestHandler);
 * console.log(server.daemon_threads); // true
 * ```
 */
export function ThreadingMixIn<C extends ServerClass>(
  Base: C,
): ThreadingClass<C> {
  // A class extending a type parameter needs TypeScript's `any[]` mixin
  // constructor, which this project does not use: extend it as a plain
  // server class, and give it back with the caller's type.
  const Server: ServerClass = Base;
  abstract class Threading extends Server implements ThreadingMixInMembers {
    static daemon_threads = false;
    #daemon: boolean | undefined;
    readonly #tasks = new Set<Promise<void>>();

    get daemon_threads(): boolean {
      return this.#daemon ??
        (this.constructor as unknown as ThreadingMixInStatics).daemon_threads;
    }
    set daemon_threads(v: boolean) {
      this.#daemon = v;
    }

    async process_request_thread(
      request: Request,
      client_address: Address,
    ): Promise<void> {
      try {
        await this.finish_request(request, client_address);
      } catch (e) {
        await this.handle_error(request, client_address, e);
      } finally {
        await this.shutdown_request(request);
      }
    }

    override process_request(
      request: Request,
      client_address: Address,
    ): Promise<void> {
      const task = this.process_request_thread(request, client_address)
        .catch((e) => {
          // What a thread's uncaught exception would print.
          console.error("Exception in request task:", e);
        });
      if (this.block_on_close && !this.daemon_threads) {
        this.#tasks.add(task);
        task.then(() => this.#tasks.delete(task));
      }
      return Promise.resolve();
    }

    override async server_close(): Promise<void> {
      await super.server_close();
      while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
    }
  }
  return Threading as unknown as ThreadingClass<C>;
}

// The servers below are constants of a class type rather than `class X
// extends ThreadingMixIn(Y) {}`: `deno publish` cannot type a superclass
// that is a call, and `deno doc` refuses one behind a private name.
function named<T extends ServerClass>(cls: T, name: string): T {
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

/**
 * A TCP server handling each request in its own task.
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, ThreadingTCPServer } from "@pysocket/socket/socketserver";
 * await using server = new ThreadingTCPServer(["127.0.0.1", 0], BaseRequestHandler);
 * ```
 */
export const ThreadingTCPServer: ThreadingClass<typeof TCPServer> = named(
  ThreadingMixIn(TCPServer),
  "ThreadingTCPServer",
);
/** A `ThreadingTCPServer` (the instance type of the class above). */
export type ThreadingTCPServer = InstanceType<typeof ThreadingTCPServer>;

/**
 * A UDP server handling each datagram in its own task.
 *
 * @example
 * ```ts
 * import { DatagramRequestHandler, ThreadingUDPServer } from "@pysocket/socket/socketserver";
 * await using server = new ThreadingUDPServer(["127.0.0.1", 0], DatagramRequestHandler);
 * ```
 */
export const ThreadingUDPServer: ThreadingClass<typeof UDPServer> = named(
  ThreadingMixIn(UDPServer),
  "ThreadingUDPServer",
);
/** A `ThreadingUDPServer` (the instance type of the class above). */
export type ThreadingUDPServer = InstanceType<typeof ThreadingUDPServer>;

/**
 * A Unix stream server handling each connection in its own task.
 *
 * @example
 * ```ts
 * import { BaseRequestHandler, ThreadingUnixStreamServer } from "@pysocket/socket/socketserver";
 * const path = Deno.makeTempDirSync() + "/sock";
 * await using server = new ThreadingUnixStreamServer(path, BaseRequestHandler);
 * ```
 */
export const ThreadingUnixStreamServer: ThreadingClass<
  typeof UnixStreamServer
> = named(
  ThreadingMixIn(UnixStreamServer),
  "ThreadingUnixStreamServer",
);
/** A `ThreadingUnixStreamServer` (the instance type of the class above). */
export type ThreadingUnixStreamServer = InstanceType<
  typeof ThreadingUnixStreamServer
>;

/**
 * A Unix datagram server handling each datagram in its own task.
 *
 * @example
 * ```ts
 * import { DatagramRequestHandler, ThreadingUnixDatagramServer } from "@pysocket/socket/socketserver";
 * const path = Deno.makeTempDirSync() + "/dgram";
 * await using server = new ThreadingUnixDatagramServer(path, DatagramRequestHandler);
 * ```
 */
export const ThreadingUnixDatagramServer: ThreadingClass<
  typeof UnixDatagramServer
> = named(
  ThreadingMixIn(UnixDatagramServer),
  "ThreadingUnixDatagramServer",
);
/** A `ThreadingUnixDatagramServer` (the instance type of the class above). */
export type ThreadingUnixDatagramServer = InstanceType<
  typeof ThreadingUnixDatagramServer
>;
