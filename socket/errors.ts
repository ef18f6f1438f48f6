/**
 * The exception classes of Python's `socket` module, the `errno` map, and
 * `fromRuntimeError`, the one mapping from a runtime's error to an
 * {@link error}. They live in `_base/errors.ts`, at the bottom of the layers,
 * so that `dns/` maps the runtime's errors through the same function.
 *
 * @module
 */

export * from "../_base/errors.ts";
