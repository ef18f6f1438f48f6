/**
 * The exception classes of Python's `socket` module and the `errno` map. They
 * sit at the bottom of the layers and import nothing: `socket/errors.ts` is
 * the one place where a runtime's error becomes one of these.
 *
 * @module
 */

import { ERRNO, type ErrnoName, STRERROR } from "./_errno_table.ts";

export type { ErrnoName };

/**
 * errno names to numbers, with Linux's values on every platform. Only the
 * names CPython's `errno` module has on Linux are keys, so that a misspelled
 * name (`errno.ECONNREFUSD`) is a type error rather than `undefined`.
 *
 * @example
 * ```ts
 * import { errno } from "@pysocket/socket";
 * console.log(errno.ECONNREFUSED); // 111
 * ```
 */
export const errno: Readonly<Record<ErrnoName, number>> = ERRNO;

/**
 * Whether `name` is an errno name, for a name known only at run time (a
 * runtime error's `code`). Own keys only: `"toString"` is not an errno.
 *
 * @example
 * ```ts
 * import { errno, isErrnoName } from "./errors.ts";
 * const code: string = "ECONNRESET";
 * if (isErrnoName(code)) console.log(errno[code]); // 104
 * ```
 */
export function isErrnoName(name: unknown): name is ErrnoName {
  return typeof name === "string" && Object.hasOwn(ERRNO, name);
}

const GAI_STRERROR: Readonly<Record<number, string>> = {
  [-1]: "Bad value for ai_flags",
  [-2]: "Name or service not known",
  [-3]: "Temporary failure in name resolution",
  [-4]: "Non-recoverable failure in name resolution",
  [-5]: "No address associated with hostname",
  [-6]: "ai_family not supported",
  [-7]: "ai_socktype not supported",
  [-8]: "Servname not supported for ai_socktype",
  [-9]: "Address family for hostname not supported",
  [-10]: "Memory allocation failure",
  [-11]: "System error",
};

// glibc's EAI_* names by Linux value, for `code`.
const GAI_NAME: Readonly<Record<number, string>> = {
  [-1]: "EAI_BADFLAGS",
  [-2]: "EAI_NONAME",
  [-3]: "EAI_AGAIN",
  [-4]: "EAI_FAIL",
  [-5]: "EAI_NODATA",
  [-6]: "EAI_FAMILY",
  [-7]: "EAI_SOCKTYPE",
  [-8]: "EAI_SERVICE",
  [-9]: "EAI_ADDRFAMILY",
  [-10]: "EAI_MEMORY",
  [-11]: "EAI_SYSTEM",
  [-12]: "EAI_OVERFLOW",
};

// The h_errno names, for `code`.
const H_NAME: Readonly<Record<number, string>> = {
  1: "HOST_NOT_FOUND",
  2: "TRY_AGAIN",
  3: "NO_RECOVERY",
  4: "NO_DATA",
};

// errno names by number: the first in alphabetical order where two share a
// number (EAGAIN, not EWOULDBLOCK), as Node.js spells them.
const ERRNO_NAME: ReadonlyMap<number, string> = new Map(
  Object.entries(ERRNO).sort(([a], [b]) => a < b ? 1 : -1).map(([k, v]) =>
    [v, k] as const
  ),
);

const H_STRERROR: Readonly<Record<number, string>> = {
  1: "Unknown host",
  2: "Host name lookup failure",
  3: "Unknown server error",
  4: "No address associated with name",
};

function describe(
  table: Readonly<Record<number, string>>,
  code: number,
  kind: string,
): string {
  return table[code] ?? `Unknown ${kind} ${code}`;
}

// The Python class names an error of this package was made as, the class
// itself first: what `instanceof` reads for an error made by another copy
// of pysocket in the same process (see _base/state.ts), whose classes are
// other objects with the same names.
const LINEAGE: unique symbol = Symbol.for("pysocket.error.lineage.v1");
// This copy's classes; filled below, once they exist.
const OWN_CLASSES = new Set<unknown>();

/**
 * Python's `OSError`, the class of every socket and address error.
 *
 * Built as Python builds it: `new error(111)` or `new error(111, "text")`
 * gives `errno` and the message `[Errno 111] Connection refused`;
 * `new error("text")` gives a message with no errno (`errno` is `null`).
 *
 * @example
 * ```ts
 * import { error } from "@pysocket/socket";
 * const e = new error(111);
 * console.log(e.message); // [Errno 111] Connection refused
 * console.log(e.errno, e.strerror); // 111 Connection refused
 * ```
 */
