// The package's module state (the descriptor table, the default timeout,
// the resolver settings, ...) lives in one registry on `globalThis`, so
// that every copy of pysocket loaded into one process shares it: the ES
// module and CommonJS builds of the npm package, or two installs of it in
// one dependency tree. A socket made through one copy is then found by
// `fromfd`, `select` and `socket(fileno=)` of another, and
// `setdefaulttimeout` applies to all.
//
// The key carries a layout version: a copy whose state has another shape
// uses its own registry rather than misreading another's.

/** The registry's key: `Symbol.for`, so that every copy finds the same one. */
export const STATE_KEY: unique symbol = Symbol.for("pysocket.state.v1");

type Registry = Record<string, unknown>;

function registry(): Registry {
  const g = globalThis as typeof globalThis & { [STATE_KEY]?: Registry };
  let r = g[STATE_KEY];
  if (r === undefined) {
    r = Object.create(null) as Registry;
    // Not enumerable, so that it does not show among globalThis's keys.
    Object.defineProperty(g, STATE_KEY, { value: r, configurable: true });
  }
  return r;
}

/**
 * The state named `name`, made by `init` the first time any copy of the
 * package asks for it. Keep the state in the returned object (mutate its
 * fields), never in a module's own `let`.
 */
export function shared<T extends object>(name: string, init: () => T): T {
  const r = registry();
  if (!(name in r)) r[name] = init();
  return r[name] as T;
}
