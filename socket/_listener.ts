// A listening stream socket: at most one runtime accept in flight, its
// connection queued for the next `accept`, so an accept that times out never
// loses a connection.

import type { StreamConn, StreamListener } from "../_runtime/runtime.ts";
import { errno, error, fromRuntimeError, osError } from "./errors.ts";
import { POLLERR, POLLIN } from "../_base/poll.ts";
import { plainBlocking, Signal, type WaitMode } from "./_wait.ts";

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
  // A blocking accept (no deadline, no abort) that found nothing queued:
  // the next connection is handed to it straight from the runtime's accept.
  #direct: { resolve(c: StreamConn): void; reject(e: unknown): void } | null =
    null;

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
  accept(mode: WaitMode): Promise<StreamConn> {
    if (
      this.#direct === null && this.#ready.length === 0 &&
      this.#error === null && !this.#closed && !this.#stopped &&
      !this.#readShut && plainBlocking(mode)
    ) {
      return new Promise<StreamConn>((resolve, reject) => {
        this.#direct = { resolve, reject };
        this.#startAccept();
      });
    }
    return this.#acceptWaiting(mode);
  }

  // Takes a queued connection, else waits on `readable` and looks again.
  async #acceptWaiting(mode: WaitMode): Promise<StreamConn> {
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
        const direct = this.#direct;
        if (this.#closed || this.#stopped) conn.close();
        else if (direct !== null) {
          this.#direct = null;
          direct.resolve(conn);
        } else this.#ready.push(conn);
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
        const direct = this.#direct;
        if (direct !== null && !this.#closed) {
          if (gone) {
            this.#startAccept();
          } else {
            this.#direct = null;
            direct.reject(err);
          }
        } else if (!this.#closed && !gone) this.#error = err;
        this.readable.notify();
      },
    );
  }

  // Ends the blocking accept waiting for the runtime's, as a wake-up would
  // end a waiting one (the connection, if one comes, is queued or closed).
  #failDirect(code: number): void {
    const direct = this.#direct;
    if (direct === null) return;
    this.#direct = null;
    direct.reject(osError(code));
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
    this.#failDirect(errno.EINVAL);
    this.readable.notify();
  }

  /** `listen()` again after {@link stop}. */
  resume(): void {
    this.#stopped = false;
  }

  /** AF_UNIX `shutdown(SHUT_RD)`: wakes blocking accepts, which get `EINVAL`. */
  shutRead(): void {
    this.#readShut = true;
    this.#failDirect(errno.EINVAL);
    this.readable.notify();
  }

  /** Stops listening; pending accepts get `EBADF`, queued connections close. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const conn of this.#ready.splice(0)) conn.close();
      this.listener.close();
      this.#failDirect(errno.EBADF);
      this.readable.notify();
    }
    return this.#accepting ?? Promise.resolve();
  }
}
