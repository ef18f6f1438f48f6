// The options object that every waiting call of the package takes last
// (`recv(1024, { signal })`), and how a call tells it from the optional
// positional arguments it may stand in for. Internal; the type is exported
// from the socket and dns modules.

/**
 * Options of a call that waits (`accept`, `recv`, `getaddrinfo`, ...).
 *
 * @example
 * ```ts
 * import { socketpair, type WaitOptions } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * const options: WaitOptions = { signal: AbortSignal.timeout(50) };
 * await b.recv(10, options).catch((e) => console.log(e.name)); // TimeoutError
 * a.close();
 * b.close();
 * ```
 */
export interface WaitOptions {
  /**
   * Rejects the call with `signal.reason` when aborted. As with a timeout,
   * nothing is lost: data that arrives afterwards goes to the next call.
   */
  signal?: AbortSignal | undefined;
}

/**
 * Whether `v` is an options object rather than a positional value: a plain
 * object, not an address tuple, bytes or `null`.
 */
export function isWaitOptions(v: unknown): v is WaitOptions {
  return typeof v === "object" && v !== null && !Array.isArray(v) &&
    !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);
}

/** The signal of an options object, checked. */
export function signalOf(options: unknown): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (!isWaitOptions(options)) {
    throw new TypeError("options must be an object such as { signal }");
  }
  const signal = options.signal;
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
  return signal;
}

/**
 * Splits a call's optional arguments from its trailing options object: the
 * first options object among `args` ends the positional ones (the ones
 * after it must be absent). Returns the positional values, padded with
 * `undefined` to `args.length`, and the signal.
 */
export function splitOptions(
  args: readonly unknown[],
): [values: unknown[], signal: AbortSignal | undefined] {
  const at = args.findIndex(isWaitOptions);
  if (at < 0) return [[...args], undefined];
  for (let i = at + 1; i < args.length; i++) {
    if (args[i] !== undefined) {
      throw new TypeError("the options object must be the last argument");
    }
  }
  const values = args.slice(0, at);
  while (values.length < args.length) values.push(undefined);
  return [values, signalOf(args[at])];
}

/**
 * `run()`, or a rejection with `signal.reason` when the signal aborts first
 * (at once when it already has: then `run` is never called). For calls
 * whose work cannot be stopped half-way without harm and loses nothing
 * when its result is dropped (a name look-up); a late rejection of the
 * dropped work is caught.
 */
export function raceSignal<T>(
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (signal === undefined) return run();
  if (signal.aborted) return Promise.reject(signal.reason);
  const work = run();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() =>
      signal.removeEventListener("abort", onAbort)
    );
  });
}

/** {@link raceSignal} with the signal of `options`, checked; never throws. */
export function withOptions<T>(
  options: unknown,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return raceSignal(signalOf(options), run);
  } catch (e) {
    return Promise.reject(e);
  }
}
