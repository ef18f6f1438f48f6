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

import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT } from "../_base/poll.ts";
import { SOCK_DGRAM } from "../_base/constants.ts";
import { findFd } from "./_description.ts";

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
      // failed connect) polls as writable and hung up; a failed connect also
      // reports its error until SO_ERROR reads it.
      return POLLOUT | POLLHUP | (d.soError !== 0 ? POLLERR : 0);
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
  const stops = [d.changed.watch(onChange)];
  if (d.stream !== null) {
    stops.push(d.stream.readable.watch(onChange));
    stops.push(d.stream.writable.watch(onChange));
  }
  if (d.listener !== null) stops.push(d.listener.readable.watch(onChange));
  if (d.datagram !== null) stops.push(d.datagram.readable.watch(onChange));
  return () => {
    for (const stop of stops) stop();
  };
}

/** Whether `fd` is the `fileno()` of an open pysocket socket. */
export function isOpen(fd: number): boolean {
  return findFd(fd) !== null;
}

export { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT };
