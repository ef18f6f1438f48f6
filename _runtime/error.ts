// The one error an adapter throws or rejects with. Each adapter translates
// its runtime's own errors (Deno's classes, Node's codes, OS error numbers)
// into this; socket/errors.ts turns it into Python's `error` classes.

import type { ErrnoName } from "../_base/errors.ts";

/** A failed runtime call: the errno's name and the system call. */
export class RuntimeError extends Error {
  /**
   * The errno's name (`ECONNREFUSED`), `EACCES` for a permission, or
   * `UNKNOWN` (Node's word) for a failure with no errno.
   */
  readonly code: ErrnoName | "UNKNOWN";
  /** The system call or runtime operation that failed (`connect`, ...). */
  readonly syscall: string;
  /**
   * For a missing permission: the flag that grants it, as the runtime
   * spells it (`--allow-net=127.0.0.1:80`).
   */
  readonly permissionFlag: string | null;

  constructor(
    code: ErrnoName | "UNKNOWN",
    syscall: string,
    options: { cause?: unknown; permissionFlag?: string; message?: string } =
      {},
  ) {
    super(options.message ?? `${syscall}: ${code}`, { cause: options.cause });
    this.name = "RuntimeError";
    this.code = code;
    this.syscall = syscall;
    this.permissionFlag = options.permissionFlag ?? null;
  }
}
