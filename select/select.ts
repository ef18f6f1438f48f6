/**
 * `select.select()`: which of some sockets are ready to read, to write, or
 * have an exceptional condition, as Linux's `select(2)` says.
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
  POLLRDBAND,
  POLLRDNORM,
  POLLWRBAND,
  POLLWRNORM,
} from "../_base/poll.ts";
import {
  type FileObject,
  isOptions,
  selectTimeout,
  signalOf,
  toFd,
  type WaitOptions,
} from "./_args.ts";
import { type Evaluation, waitReady, watchAll } from "./_wait.ts";

// Which poll bits put a descriptor in which of select's sets (Linux's
// POLLIN_SET, POLLOUT_SET and POLLEX_SET in fs/select.c).
const IN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const OUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const EX_SET = POLLPRI;

// The objects of one list and their descriptors. A list is read by index
// as it stands when each item is converted, as CPython's PySequence_Fast
// reads a list whose items' fileno() change it.
function convert<T>(list: Iterable<T>): [T[], number[]] {
  const iterator = list === null || list === undefined
    ? undefined
    : (list as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof iterator !== "function") {
    throw new TypeError("arguments 1-3 must be sequences");
  }
  const live: readonly T[] = Array.isArray(list) ? list : [...list];
  const objs: T[] = [];
  const fds: number[] = [];
  for (let i = 0; i < live.length; i++) {
    const obj = live[i] as T;
    objs.push(obj);
    fds.push(toFd(obj));
  }
  return [objs, fds];
}

/**
 * Waits until some of the given sockets are ready, as Python's
 * `select.select(rlist, wlist, xlist, timeout)`: resolves to
 * `[readable, writable, exceptional]`, each the ready ones of its list, in
 * the list's order (duplicates kept). Readable means a `recv` (or, on a
 * listener, an `accept`) would not wait: data, the end of the stream or a
 * pending error; writable means a `send` would not wait, or a non-blocking
 * `connect` has ended (`SO_ERROR` tells how). Nothing is consumed.
 *
 * `timeout` is in seconds: absent or `null` waits as long as it takes, `0`
 * polls. A number that is no open socket rejects with `EBADF`, also when a
 * watched socket is closed during the wait. `{ signal }` cancels the wait.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { select } from "@pysocket/socket/select";
 * const [a, b] = await socketpair();
 * await a.send("ping");
 * const [r, w] = await select([b], [a], [], 1);
 * console.log(r.length, w.length); // 1 1
 * a.close();
 * b.close();
 * ```
 */
export function select<
  R extends FileObject,
  W extends FileObject,
  X extends FileObject,
>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout?: number | null,
  options?: WaitOptions,
): Promise<[R[], W[], X[]]>;
/** The same, waiting without a timeout until ready or aborted. */
export function select<
  R extends FileObject,
  W extends FileObject,
  X extends FileObject,
>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  options: WaitOptions,
): Promise<[R[], W[], X[]]>;
export async function select<
  R extends FileObject,
  W extends FileObject,
  X extends FileObject,
>(
  rlist: Iterable<R>,
  wlist: Iterable<W>,
  xlist: Iterable<X>,
  timeout?: number | null | WaitOptions,
  options?: WaitOptions,
): Promise<[R[], W[], X[]]> {
  if (isOptions(timeout)) {
    options = timeout;
    timeout = undefined;
  }
  // CPython checks the timeout before the lists.
  const ms = selectTimeout(timeout);
  const signal = signalOf(options);
  const [r, rfd] = convert(rlist);
  const [w, wfd] = convert(wlist);
  const [x, xfd] = convert(xlist);
  const all = [...new Set([...rfd, ...wfd, ...xfd])];
  const evaluate = (): Evaluation<[R[], W[], X[]]> => {
    const bits = new Map<number, number>();
    for (const fd of all) {
      const b = readiness(fd);
      if (b & POLLNVAL) throw osError(errno.EBADF);
      bits.set(fd, b);
    }
    const pick = <T>(objs: T[], fds: number[], set: number): T[] =>
      objs.filter((_, i) => ((bits.get(fds[i] ?? -1) ?? 0) & set) !== 0);
    const out: [R[], W[], X[]] = [
      pick(r, rfd, IN_SET),
      pick(w, wfd, OUT_SET),
      pick(x, xfd, EX_SET),
    ];
    const any = out[0].length + out[1].length + out[2].length > 0;
    return {
      result: any ? out : null,
      armed: out[0].length < r.length,
    };
  };
  return await waitReady(
    evaluate,
    () => [[], [], []],
    watchAll(all),
    ms,
    signal,
  );
}
