/**
 * `select.poll()`: Linux's `poll(2)` over pysocket sockets.
 *
 * @module
 */

import { errno, osError } from "../socket/errors.ts";
import { readiness } from "../socket/readiness.ts";
import {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
} from "../_base/poll.ts";
import {
  type FileObject,
  isOptions,
  pollMask,
  pollTimeout,
  signalOf,
  toFd,
  type WaitOptions,
} from "./_args.ts";
import { keyError, runtimeError } from "./errors.ts";
import { type Evaluation, waitReady, watchAll } from "./_wait.ts";

// poll(2) reports these whether asked or not.
const ALWAYS = POLLERR | POLLHUP | POLLNVAL;

/**
 * A poll object, as `select.poll()` returns: a set of sockets with the
 * events wanted from each, and `poll()` to wait for them.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { poll, POLLIN } from "@pysocket/socket/select";
 * const [a, b] = await socketpair();
 * const p = poll();
 * p.register(b, POLLIN);
 * await a.send("x");
 * console.log(await p.poll(1000)); // [[fd of b, 1]]
 * a.close();
 * b.close();
 * ```
 */
export class Poll {
  // fd -> event mask, in registration order (as CPython's dict).
  #fds = new Map<number, number>();
  #running = false;

  /**
   * Watches `fd` for the events in `eventmask` (by default
   * `POLLIN | POLLPRI | POLLOUT`); registering it again replaces its mask.
   * A number that is no open socket is accepted and polls as `POLLNVAL`.
   *
   * @example
   * ```ts
   * import { poll, POLLIN } from "@pysocket/socket/select";
   * const p = poll();
   * p.register(123456, POLLIN);
   * console.log(await p.poll(0)); // [[123456, 32]] (POLLNVAL)
   * ```
   */
  register(
    fd: FileObject,
    eventmask: number = POLLIN | POLLPRI | POLLOUT,
  ): void {
    const n = toFd(fd);
    this.#fds.set(n, pollMask(eventmask));
  }

  /**
   * Changes the mask of a registered `fd`; `FileNotFoundError` (`ENOENT`)
   * when it is not registered.
   *
   * @example
   * ```ts
   * import { poll, POLLIN, POLLOUT } from "@pysocket/socket/select";
   * const p = poll();
   * p.register(7, POLLIN);
   * p.modify(7, POLLOUT);
   * ```
   */
  modify(fd: FileObject, eventmask: number): void {
    const n = toFd(fd);
    const mask = pollMask(eventmask);
    if (!this.#fds.has(n)) throw osError(errno.ENOENT);
    this.#fds.set(n, mask);
  }

  /**
   * Stops watching `fd`; an `Error` named `KeyError` when it is not
   * registered.
   *
   * @example
   * ```ts
   * import { poll } from "@pysocket/socket/select";
   * const p = poll();
   * p.register(7);
   * p.unregister(7);
   * ```
   */
  unregister(fd: FileObject): void {
    const n = toFd(fd);
    if (!this.#fds.delete(n)) throw keyError(String(n));
  }

  /**
   * Waits for events on the registered sockets: resolves to
   * `[fd, events]` pairs for those with any (`POLLERR`, `POLLHUP` and
   * `POLLNVAL` are reported even when not asked for). `timeout` is in
   * milliseconds; absent, `null` or negative waits as long as it takes.
   * A second `poll()` while one waits is refused (`RuntimeError`).
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * import { poll, POLLOUT } from "@pysocket/socket/select";
   * const [a, b] = await socketpair();
   * const p = poll();
   * p.register(a, POLLOUT);
   * for (const [fd, events] of await p.poll()) {
   *   console.log(fd === a.fileno(), (events & POLLOUT) !== 0); // true true
   * }
   * a.close();
   * b.close();
   * ```
   */
  poll(
    timeout?: number | null,
    options?: WaitOptions,
  ): Promise<Array<[fd: number, events: number]>>;
  /** The same, waiting without a timeout until ready or aborted. */
  poll(options: WaitOptions): Promise<Array<[fd: number, events: number]>>;
  async poll(
    timeout?: number | null | WaitOptions,
    options?: WaitOptions,
  ): Promise<Array<[fd: number, events: number]>> {
    if (isOptions(timeout)) {
      options = timeout;
      timeout = undefined;
    }
    const ms = pollTimeout(timeout);
    const signal = signalOf(options);
    if (this.#running) throw runtimeError("concurrent poll() invocation");
    // As CPython's array of pollfd: what is registered now, for this call.
    const watched = [...this.#fds];
    const evaluate = (): Evaluation<Array<[number, number]>> => {
      const out: Array<[number, number]> = [];
      let armed = false;
      for (const [fd, mask] of watched) {
        const bits = readiness(fd);
        const revents = bits & (mask | ALWAYS);
        if (revents !== 0) out.push([fd, revents]);
        if ((mask & POLLIN) && !(bits & (POLLIN | POLLNVAL))) armed = true;
      }
      return { result: out.length > 0 ? out : null, armed };
    };
    this.#running = true;
    try {
      return await waitReady(
        evaluate,
        () => [],
        watchAll(watched.map(([fd]) => fd)),
        ms,
        signal,
      );
    } finally {
      this.#running = false;
    }
  }
}

/**
 * A new poll object, as Python's `select.poll()`.
 *
 * @example
 * ```ts
 * import { poll } from "@pysocket/socket/select";
 * const p = poll();
 * console.log(await p.poll(0)); // []
 * ```
 */
export function poll(): Poll {
  return new Poll();
}
