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
import { platform } from "../_runtime/runtime.ts";

export * from "../_base/errors.ts";

// Deno's error classes by name, for runtime errors that carry no `code`.
const ERRNO_FOR_DENO_CLASS: Readonly<Record<string, number>> = {
  ConnectionRefused: ERRNO.ECONNREFUSED,
  ConnectionReset: ERRNO.ECONNRESET,
  ConnectionAborted: ERRNO.ECONNABORTED,
  NotConnected: ERRNO.ENOTCONN,
  AddrInUse: ERRNO.EADDRINUSE,
  AddrNotAvailable: ERRNO.EADDRNOTAVAIL,
  BrokenPipe: ERRNO.EPIPE,
  AlreadyExists: ERRNO.EEXIST,
  NotFound: ERRNO.ENOENT,
  PermissionDenied: ERRNO.EACCES,
  TimedOut: ERRNO.ETIMEDOUT,
  Interrupted: ERRNO.EINTR,
  WouldBlock: ERRNO.EAGAIN,
  BadResource: ERRNO.EBADF,
  NotSupported: ERRNO.EOPNOTSUPP,
  NetworkUnreachable: ERRNO.ENETUNREACH,
  IsADirectory: ERRNO.EISDIR,
  NotADirectory: ERRNO.ENOTDIR,
  InvalidData: ERRNO.EINVAL,
  UnexpectedEof: ERRNO.ECONNRESET,
  WriteZero: ERRNO.EPIPE,
  Busy: ERRNO.EBUSY,
};

// Deno's text for an OS error it has no class for.
const OS_ERROR = /\(os error (\d+)\)$/;

/**
 * Turns an error thrown by the runtime (Deno or Node) into an {@link error}
 * with Linux's errno and Python's message. Errors that already are
 * {@link error}s, `TypeError`s or `RangeError`s pass through unchanged.
 */
export function fromRuntimeError(e: unknown): Error {
  if (e instanceof error) return e;
  if (!(e instanceof Error)) return new error(String(e));
  const name = e.constructor?.name ?? e.name;
  if (name === "NotCapable" || /Requires \w+ access/.test(e.message)) {
    return permissionError(e.message);
  }
  const code = (e as { code?: unknown }).code;
  if (isErrnoName(code)) return osError(ERRNO[code]);
  const mapped = ERRNO_FOR_DENO_CLASS[name] ?? ERRNO_FOR_DENO_CLASS[e.name];
  if (mapped !== undefined) return osError(mapped);
  // An OS error Deno has no class for comes as "... (os error N)", N the
  // host's errno: Linux's numbering only on Linux.
  const os = OS_ERROR.exec(e.message);
  if (os !== null && platform() === "linux") return osError(Number(os[1]));
  if (e instanceof TypeError || e instanceof RangeError) return e;
  const err = new error(e.message);
  err.cause = e;
  return err;
}
