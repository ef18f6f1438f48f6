/**
 * Python's `selectors`: register sockets with the events wanted and data of
 * your own, then `select()` for the ready ones, over `select()`, `poll()`
 * or `epoll()`.
 *
 * @module
 */

import {
  type Epoll,
  epoll,
  EPOLLIN,
  EPOLLOUT,
  type FileObject,
  type Poll,
  poll,
  POLLIN,
  POLLOUT,
  select,
  type WaitOptions,
} from "../select/mod.ts";
import { keyError, runtimeError } from "../select/errors.ts";

/** The event of a file object ready to read. */
export const EVENT_READ = 1;
/** The event of a file object ready to write. */
export const EVENT_WRITE = 2;

const EVENTS = EVENT_READ | EVENT_WRITE;

/**
 * What `register` records for a file object: the object, its descriptor,
 * the events wanted and the data given (`null` when none was).
 *
 * @example
 * ```ts
 * import { SelectorKey, EVENT_READ } from "@pysocket/socket/selectors";
 * const key = new SelectorKey(7, 7, EVENT_READ, "seven");
 * console.log(key.fd, key.data); // 7 seven
 * ```
 */
export class SelectorKey<T = unknown, F extends FileObject = FileObject> {
  /** The file object registered. */
  readonly fileobj: F;
  /** Its descriptor (`fileno()`). */
  readonly fd: number;
  /** The events waited for: `EVENT_READ`, `EVENT_WRITE` or both. */
  readonly events: number;
  /** The data attached to it. */
  readonly data: T;

  /** A key, as Python's `SelectorKey(fileobj, fd, events, data)`. */
  constructor(fileobj: F, fd: number, events: number, data: T) {
    this.fileobj = fileobj;
    this.fd = fd;
    this.events = events;
    this.data = data;
    Object.freeze(this);
  }
}

/** The optional data argument: required unless `T` takes `null`. */
export type DataArg<T> = null extends T ? [data?: T] : [data: T];

function repr(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (typeof v !== "object" || v === null) return String(v);
  if (v.toString !== Object.prototype.toString) return String(v);
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return `<${
    typeof name === "string" && name !== "Object" ? name : "object"
  } object>`;
}

/** Python's `selectors._fileobj_to_fd`, with `RangeError` for ValueError. */
function fileobjToFd(fileobj: unknown): number {
  let fd: unknown = fileobj;
  if (typeof fileobj !== "number" || !Number.isInteger(fileobj)) {
    const method = typeof fileobj === "object" && fileobj !== null
      ? (fileobj as { fileno?: unknown }).fileno
      : undefined;
    fd = typeof method === "function" ? method.call(fileobj) : undefined;
    if (typeof fd !== "number" || !Number.isInteger(fd)) {
      throw new RangeError(`Invalid file object: ${repr(fileobj)}`);
    }
  }
  if (typeof fd !== "number" || fd < 0) {
    throw new RangeError(`Invalid file descriptor: ${String(fd)}`);
  }
  return fd;
}

function checkEvents(events: unknown): number {
  if (
    typeof events !== "number" || !Number.isInteger(events) || events === 0 ||
    (events & ~EVENTS) !== 0 || events < 0
  ) {
    throw new RangeError(`Invalid events: ${repr(events)}`);
  }
  return events;
}

/**
 * The registered keys of a selector by descriptor: a live, read-only map
 * (Python's mapping from `get_map()`), whose `get` and `has` also take the
 * file object itself.
 *
 * @example
 * ```ts
 * import { socket } from "@pysocket/socket";
 * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
 * using s = socket();
 * using sel = new DefaultSelector();
 * sel.register(s, EVENT_READ);
 * console.log(sel.get_map().size, sel.get_map().get(s)?.fd === s.fileno()); // 1 true
 * ```
 */
