// The only file that calls Deno's networking, file, system and permission
// APIs. It speaks in plain objects and lets runtime errors through as they
// are: socket/errors.ts turns them into `error`s.

import type {
  DatagramBind,
  DatagramOptions,
  DatagramSocket,
  DatagramTarget,
  DnsQueryOptions,
  DnsRecordType,
  InterfaceAddress,
  MulticastMembership,
  PermissionQuery,
  PermissionState,
  RuntimeAddr,
  StreamConn,
  StreamListener,
  StreamTarget,
} from "./types.ts";
export type * from "./types.ts";

// ---------------------------------------------------------------- streams

class DenoStream implements StreamConn {
  readonly #conn: Deno.Conn;
  readonly localAddr: RuntimeAddr;
  readonly remoteAddr: RuntimeAddr;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.localAddr = conn.localAddr as RuntimeAddr;
    this.remoteAddr = conn.remoteAddr as RuntimeAddr;
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#conn.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    return this.#conn.write(p);
  }

  closeWrite(): Promise<void> {
    return this.#conn.closeWrite();
  }

  close(): void {
    this.#conn.close();
  }

  setNoDelay(on: boolean): void {
    if (this.localAddr.transport === "tcp") {
      (this.#conn as Deno.TcpConn).setNoDelay(on);
    }
  }

  setKeepAlive(on: boolean): void {
    if (this.localAddr.transport === "tcp") {
      (this.#conn as Deno.TcpConn).setKeepAlive(on);
    }
  }
}

class DenoListener implements StreamListener {
  readonly #listener: Deno.Listener;
  readonly addr: RuntimeAddr;

  constructor(listener: Deno.Listener) {
    this.#listener = listener;
    this.addr = listener.addr as RuntimeAddr;
  }

  async accept(): Promise<StreamConn> {
    return new DenoStream(await this.#listener.accept());
  }

  close(): void {
    this.#listener.close();
  }
}

/** Binds and listens at once (Deno has no separate bind). */
export function listenStream(
  target: StreamTarget,
  options: { readonly reusePort?: boolean; readonly backlog?: number } = {},
): StreamListener {
  if (target.transport === "unix") {
    return new DenoListener(
      Deno.listen({ transport: "unix", path: target.path }),
    );
  }
  return new DenoListener(Deno.listen({
    transport: "tcp",
    hostname: target.hostname,
    port: target.port,
    ...(options.reusePort ? { reusePort: true } : {}),
    ...(options.backlog ? { tcpBacklog: options.backlog } : {}),
  }));
}

/** Whether connectStream can connect from a chosen local address (TCP). */
export const CAN_CONNECT_FROM_LOCAL: boolean = false;

/**
 * Connects; aborting `signal` abandons the attempt. Deno cannot connect
 * from a chosen local address: given `local`, it rejects with NotSupported
 * (see CAN_CONNECT_FROM_LOCAL).
 */
export async function connectStream(
  target: StreamTarget,
  signal?: AbortSignal,
  local?: { readonly hostname: string; readonly port: number },
): Promise<StreamConn> {
  if (local !== undefined) {
    throw new Deno.errors.NotSupported(
      "Operation not supported: Deno cannot connect from a chosen local address or port",
    );
  }
  if (target.transport === "unix") {
    return new DenoStream(
      await Deno.connect({ transport: "unix", path: target.path }),
    );
  }
  return new DenoStream(
    await Deno.connect({
      transport: "tcp",
      hostname: target.hostname,
      port: target.port,
      autoSelectFamily: false,
      ...(signal ? { signal } : {}),
    }),
  );
}

/** A new private temporary directory (for `socketpair`'s Unix path). */
export function makeTempDirSync(): string {
  // The process id in the name lets a test find its own directories.
  return Deno.makeTempDirSync({ prefix: `pysocket-${Deno.pid}-` });
}

/** Removes a file or an empty directory, ignoring errors. */
export function removeSync(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // Nothing to do: it is gone or was never there.
  }
}

// -------------------------------------------------------------- datagrams

/** Whether datagram sockets exist here (Deno: only with `--unstable-net`). */
export function unstableNetAvailable(): boolean {
  return typeof (Deno as { listenDatagram?: unknown }).listenDatagram ===
    "function";
}

class DenoDatagram implements DatagramSocket {
  readonly #conn: Deno.DatagramConn;
  readonly addr: RuntimeAddr | { transport: "unixpacket"; path: null };

  constructor(conn: Deno.DatagramConn) {
    this.#conn = conn;
    this.addr = conn.addr as RuntimeAddr;
  }

  send(data: Uint8Array, to: DatagramTarget): Promise<number> {
    return this.#conn.send(data, to as Deno.Addr);
  }

  receive(buf: Uint8Array): Promise<[Uint8Array, RuntimeAddr]> {
    return this.#conn.receive(buf) as Promise<[Uint8Array, RuntimeAddr]>;
  }

  close(): void {
    this.#conn.close();
  }

  async joinMulticastV4(
    group: string,
    iface: string,
  ): Promise<MulticastMembership> {
    const m = await this.#conn.joinMulticastV4(group, iface);
    return {
      leave: () => m.leave(),
      setLoopback: (on) => m.setLoopback(on),
      setTTL: (ttl) => m.setTTL(ttl),
    };
  }

  async joinMulticastV6(
    group: string,
    ifindex: number,
  ): Promise<MulticastMembership> {
    const m = await this.#conn.joinMulticastV6(group, ifindex);
    return {
      leave: () => m.leave(),
      setLoopback: (on) => m.setLoopback(on),
      // IPv6 has no IP_MULTICAST_TTL; Deno offers no hop limit.
      setTTL: () => Promise.resolve(),
    };
  }
}

/** Opens a datagram socket bound to `at` (Deno binds when it opens). */
export function listenDatagram(
  at: DatagramBind,
  options: DatagramOptions = {},
): DatagramSocket {
  if (at.transport === "unixpacket") {
    return new DenoDatagram(
      Deno.listenDatagram(
        at.path === null
          ? { transport: "unixpacket" }
          : { transport: "unixpacket", path: at.path },
      ),
    );
  }
  return new DenoDatagram(Deno.listenDatagram({
    transport: "udp",
    hostname: at.hostname,
    port: at.port,
    ...(options.reuseAddress ? { reuseAddress: true } : {}),
    loopback: options.loopback ?? true,
  }));
}

// ------------------------------------------------- system, files, DNS

/** The runtime's name, for messages and for tests of Deno-only behaviour. */
export const RUNTIME_NAME: "deno" | "node" = "deno";

/** The host platform: `linux`, `darwin`, `windows`, ... */
export function platform(): string {
  return Deno.build.os;
}

/** Whether a permission is granted, without ever prompting. */
export function permissionState(query: PermissionQuery): PermissionState {
  return Deno.permissions.querySync(query).state;
}

/**
 * A text file's contents, or `null` when it is missing, unreadable, or read
 * permission is not granted (checked first, so there is never a prompt).
 */
export function readTextFileSync(path: string): string | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/**
 * A file's modification time and size as one key that changes when the file
 * does, or `null` when it cannot be seen.
 */
export function fileStamp(path: string): string | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    const info = Deno.statSync(path);
    return `${info.mtime?.getTime() ?? 0}:${info.size}:${info.ino ?? 0}`;
  } catch {
    return null;
  }
}

