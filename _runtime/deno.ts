// The only file that calls Deno's networking, file, system and permission
// APIs. It speaks in plain objects and lets runtime errors through as they
// are: socket/errors.ts turns them into `error`s.

// ---------------------------------------------------------------- streams

/** An address as the runtime gives it. */
export type RuntimeAddr =
  | {
    readonly transport: "tcp" | "udp";
    readonly hostname: string;
    readonly port: number;
  }
  | { readonly transport: "unix" | "unixpacket"; readonly path: string };

/** A connected stream, as the socket code sees it. */
export interface StreamConn {
  /** The local end. */
  readonly localAddr: RuntimeAddr;
  /** The remote end. */
  readonly remoteAddr: RuntimeAddr;
  /** Reads into `p`; `null` at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes some of `p`; resolves to how much. */
  write(p: Uint8Array): Promise<number>;
  /** Shuts the write side down. */
  closeWrite(): Promise<void>;
  /** Closes the connection; pending reads and writes reject. */
  close(): void;
  /** TCP_NODELAY, where the transport has it. */
  setNoDelay(on: boolean): void;
  /** SO_KEEPALIVE, where the transport has it. */
  setKeepAlive(on: boolean): void;
}

/** A listening stream socket. */
export interface StreamListener {
  /** The bound address. */
  readonly addr: RuntimeAddr;
  /** The next connection. */
  accept(): Promise<StreamConn>;
  /** Stops listening; a pending accept rejects. */
  close(): void;
}

/** Where a stream socket listens or connects. */
export type StreamTarget =
  | {
    readonly transport: "tcp";
    readonly hostname: string;
    readonly port: number;
  }
  | { readonly transport: "unix"; readonly path: string };

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
  return Deno.makeTempDirSync({ prefix: "pysocket-" });
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

/** Where a datagram socket binds: UDP host and port, or a Unix path. */
export type DatagramBind =
  | {
    readonly transport: "udp";
    readonly hostname: string;
    readonly port: number;
  }
  | { readonly transport: "unixpacket"; readonly path: string | null };

/** Where one datagram goes. */
export type DatagramTarget =
  | {
    readonly transport: "udp";
    readonly hostname: string;
    readonly port: number;
  }
  | { readonly transport: "unixpacket"; readonly path: string };

/** Options of a datagram socket that only take effect when it is opened. */
export interface DatagramOptions {
  /** SO_REUSEADDR. */
  readonly reuseAddress?: boolean;
  /** IP_MULTICAST_LOOP (Deno's default is off; Linux's is on). */
  readonly loopback?: boolean;
  /**
   * SO_RCVBUF as the socket reports it (Linux's doubled size): what the
   * socket keeps of datagrams not yet received. Node.js gives the kernel's
   * buffer at least this size; Deno cannot set it and keeps its default.
   */
  readonly receiveBufferSize?: number;
}

/** A joined multicast group. */
export interface MulticastMembership {
  /** Leaves the group. */
  leave(): Promise<void>;
  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP for the whole socket. */
  setLoopback(on: boolean): Promise<void>;
  /** IP_MULTICAST_TTL for the whole socket (IPv4 groups only). */
  setTTL(ttl: number): Promise<void>;
}

/** A bound datagram socket, as the socket code sees it. */
export interface DatagramSocket {
  /** The bound address (`path: null` for an unbound Unix socket). */
  readonly addr: RuntimeAddr | { transport: "unixpacket"; path: null };
  /** Sends one datagram; resolves to the bytes sent. */
  send(data: Uint8Array, to: DatagramTarget): Promise<number>;
  /**
   * The next datagram, read into `buf` (a longer datagram is cut to its
   * length), and its sender.
   */
  receive(buf: Uint8Array): Promise<[Uint8Array, RuntimeAddr]>;
  /** Closes; a pending receive rejects. */
  close(): void;
  /** Joins an IPv4 group on the interface with address `iface`. */
  joinMulticastV4(group: string, iface: string): Promise<MulticastMembership>;
  /** Joins an IPv6 group on the interface with index `ifindex`. */
  joinMulticastV6(group: string, ifindex: number): Promise<MulticastMembership>;
}

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

/** What a permission query answers; never a prompt. */
export type PermissionState = "granted" | "prompt" | "denied";

/** A permission to ask about, in Deno's terms. */
export type PermissionQuery =
  | { readonly name: "read"; readonly path?: string }
  | { readonly name: "net"; readonly host?: string }
  | { readonly name: "sys"; readonly kind?: "hostname" | "networkInterfaces" }
  | { readonly name: "env"; readonly variable?: string }
  | { readonly name: "run"; readonly command?: string };

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

/** One address of one network interface. */
export interface InterfaceAddress {
  /** Interface name (`lo`, `eth0`). */
  readonly name: string;
  /** `IPv4` or `IPv6`. */
  readonly family: "IPv4" | "IPv6";
  /** The address as text, without a scope. */
  readonly address: string;
  /** The IPv6 scope id, 0 where there is none. */
  readonly scopeid: number;
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

/** A DNS record type this module asks for. */
export type DnsRecordType = "A" | "AAAA" | "CNAME" | "PTR";

/** Where and how to send one DNS query. */
export interface DnsQueryOptions {
  /** A server to ask instead of the system's. */
  readonly nameServer?: { readonly ipAddr: string; readonly port?: number };
  /** Give up after this many milliseconds. */
  readonly timeoutMs?: number;
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