export class SelectorMapping<T = unknown, F extends FileObject = FileObject>
  implements ReadonlyMap<number, SelectorKey<T, F>> {
  readonly #keys: Map<number, SelectorKey<T, F>>;
  readonly #lookup: (fileobj: unknown) => number;

  /** Made by the selectors. */
  constructor(
    keys: Map<number, SelectorKey<T, F>>,
    lookup: (fileobj: unknown) => number,
  ) {
    this.#keys = keys;
    this.#lookup = lookup;
  }

  #fd(fileobj: unknown): number | null {
    try {
      return this.#lookup(fileobj);
    } catch (e) {
      if (e instanceof RangeError) return null;
      throw e;
    }
  }

  /** How many file objects are registered. */
  get size(): number {
    return this.#keys.size;
  }

  /** The key of a descriptor or file object, or `undefined`. */
  get(fileobj: FileObject): SelectorKey<T, F> | undefined {
    const fd = this.#fd(fileobj);
    return fd === null ? undefined : this.#keys.get(fd);
  }

  /** Whether a descriptor or file object is registered. */
  has(fileobj: FileObject): boolean {
    const fd = this.#fd(fileobj);
    return fd !== null && this.#keys.has(fd);
  }

  /** Calls `f` for each key, in registration order. */
  forEach(
    f: (
      value: SelectorKey<T, F>,
      key: number,
      map: ReadonlyMap<number, SelectorKey<T, F>>,
    ) => void,
    thisArg?: unknown,
  ): void {
    for (const [fd, key] of this.#keys) f.call(thisArg, key, fd, this);
  }

  /** The descriptors. */
  keys(): ReturnType<Map<number, SelectorKey<T, F>>["keys"]> {
    return this.#keys.keys();
  }

  /** The keys. */
  values(): ReturnType<Map<number, SelectorKey<T, F>>["values"]> {
    return this.#keys.values();
  }

  /** `[fd, key]` pairs. */
  entries(): ReturnType<Map<number, SelectorKey<T, F>>["entries"]> {
    return this.#keys.entries();
  }

  /** `[fd, key]` pairs. */
  [Symbol.iterator](): ReturnType<Map<number, SelectorKey<T, F>>["entries"]> {
    return this.#keys.entries();
  }
}

/**
 * What every selector does (Python's `BaseSelector` with its shared
 * implementation): `register`, `unregister`, `modify`, `get_key`,
 * `get_map`, `close`, and `select` by each kind. `T` is the type of the
 * data attached to file objects, `F` the type of the file objects.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { type BaseSelector, DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
 * const [a, b] = await socketpair();
 * const sel: BaseSelector<string> = new DefaultSelector<string>();
 * sel.register(b, EVENT_READ, "b");
 * await a.send("x");
 * for (const [key] of await sel.select(1)) console.log(key.data); // b
 * sel.close();
 * a.close();
 * b.close();
 * ```
 */
export abstract class BaseSelector<
  T = unknown,
  F extends FileObject = FileObject,
