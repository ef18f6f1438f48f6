/**
 * The exception classes of Python's `socket` module, the `errno` map, and the
 * one place where a runtime error becomes an {@link error}.
 *
 * @module
 */

import {
  errno as ERRNO,
  error,
  isErrnoName,
  osError,
  permissionError,
} from "../_base/errors.ts";
import { RuntimeError } from "../_runtime/runtime.ts";

export * from "../_base/errors.ts";

/**
 * Turns what a runtime call threw into the {@link error} for its errno, with
 * Linux's number and Python's message, keeping the runtime's error as
 * `cause`. The adapters throw `RuntimeError`s; errors that already are
 * {@link error}s, `TypeError`s, `RangeError`s or an abort's reason pass
 * through unchanged.
 */
export function fromRuntimeError(e: unknown): Error {
  if (e instanceof RuntimeError) {
    if (e.permissionFlag !== null) return permissionError(e.permissionFlag);
    const err = isErrnoName(e.code)
      ? osError(ERRNO[e.code])
      : new error(e.message);
    err.cause = e.cause ?? e;
    return err;
  }
  if (e instanceof Error) {
    // Already this module's, an argument error, or an abort's reason.
    if (
      e instanceof error || e instanceof TypeError ||
      e instanceof RangeError || e.name === "AbortError"
    ) return e;
    const code = (e as { code?: unknown }).code;
    const err = isErrnoName(code) ? osError(ERRNO[code]) : new error(e.message);
    err.cause = e;
    return err;
  }
  return new error(String(e));
}
