// Python's built-in exceptions that select, selectors and socketserver
// raise besides OSError, as JavaScript errors named after them. Internal to
// the package (not exported from the modules' mod.ts).

/** An `Error` named `"KeyError"`, as CPython raises for an unknown key. */
export function keyError(message: string): Error {
  const e = new Error(message);
  e.name = "KeyError";
  return e;
}

/** An `Error` named `"RuntimeError"`. */
export function runtimeError(message: string): Error {
  const e = new Error(message);
  e.name = "RuntimeError";
  return e;
}
