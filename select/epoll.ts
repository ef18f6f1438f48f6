/**
 * `select.epoll()`: Linux's epoll over pysocket sockets, level-triggered,
 * with `EPOLLET` and `EPOLLONESHOT`.
 *
 * An epoll object keeps one watch on each registered socket for as long as
 * it is registered, and, as Linux, a ready list of those whose readiness
 * may have changed or that were ready at the last look, so that a
 * `poll()` looks only at those: the cost of a wait follows the sockets that are
 * active, not how many are registered.
 *
 * @module
 */

import { shared } from "../_base/state.ts";
import { errno, error, osError } from "../socket/errors.ts";
import { isOpen, readiness, watch } from "../socket/readiness.ts";
import { POLLNVAL } from "../_base/poll.ts";
import {
  epollMask,
  epollTimeout,
  type FileObject,
  intArg,
  isOptions,
  signalOf,
  toFd,
  type WaitOptions,
} from "./_args.ts";
import {
  EPOLL_CLOEXEC,
  EPOLLERR,
  EPOLLET,
  EPOLLEXCLUSIVE,
  EPOLLHUP,
  EPOLLIN,
  EPOLLONESHOT,
  EPOLLOUT,
  EPOLLPRI,
} from "./constants.ts";
import { type Evaluation, waitReady } from "./_wait.ts";

// Linux's EPOLLEXCLUSIVE_OK_BITS (EPOLLWAKEUP is 1 << 29).
const EXCLUSIVE_OK = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | 2 ** 29 |
  EPOLLET | EPOLLEXCLUSIVE;
// epoll_wait's default batch in CPython (FD_SETSIZE - 1).
const DEFAULT_MAXEVENTS = 1023;
// epoll objects are no sockets: their numbers are kept apart from sockets'.
// Shared by every copy of the package (see _base/state.ts): epoll numbers
// stay unique in the process.
const epollFds = shared("epoll", () => ({ next: 2 ** 30 }));

interface Entry {
  readonly fd: number;
  events: number;
  // EPOLLONESHOT has reported it: nothing more until `modify`.
  fired: boolean;
  // Its readiness may have changed since the last look (an edge).
  dirty: boolean;
  stop: () => void;
}

/**
 * An epoll object, as `select.epoll()` returns: `register`, `modify`,
 * `unregister`, `poll`, `close`; `using ep = epoll()` closes it.
 * Level-triggered unless a socket's mask has `EPOLLET`; `EPOLLERR` and
 * `EPOLLHUP` are always reported; a socket that is closed leaves the
 * object, as on Linux.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { epoll, EPOLLET, EPOLLIN } from "@pysocket/socket/select";
 * const [a, b] = await socketpair();
 * using ep = epoll();
 * ep.register(b, EPOLLIN | EPOLLET);
 * await a.send("x");
 * console.log((await ep.poll(1)).length); // 1
 * console.log((await ep.poll(0)).length); // 0: edge-triggered
 * a.close();
 * b.close();
 * ```
 */
export class Epoll implements Disposable {
  #fileno: number;
  #closed = false;
  #entries = new Map<number, Entry>();
  // Linux's ready list: the entries that may have changed, and those that
  // had events at the last look, in the order they came; an entry looked
  // at goes to the back, so that a batch cut by maxevents is fair.
  #queue = new Set<Entry>();
  #wakers = new Set<() => void>();

  /**
   * Use {@link epoll}; `sizehint` is -1 or positive (and otherwise unused),
   * `flags` 0 or `EPOLL_CLOEXEC`.
   */
  constructor(sizehint: number = -1, flags: number = 0) {
    const hint = intArg(sizehint);
    if (hint !== -1 && hint <= 0) throw new RangeError("negative sizehint");
    const f = intArg(flags);
    if (f !== 0 && f !== EPOLL_CLOEXEC) throw new error("invalid flags");
    this.#fileno = epollFds.next++;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A number for this epoll object (kept apart from sockets' numbers: it
   * cannot itself be watched).
   *
   * @example
   * ```ts
   * import { epoll } from "@pysocket/socket/select";
   * using ep = epoll();
   * console.log(ep.fileno() > 0); // true
   * ```
   */
  fileno(): number {
    this.#checkOpen();
    return this.#fileno;
  }