/**
 * What is at `path` (symbolic links followed): `"socket"`, `"other"`, or
 * `"missing"`; `null` when it cannot be seen (no read permission, or
 * another error).
 */
export function pathKind(path: string): "socket" | "other" | "missing" | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return Deno.statSync(path).isSocket ? "socket" : "other";
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "missing" : null;
  }
}

/** The names in a directory, or `null` when it cannot be listed. */
export function readDirSync(path: string): string[] | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return [...Deno.readDirSync(path)].map((e) => e.name);
  } catch {
    return null;
  }
}

/** The host's name. Needs `--allow-sys=hostname`. */
export function hostname(): string {
  return Deno.hostname();
}

/** The machine's interface addresses. Needs `--allow-sys=networkInterfaces`. */
export function networkInterfaces(): InterfaceAddress[] {
  return Deno.networkInterfaces().map((i) => ({
    name: i.name,
    family: i.family,
    address: i.address,
    scopeid: i.scopeid ?? 0,
  }));
}

/**
 * One DNS query through the runtime's resolver. Rejects with the runtime's
 * own error (`NotFound` when the name or record does not exist); a query
 * that runs past `timeoutMs` rejects with a `TimedOut` error.
 */
export async function resolveDns(
  query: string,
  type: DnsRecordType,
  options: DnsQueryOptions = {},
): Promise<string[]> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ns = options.nameServer;
  const request = Deno.resolveDns(query, type, {
    signal: controller.signal,
    ...(ns ? { nameServer: { ipAddr: ns.ipAddr, port: ns.port ?? 53 } } : {}),
  });
  if (options.timeoutMs === undefined) return await request;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Deno.errors.TimedOut(`DNS query for ${query} timed out`));
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([request, expired]);
  } finally {
    clearTimeout(timer);
    request.catch(() => {});
  }
}
