/**
 * Readiness of pysocket sockets by `fileno()`, as Linux's `poll(2)` reports
 * it: the one view of the wait primitive that `select/`, `selectors/` and
 * `socketserver/` build on. Internal to the package (not exported from
 * `mod.ts`).
 *
 * Asking about a socket starts what is needed to learn more (a read, an
 * accept) and never consumes data: the bytes or connection that come stay
 * for the next `recv` or `accept`.
 *
 * @example
 * ```ts
 * import { socketpair } from "./connection.ts";
 * import { readiness } from "./readiness.ts";
 * import { POLLOUT } from "../_base/poll.ts";
 * const [a, b] = await socketpair();
 * console.log((readiness(a.fileno()) & POLLOUT) !== 0); // true
 * a.close();
 * b.close();
 * ```
 *
 * @module
 */

import {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLRDHUP,
  POLLRDNORM,
  POLLWRBAND,
  POLLWRNORM,
} from "../_base/poll.ts";
import { AF_UNIX, SOCK_DGRAM } from "../_base/constants.ts";
import { type Description, findFd } from "./_description.ts";

/**
 * Linux's poll bits for the socket whose `fileno()` is `fd` now;
 * `POLLNVAL` when no open pysocket socket has that number.
 *
 * @example
 * ```ts
 * import { readiness } from "./readiness.ts";
 * import { POLLNVAL } from "../_base/poll.ts";
 * console.log(readiness(123456) === POLLNVAL); // true
 * ```
 */
export function readiness(fd: number): number {
  const d = findFd(fd);
  if (d === null) return POLLNVAL;
  const bits = coreBits(d);
  if (bits === POLLNVAL) return bits;
  // Linux sets the "normal data" twins with POLLIN and POLLOUT; only TCP
  // leaves POLLWRBAND out.
  let out = bits;
  if (bits & POLLIN) out |= POLLRDNORM;
  if (bits & POLLOUT) {
    out |= POLLWRNORM;
    if (d.type === SOCK_DGRAM || d.family === AF_UNIX) out |= POLLWRBAND;
  }
  return out;
}

function coreBits(d: Description): number {
  if (d.type === SOCK_DGRAM) {
    return d.datagram?.readiness() ?? POLLOUT;
  }
  switch (d.state) {
    case "connected":
      return d.stream?.readiness() ?? 0;
    case "listening":
      return d.listener?.readiness() ?? 0;
    case "connecting":
      return 0;
    case "closed":
      return POLLNVAL;
    default:
      // Linux: a stream socket that is not connected (new, bound, or after a
      // failed connect) polls as writable and hung up; a failed connect has
      // also shut both directions and reports its error until SO_ERROR
      // reads it.
      return d.soError !== 0
        ? POLLIN | POLLOUT | POLLHUP | POLLERR | POLLRDHUP
        : POLLOUT | POLLHUP;
  }
}

/**
 * Calls `onChange` whenever the readiness of `fd` may have changed (data,
 * room, a connection, an error, the end, a close, a connect ending), until
 * the returned function is called. Nothing for a number that is not open.
 *
 * @example
 * ```ts
 * import { socketpair } from "./connection.ts";
 * import { readiness, watch } from "./readiness.ts";
 * const [a, b] = await socketpair();
 * readiness(b.fileno()); // arms a read
 * const changed = new Promise<void>((resolve) => {
 *   const stop = watch(b.fileno(), () => {
 *     stop();
 *     resolve();
 *   });
 * });
 * await a.send("x");
 * await changed;
 * a.close();
 * b.close();
 * ```
 */
export function watch(fd: number, onChange: () => void): () => void {
  const d = findFd(fd);
  if (d === null) return () => {};
  const w = new Watch(d, onChange);
  return () => w.stop();
}

// One watch: the signals of the cores the socket has now, and its phase
// changes. Kept small (an idle socket registered with an epoll object holds
// one for as long as it is registered): no set or closure per signal.
class Watch {
  readonly #d: Description;
  readonly #onChange: () => void;
  #stream: Description["stream"] = null;
  #listener: Description["listener"] = null;
  #datagram: Description["datagram"] = null;
  #stopped = false;
  readonly #onPhase = (): void => {
    this.#attach();
    this.#onChange();
  };

  constructor(d: Description, onChange: () => void) {
    this.#d = d;
    this.#onChange = onChange;
    this.#attach();
    d.changed.addWatcher(this.#onPhase);
  }

  // The cores come and go with the phase (a connect attaches a stream,
  // listen a listener): a phase change, which `changed` tells, watches the
  // cores there are now.
  #attach(): void {
    const d = this.#d;
    if (
      this.#stopped ||
      (d.stream === this.#stream && d.listener === this.#listener &&
        d.datagram === this.#datagram)
    ) return;
    this.#detach();
    this.#stream = d.stream;
    this.#listener = d.listener;
    this.#datagram = d.datagram;
    const f = this.#onChange;
    this.#stream?.readable.addWatcher(f);
    this.#stream?.writable.addWatcher(f);
    this.#listener?.readable.addWatcher(f);
    this.#datagram?.readable.addWatcher(f);
  }

  #detach(): void {
    const f = this.#onChange;
    this.#stream?.readable.removeWatcher(f);
    this.#stream?.writable.removeWatcher(f);
    this.#listener?.readable.removeWatcher(f);
    this.#datagram?.readable.removeWatcher(f);
    this.#stream = this.#listener = this.#datagram = null;
  }

  stop(): void {
    this.#stopped = true;
    this.#d.changed.removeWatcher(this.#onPhase);
    this.#detach();
  }
}

/** Whether `fd` is the `fileno()` of an open pysocket socket. */
export function isOpen(fd: number): boolean {
  return findFd(fd) !== null;
}

export { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT };

// The socket cores' timer, for the one timeout of a select or poll call:
// it fires right for delays past 2^31 ms.
export { Timer } from "./_wait.ts";
