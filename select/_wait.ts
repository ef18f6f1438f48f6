// How select(), poll and epoll wait: ask every socket for its readiness
// (which arms what is needed to learn more), and when nothing is ready,
// sleep until the first change on any of them, the one timer of the call,
// or an abort; then ask again.

import { Timer, watch } from "../socket/readiness.ts";

/** Calls `wake` on a change; returns the function that stops that. */
export type Subscribe = (wake: () => void) => () => void;

/**
 * Resolves at the first `wake` that `subscribe` passes on, or at
 * `deadline` (a `performance.now()` time); rejects with the reason when
 * `signal` aborts. Everything it set up is gone when it settles.
 */
export function nextChange(
  subscribe: Subscribe,
  deadline: number | null,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let stop: (() => void) | null = null;
    let timer: Timer | null = null;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      stop?.();
      timer?.cancel();
      signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const wake = (): void => {
      if (finish()) resolve();
    };
    const onAbort = (): void => {
      if (finish()) reject(signal?.reason);
    };
    const unsubscribe = subscribe(wake);
    if (done) {
      unsubscribe();
      return;
    }
    stop = unsubscribe;
    if (deadline !== null) timer = new Timer(deadline, wake);
    if (!done) signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Watches every one of `fds` for a change. */
export function watchAll(fds: Iterable<number>): Subscribe {
  return (wake) => {
    const stops: Array<() => void> = [];
    for (const fd of fds) stops.push(watch(fd, wake));
    return () => {
      for (const stop of stops) stop();
    };
  };
}

// Turns of the event loop, letting completed I/O in: setImmediate where
// the runtime has one (Deno, Node.js and Bun do; it costs microseconds),
// else a zero timer. Two turns: Deno and Node.js hand a read the kernel
// could answer to its caller within one; on Bun (1.4.5) one turn leaves
// such a socket unseen and two do not.
const immediate = (globalThis as { setImmediate?: (f: () => void) => void })
  .setImmediate;

/**
 * Two turns of the event loop, so that reads an evaluation has just armed
 * can complete before the call answers: data the kernel already holds is
 * then seen, as Linux's select sees it. Without it a loop of
 * `select(..., 0)` would starve the reads it asks about.
 */
export function ioTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof immediate === "function") immediate(() => immediate(resolve));
    else setTimeout(resolve, 0);
  });
}

/** What one look at the sockets found. */
export interface Evaluation<T> {
  /** The answer, or `null` when nothing is ready. */
  readonly result: T | null;
  /**
   * Whether a socket watched for reading was not readable: the look has
   * armed its read, and data the kernel holds comes in within a turn.
   */
  readonly armed: boolean;
}

/**
 * The loop every waiting call runs: `evaluate` answers when something is
 * ready; otherwise wait for a change and ask again, until the timeout
 * (`ms`, `null` for none) has passed, when `empty()` answers. A first
 * answer that left reads just armed is asked again after `ioTurn()`, so that
 * a socket that is readable and writable is seen as both in one call.
 */
export async function waitReady<T>(
  evaluate: () => Evaluation<T>,
  empty: () => T,
  subscribe: Subscribe,
  ms: number | null,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) throw signal.reason;
  const first = evaluate();
  if (first.result !== null && !first.armed) return first.result;
  if (first.result !== null || ms === 0) {
    await ioTurn();
    const again = evaluate().result ?? first.result;
    if (again !== null) return again;
    if (signal?.aborted) throw signal.reason;
    if (ms === 0) return empty();
  }
  const deadline = ms === null ? null : performance.now() + ms;
  for (;;) {
    await nextChange(subscribe, deadline, signal);
    const r = evaluate().result;
    if (r !== null) return r;
    if (deadline !== null && performance.now() >= deadline) return empty();
  }
}