export class error extends Error {
  /** The errno number, or `null` when the error carries only a message. */
  errno: number | null;
  /** The text part of the message, without the `[Errno N]` prefix. */
  strerror: string;

  /**
   * The errno's name as Node.js spells it (`"ECONNREFUSED"`), an `EAI_*`
   * name for a `gaierror`, an h_errno name for an `herror`, `"ETIMEDOUT"`
   * for a `timeout`; `"UNKNOWN"` when there is no number.
   */
  get code(): string {
    const cls = this.constructor as typeof error;
    return this.errno === null ? cls.codeless : cls.nameFor(this.errno);
  }

  /**
   * Builds the error as Python's `OSError(errno, strerror)` or `OSError(message)`.
   *
   * @param code An errno number, or the whole message when it is a string.
   * @param strerror The text; by default the platform's text for `code`.
   */
  constructor(code: number | string | null, strerror?: string) {
    const numbered = typeof code === "number";
    const text = numbered
      ? strerror ?? new.target.textFor(code)
      : code ?? strerror ?? "";
    super(numbered ? `[Errno ${code}] ${text}` : text);
    this.errno = numbered ? code : null;
    this.strerror = text;
    this.name = new.target.pythonName;
    const lineage: string[] = [];
    for (
      let c: unknown = new.target;
      typeof c === "function" && c !== Error;
      c = Object.getPrototypeOf(c)
    ) {
      if (OWN_CLASSES.has(c)) lineage.push((c as typeof error).pythonName);
    }
    Object.defineProperty(this, LINEAGE, { value: lineage });
    if (code === ERRNO.EMFILE || code === ERRNO.ENFILE) {
      // Formatting stack frames can need a free descriptor (Deno reads
      // source maps from disk and panics when it cannot): the error that
      // says they ran out keeps no frames, so that printing it is safe.
      Object.defineProperty(this, "stack", {
        value: `${this.name}: ${this.message}`,
        writable: true,
        configurable: true,
      });
    }
  }

  /** The name Python prints for this class. */
  static get pythonName(): string {
    return "OSError";
  }

  /** The default text for an errno number of this class. */
  static textFor(code: number): string {
    return describe(STRERROR, code, "error");
  }

  /** The name of an errno number of this class, for `code`. */
  static nameFor(code: number): string {
    return ERRNO_NAME.get(code) ?? "UNKNOWN";
  }

  /** `code` of an error of this class that has no number. */
  static get codeless(): string {
    return "UNKNOWN";
  }

  /**
   * `instanceof`, which also knows errors made by another copy of pysocket
   * in the process (the ES module and CommonJS builds, two installs): for
   * this package's own classes, an error whose Python class is this one or
   * a subclass of it. A subclass of yours compares as usual.
   */
  static override [Symbol.hasInstance]<
    C extends abstract new (...args: never[]) => unknown,
  >(
    this: C,
    value: unknown,
  ): value is InstanceType<C> {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!OWN_CLASSES.has(this)) return false;
    if (typeof value !== "object" || value === null) return false;
    const lineage = (value as { [LINEAGE]?: unknown })[LINEAGE];
    return Array.isArray(lineage) &&
      lineage.includes((this as unknown as typeof error).pythonName);
  }
}

/**
 * Python's alias for {@link error}.
 *
 * @example
 * ```ts
 * import { error, OSError } from "@pysocket/socket";
 * console.log(OSError === error); // true
 * ```
 */
export const OSError: typeof error = error;

/**
 * Raised by `gethostbyaddr` and friends; `errno` is an h_errno value
 * (1 host not found, 2 try again, 3 no recovery, 4 no data).
 *
 * @example
 * ```ts
 * import { herror } from "@pysocket/socket";
 * console.log(new herror(1).message); // [Errno 1] Unknown host
 * ```
 */
export class herror extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "herror";
  }

  /** The default text for an h_errno value. */
  static override textFor(code: number): string {
    return describe(H_STRERROR, code, "resolver error");
  }

  /** The h_errno name, for `code`. */
  static override nameFor(code: number): string {
    return H_NAME[code] ?? "UNKNOWN";
  }
}

