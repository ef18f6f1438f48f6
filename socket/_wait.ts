// The waiting primitives of the socket cores: a "something changed" signal
// that many waiters can share, and a deadline for one wait.

import { timedOut } from "./errors.ts";

/** A deadline as a `performance.now()` time, or `null` for none. */
export type Deadline = number | null;

/** The deadline `seconds` from now (`null` stays `null`). */
export function deadlineAfter(seconds: number | null): Deadline {
  return seconds === null ? null : performance.now() + seconds * 1000;
}

/**
 * A signal that wakes every current waiter when something changes (data,
 * end of stream, an error, a close). Waiters re-check their condition.
 */
export class Signal {
  #promise: Promise<void> | null = null;
  #resolve: (() => void) | null = null;

  /** Wakes everyone waiting now. */
  notify(): void {
    const resolve = this.#resolve;
    this.#promise = null;
    this.#resolve = null;
    resolve?.();
  }

  /** Resolves at the next `notify`, or rejects with `timeout` at `deadline`. */
  wait(deadline: Deadline): Promise<void> {
    if (this.#promise === null) {
      this.#promise = new Promise<void>((resolve) => {
        this.#resolve = resolve;
      });
    }
    return deadline === null
      ? this.#promise
      : raceDeadline(this.#promise, deadline);
  }
}

/** `promise`, or a `timeout` rejection once `deadline` passes. */
export function raceDeadline<T>(
  promise: Promise<T>,
  deadline: number,
): Promise<T> {
  const ms = deadline - performance.now();
  if (ms <= 0) {
    promise.catch(() => {});
    return Promise.reject(timedOut());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
