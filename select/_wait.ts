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

/**
 * One turn of the event loop, so that reads a zero-timeout call armed can
 * complete before it answers: a loop of `select(..., 0)` then sees data
 * that has come, where it would otherwise starve the reads it asks about.
 */
export function oneTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The loop every waiting call runs: `evaluate` answers (non-null) when
 * something is ready; otherwise wait for a change and ask again, until the
 * timeout (`ms`, `null` for none) has passed, when `empty()` answers.
 */
export async function waitReady<T>(
  evaluate: () => T | null,
  empty: () => T,
  subscribe: Subscribe,
  ms: number | null,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) throw signal.reason;
  const first = evaluate();
  if (first !== null) return first;
  if (ms === 0) {
    await oneTurn();
    if (signal?.aborted) throw signal.reason;
    return evaluate() ?? empty();
  }
  const deadline = ms === null ? null : performance.now() + ms;
  for (;;) {
    await nextChange(subscribe, deadline, signal);
    const r = evaluate();
    if (r !== null) return r;
    if (deadline !== null && performance.now() >= deadline) return empty();
  }
}
