// The Deno side of the runtime port (types.ts): the only file that calls
// Deno's networking, file, system and permission APIs. It speaks in plain
// objects and fails only with `RuntimeError`s: Deno's error classes, its
// "(os error N)" texts and its permission errors are translated here.

import type { ErrnoName } from "../_base/errors.ts";
import { RuntimeError } from "./error.ts";
import { checkShared } from "./_files.ts";
import { answeredByDeno } from "./_deno_resolver.ts";
import type {
  Capabilities,
  ConnectOptions,
  DatagramBind,
  DatagramOptions,
  DatagramSocket,
  DatagramTarget,
  DnsQueryOptions,
  DnsRecordType,
  FileLock,
  FileReader,
  InterfaceAddress,
  ListenOptions,
  MulticastMembership,
  PermissionQuery,
  PermissionState,
  Runtime,
  RuntimeAddr,
  StreamConn,
  StreamListener,
  StreamTarget,
} from "./types.ts";
export type * from "./types.ts";
export { RuntimeError } from "./error.ts";

// Deno's error classes by name, for errors that carry no `code`.
const ERRNO_FOR_CLASS: Readonly<Record<string, ErrnoName>> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  NotConnected: "ENOTCONN",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  BrokenPipe: "EPIPE",
  AlreadyExists: "EEXIST",
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  TimedOut: "ETIMEDOUT",
  Interrupted: "EINTR",
  WouldBlock: "EAGAIN",
  BadResource: "EBADF",
  NotSupported: "EOPNOTSUPP",
  NetworkUnreachable: "ENETUNREACH",
  IsADirectory: "EISDIR",
  NotADirectory: "ENOTDIR",
  InvalidData: "EINVAL",
  UnexpectedEof: "ECONNRESET",
  WriteZero: "EPIPE",
  Busy: "EBUSY",
};

// Linux's errno names by number, for "(os error N)" texts Deno has no class
// for. Only the ones sockets meet; the rest keep the number in the message.
const ERRNO_FOR_NUMBER: Readonly<Record<number, ErrnoName>> = {
  1: "EPERM",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  19: "ENODEV",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  36: "ENAMETOOLONG",
  88: "ENOTSOCK",
  90: "EMSGSIZE",
  92: "ENOPROTOOPT",
  93: "EPROTONOSUPPORT",
  95: "EOPNOTSUPP",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  100: "ENETDOWN",
  101: "ENETUNREACH",
  103: "ECONNABORTED",
  104: "ECONNRESET",
  105: "ENOBUFS",
  106: "EISCONN",
  107: "ENOTCONN",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  113: "EHOSTUNREACH",
  114: "EALREADY",
  115: "EINPROGRESS",
};

// Deno's message when a permission is missing names the kind and the
// target: `Requires net access to "127.0.0.1:8080", run again with the
// --allow-net flag`.
const MISSING_PERMISSION =
  /Requires (\w+) access to "?([^",]*)"?.*?(--allow-[a-z-]+)/;
const OS_ERROR = /\(os error (\d+)\)$/;

/**
 * Deno's error (or anything thrown) as a `RuntimeError` of `syscall`.
 * Exported for the adapter's own tests only.
 */
export function translate(e: unknown, syscall: string): RuntimeError {
  const r = translateError(e, syscall);
  if (r.code === "EMFILE" || r.code === "ENFILE") {
    withoutFrames(r);
    if (r.cause instanceof Error) withoutFrames(r.cause);
  }
  return r;
}

// Deno formats a stack frame of a TypeScript module by reading the module's
// cached emit for its source map; when no descriptor is free it compiles
// the module again, which can panic (stacker's stack probe cannot open
// /proc/self/maps). An error that says descriptors ran out is the one most
// likely to be printed while they are out: it keeps no frames to format.
function withoutFrames(e: Error): void {
  Object.defineProperty(e, "stack", {
    value: `${e.name}: ${e.message}`,
    writable: true,
    configurable: true,
  });
}

