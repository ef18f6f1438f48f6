/**
 * Python's convenience functions over the socket object: `socketpair`,
 * `create_connection`, `create_server`, `has_dualstack_ipv6`.
 *
 * @module
 */

import { runtime } from "../_runtime/runtime.ts";
import { getaddrinfo } from "../dns/mod.ts";
import * as C from "../_base/constants.ts";
import {
  errno,
  error,
  fromRuntimeError,
  osError,
  timeout as TimeoutError,
} from "./errors.ts";
import { type Address, type AddressOf, Socket } from "./socket.ts";
import type { FamilyInet } from "../_base/constants.ts";
import { lookupFd } from "./_description.ts";
import { splitOptions, type WaitOptions } from "../_base/wait_options.ts";
import { pair } from "./_datagram_ops.ts";
import type { FileLock } from "../_runtime/types.ts";

/**
 * Where `socketpair()` makes its `AF_UNIX` stream pairs: one fixed path in
 * one shared directory (mode 1777, as `/tmp`), so that the Deno flags that
 * allow it are the same on every run and can be written down once:
 * `--allow-read=/tmp/pysocket --allow-write=/tmp/pysocket
 * --allow-net=unix:/tmp/pysocket/pair.sock`. The path exists only while a
 * pair is being made; the pairs of every process take turns through an
 * advisory lock (`flock`) on `/tmp/pysocket/pair.lock`, which the kernel
 * frees when its process ends.
 *
 * @example
 * ```ts
 * import { SOCKETPAIR_PATH } from "@pysocket/socket";
 * console.log(SOCKETPAIR_PATH); // /tmp/pysocket/pair.sock
 * ```
 */
export const SOCKETPAIR_PATH = "/tmp/pysocket/pair.sock";
const PAIR_DIR = SOCKETPAIR_PATH.slice(0, SOCKETPAIR_PATH.lastIndexOf("/"));
// Held while a pair is made on the fixed path (see takePairLock).
const PAIR_LOCK = `${PAIR_DIR}/pair.lock`;

/**
 * A pair of connected sockets. `AF_UNIX` (the default) stream pairs are
 * made through {@link SOCKETPAIR_PATH} (on Deno: `--allow-read` and
 * `--allow-write` for `/tmp/pysocket`, `--allow-net` for the path; a
 * missing one gives `EACCES` naming all three); `AF_INET`/`AF_INET6` use
 * loopback TCP. `SOCK_DGRAM` pairs are `AF_UNIX` only, as on Linux; their
 * paths stay in a private temporary directory until the sockets close
 * (Deno addresses every datagram by path), but neither socket shows a name.
 *
 * @example
 * ```ts
 * import { socketpair } from "@pysocket/socket";
 * const [a, b] = await socketpair();
 * await a.sendall("ping");
 * console.log(new TextDecoder().decode(await b.recv(10))); // ping
 * a.close();
 * b.close();
 * ```
 */
export async function socketpair(
  family: number = C.AF_UNIX,
  type: number = C.SOCK_STREAM,
  proto: number = 0,
): Promise<[Socket, Socket]> {
  if (type === C.SOCK_DGRAM && family === C.AF_UNIX) {
    return await datagramPair(proto);
  }
  if (type !== C.SOCK_STREAM) {
    // Checked like socket() does, then refused.
    new Socket(family, type, proto).close();
    throw osError(
      errno.EOPNOTSUPP,
      "Operation not supported: socketpair makes SOCK_STREAM pairs, and SOCK_DGRAM pairs of AF_UNIX",
    );
  }
  if (family === C.AF_UNIX) return await unixStreamPair(proto);
  const listener = new Socket(family, type, proto);
  try {
    listener.bind([family === C.AF_INET6 ? "::1" : "127.0.0.1", 0]);
    listener.listen(1);
    return await pairThrough(listener, listener.getsockname(), family, proto);
  } finally {
    await listener[Symbol.asyncDispose]();
  }
}

// A new socket connected to `listener` at `address`, and the connection
// the listener accepts for it; the new socket is closed if either fails.
async function pairThrough(
  listener: Socket,
  address: Address,
  family: number,
  proto: number,
): Promise<[Socket, Socket]> {
  const a = new Socket(family, C.SOCK_STREAM, proto);
  try {
    await a.connect(address);
    const [b] = await listener.accept();
    return [a, b];
  } catch (e) {
    a.close();
    throw e;
  }
}

