// The runtime port: the one interface (`Runtime`) through which the code
// above reaches Deno or Node.js, the record of what the runtime can do
// (`Capabilities`), and the plain objects both sides speak in. deno.ts and
// node.ts each export one object that `satisfies Runtime`; runtime.ts picks
// one (the npm build swaps that line). An adapter rejects and throws only
// with a `RuntimeError` (./error.ts): it translates its runtime's own errors
// itself, so that socket/errors.ts maps one kind of error, in one place.

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
  /** IPV6_V6ONLY, where `Capabilities.ipv6Only`. */
  readonly ipv6Only?: boolean;
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

/** What a permission query answers; never a prompt. */
export type PermissionState = "granted" | "prompt" | "denied";

/** A permission to ask about, in Deno's terms. */
export type PermissionQuery =
  | { readonly name: "read"; readonly path?: string }
  | { readonly name: "write"; readonly path?: string }
  | { readonly name: "net"; readonly host?: string }
  | { readonly name: "sys"; readonly kind?: "hostname" | "networkInterfaces" }
  | { readonly name: "env"; readonly variable?: string }
  | { readonly name: "run"; readonly command?: string };

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
 * What this runtime can do, asked by the code above the port instead of the
 * runtime's name.
 */
export interface Capabilities {
  /** `connect` from a bound local address and port (TCP). */
  readonly connectFromLocal: boolean;
  /** Abstract Unix socket names (a path starting with NUL). */
  readonly abstractUnixNames: boolean;
  /** `AF_UNIX` `SOCK_DGRAM` sockets (Deno: only with `--unstable-net`). */
  readonly unixDatagrams: boolean;
  /** UDP sockets at all (Deno: only with `--unstable-net`). */
  readonly udp: boolean;
  /** `IPV6_V6ONLY` on a listening or datagram socket. */
  readonly ipv6Only: boolean;
  /** A permission model whose flags a message should name (Deno's). */
  readonly permissionFlags: boolean;
  /**
   * A datagram socket's `receive` can be woken with nothing received
   * (Deno's Unix datagrams need a token datagram instead).
   */
  readonly datagramWakeup: boolean;
}

/** Options of a stream listener. */
export interface ListenOptions {
  /** SO_REUSEPORT. */
  readonly reusePort?: boolean;
  /** IPV6_V6ONLY, where `Capabilities.ipv6Only`. */
  readonly ipv6Only?: boolean;
}

/** Options of an outgoing connection. */
export interface ConnectOptions {
  /** Abandons the attempt (the promise rejects, the descriptor is freed). */
  readonly signal?: AbortSignal;
  /** The local address to connect from, where `connectFromLocal`. */
  readonly local?: { readonly hostname: string; readonly port: number };
}

/** The whole port: every call the code above makes into the runtime. */
export interface Runtime {
  /** What this runtime can do. */
  readonly capabilities: Capabilities;
  /** The runtime's name, for messages and for tests only. */
  readonly name: "deno" | "node";

  /** Binds and listens at once. */
  listenStream(target: StreamTarget, options?: ListenOptions): StreamListener;
  /** Connects. */
  connectStream(
    target: StreamTarget,
    options?: ConnectOptions,
  ): Promise<StreamConn>;
  /** Opens a datagram socket bound to `at`. */
  listenDatagram(at: DatagramBind, options?: DatagramOptions): DatagramSocket;

  /**
   * One DNS query through the runtime's resolver. Rejects with `ENOENT`
   * when the name or record does not exist, and with `EOPNOTSUPP` when the
   * runtime's resolver would answer the query itself instead of asking the
   * server (Deno's, for `localhost` names and a few other special names).
   */
  resolveDns(
    query: string,
    type: DnsRecordType,
    options?: DnsQueryOptions,
  ): Promise<string[]>;

  /** The host platform: `linux`, `darwin`, `windows`, ... */
  platform(): string;
  /** The host's name. */
  hostname(): string;
  /** The machine's interface addresses. */
  networkInterfaces(): InterfaceAddress[];
  /** Whether a permission is granted, without ever prompting. */
  permissionState(query: PermissionQuery): PermissionState;

  /**
   * A text file's contents, or `null` when there is no such file. Any other
   * failure throws a `RuntimeError` with its errno: `EACCES` (with
   * `permissionFlag` when a runtime permission is missing), `EISDIR`,
   * `EMFILE`, `EIO`, ...
   */
  readTextFileSync(path: string): string | null;
  /** A key that changes when the file does, or `null`. */
  fileStamp(path: string): string | null;
  /** What is at `path`, or `null` when it cannot be seen. */
  pathKind(path: string): "socket" | "other" | "missing" | null;
  /**
   * The names in a directory, or `null` when it cannot be seen (missing,
   * not a directory, no permission). A failure of the moment throws a
   * `RuntimeError` with its errno (`EMFILE`, `ENFILE`, `EIO`, ...).
   */
  readDirSync(path: string): string[] | null;
  /** A new private temporary directory. */
  makeTempDirSync(): string;
  /**
   * Makes `path` (whose parent exists) a directory where every user may
   * create entries and none may remove another's (mode 1777, as `/tmp`),
   * unless it is there already. Throws `EACCES` for one that others may
   * write to without the sticky bit, or that is not a directory.
   */
  sharedDirSync(path: string): void;
  /** Removes a file or an empty directory, ignoring errors. */
  removeSync(path: string): void;
  /**
   * An exclusive advisory lock (`flock`) on the file at `path`, made if
   * missing (readable by every user, who may then lock it too), taken
   * without waiting: the lock, or `null` while another open file holds
   * it. The kernel frees it when the process ends, however it ends. A file
   * that cannot be opened or made throws a `RuntimeError` (`EACCES`, ...).
   * Node.js has no `flock` in its public API and throws `ENOSYS`; pysocket
   * locks only where Deno's permission flags confine `socketpair()` to
   * one shared path, which never happens on Node.js.
   */
  tryLockSync(path: string): FileLock | null;
  /**
   * A reader over a file `sendfile` was given: this runtime's open file
   * (a `Deno.FsFile`, a `node:fs` `FileHandle`) or a path, opened for
   * reading (and closed by `close`); `null` for anything else. Failures
   * throw or reject with a `RuntimeError` (`EACCES` with
   * `permissionFlag`, `ENOENT`, ...).
   */
  fileReader(file: unknown): Promise<FileReader | null>;
}

/** A lock from {@link Runtime.tryLockSync}. */
export interface FileLock {
  /** Frees the lock and closes its file; a second call does nothing. */
  release(): void;
}

/** Reads a file from a position on (see {@link Runtime.fileReader}). */
export interface FileReader {
  /** Reads at `position` into `buf`: the count, 0 at the end. */
  read(buf: Uint8Array, position: number): Promise<number>;
  /** Leaves the file's own position at `position` (an open file's). */
  seek(position: number): Promise<void>;
  /** Closes the file when the reader opened it (a path); else nothing. */
  close(): void;
}