function translateError(e: unknown, syscall: string): RuntimeError {
  if (e instanceof RuntimeError) return e;
  if (!(e instanceof Error)) {
    return new RuntimeError("UNKNOWN", syscall, {
      cause: e,
      message: String(e),
    });
  }
  const name = e.constructor?.name ?? e.name;
  const perm = MISSING_PERMISSION.exec(e.message);
  if (name === "NotCapable" || perm !== null) {
    const flag = perm === null
      ? "--allow-all"
      : perm[2]
      ? `${perm[3]}=${perm[2]}`
      : (perm[3] ?? "--allow-all");
    return new RuntimeError("EACCES", syscall, {
      cause: e,
      permissionFlag: flag,
      message: e.message,
    });
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) {
    // An errno name as the runtime spells it; socket/errors.ts checks it
    // against the table (an unknown one gives an error without errno).
    return new RuntimeError(code as ErrnoName, syscall, {
      cause: e,
      message: e.message,
    });
  }
  const os = OS_ERROR.exec(e.message);
  const byNumber = os !== null && Deno.build.os === "linux"
    ? ERRNO_FOR_NUMBER[Number(os[1])]
    : undefined;
  const mapped = byNumber ?? ERRNO_FOR_CLASS[name] ?? ERRNO_FOR_CLASS[e.name];
  if (mapped !== undefined) {
    return new RuntimeError(mapped, syscall, { cause: e, message: e.message });
  }
  return new RuntimeError("UNKNOWN", syscall, {
    cause: e,
    message: e.message,
  });
}

/** Runs `f`, translating what it throws. */
function attempt<T>(syscall: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw translate(e, syscall);
  }
}

/** A rejection handler that translates what it is given. */
function rejectAs(syscall: string): (e: unknown) => never {
  return (e) => {
    throw translate(e, syscall);
  };
}

// The handlers of the calls made once per read, write, datagram,
// connection or accept, made once here rather than per call.
const failRecv = rejectAs("recv");
const failSend = rejectAs("send");
const failRecvfrom = rejectAs("recvfrom");
const failSendto = rejectAs("sendto");
const failAccept = rejectAs("accept");
const failConnect = rejectAs("connect");

