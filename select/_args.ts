// Argument conversion shared by select(), poll and epoll, each with the
// error CPython's selectmodule gives for the same mistake (ValueError and
// OverflowError as RangeError).

import { pyTypeName } from "../_base/args.ts";

/**
 * What `select`, `poll` and `epoll` take where Python takes a file: a
 * `fileno()` number, or an object with a `fileno()` method (a pysocket
 * `Socket`, a socket file, a server).
 */
export type FileObject = number | { fileno(): number };

/** Waiting options every waiting call of these modules takes. */
export interface WaitOptions {
  /** Rejects the call with the signal's reason when aborted. */
  signal?: AbortSignal | undefined;
}

const INT_MAX = 0x7fffffff;
// CPython keeps timeouts as int64 nanoseconds.
const MAX_NS = 2 ** 63;

/** Python's `PyObject_AsFileDescriptor`: the descriptor of `obj`. */
export function toFd(obj: unknown): number {
  let fd: unknown = obj;
  if (typeof obj !== "number") {
    const method = typeof obj === "object" && obj !== null
      ? (obj as { fileno?: unknown }).fileno
      : undefined;
    if (typeof method !== "function") {
      throw new TypeError(
        "argument must be an int, or have a fileno() method.",
      );
    }
    fd = method.call(obj);
    if (typeof fd !== "number" || !Number.isInteger(fd)) {
      throw new TypeError("fileno() returned a non-integer");
    }
  } else if (!Number.isInteger(obj)) {
    throw new TypeError("argument must be an int, or have a fileno() method.");
  }
  const n = fd as number;
  if (n > INT_MAX || n < -INT_MAX - 1) {
    throw new RangeError("Python int too large to convert to C int");
  }
  if (n < 0) {
    throw new RangeError(
      `file descriptor cannot be a negative integer (${n})`,
    );
  }
  return n;
}

/** A C `int` argument given to one of these functions. */
export function intArg(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(
      `'${pyTypeName(v)}' object cannot be interpreted as an integer`,
    );
  }
  if (v > INT_MAX || v < -INT_MAX - 1) {
    throw new RangeError("Python int too large to convert to C int");
  }
  return v;
}

/** An epoll event mask: any integer, read as unsigned 32 bits (C's `I`). */
export function epollMask(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(
      `'${pyTypeName(v)}' object cannot be interpreted as an integer`,
    );
  }
  // Modulo 2^32, as C's conversion to unsigned int, exact up to 2^53.
  return Number(BigInt.asUintN(32, BigInt(v)));
}

/** A poll event mask: an unsigned short, as CPython's converter checks it. */
export function pollMask(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError("an integer is required");
  }
  if (v < 0) throw new RangeError("value must be positive");
  if (v > 0xffff) {
    throw new RangeError("Python int too large for C unsigned short");
  }
  return v;
}

function checkFinite(v: number, scale: number): void {
  if (Number.isNaN(v)) throw new RangeError("Invalid value NaN (not a number)");
  if (!(Math.abs(v) * scale < MAX_NS)) {
    throw new RangeError("timestamp out of range for platform time_t");
  }
}

/**
 * `select()`'s timeout in seconds: `null` waits; negative numbers are
 * refused. Returns milliseconds.
 */
export function selectTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number") {
    throw new TypeError("timeout must be a float or None");
  }
  checkFinite(v, 1e9);
  if (v < 0) throw new RangeError("timeout must be non-negative");
  return v * 1000;
}

/**
 * `poll.poll()`'s timeout in milliseconds (rounded up); `null` or negative
 * waits. Returns milliseconds.
 */
export function pollTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number") {
    throw new TypeError("timeout must be an integer or None");
  }
  checkFinite(v, 1e6);
  const ms = Math.ceil(v);
  if (ms > INT_MAX) throw new RangeError("timeout is too large");
  return ms < 0 ? null : ms;
}

/**
 * `epoll.poll()`'s timeout in seconds, rounded up to milliseconds as
 * epoll_wait takes it; `null` or negative waits. Returns milliseconds.
 */
export function epollTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number") {
    throw new TypeError("timeout must be an integer or None");
  }
  checkFinite(v, 1e9);
  if (v < 0) return null;
  const ms = Math.ceil(v * 1000);
  if (ms > INT_MAX) throw new RangeError("timeout is too large");
  return ms;
}

/** Whether `v` is an options object (`{ signal }`) rather than a value. */
export function isOptions(v: unknown): v is WaitOptions {
  return typeof v === "object" && v !== null;
}

/** The signal of an options object, checked. */
export function signalOf(
  options: WaitOptions | undefined,
): AbortSignal | undefined {
  const signal = options?.signal;
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
  return signal;
}