/**
 * Raised by `getaddrinfo`, `getnameinfo` and name resolution inside
 * `bind`/`connect`; `errno` is an `EAI_*` value.
 *
 * @example
 * ```ts
 * import { gaierror } from "@pysocket/socket";
 * console.log(new gaierror(-2).message); // [Errno -2] Name or service not known
 * ```
 */
export class gaierror extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "gaierror";
  }

  /** The default text for an `EAI_*` value. */
  static override textFor(code: number): string {
    return describe(GAI_STRERROR, code, "error");
  }

  /** The `EAI_*` name, for `code`. */
  static override nameFor(code: number): string {
    return GAI_NAME[code] ?? "UNKNOWN";
  }
}

/**
 * Raised when an operation runs past the socket's timeout (message
 * `timed out`, `errno` `null`), and for `ETIMEDOUT`.
 *
 * @example
 * ```ts
 * import { timeout } from "@pysocket/socket";
 * console.log(new timeout("timed out").message); // timed out
 * ```
 */
export class timeout extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "TimeoutError";
  }

  /** A timeout's `code`: `"ETIMEDOUT"`, as Node.js names it. */
  static override get codeless(): string {
    return "ETIMEDOUT";
  }
}

/**
 * Python's name for {@link timeout}.
 *
 * @example
 * ```ts
 * import { timeout, TimeoutError } from "@pysocket/socket";
 * console.log(TimeoutError === timeout); // true
 * ```
 */
export const TimeoutError: typeof timeout = timeout;

/**
 * Python's `BlockingIOError`: `EAGAIN`, `EINPROGRESS`, `EALREADY`.
 *
 * @example
 * ```ts
 * import { BlockingIOError, error } from "@pysocket/socket";
 * console.log(new BlockingIOError(11) instanceof error); // true
 * ```
 */
export class BlockingIOError extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "BlockingIOError";
  }
}

/**
 * Python's `ConnectionError`, the base of the connection errors below.
 *
 * @example
 * ```ts
 * import { ConnectionError, ConnectionResetError } from "@pysocket/socket";
 * console.log(new ConnectionResetError(104) instanceof ConnectionError); // true
 * ```
 */
export class ConnectionError extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "ConnectionError";
  }
}

/**
 * Python's `BrokenPipeError`: `EPIPE`, `ESHUTDOWN`.
 *
 * @example
 * ```ts
 * import { BrokenPipeError } from "@pysocket/socket";
 * console.log(new BrokenPipeError(32).message); // [Errno 32] Broken pipe
 * ```
 */
export class BrokenPipeError extends ConnectionError {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "BrokenPipeError";
  }
}

/**
 * Python's `ConnectionAbortedError`: `ECONNABORTED`.
 *
 * @example
 * ```ts
 * import { ConnectionAbortedError } from "@pysocket/socket";
 * console.log(new ConnectionAbortedError(103).errno); // 103
 * ```
 */
export class ConnectionAbortedError extends ConnectionError {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "ConnectionAbortedError";
  }
}

/**
 * Python's `ConnectionRefusedError`: `ECONNREFUSED`.
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError } from "@pysocket/socket";
 * console.log(new ConnectionRefusedError(111).message); // [Errno 111] Connection refused
 * ```
 */
export class ConnectionRefusedError extends ConnectionError {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "ConnectionRefusedError";
  }
}

/**
 * Python's `ConnectionResetError`: `ECONNRESET`.
 *
 * @example
 * ```ts
 * import { ConnectionResetError } from "@pysocket/socket";
 * console.log(new ConnectionResetError(104).message); // [Errno 104] Connection reset by peer
 * ```
 */
export class ConnectionResetError extends ConnectionError {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "ConnectionResetError";
  }
}

/**
 * Python's `FileNotFoundError`: `ENOENT` (an `AF_UNIX` path that is not there).
 *
 * @example
 * ```ts
 * import { FileNotFoundError } from "@pysocket/socket";
 * console.log(new FileNotFoundError(2).message); // [Errno 2] No such file or directory
 * ```
 */
export class FileNotFoundError extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "FileNotFoundError";
  }
}

/**
 * Python's `PermissionError`: `EACCES`, `EPERM`.
 *
 * @example
 * ```ts
 * import { PermissionError } from "@pysocket/socket";
 * console.log(new PermissionError(13).message); // [Errno 13] Permission denied
 * ```
 */