/** `p`, its rejection translated. */
function settle<T>(syscall: string, p: Promise<T>): Promise<T> {
  return p.then(undefined, rejectAs(syscall));
}

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
    return this.#conn.read(p).then(undefined, failRecv);
  }

  write(p: Uint8Array): Promise<number> {
    return this.#conn.write(p).then(undefined, failSend);
  }

  closeWrite(): Promise<void> {
    return settle("shutdown", this.#conn.closeWrite());
  }

  close(): void {
    attempt("close", () => this.#conn.close());
  }

  setNoDelay(on: boolean): void {
    if (this.localAddr.transport === "tcp") {
      attempt("setsockopt", () => (this.#conn as Deno.TcpConn).setNoDelay(on));
    }
  }

  setKeepAlive(on: boolean): void {
    if (this.localAddr.transport === "tcp") {
      attempt(
        "setsockopt",
        () => (this.#conn as Deno.TcpConn).setKeepAlive(on),
      );
    }
  }
}

function wrapConn(conn: Deno.Conn): StreamConn {
  return new DenoStream(conn);
}

class DenoListener implements StreamListener {
  readonly #listener: Deno.Listener;
  readonly addr: RuntimeAddr;

  constructor(listener: Deno.Listener) {
    this.#listener = listener;
    this.addr = listener.addr as RuntimeAddr;
  }

  accept(): Promise<StreamConn> {
    return this.#listener.accept().then(wrapConn, failAccept);
  }

  close(): void {
    attempt("close", () => this.#listener.close());
  }
}

/** Binds and listens at once (Deno has no separate bind). */
function listenStream(
  target: StreamTarget,
  options: ListenOptions = {},
): StreamListener {
  return attempt("bind", () => {
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
    }));
  });
}

/**
 * Connects; aborting `signal` abandons the attempt. Deno cannot connect
 * from a chosen local address: given `local`, it rejects with EOPNOTSUPP
 * (`capabilities.connectFromLocal` is false).
 */
function connectStream(
  target: StreamTarget,
  options: ConnectOptions = {},
): Promise<StreamConn> {
  if (options.local !== undefined) {
    return Promise.reject(
      new RuntimeError("EOPNOTSUPP", "connect", {
        message:
          "Operation not supported: Deno cannot connect from a chosen local address or port",
      }),
    );
  }
  const signal = options.signal;
  const connecting = target.transport === "unix"
    ? Deno.connect({ transport: "unix", path: target.path })
    : Deno.connect(
      signal === undefined
        ? {
          transport: "tcp",
          hostname: target.hostname,
          port: target.port,
          autoSelectFamily: false,
        }
        : {
          transport: "tcp",
          hostname: target.hostname,
          port: target.port,
          autoSelectFamily: false,
          signal,
        },
    );
  return connecting.then(wrapConn, failConnect);
}

/** A new private temporary directory (for `socketpair`'s Unix path). */
function makeTempDirSync(): string {
  // The process id in the name lets a test find its own directories.
  return attempt(
    "mkdtemp",
    () => Deno.makeTempDirSync({ prefix: `pysocket-${Deno.pid}-` }),
  );
}

/** See `Runtime.sharedDirSync`. */
function sharedDirSync(path: string): void {
  attempt("mkdir", () => {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      try {
        Deno.mkdirSync(path);
        // Not through mkdir's mode, which the umask narrows.
        Deno.chmodSync(path, 0o1777);
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      }
      info = Deno.statSync(path);
    }
    checkShared(path, info.isDirectory, info.mode);
  });
}

/** See `Runtime.tryLockSync`. */
function tryLockSync(path: string): FileLock | null {
  const file = attempt("open", () => openForLock(path));
  let locked: boolean;
  try {
    locked = attempt("flock", () => file.tryLockSync(true));
  } catch (e) {
    file.close();
    throw e;
  }
  if (!locked) {
    file.close();
    return null;
  }
  let held = true;
  return {
    release(): void {
      if (!held) return;
      held = false;
      // Closing the file frees its lock.
      file.close();
    },
  };
}

// The lock file, opened for reading (enough for flock, and all another
// user may do with it), made first if it is missing.
function openForLock(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path, { read: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  try {
    const made = Deno.openSync(path, {
      read: true,
      write: true,
      createNew: true,
    });
    // Readable by every user whatever the umask, so they may lock it too.
    Deno.chmodSync(path, 0o644);
    return made;
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    return Deno.openSync(path, { read: true });
  }
}

/** Removes a file or an empty directory, ignoring errors. */
function removeSync(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // Nothing to do: it is gone or was never there.
  }
}

// -------------------------------------------------------------- datagrams

// Datagram sockets exist only with `--unstable-net`.
const HAS_DATAGRAMS = typeof (Deno as { listenDatagram?: unknown })
  .listenDatagram === "function";

class DenoDatagram implements DatagramSocket {
  readonly #conn: Deno.DatagramConn;
  readonly addr: RuntimeAddr | { transport: "unixpacket"; path: null };

  constructor(conn: Deno.DatagramConn) {
    this.#conn = conn;
    this.addr = conn.addr as RuntimeAddr;
  }

  send(data: Uint8Array, to: DatagramTarget): Promise<number> {
    return this.#conn.send(data, to as Deno.Addr).then(undefined, failSendto);
  }

  receive(buf: Uint8Array): Promise<[Uint8Array, RuntimeAddr]> {
    return (this.#conn.receive(buf) as Promise<[Uint8Array, RuntimeAddr]>)
      .then(undefined, failRecvfrom);
  }

  close(): void {
    attempt("close", () => this.#conn.close());
  }

  async joinMulticastV4(
    group: string,
    iface: string,
  ): Promise<MulticastMembership> {
    const m = await settle(
      "setsockopt",
      this.#conn.joinMulticastV4(group, iface),
    );
    return {
      leave: () => settle("setsockopt", m.leave()),
      setLoopback: (on) => settle("setsockopt", m.setLoopback(on)),
      setTTL: (ttl) => settle("setsockopt", m.setTTL(ttl)),
    };
  }

  async joinMulticastV6(
    group: string,
    ifindex: number,
  ): Promise<MulticastMembership> {
    const m = await settle(
      "setsockopt",
      this.#conn.joinMulticastV6(group, ifindex),
    );
    return {
      leave: () => settle("setsockopt", m.leave()),
      setLoopback: (on) => settle("setsockopt", m.setLoopback(on)),
      // IPv6 has no IP_MULTICAST_TTL; Deno offers no hop limit.
      setTTL: () => Promise.resolve(),
    };
  }
}

/** Opens a datagram socket bound to `at` (Deno binds when it opens). */
function listenDatagram(
  at: DatagramBind,
  options: DatagramOptions = {},
): DatagramSocket {
  return attempt("bind", () => openDatagram(at, options));
}

function openDatagram(at: DatagramBind, options: DatagramOptions) {
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

/** The host platform: `linux`, `darwin`, `windows`, ... */
function platform(): string {
  return Deno.build.os;
}

/** Whether a permission is granted, without ever prompting. */
function permissionState(query: PermissionQuery): PermissionState {
  return Deno.permissions.querySync(query).state;
}

/**
 * A text file's contents, or `null` when there is no such file. Any other
 * failure throws: `EACCES` with the flag to add when read permission is not
 * granted (checked first, so there is never a prompt), else the errno of
 * the failure (`EACCES`, `EISDIR`, `EMFILE`, `EIO`, ...).
 */
function readTextFileSync(path: string): string | null {
  if (permissionState({ name: "read", path }) !== "granted") {
    throw new RuntimeError("EACCES", "open", {
      permissionFlag: `--allow-read=${path}`,
      message: `Requires read access to "${path}"`,
    });
  }
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory
    ) return null;
    throw translate(e, "open");
  }
}

/**
 * A file's modification time and size as one key that changes when the file
 * does, or `null` when it cannot be seen.
 */
function fileStamp(path: string): string | null {
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
function pathKind(path: string): "socket" | "other" | "missing" | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return Deno.statSync(path).isSocket ? "socket" : "other";
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? "missing" : null;
  }
}

/** The names in a directory, or `null` when it cannot be listed. */
function readDirSync(path: string): string[] | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return [...Deno.readDirSync(path)].map((e) => e.name);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory ||
      e instanceof Deno.errors.PermissionDenied
    ) return null;
    // A failure of the moment (EMFILE, ...): the caller says so.
    throw translate(e, "opendir");
  }
}