> implements Disposable {
  readonly #keys = new Map<number, SelectorKey<T, F>>();
  readonly #map: SelectorMapping<T, F> = new SelectorMapping(
    this.#keys,
    (fileobj) => this.#lookup(fileobj),
  );

  // Python's `_fileobj_lookup`: also finds a registered object whose
  // descriptor is gone (a closed socket), so that it can be unregistered.
  #lookup(fileobj: unknown): number {
    try {
      return fileobjToFd(fileobj);
    } catch (e) {
      for (const key of this.#keys.values()) {
        if (key.fileobj === fileobj) return key.fd;
      }
      throw e;
    }
  }

  /** The kind's own registration of `fd` (`events` is not 0). */
  protected abstract addFd(fd: number, events: number): void;
  /** The kind's own change of the events of `fd`. */
  protected abstract changeFd(fd: number, events: number): void;
  /** The kind's own unregistration of `fd`. */
  protected abstract removeFd(fd: number): void;
  /** Releases what the kind holds. */
  protected abstract closeKind(): void;

  /**
   * Registers `fileobj` for `events` (`EVENT_READ`, `EVENT_WRITE` or both)
   * with `data` (`null` when not given). A `RangeError` for a bad mask or
   * file object, an `Error` named `KeyError` when it is registered already.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   * using s = socket();
   * using sel = new DefaultSelector<string>();
   * console.log(sel.register(s, EVENT_READ, "listener").data); // listener
   * ```
   */
  register(fileobj: F, events: number, ...data: DataArg<T>): SelectorKey<T, F> {
    const mask = checkEvents(events);
    const fd = this.#lookup(fileobj);
    if (this.#keys.has(fd)) {
      throw keyError(`${repr(fileobj)} (FD ${fd}) is already registered`);
    }
    const key = new SelectorKey<T, F>(fileobj, fd, mask, dataOf(data));
    this.#keys.set(fd, key);
    try {
      this.addFd(fd, mask);
    } catch (e) {
      this.#keys.delete(fd);
      throw e;
    }
    return key;
  }

  /**
   * Unregisters `fileobj` (also one closed since) and returns its key; an
   * `Error` named `KeyError` when it is not registered.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   * const s = socket();
   * using sel = new DefaultSelector();
   * sel.register(s, EVENT_READ);
   * s.close();
   * console.log(sel.unregister(s).events); // 1
   * ```
   */
  unregister(fileobj: F): SelectorKey<T, F> {
    const key = this.#keyOf(fileobj);
    this.#keys.delete(key.fd);
    this.removeFd(key.fd);
    return key;
  }

  /**
   * Changes the events or the data of a registered `fileobj` (the data
   * becomes `null` when not given, as in Python); returns the new key.
   * The mask is checked as `register` checks it, before anything changes.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ, EVENT_WRITE } from "@pysocket/socket/selectors";
   * using s = socket();
   * using sel = new DefaultSelector<string>();
   * sel.register(s, EVENT_READ, "r");
   * console.log(sel.modify(s, EVENT_WRITE, "w").events); // 2
   * ```
   */
  modify(fileobj: F, events: number, ...data: DataArg<T>): SelectorKey<T, F> {
    const key = this.#keyOf(fileobj);
    const mask = checkEvents(events);
    const value = dataOf(data);
    if (mask === key.events && value === key.data) return key;
    if (mask !== key.events) {
      try {
        this.changeFd(key.fd, mask);
      } catch (e) {
        // As CPython: a file object the system refuses is no longer
        // registered.
        this.#keys.delete(key.fd);
        throw e;
      }
    }
    const next = new SelectorKey<T, F>(key.fileobj, key.fd, mask, value);
    this.#keys.set(key.fd, next);
    return next;
  }

  /**
   * Waits until some registered file objects are ready, or `timeout`
   * seconds (absent or `null`: as long as it takes; `0` or less: not at
   * all). Resolves to `[key, events]` pairs, `events` the ready part of
   * `key.events`.
   */
  abstract select(
    timeout?: number | null,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>>;
  /** The same, waiting without a timeout until ready or aborted. */
  abstract select(
    options: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>>;

  /**
   * Unregisters everything and releases the selector. After it, an epoll
   * selector refuses every call (`RangeError`), as in CPython.
   *
   * @example
   * ```ts
   * import { DefaultSelector } from "@pysocket/socket/selectors";
   * const sel = new DefaultSelector();
   * sel.close();
   * console.log(sel.get_map().size); // 0
   * ```
   */
  close(): void {
    this.#keys.clear();
    this.#closed = true;
    this.closeKind();
  }

  #closed = false;

  /** Closes it: `using sel = new DefaultSelector()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The key of a registered `fileobj`; an `Error` named `KeyError` when it
   * is not registered, `RuntimeError` once the selector is closed.
   *
   * @example
   * ```ts
   * import { socket } from "@pysocket/socket";
   * import { DefaultSelector, EVENT_READ } from "@pysocket/socket/selectors";
   * using s = socket();
   * using sel = new DefaultSelector<number>();
   * sel.register(s, EVENT_READ, 42);
   * console.log(sel.get_key(s).data); // 42
   * ```
   */
  get_key(fileobj: F): SelectorKey<T, F> {
    if (this.#closed) throw runtimeError("Selector is closed");
    return this.#keyOf(fileobj);
  }

  /**
   * The registered keys by descriptor: a live read-only map (empty once
   * closed, where CPython gives `None`).
   *
   * @example
   * ```ts
   * import { DefaultSelector } from "@pysocket/socket/selectors";
   * using sel = new DefaultSelector();
   * console.log(sel.get_map().size); // 0
   * ```
   */
  get_map(): SelectorMapping<T, F> {
    return this.#map;
  }

  /** The key registered for `fd`, or `null` (Python's `_key_from_fd`). */
  protected keyFromFd(fd: number): SelectorKey<T, F> | null {
    return this.#keys.get(fd) ?? null;
  }

  /** How many file objects are registered. */
  protected get count(): number {
    return this.#keys.size;
  }

  #keyOf(fileobj: unknown): SelectorKey<T, F> {
    let key: SelectorKey<T, F> | undefined;
    try {
      key = this.#keys.get(this.#lookup(fileobj));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw keyError(`${repr(fileobj)} is not registered`);
    }
    if (key === undefined) throw keyError(`${repr(fileobj)} is not registered`);
    return key;
  }
}

function dataOf<T>(data: DataArg<T>): T {
  // Omitted data is null, which DataArg allows only when T takes null.
  return (data.length > 0 ? data[0] : null) as T;
}

function optionsArgs(
  timeout: number | null | undefined | WaitOptions,
  options: WaitOptions | undefined,
): [number | null | undefined, WaitOptions | undefined] {
  if (typeof timeout === "object" && timeout !== null) {
    return [undefined, timeout];
  }
  return [timeout, options];
}

/**
 * A selector over `select()`, as Python's `selectors.SelectSelector`. A
 * registered socket closed without being unregistered makes `select()`
 * reject with `EBADF`, as CPython's does.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { EVENT_WRITE, SelectSelector } from "@pysocket/socket/selectors";
 * const [a, b] = await socketpair();
 * using sel = new SelectSelector();
 * sel.register(a, EVENT_WRITE);
 * for (const [key, events] of await sel.select(0)) {
 *   console.log(key.fileobj === a, events); // true 2
 * }
 * a.close();
 * b.close();
 * ```
 */
export class SelectSelector<
  T = unknown,
  F extends FileObject = FileObject,
> extends BaseSelector<T, F> {
  readonly #readers = new Set<number>();
  readonly #writers = new Set<number>();

  /** Registers `fd` with the kind for `events`. */
  protected addFd(fd: number, events: number): void {
    if (events & EVENT_READ) this.#readers.add(fd);
    if (events & EVENT_WRITE) this.#writers.add(fd);
  }

  /** Changes the events of `fd` for the kind. */
  protected changeFd(fd: number, events: number): void {
    this.removeFd(fd);
    this.addFd(fd, events);
  }

  /** Unregisters `fd` from the kind. */
  protected removeFd(fd: number): void {
    this.#readers.delete(fd);
    this.#writers.delete(fd);
  }

  /** Releases what the kind holds. */
  protected closeKind(): void {
    this.#readers.clear();
    this.#writers.clear();
  }

  /** See {@link BaseSelector.select}. */
  select(
    timeout?: number | null,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>>;
  /** The same, waiting without a timeout until ready or aborted. */
  select(options: WaitOptions): Promise<Array<[SelectorKey<T, F>, number]>>;
  async select(
    timeout?: number | null | WaitOptions,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>> {
    const [t, o] = optionsArgs(timeout, options);
    const wait = t === null || t === undefined ? null : Math.max(t, 0);
    const [r, w] = await select(
      [...this.#readers],
      [...this.#writers],
      [],
      wait,
      o,
    );
    const rs = new Set(r);
    const ws = new Set(w);
    const ready: Array<[SelectorKey<T, F>, number]> = [];
    for (const fd of new Set([...r, ...w])) {
      const events = (rs.has(fd) ? EVENT_READ : 0) |
        (ws.has(fd) ? EVENT_WRITE : 0);
      const key = this.keyFromFd(fd);
      if (key !== null) ready.push([key, events & key.events]);
    }
    return ready;
  }
}

function pollEvents(events: number, read: number, write: number): number {
  let mask = 0;
  if (events & EVENT_READ) mask |= read;
  if (events & EVENT_WRITE) mask |= write;
  return mask;
}

// Python's mapping of a poll or epoll event back to selector events: any
// bit but the read one counts as writable, any but the write one as
// readable (so POLLERR, POLLHUP and POLLNVAL count as both).
function selectorEvents(event: number, read: number, write: number): number {
  let events = 0;
  if (event & ~read) events |= EVENT_WRITE;
  if (event & ~write) events |= EVENT_READ;
  return events;
}

// The keys of poll's or epoll's answer, each with the selector events its
// bits mean (only those it was registered for); numbers no longer
// registered are left out.
function readyKeys<T, F extends FileObject>(
  events: ReadonlyArray<readonly [number, number]>,
  read: number,
  write: number,
  keyOf: (fd: number) => SelectorKey<T, F> | null,
): Array<[SelectorKey<T, F>, number]> {
  const ready: Array<[SelectorKey<T, F>, number]> = [];
  for (const [fd, event] of events) {
    const key = keyOf(fd);
    if (key !== null) {
      ready.push([key, selectorEvents(event, read, write) & key.events]);
    }
  }
  return ready;
}

/**
 * A selector over `poll()`, as Python's `selectors.PollSelector`.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { EVENT_READ, PollSelector } from "@pysocket/socket/selectors";
 * const [a, b] = await socketpair();
 * using sel = new PollSelector();
 * sel.register(b, EVENT_READ);
 * await a.send("x");
 * console.log((await sel.select(1)).length); // 1
 * a.close();
 * b.close();
 * ```
 */
export class PollSelector<
  T = unknown,
  F extends FileObject = FileObject,
> extends BaseSelector<T, F> {
  readonly #poll: Poll = poll();

  /** Registers `fd` with the kind for `events`. */
  protected addFd(fd: number, events: number): void {
    this.#poll.register(fd, pollEvents(events, POLLIN, POLLOUT));
  }

  /** Changes the events of `fd` for the kind. */
  protected changeFd(fd: number, events: number): void {
    this.#poll.modify(fd, pollEvents(events, POLLIN, POLLOUT));
  }

  /** Unregisters `fd` from the kind. */
  protected removeFd(fd: number): void {
    try {
      this.#poll.unregister(fd);
    } catch {
      // Not there: nothing to undo.
    }
  }

  /** Releases what the kind holds. */
  protected closeKind(): void {
    // CPython keeps its poll object: a closed PollSelector still works.
  }

  /** See {@link BaseSelector.select}. */
  select(
    timeout?: number | null,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>>;
  /** The same, waiting without a timeout until ready or aborted. */
  select(options: WaitOptions): Promise<Array<[SelectorKey<T, F>, number]>>;
  async select(
    timeout?: number | null | WaitOptions,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>> {
    const [t, o] = optionsArgs(timeout, options);
    // poll() counts milliseconds: round up, to wait at least `timeout`.
    const ms = t === null || t === undefined
      ? null
      : t <= 0
      ? 0
      : Math.ceil(t * 1e3);
    const events = await this.#poll.poll(ms, o);
    return readyKeys(events, POLLIN, POLLOUT, (fd) => this.keyFromFd(fd));
  }
}

/**
 * A selector over `epoll()`, as Python's `selectors.EpollSelector`: the
 * cost of a `select()` follows the active sockets, not how many are
 * registered. A registered socket that is closed is no longer reported.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * import { EpollSelector, EVENT_READ } from "@pysocket/socket/selectors";
 * const [a, b] = await socketpair();
 * using sel = new EpollSelector<string>();
 * sel.register(b, EVENT_READ, "b");
 * await a.send("x");
 * for (const [key] of await sel.select(1)) {
 *   console.log(key.data); // b
 * }
 * a.close();
 * b.close();
 * ```
 */
export class EpollSelector<
  T = unknown,
  F extends FileObject = FileObject,
> extends BaseSelector<T, F> {
  readonly #epoll: Epoll = epoll();

  /**
   * The epoll object's number.
   *
   * @example
   * ```ts
   * import { EpollSelector } from "@pysocket/socket/selectors";
   * using sel = new EpollSelector();
   * console.log(sel.fileno() > 0); // true
   * ```
   */
  fileno(): number {
    return this.#epoll.fileno();
  }

  /** Registers `fd` with the kind for `events`. */
  protected addFd(fd: number, events: number): void {
    this.#epoll.register(fd, pollEvents(events, EPOLLIN, EPOLLOUT));
  }

  /** Changes the events of `fd` for the kind. */
  protected changeFd(fd: number, events: number): void {
    this.#epoll.modify(fd, pollEvents(events, EPOLLIN, EPOLLOUT));
  }

  /** Unregisters `fd` from the kind. */
  protected removeFd(fd: number): void {
    try {
      this.#epoll.unregister(fd);
    } catch (e) {
      // Closed since it was registered (as CPython, OSError only).
      if (e instanceof RangeError) throw e;
    }
  }

  /** Releases what the kind holds. */
  protected closeKind(): void {
    this.#epoll.close();
  }

  /** See {@link BaseSelector.select}. */
  select(
    timeout?: number | null,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>>;
  /** The same, waiting without a timeout until ready or aborted. */
  select(options: WaitOptions): Promise<Array<[SelectorKey<T, F>, number]>>;
  async select(
    timeout?: number | null | WaitOptions,
    options?: WaitOptions,
  ): Promise<Array<[SelectorKey<T, F>, number]>> {
    const [t, o] = optionsArgs(timeout, options);
    // epoll_wait counts milliseconds: round up, to wait at least `timeout`.
    const wait = t === null || t === undefined
      ? -1
      : t <= 0
      ? 0
      : Math.ceil(t * 1e3) * 1e-3;
    const events = await this.#epoll.poll(
      wait,
      Math.max(this.count, 1),
      o,
    );
    return readyKeys(events, EPOLLIN, EPOLLOUT, (fd) => this.keyFromFd(fd));
  }
}

/**
 * The best selector here: on Linux, as in CPython, the epoll one.
 *
 * @example
 * ```ts
 * import { DefaultSelector, EpollSelector } from "@pysocket/socket/selectors";
 * console.log(DefaultSelector === EpollSelector); // true
 * ```
 */
export const DefaultSelector: typeof EpollSelector = EpollSelector;
/** The type of {@link DefaultSelector}'s selectors. */
export type DefaultSelector<
  T = unknown,
  F extends FileObject = FileObject,
> = EpollSelector<T, F>;