// Pairs of this process are made one at a time (they share the path).
let pairing: Promise<unknown> = Promise.resolve();
// How long a pair waits for another process's pair to free the path.
const PAIR_WAIT_MS = 5000;
// The bytes a pair's client sends first, to know its own connection from
// one another program made to the path.
const TOKEN_BYTES = 16;

function unixStreamPair(proto: number): Promise<[Socket, Socket]> {
  // With the run-time's permission to make a private directory and listen
  // there (Node.js and Bun, or Deno with unrestricted --allow-read,
  // --allow-write and --allow-net), each pair has a path of its own and
  // pairs are made side by side; with only the three flags of the fixed
  // path, pairs share it, one at a time.
  if (privatePathsAllowed()) return privatePair(proto);
  const made = pairing.then(() => makeUnixStreamPair(proto));
  pairing = made.catch(() => {});
  return made;
}

function privatePathsAllowed(): boolean {
  if (!runtime.capabilities.permissionFlags) return true;
  return runtime.permissionState({ name: "read" }) === "granted" &&
    runtime.permissionState({ name: "write" }) === "granted" &&
    runtime.permissionState({ name: "net" }) === "granted";
}

async function privatePair(proto: number): Promise<[Socket, Socket]> {
  const dir = privateDir();
  const listener = new Socket(C.AF_UNIX, C.SOCK_STREAM, proto);
  try {
    listener.bind(`${dir}/pair.sock`);
    listener.listen(1);
    const [a, b] = await pairThrough(
      listener,
      `${dir}/pair.sock`,
      C.AF_UNIX,
      proto,
    );
    // Linux's socketpair() sockets have no names; the path used to make
    // this pair is gone once it returns.
    lookupFd(a.fileno()).unnamed = true;
    lookupFd(b.fileno()).unnamed = true;
    return [a, b];
  } finally {
    await listener[Symbol.asyncDispose]();
    runtime.removeSync(`${dir}/pair.sock`);
    runtime.removeSync(dir);
  }
}

// On Deno: the three flags, named at once, when any is missing.
function checkPairPermissions(): void {
  if (!runtime.capabilities.permissionFlags) return;
  const missing: string[] = [];
  if (runtime.permissionState({ name: "read", path: PAIR_DIR }) !== "granted") {
    missing.push(`--allow-read=${PAIR_DIR}`);
  }
  if (
    runtime.permissionState({ name: "write", path: PAIR_DIR }) !== "granted"
  ) {
    missing.push(`--allow-write=${PAIR_DIR}`);
  }
  if (
    runtime.permissionState({
      name: "net",
      host: `unix:${SOCKETPAIR_PATH}`,
    }) !==
      "granted"
  ) {
    missing.push(`--allow-net=unix:${SOCKETPAIR_PATH}`);
  }
  if (missing.length > 0) {
    throw osError(
      errno.EACCES,
      `Permission denied: run Deno with ${missing.join(" ")}`,
    );
  }
}

async function makeUnixStreamPair(proto: number): Promise<[Socket, Socket]> {
  checkPairPermissions();
  try {
    runtime.sharedDirSync(PAIR_DIR);
  } catch (e) {
    throw fromRuntimeError(e);
  }
  const lock = await takePairLock();
  const listener = new Socket(C.AF_UNIX, C.SOCK_STREAM, proto);
  try {
    // With the lock held, a path there is one a process left when it died
    // while making a pair: no live pair uses it.
    runtime.removeSync(SOCKETPAIR_PATH);
    listener.bind(SOCKETPAIR_PATH);
    listener.listen(1);
    return await connectPair(listener, proto);
  } finally {
    runtime.removeSync(SOCKETPAIR_PATH);
    await listener[Symbol.asyncDispose]();
    lock.release();
  }
}

