// The one wait primitive of the socket cores. Each open description has
// readiness signals (readable, writable); an operation that cannot complete
// waits on the signal for what it needs, as its wait mode says (at once with
// EAGAIN, until a deadline, until an abort, or for as long as it takes), then
// checks again. `select`, `poll`, `epoll` and the selectors watch the same
// signals. A waiter that gives up (timeout, abort) is removed at once, so an
// idle socket keeps nothing for waits that ended.

import { errno, osError, timedOut } from "./errors.ts";

/** A deadline as a `performance.now()` time, or `null` for none. */
export type Deadline = number | null;

/** How one call waits. */
export interface WaitMode {
  /** When to give up with `timeout`; `null` waits as long as it takes. */
  readonly deadline: Deadline;
  /** Give `EAGAIN` at once instead of waiting. */
  readonly nonblocking: boolean;
  /** Gives up with the signal's reason when aborted. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Whether a wait in `mode` can only end with what it waits for: blocking,
 * with no deadline and no signal. Such a caller may be handed the runtime's
 * operation itself.
 */
export function plainBlocking(mode: WaitMode): boolean {
  return mode.deadline === null && !mode.nonblocking &&
    mode.signal === undefined;
}

/** The largest delay `setTimeout` takes; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The deadline `seconds` from now (`null` stays `null`). */
export function deadlineAfter(seconds: number | null): Deadline {
  return seconds === null ? null : performance.now() + seconds * 1000;
}

/** A cancellable timer that also fires right for delays past 2^31 ms. */
export class Timer {
  #handle: ReturnType<typeof setTimeout> | undefined;

  constructor(at: number, fire: () => void) {
    const arm = (): void => {
      const ms = at - performance.now();
      if (ms <= 0) {
        this.#handle = undefined;
        fire();
        return;
      }
      this.#handle = setTimeout(arm, Math.min(ms, MAX_TIMER_MS));
    };
    arm();
  }

  /** Stops the timer; it never fires after this. */
  cancel(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
  timer: Timer | null;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

/**
 * One readiness signal: wakes every current waiter when what it stands for
 * may have changed (data, room, an error, a close). Waiters check again.
 * Watchers (select, poll) are called on every change until they stop.
 */
export class Signal {
  // Made by the first wait: most signals of a short-lived socket (a
  // description's `changed`, a stream's `writable`) are never waited on.
  #waiters: Waiter[] | null = null;
  // One watcher is kept as itself, more in a set: most signals have at most
  // one (the select, poll or epoll watching the socket), and a set for each
  // would cost an idle registered socket hundreds of bytes.
  #watchers: (() => void) | Set<() => void> | null = null;

  /** Wakes everyone waiting now, and tells the watchers. */
  notify(): void {
    const waiters = this.#waiters;
    if (waiters !== null && waiters.length > 0) {
      this.#waiters = null;
      for (const w of waiters) {
        settle(w);
        w.resolve();
      }
    }
    const watchers = this.#watchers;
    if (typeof watchers === "function") watchers();
    else if (watchers !== null) { for (const f of [...watchers]) f(); }
  }

  /**
   * Resolves at the next {@link notify}; rejects with `timeout` at the
   * deadline, with the abort's reason, or with `EAGAIN` in non-blocking
   * mode (the caller checks that first where it matters).
   */
  wait(mode: WaitMode): Promise<void> {
    if (mode.nonblocking) return Promise.reject(osError(errno.EAGAIN));
    const signal = mode.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const deadline = mode.deadline;
    if (deadline !== null && deadline <= performance.now()) {
      return Promise.reject(timedOut());
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, timer: null, signal, onAbort: null };
      (this.#waiters ??= []).push(w);
      if (deadline !== null) {
        w.timer = new Timer(deadline, () => this.#drop(w, timedOut()));
      }
      if (signal !== undefined) {
        w.onAbort = () => this.#drop(w, signal.reason);
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
    });
  }

  /**
   * Calls `f` on every change until the returned function is called. For
   * watchers that look at many signals at once (select, poll).
   */
  watch(f: () => void): () => void {
    this.addWatcher(f);
    return () => this.removeWatcher(f);
  }

  /**
   * Calls `f` on every change until {@link removeWatcher} is called with
   * it: {@link watch} without the function it returns. Adding `f` twice
   * adds it once.
   */
  addWatcher(f: () => void): void {
    const watchers = this.#watchers;
    if (watchers === null) this.#watchers = f;
    else if (typeof watchers === "function") {
      if (watchers !== f) this.#watchers = new Set([watchers, f]);
    } else watchers.add(f);
  }

  /** Stops calling `f`. */
  removeWatcher(f: () => void): void {
    const watchers = this.#watchers;
    if (watchers === f) this.#watchers = null;
    else if (watchers !== null && typeof watchers !== "function") {
      watchers.delete(f);
      if (watchers.size === 0) this.#watchers = null;
    }
  }

  #drop(w: Waiter, reason: unknown): void {
    const waiters = this.#waiters;
    const i = waiters === null ? -1 : waiters.indexOf(w);
    if (i < 0) return;
    waiters?.splice(i, 1);
    settle(w);
    w.reject(reason);
  }
}

function settle(w: Waiter): void {
  w.timer?.cancel();
  if (w.onAbort !== null) {
    w.signal?.removeEventListener("abort", w.onAbort);
    w.onAbort = null;
  }
}

/**
 * `promise`, or a rejection with `timeout` at the deadline or with the
 * abort's reason, whichever comes first. For runtime calls that cannot wait
 * on a signal (a connect). The timer and listener go when it settles.
 */
export function raceMode<T>(promise: Promise<T>, mode: WaitMode): Promise<T> {
  const { deadline, signal } = mode;
  if (deadline === null && signal === undefined) return promise;
  if (signal?.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  if (deadline !== null && deadline <= performance.now()) {
    promise.catch(() => {});
    return Promise.reject(timedOut());
  }
  return new Promise<T>((resolve, reject) => {
    let timer: Timer | null = null;
    const onAbort = (): void => {
      done();
      reject(signal?.reason);
    };
    const done = (): void => {
      timer?.cancel();
      signal?.removeEventListener("abort", onAbort);
    };
    if (deadline !== null) {
      timer = new Timer(deadline, () => {
        done();
        reject(timedOut());
      });
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        done();
        resolve(v);
      },
      (e) => {
        done();
        reject(e);
      },
    );
  });
}