/** The host's name. Needs `--allow-sys=hostname`. */
function hostname(): string {
  return attempt("gethostname", () => Deno.hostname());
}

/** The machine's interface addresses. Needs `--allow-sys=networkInterfaces`. */
function networkInterfaces(): InterfaceAddress[] {
  return attempt("getifaddrs", () => Deno.networkInterfaces()).map((i) => ({
    name: i.name,
    family: i.family,
    address: i.address,
    scopeid: i.scopeid ?? 0,
  }));
}

/**
 * One DNS query through the runtime's resolver. Rejects with `ENOENT` when
 * the name or record does not exist (Deno reports a server that refuses or
 * fails the same way), `ETIMEDOUT` past `timeoutMs`, `EACCES` without the
 * permission, `EOPNOTSUPP` for a query Deno answers itself instead of
 * asking the server (see ./_deno_resolver.ts), and another code when the
 * query fails otherwise.
 */
async function resolveDns(
  query: string,
  type: DnsRecordType,
  options: DnsQueryOptions = {},
): Promise<string[]> {
  if (answeredByDeno(query, type)) {
    throw new RuntimeError("EOPNOTSUPP", "getaddrinfo", {
      message:
        `Operation not supported: Deno answers ${query} itself and does not ask the DNS server`,
    });
  }
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ns = options.nameServer;
  const request = Deno.resolveDns(query, type, {
    signal: controller.signal,
    ...(ns ? { nameServer: { ipAddr: ns.ipAddr, port: ns.port ?? 53 } } : {}),
  });
  const expired = options.timeoutMs === undefined
    ? null
    : new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Deno.errors.TimedOut(`DNS query for ${query} timed out`));
      }, options.timeoutMs);
    });
  try {
    return await (expired === null
      ? request
      : Promise.race([request, expired]));
  } catch (e) {
    throw translate(e, "getaddrinfo");
  } finally {
    clearTimeout(timer);
    request.catch(() => {});
  }
}

/** What Deno can do. */
const capabilities: Capabilities = {
  connectFromLocal: false,
  abstractUnixNames: false,
  unixDatagrams: HAS_DATAGRAMS,
  udp: HAS_DATAGRAMS,
  ipv6Only: false,
  permissionFlags: true,
  datagramWakeup: false,
};

/** A reader over a `Deno.FsFile` or a path (see `Runtime.fileReader`). */
async function fileReader(file: unknown): Promise<FileReader | null> {
  if (typeof file === "string") {
    if (permissionState({ name: "read", path: file }) !== "granted") {
      throw new RuntimeError("EACCES", "open", {
        permissionFlag: `--allow-read=${file}`,
        message: `Requires read access to "${file}"`,
      });
    }
    let f: Deno.FsFile;
    try {
      f = await Deno.open(file, { read: true });
    } catch (e) {
      throw translate(e, "open");
    }
    return fsFileReader(f, true);
  }
  if (file instanceof Deno.FsFile) return fsFileReader(file, false);
  return null;
}

function fsFileReader(f: Deno.FsFile, owned: boolean): FileReader {
  const seek = async (position: number): Promise<void> => {
    try {
      await f.seek(position, Deno.SeekMode.Start);
    } catch (e) {
      throw translate(e, "lseek");
    }
  };
  return {
    read: async (buf, position) => {
      await seek(position);
      try {
        return (await f.read(buf)) ?? 0;
      } catch (e) {
        throw translate(e, "read");
      }
    },
    seek,
    close: () => {
      if (owned) f.close();
    },
  };
}

/** The runtime port, on Deno. */
export const runtime: Runtime = {
  capabilities,
  name: "deno",
  listenStream,
  connectStream,
  listenDatagram,
  resolveDns,
  platform,
  hostname,
  networkInterfaces,
  permissionState,
  readTextFileSync,
  fileStamp,
  pathKind,
  readDirSync,
  makeTempDirSync,
  tryLockSync,
  sharedDirSync,
  removeSync,
  fileReader,
} satisfies Runtime;