export class PermissionError extends error {
  /** The name Python prints for this class. */
  static override get pythonName(): string {
    return "PermissionError";
  }
}

const CLASS_FOR_ERRNO: ReadonlyMap<number, typeof error> = new Map<
  number,
  typeof error
>([
  [ERRNO.EAGAIN, BlockingIOError],
  [ERRNO.EALREADY, BlockingIOError],
  [ERRNO.EINPROGRESS, BlockingIOError],
  [ERRNO.EPIPE, BrokenPipeError],
  [ERRNO.ESHUTDOWN, BrokenPipeError],
  [ERRNO.ECONNABORTED, ConnectionAbortedError],
  [ERRNO.ECONNREFUSED, ConnectionRefusedError],
  [ERRNO.ECONNRESET, ConnectionResetError],
  [ERRNO.ENOENT, FileNotFoundError],
  [ERRNO.EACCES, PermissionError],
  [ERRNO.EPERM, PermissionError],
  [ERRNO.ETIMEDOUT, timeout],
]);

/**
 * An {@link error} of the subclass Python picks for `code`
 * (`ConnectionRefusedError` for `ECONNREFUSED`, ...). Internal.
 */
export function osError(code: number, strerror?: string): error {
  const cls = CLASS_FOR_ERRNO.get(code) ?? error;
  return new cls(code, strerror);
}

/** The `timeout` error an operation gives when it runs past its time. */
export function timedOut(): timeout {
  return new timeout("timed out");
}

// Deno's message when a permission is missing names the kind and the
// target: `Requires net access to "127.0.0.1:8080", run again with the
// --allow-net flag`.
const MISSING_PERMISSION =
  /Requires (\w+) access to "?([^",]*)"?.*?(--allow-[a-z-]+)/;

/**
 * The `EACCES` error for a missing Deno permission, naming the flag to add.
 * `detail` is Deno's message, or `kind:target` as in `net:127.0.0.1:80`.
 */
export function permissionError(detail: string): error {
  const m = MISSING_PERMISSION.exec(detail);
  let flag: string;
  if (detail.startsWith("--allow-")) {
    flag = detail;
  } else if (m !== null && m[3] !== undefined) {
    flag = m[2] ? `${m[3]}=${m[2]}` : m[3];
  } else {
    const [kind, ...rest] = detail.split(":");
    const target = rest.join(":");
    flag = `--allow-${kind}${target ? `=${target}` : ""}`;
  }
  return osError(
    ERRNO.EACCES,
    `Permission denied: run Deno with ${flag}`,
  );
}

/**
 * What a runtime adapter fails with (`RuntimeError` in _runtime/error.ts),
 * as this layer sees it.
 */
interface RuntimeFailure extends Error {
  readonly name: "RuntimeError";
  readonly code: string;
  readonly syscall: string;
  readonly permissionFlag: string | null;
}

function isRuntimeFailure(e: unknown): e is RuntimeFailure {
  return e instanceof Error && e.name === "RuntimeError" &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { syscall?: unknown }).syscall === "string";
}

/**
 * Turns what a runtime call threw into the {@link error} for its errno, with
 * Linux's number and Python's message, keeping the runtime's error as
 * `cause`. The adapters throw `RuntimeError`s (_runtime/error.ts, known
 * here by their shape: this layer imports nothing); errors that already are
 * {@link error}s, `TypeError`s, `RangeError`s or an abort's reason pass
 * through unchanged.
 */
export function fromRuntimeError(e: unknown): Error {
  if (isRuntimeFailure(e)) {
    if (e.permissionFlag !== null) return permissionError(e.permissionFlag);
    const err = isErrnoName(e.code)
      ? osError(errno[e.code])
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
    const err = isErrnoName(code) ? osError(errno[code]) : new error(e.message);
    err.cause = e;
    return err;
  }
  return new error(String(e));
}

for (
  const c of [
    error,
    herror,
    gaierror,
    timeout,
    BlockingIOError,
    ConnectionError,
    BrokenPipeError,
    ConnectionAbortedError,
    ConnectionRefusedError,
    ConnectionResetError,
    FileNotFoundError,
    PermissionError,
  ]
) OWN_CLASSES.add(c);
