// A listening stream socket: at most one runtime accept in flight, its
// connection queued for the next `accept`, so an accept that times out never
// loses a connection.

import type { StreamConn, StreamListener } from "../_runtime/runtime.ts";
import { errno, error, fromRuntimeError, osError } from "./errors.ts";
import { Signal } from "./_wait.ts";
import { POLLERR, POLLIN } from "../_base/poll.ts";
import type { WaitMode } from "./_wait.ts";

/** Accept state of one listening socket. */
export class ListenerCore {
  readonly listener: StreamListener;
  #ready: StreamConn[] = [];
  #accepting: Promise<void> | null = null;
  #error: Error | null = null;
  #closed = false;
  // TCP shutdown(SHUT_RD): not listening until resume().
  #stopped = false;
  // AF_UNIX shutdown(SHUT_RD): a blocking accept with nothing ready fails.
  #readShut = false;
  /** Notified when a connection or an error arrives, or the listener stops. */
  readonly readable: Signal = new Signal();

  constructor(listener: StreamListener) {
    this.listener = listener;
  }

  /**
   * Linux's poll bits now: readable when `accept` would not wait. Asking
   * starts an accept, so that `readable` is notified when one comes.
   */
  readiness(): number {
    if (this.#closed) return 0;
    if (this.#ready.length > 0 || this.#error !== null) {
      return this.#error !== null ? POLLIN | POLLERR : POLLIN;
    }
    if (!this.#stopped) this.#startAccept();
    return 0;
  }

  /** The next connection, waiting as `mode` says. */
  async accept(mode: WaitMode): Promise<StreamConn> {
    for (;;) {
      if (this.#closed) throw osError(errno.EBADF);
      if (this.#stopped) throw osError(errno.EINVAL);
      const conn = this.#ready.shift();
      if (conn) return conn;
      if (this.#error) {
        const e = this.#error;
        this.#error = null;
        throw e;
      }
      if (this.#readShut && !mode.nonblocking && mode.deadline === null) {
        throw osError(errno.EINVAL);
      }
      this.#startAccept();
      if (mode.nonblocking) throw osError(errno.EAGAIN);
      await this.readable.wait(mode);
    }
  }

  #startAccept(): void {
    if (this.#accepting || this.#closed) return;
    this.#accepting = this.listener.accept().then(
      (conn) => {
        this.#accepting = null;
        if (this.#closed || this.#stopped) conn.close();
        else this.#ready.push(conn);
        this.readable.notify();
      },
      (e) => {
        this.#accepting = null;
        const err = fromRuntimeError(e);
        // A connection reset before it was accepted: Linux still hands it
        // out (its recv gives ECONNRESET), Deno fails the accept. It is
        // skipped, and the waiters accept the next one.
        const gone = err instanceof error &&
          (err.errno === errno.ENOTCONN || err.errno === errno.ECONNABORTED ||
            err.errno === errno.ECONNRESET);
        if (!this.#closed && !gone) this.#error = err;
        this.readable.notify();
      },
    );
  }

  /**
   * TCP `shutdown(SHUT_RD)`: stops listening until {@link resume}; accepts
   * get `EINVAL` and queued connections close (Linux resets them). The
   * runtime listener stays open, so the port stays bound.
   */
  stop(): void {
    if (this.#stopped || this.#closed) return;
    this.#stopped = true;
    for (const conn of this.#ready.splice(0)) conn.close();
    this.readable.notify();
  }

  /** `listen()` again after {@link stop}. */
  resume(): void {
    this.#stopped = false;
  }

  /** AF_UNIX `shutdown(SHUT_RD)`: wakes blocking accepts, which get `EINVAL`. */
  shutRead(): void {
    this.#readShut = true;
    this.readable.notify();
  }

  /** Stops listening; pending accepts get `EBADF`, queued connections close. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const conn of this.#ready.splice(0)) conn.close();
      this.listener.close();
      this.readable.notify();
    }
    return this.#accepting ?? Promise.resolve();
  }
}