  /**
   * Stops watching every socket; later calls give a `RangeError`
   * (CPython's ValueError). Idempotent. A `poll()` waiting rejects.
   *
   * @example
   * ```ts
   * import { epoll } from "@pysocket/socket/select";
   * const ep = epoll();
   * ep.close();
   * console.log(ep.closed); // true
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#entries.values()) e.stop();
    this.#entries.clear();
    this.#queue.clear();
    this.#wake();
  }

  /** Closes it: `using ep = epoll()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Watches `fd` for `eventmask` (by default `EPOLLIN | EPOLLPRI |
   * EPOLLOUT`). `FileExistsError` (`EEXIST`) when registered already,
   * `EBADF` when it is no open socket.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { epoll, EPOLLIN } from "@pysocket/socket/select";
   * using s = socket();
   * using ep = epoll();
   * ep.register(s, EPOLLIN);
   * ```
   */
  register(
    fd: FileObject,
    eventmask: number = EPOLLIN | EPOLLPRI | EPOLLOUT,
  ): void {
    const n = toFd(fd);
    const mask = epollMask(eventmask);
    this.#checkOpen();
    if (!isOpen(n)) throw osError(errno.EBADF);
    if ((mask & EPOLLEXCLUSIVE) && (mask & ~EXCLUSIVE_OK)) {
      throw osError(errno.EINVAL);
    }
    if (this.#entries.has(n)) throw osError(errno.EEXIST);
    const entry: Entry = {
      fd: n,
      events: mask,
      fired: false,
      dirty: false,
      stop: () => {},
    };
    entry.stop = watch(n, () => this.#changed(entry));
    this.#entries.set(n, entry);
    this.#changed(entry);
  }

  /**
   * Changes the mask of a registered `fd` (re-arming an `EPOLLONESHOT`
   * one); `FileNotFoundError` (`ENOENT`) when it is not registered.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { epoll, EPOLLIN, EPOLLOUT } from "@pysocket/socket/select";
   * using s = socket();
   * using ep = epoll();
   * ep.register(s, EPOLLIN);
   * ep.modify(s, EPOLLOUT);
   * ```
   */
  modify(fd: FileObject, eventmask: number): void {
    const n = toFd(fd);
    const mask = epollMask(eventmask);
    this.#checkOpen();
    if (!isOpen(n)) throw osError(errno.EBADF);
    if (mask & EPOLLEXCLUSIVE) throw osError(errno.EINVAL);
    const entry = this.#entries.get(n);
    if (entry === undefined) throw osError(errno.ENOENT);
    if (entry.events & EPOLLEXCLUSIVE) throw osError(errno.EINVAL);
    entry.events = mask;
    entry.fired = false;
    this.#changed(entry);
  }

  /**
   * Stops watching `fd`; `FileNotFoundError` (`ENOENT`) when it is not
   * registered, `EBADF` when it is no open socket.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { epoll } from "@pysocket/socket/select";
   * using s = socket();
   * using ep = epoll();
   * ep.register(s);
   * ep.unregister(s);
   * ```
   */
  unregister(fd: FileObject): void {
    const n = toFd(fd);
    this.#checkOpen();
    if (!isOpen(n)) throw osError(errno.EBADF);
    const entry = this.#entries.get(n);
    if (entry === undefined) throw osError(errno.ENOENT);
    this.#remove(entry);
  }

  /**
   * Waits for events: resolves to at most `maxevents` (by default 1023,
   * as CPython) `[fd, events]` pairs. `timeout` is in seconds; absent,
   * `null` or negative waits as long as it takes.
   *
   * @example
   * ```ts
   * import { socketpair } from "@pysocket/socket";
   * import { epoll, EPOLLOUT } from "@pysocket/socket/select";
   * const [a, b] = await socketpair();
   * using ep = epoll();
   * ep.register(a, EPOLLOUT);
   * console.log(await ep.poll(1)); // [[fd of a, 4]]
   * a.close();
   * b.close();
   * ```
   */
  poll(
    timeout?: number | null,
    maxevents?: number,
    options?: WaitOptions,
  ): Promise<Array<[fd: number, events: number]>>;
  /** The same, waiting without a timeout until ready or aborted. */
  poll(options: WaitOptions): Promise<Array<[fd: number, events: number]>>;
  /** The same with a timeout and options. */
  poll(
    timeout: number | null | undefined,
    options: WaitOptions,
  ): Promise<Array<[fd: number, events: number]>>;
  async poll(
    timeout?: number | null | WaitOptions,
    maxevents?: number | WaitOptions,
    options?: WaitOptions,
  ): Promise<Array<[fd: number, events: number]>> {
    if (isOptions(timeout)) {
      options = timeout;
      timeout = undefined;
    } else if (isOptions(maxevents)) {
      options = maxevents;
      maxevents = undefined;
    }
    this.#checkOpen();
    const ms = epollTimeout(timeout);
    let max = maxevents === undefined ? -1 : intArg(maxevents);
    if (max === -1) max = DEFAULT_MAXEVENTS;
    else if (max <= 0) {
      throw new RangeError(`maxevents must be greater than 0, got ${max}`);
    }
    const signal = signalOf(options);
    const limit = max;
    const subscribe = (wake: () => void): () => void => {
      this.#wakers.add(wake);
      return () => this.#wakers.delete(wake);
    };
    // A second look (after reads armed by the first have had a turn) adds
    // to what the first one took.
    const taken: Array<[number, number]> = [];
    const evaluate = (): Evaluation<Array<[number, number]>> => {
      const armed = this.#collect(limit, taken);
      return { result: taken.length > 0 ? [...taken] : null, armed };
    };
    return await waitReady(evaluate, () => [], subscribe, ms, signal);
  }

  // Looks at the sockets that were ready and those that may have changed,
  // adding their events to `out` (up to `max`, and not those there
  // already), consuming edges and one-shots. Whether a socket watched for
  // reading was found not readable (its read is armed now).
  #collect(max: number, out: Array<[number, number]>): boolean {
    this.#checkOpen();
    // A second look: what was taken may have more events now (data that
    // came in the turn between), as one epoll_wait would have seen.
    let taken: Set<number> | null = null;
    if (out.length > 0) {
      taken = new Set();
      for (const [i, [fd, events]] of out.entries()) {
        taken.add(fd);
        const e = this.#entries.get(fd);
        if (e !== undefined) {
          out[i] = [
            fd,
            events | (readiness(fd) & (e.events | EPOLLERR | EPOLLHUP)),
          ];
        }
      }
    }
    let armed = false;
    for (const e of [...this.#queue]) {
      if (out.length >= max) break;
      if (taken?.has(e.fd)) continue;
      this.#queue.delete(e);
      const edge = e.dirty;
      e.dirty = false;
      if (this.#entries.get(e.fd) !== e || e.fired) continue;
      const bits = readiness(e.fd);
      if (bits & POLLNVAL) {
        // Closed: Linux drops a closed file from every epoll set.
        this.#remove(e);
        continue;
      }
      if ((e.events & EPOLLIN) && !(bits & EPOLLIN)) armed = true;
      const events = bits & (e.events | EPOLLERR | EPOLLHUP);
      if (events === 0) continue;
      // Looked at again by the next poll, also when edge-triggered, so
      // that the read that look arms is there for the next edge.
      this.#queue.add(e);
      if ((e.events & EPOLLET) && !edge) continue;
      out.push([e.fd, events]);
      if (e.events & EPOLLONESHOT) {
        e.fired = true;
        this.#queue.delete(e);
      }
    }
    return armed;
  }

  #changed(e: Entry): void {
    e.dirty = true;
    this.#queue.add(e);
    this.#wake();
  }

  #wake(): void {
    // Most changes come while no poll waits (the caller is handling the
    // last batch): nothing to copy then.
    if (this.#wakers.size === 0) return;
    for (const wake of [...this.#wakers]) wake();
  }

  #remove(e: Entry): void {
    e.stop();
    this.#entries.delete(e.fd);
    this.#queue.delete(e);
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new RangeError("I/O operation on closed epoll object");
    }
  }
}

/**
 * A new epoll object, as Python's `select.epoll(sizehint=-1, flags=0)`.
 *
 * @example
 * ```ts
 * import { epoll } from "@pysocket/socket/select";
 * const ep = epoll();
 * console.log(await ep.poll(0)); // []
 * ep.close();
 * ```
 */
export function epoll(sizehint: number = -1, flags: number = 0): Epoll {
  return new Epoll(sizehint, flags);
}
