/**
 * Python's convenience functions over the socket object: `socketpair`,
 * `create_connection`, `create_server`, `has_dualstack_ipv6`.
 *
 * @module
 */

import { runtime } from "../_runtime/runtime.ts";
import { getaddrinfo } from "../dns/mod.ts";
import * as C from "../_base/constants.ts";
import { errno, error, fromRuntimeError, osError } from "./errors.ts";
import { type Address, Socket } from "./socket.ts";
import { lookupFd } from "./_description.ts";
import { pair } from "./_datagram_ops.ts";

/**
 * A pair of connected sockets. `AF_UNIX` (the default) uses a Unix socket
 * in a private temporary directory (needs `--allow-read` and
 * `--allow-write` there); `AF_INET`/`AF_INET6` use loopback TCP.
 * `SOCK_DGRAM` pairs are `AF_UNIX` only, as on Linux; their paths stay in
 * the private directory until the sockets close (Deno addresses every
 * datagram by path), but neither socket shows a name.
 *
 * @example
 * ```ts
 * import { socketpair } from "../mod.ts";
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
  let dir: string | null = null;
  const listener = new Socket(family, type, proto);
  try {
    if (family === C.AF_UNIX) {
      dir = privateDir();
      listener.bind(`${dir}/pair.sock`);
    } else {
      listener.bind([family === C.AF_INET6 ? "::1" : "127.0.0.1", 0]);
    }
    listener.listen(1);
    const a = new Socket(family, type, proto);
    try {
      await a.connect(listener.getsockname());
      const [b] = await listener.accept();
      if (family === C.AF_UNIX) {
        // Linux's socketpair() sockets have no names; the path used to
        // make this pair is gone once it returns.
        lookupFd(a.fileno()).unnamed = true;
        lookupFd(b.fileno()).unnamed = true;
      }
      return [a, b];
    } catch (e) {
      a.close();
      throw e;
    }
  } finally {
    await listener[Symbol.asyncDispose]();
    if (dir !== null) {
      runtime.removeSync(`${dir}/pair.sock`);
      runtime.removeSync(dir);
    }
  }
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
 *
 * @example
 * ```ts
 * import { create_connection, create_server } from "../mod.ts";
 * using server = create_server(["127.0.0.1", 0]);
 * using client = await create_connection(server.getsockname() as [string, number], 5);
 * console.log(client.gettimeout()); // 5
 * ```
 *
 * @example With `all_errors`
 * ```ts
 * import { create_connection, create_server } from "../mod.ts";
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
  timeout?: number | null,
  source_address?: [string, number] | null,
  all_errors: boolean = false,
): Promise<Socket> {
  if (!Array.isArray(address) || address.length !== 2) {
    throw new TypeError("create_connection() address must be (host, port)");
  }
  const [host, port] = address;
  const errors: Error[] = [];
  for (
    const [family, type, proto, , sa] of await getaddrinfo(
      host,
      port,
      0,
      C.SOCK_STREAM,
    )
  ) {
    const sock = new Socket(family, type, proto);
    try {
      if (timeout !== undefined) sock.settimeout(timeout);
      if (source_address) sock.bind(source_address);
      await sock.connect(sa as Address);
      return sock;
    } catch (e) {
      errors.push(e as Error);
      sock.close();
    }
  }
  if (errors.length > 0) {
    if (!all_errors) throw errors[0];
    throw new AggregateError(errors, "create_connection failed");
  }
  throw new error("getaddrinfo returns an empty list");
}

/**
 * Whether one `AF_INET6` socket can take IPv4 and IPv6 connections.
 *
 * @example
 * ```ts
 * import { has_dualstack_ipv6 } from "../mod.ts";
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
 * import { create_server } from "../mod.ts";
 * using server = create_server(["127.0.0.1", 0], { backlog: 16 });
 * console.log(server.getsockname()[0]); // 127.0.0.1
 * ```
 */
export function create_server(
  address: Address,
  options: CreateServerOptions = {},
): Socket {
  const family = options.family ?? C.AF_INET;
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
    return sock;
  } catch (e) {
    sock.close();
    throw e;
  }
}