// The lock that lets one pair at a time, of every process, use the fixed
// path; waited for up to PAIR_WAIT_MS. The kernel frees the lock of a
// process that dies, so a lock is never left behind.
async function takePairLock(): Promise<FileLock> {
  const until = performance.now() + PAIR_WAIT_MS;
  for (;;) {
    let lock: FileLock | null;
    try {
      lock = runtime.tryLockSync(PAIR_LOCK);
    } catch (e) {
      throw fromRuntimeError(e);
    }
    if (lock !== null) return lock;
    if (performance.now() > until) {
      throw new TimeoutError(
        `timed out: another process held ${PAIR_LOCK} for ${
          PAIR_WAIT_MS / 1000
        } s while making its socketpair()`,
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function connectPair(
  listener: Socket,
  proto: number,
): Promise<[Socket, Socket]> {
  const token = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  const a = new Socket(C.AF_UNIX, C.SOCK_STREAM, proto);
  try {
    await a.connect(SOCKETPAIR_PATH);
    await a.sendall(token);
    for (;;) {
      // Bounded: a connection of ours that never comes (it cannot, unless
      // a program that does not take the lock removed the path) ends in a
      // timeout, not a hang.
      listener.settimeout(PAIR_WAIT_MS / 1000);
      const [b] = await listener.accept();
      const timeout = b.gettimeout();
      b.settimeout(1);
      const got = await readToken(b);
      if (got.length === TOKEN_BYTES && got.every((v, i) => v === token[i])) {
        b.settimeout(timeout);
        // Linux's socketpair() sockets have no names; the path used to
        // make this pair is gone once it returns.
        lookupFd(a.fileno()).unnamed = true;
        lookupFd(b.fileno()).unnamed = true;
        return [a, b];
      }
      // Another program's connection to the path (one that does not take
      // the lock): not this pair's client.
      b.close();
    }
  } catch (e) {
    a.close();
    throw e;
  }
}

// Up to TOKEN_BYTES from a connection just accepted: what came before the
// end of its stream, or before a second without bytes (another program's
// connection may send nothing).
async function readToken(b: Socket): Promise<Uint8Array> {
  const got = new Uint8Array(TOKEN_BYTES);
  let n = 0;
  try {
    while (n < TOKEN_BYTES) {
      const k = await b.recv_into(got.subarray(n));
      if (k === 0) break;
      n += k;
    }
  } catch {
    // Timed out or reset: not this pair's client.
  }
  return got.subarray(0, n);
}

// A new private temporary directory for a pair's Unix paths.
function privateDir(): string {
  try {
    return runtime.makeTempDirSync();
  } catch (e) {
    throw fromRuntimeError(e);
  }
}

async function datagramPair(proto: number): Promise<[Socket, Socket]> {
  const a = new Socket(C.AF_UNIX, C.SOCK_DGRAM, proto);
  const b = new Socket(C.AF_UNIX, C.SOCK_DGRAM, proto);
  let dir: string | null = null;
  try {
    dir = privateDir();
    await pair(lookupFd(a.fileno()), lookupFd(b.fileno()), dir);
    return [a, b];
  } catch (e) {
    await Promise.all([a[Symbol.asyncDispose](), b[Symbol.asyncDispose]()]);
    if (dir !== null) {
      for (const name of ["a", "b"]) runtime.removeSync(`${dir}/${name}`);
      runtime.removeSync(dir);
    }
    throw e;
  }
}

/** Options of {@link create_server}, as Python's keyword arguments. */
export interface CreateServerOptions {
  /** `AF_INET` (default), `AF_INET6` or `AF_UNIX`. */
  family?: number;
  /** The listen backlog; Deno applies its own (see the README). */
  backlog?: number | null;
  /** Set `SO_REUSEPORT` (Linux). */
  reuse_port?: boolean;
  /** Accept IPv4 and IPv6 on one `AF_INET6` socket. */
  dualstack_ipv6?: boolean;
}

// Python's repr of an address: ('127.0.0.1', 80), ('::1', 80, 0, 0), '/path'.
function pyRepr(value: unknown, bytes = false): string {
  if (typeof value === "string") {
    // Single quotes unless the text has one and no double quote.
    const q = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = q;
    for (const ch of value) {
      const c = ch.codePointAt(0)!;
      if (ch === "\\" || ch === q) out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (c < 0x20 || c === 0x7f || (bytes && c > 0x7f)) {
        out += "\\x" + c.toString(16).padStart(2, "0");
      } else out += ch;
    }
    return out + q;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => pyRepr(v));
    return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
  }
  if (value instanceof Uint8Array) {
    return "b" + pyRepr(String.fromCharCode(...value), true);
  }
  return String(value);
}

/**
 * Connects to `[host, port]`, trying each address `getaddrinfo` gives, as
 * Python's `create_connection`. `timeout` `undefined` keeps the default;
 * `source_address` binds first (see the README for what Deno allows).
 * When every address fails, rejects with the first address's error, or,
 * with `all_errors`, with an `AggregateError` (Python's `ExceptionGroup`)
 * of every address's error, whose message is `create_connection failed`.
 * `{ signal }`, last or in place of the optional arguments, gives up the
 * look-up or the connect with `signal.reason`.
 *
 * @example
 * ```ts
 * import { create_connection, create_server } from "@pysocket/socket";
 * using server = create_server(["127.0.0.1", 0]);
 * using client = await create_connection(server.getsockname() as [string, number], 5);
 * console.log(client.gettimeout()); // 5
 * ```
 *
 * @example With `all_errors`
 * ```ts
 * import { create_connection, create_server } from "@pysocket/socket";
 * const server = create_server(["127.0.0.1", 0]);
 * const address = server.getsockname() as [string, number];
 * server.close();
 * try {
 *   await create_connection(address, null, null, true);
 * } catch (e) {
 *   const group = e as AggregateError;
 *   console.log(group.message, group.errors.length); // create_connection failed 1
 * }
 * ```
 */
export async function create_connection(
  address: [string, number] | readonly [string, number],
  timeout?: number | null | WaitOptions,
  source_address?: [string, number] | null | WaitOptions,
  all_errors?: boolean | WaitOptions,
  options?: WaitOptions,
): Promise<Socket> {
  if (!Array.isArray(address) || address.length !== 2) {
    throw new TypeError("create_connection() address must be (host, port)");
  }
  const [[t, source, all], signal] = splitOptions([
    timeout,
    source_address,
    all_errors,
    options,
  ]);
  signal?.throwIfAborted();
  const [host, port] = address;
  const errors: Error[] = [];
  const wait = signal === undefined ? {} : { signal };
  for (
    const [family, type, proto, , sa] of await getaddrinfo(
      host,
      port,
      0,
      C.SOCK_STREAM,
      0,
      0,
      wait,
    )
  ) {
    const sock = new Socket(family, type, proto);
    try {
      if (t !== undefined) sock.settimeout(t as number | null);
      if (source) sock.bind(source as [string, number]);
      await sock.connect(sa as Address, wait);
      return sock;
    } catch (e) {
      sock.close();
      // An abort ends the whole call, not just this address's attempt.
      if (signal?.aborted) throw signal.reason;
      errors.push(e as Error);
    }
  }
  if (errors.length > 0) {
    if (!all) throw errors[0];
    throw new AggregateError(errors, "create_connection failed");
  }
  throw new error("getaddrinfo returns an empty list");
}

/**
 * Whether one `AF_INET6` socket can take IPv4 and IPv6 connections.
 *
 * @example
 * ```ts
 * import { has_dualstack_ipv6 } from "@pysocket/socket";
 * console.log(typeof has_dualstack_ipv6()); // boolean
 * ```
 */
export function has_dualstack_ipv6(): boolean {
  return runtime.platform() !== "windows";
}

/**
 * A listening stream socket on `address`, as Python's `create_server`:
 * `SO_REUSEADDR` set, `SO_REUSEPORT` on request, dual-stack on request.
 *
 * @example
 * ```ts
 * import { create_server } from "@pysocket/socket";
 * using server = create_server(["127.0.0.1", 0], { backlog: 16 });
 * const [host, port] = server.getsockname();
 * console.log(host, port > 0); // 127.0.0.1 true
 * ```
 */
export function create_server<F extends number = FamilyInet>(
  address: Address,
  options: CreateServerOptions & { family?: F } = {},
): Socket<AddressOf<F>> {
  const family: number = options.family ?? C.AF_INET;
  if (options.dualstack_ipv6) {
    if (!has_dualstack_ipv6()) {
      throw new RangeError("dualstack_ipv6 not supported on this platform");
    }
    if (family !== C.AF_INET6) {
      throw new RangeError("dualstack_ipv6 requires AF_INET6 family");
    }
  }
  const sock = new Socket(family, C.SOCK_STREAM);
  try {
    // CPython sets it on every family but Windows, AF_UNIX included.
    sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    if (options.reuse_port) sock.setsockopt(C.SOL_SOCKET, C.SO_REUSEPORT, 1);
    if (family === C.AF_INET6 && options.dualstack_ipv6) {
      sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, 0);
    } else if (family === C.AF_INET6 && runtime.capabilities.ipv6Only) {
      // As CPython: an AF_INET6 server is IPv6-only unless asked for both
      // (Deno cannot set it; its sockets stay dual-stack).
      sock.setsockopt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, 1);
    }
    try {
      sock.bind(address);
    } catch (e) {
      if (e instanceof error && e.errno !== null) {
        throw osError(
          e.errno,
          `${e.strerror} (while attempting to bind on address ${
            pyRepr(address)
          })`,
        );
      }
      throw e;
    }
    if (options.backlog === null || options.backlog === undefined) {
      sock.listen();
    } else {
      sock.listen(options.backlog);
    }
    // The family fixes the address type (F is only the checker's view).
    return sock as Socket<AddressOf<F>>;
  } catch (e) {
    sock.close();
    throw e;
  }
}
