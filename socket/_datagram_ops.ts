// The datagram half of the socket object's methods: bind, connect, send,
// receive, shutdown and addresses of SOCK_DGRAM sockets (UDP over IPv4 and
// IPv6, and Unix datagram sockets), on the core in _datagram.ts.
//
// Deno binds a datagram socket when it opens it, so a socket exists in the
// runtime only from `bind`, or from the first `sendto`/`connect`, which bind
// it to an ephemeral port on the wildcard address first (Linux's autobind).
// A never-bound socket receives nothing: `recvfrom` waits (or gives EAGAIN,
// or times out), as on Linux.

import {
  type DatagramSocket,
  type DatagramTarget,
  runtime,
  type RuntimeAddr,
} from "../_runtime/runtime.ts";
import { ntop6, ptonOrNull } from "../addr/inet.ts";
import type { SockAddr } from "../addr/sockaddr.ts";
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  EAI_ADDRFAMILY,
  EAI_NONAME,
  MSG_OOB,
  MSG_PEEK,
  MSG_TRUNC,
  SHUT_RD,
  SHUT_WR,
} from "../_base/constants.ts";
import { errno, error, fromRuntimeError, gaierror, osError } from "./errors.ts";
import {
  type Address,
  type Description,
  pythonAddress,
  unboundAddress,
} from "./_description.ts";
import { DatagramCore, wildcardHost } from "./_datagram.ts";
import { connectPeer, resolveAddress } from "./_resolve.ts";
import type { WaitMode } from "./_wait.ts";
import type { KindOps } from "./_kind.ts";

const EMPTY = new Uint8Array(0);

/**
 * Throws at `socket()` time when datagram sockets cannot be made: Deno
 * offers them only with `--unstable-net`.
 */
export function checkAvailable(): void {
  if (!runtime.capabilities.udp) {
    throw osError(
      errno.EPROTONOSUPPORT,
      "Protocol not supported: datagram sockets (SOCK_DGRAM) need Deno's " +
        "unstable network API; run Deno with --unstable-net " +
        '(or add "unstable": ["net"] to deno.json)',
    );
  }
}

/** Gives a new datagram socket its core (options may be set before bind). */
export function prepare(d: Description): void {
  d.datagram ??= new DatagramCore(d.family, d.options.rcvbuf, d.options.sndbuf);
}

function core(d: Description): DatagramCore {
  if (d.state === "closed") throw osError(errno.EBADF);
  prepare(d);
  return d.datagram as DatagramCore;
}

function unixPath(path: string, what: "bind" | "send"): string {
  if (path === "") {
    if (what === "send") throw osError(errno.EINVAL);
    throw osError(
      errno.EOPNOTSUPP,
      "Operation not supported: Deno cannot autobind a Unix datagram socket; bind it to a path",
    );
  }
  if (path.startsWith("\0")) {
    throw osError(
      errno.EOPNOTSUPP,
      "Operation not supported: Deno has no abstract Unix sockets",
    );
  }
  return path;
}

/** Opens the runtime socket at `sa` and makes it the socket's own. */
function open(d: Description, c: DatagramCore, sa: SockAddr | null): void {
  let sock: DatagramSocket;
  const loop = d.options.multicastLoop !== 0;
  try {
    if (d.family === AF_UNIX) {
      sock = runtime.listenDatagram({
        transport: "unixpacket",
        path: sa === null ? null : unixPath(sa.path, "bind"),
      });
    } else {
      sock = runtime.listenDatagram(
        {
          transport: "udp",
          hostname: sa === null ? wildcardHost(d.family) : sa.host,
          port: sa === null ? 0 : sa.port,
        },
        {
          reuseAddress: d.options.reuseaddr !== 0,
          ipv6Only: d.options.v6only !== 0,
          loopback: loop,
          receiveBufferSize: d.options.rcvbuf,
        },
      );
    }
  } catch (e) {
    const err = fromRuntimeError(e);
    if (
      sa !== null && !sa.numeric && d.family !== AF_UNIX &&
      err instanceof error && err.errno === errno.ENOENT
    ) {
      throw new gaierror(EAI_NONAME);
    }
    throw err;
  }
  // A name resolved by the runtime may be of the other family.
  const addr = sock.addr;
  if (
    "hostname" in addr &&
    (d.family === AF_INET6) !== addr.hostname.includes(":")
  ) {
    sock.close();
    throw new gaierror(EAI_ADDRFAMILY);
  }
  c.attach(sock, loop);
  d.phase = { name: "datagram", bound: true, peer: peerOf(d) };
}

/** `bind` on a datagram socket: the port is taken now. */
export function bind(d: Description, sa: SockAddr): void {
  const c = core(d);
  if (c.socket !== null) throw osError(errno.EINVAL);
  open(d, c, sa);
}

// Linux's autobind (first sendto or connect of an unbound socket): an
// ephemeral port on the wildcard address. A connect to a loopback peer
// takes the loopback source address, as Linux's routing picks it; so does a
// sendto to a loopback peer when Deno's net permission does not cover the
// wildcard address (`--allow-net=127.0.0.1`), where Linux's choice cannot
// be made.
function autobind(
  d: Description,
  c: DatagramCore,
  peer: SockAddr,
  connecting: boolean,
): void {
  if (c.socket !== null) return;
  if (d.family === AF_UNIX) {
    // Linux leaves an unbound Unix datagram socket unnamed.
    open(d, c, null);
    return;
  }
  let host = wildcardHost(d.family);
  const loopback = loopbackFor(d.family, peer.host);
  if (loopback !== null && (connecting || !mayBind(host))) host = loopback;
  open(d, c, {
    family: d.family,
    host,
    numeric: true,
    port: 0,
    flowinfo: 0,
    scopeId: 0,
    path: "",
  });
}

function loopbackFor(family: number, host: string): string | null {
  if (family === AF_INET && host.startsWith("127.")) return "127.0.0.1";
  if (family === AF_INET6 && host === "::1") return "::1";
  return null;
}

function mayBind(host: string): boolean {
  try {
    return runtime.permissionState({
      name: "net",
      host: host.includes(":") ? `[${host}]` : host,
    }) === "granted";
  } catch {
    return false;
  }
}

function isBroadcast(sa: SockAddr): boolean {
  return sa.host === "255.255.255.255" ||
    (sa.family === AF_INET6 && sa.host === "::ffff:255.255.255.255");
}

// The canonical text of a host, so a peer compares equal to a sender.
function canonicalHost(family: number, host: string): string {
  if (family !== AF_INET6) return host;
  const packed = ptonOrNull(AF_INET6, host) ??
    ptonOrNull(AF_INET6, `::ffff:${host}`);
  return packed ? ntop6(packed) : host;
}

// The last UDP destination: a program sending to one peer again and again
// reuses it.
let lastTarget: DatagramTarget & { transport: "udp" } = {
  transport: "udp",
  hostname: "",
  port: -1,
};

function target(sa: SockAddr): DatagramTarget {
  if (sa.family === AF_UNIX) {
    return { transport: "unixpacket", path: unixPath(sa.path, "send") };
  }
  if (sa.port !== lastTarget.port || sa.host !== lastTarget.hostname) {
    lastTarget = { transport: "udp", hostname: sa.host, port: sa.port };
  }
  return lastTarget;
}

// Where a connected socket sends, kept per description.
// The peer a datagram socket is connected to, or `null`.
function peerOf(d: Description): SockAddr | null {
  return d.phase.name === "datagram" ? d.phase.peer : null;
}

/**
 * `connect` on a datagram socket: sets the default peer, and from then on
 * only that peer's datagrams are queued, as on Linux. A second connect
 * changes the peer; for a Unix socket, a different peer empties the
 * receive queue, as Linux does. Binds an unbound socket first.
 */
export function connect(d: Description, sa: SockAddr): Promise<void> {
  try {
    const c = core(d);
    if (sa.family !== AF_UNIX) {
      if (isBroadcast(sa) && !c.broadcast) throw osError(errno.EACCES);
    } else {
      checkUnixPeer(unixPath(sa.path, "send"));
    }
    // Linux: a link-local peer needs an interface, and only its scope id
    // is kept (getpeername shows 0 for any other).
    const scoped = needsScope(sa);
    if (scoped && sa.scopeId === 0) throw osError(errno.EINVAL);
    autobind(d, c, sa, true);
    const peer: SockAddr = {
      ...sa,
      host: canonicalHost(sa.family, sa.host),
      scopeId: scoped ? sa.scopeId : 0,
    };
    const old = peerOf(d);
    if (d.family === AF_UNIX && old !== null && old.path !== sa.path) {
      c.purge();
    }
    c.filter(matcher(d.family, peer));
    d.phase = { name: "datagram", bound: true, peer };
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}

// Whether an IPv6 address is one Linux reaches through an interface only
// (__ipv6_addr_needs_scope_id): link-local unicast, and interface- or
// link-local multicast.
function needsScope(sa: SockAddr): boolean {
  if (sa.family !== AF_INET6) return false;
  const b = ptonOrNull(AF_INET6, sa.host);
  if (b === null) return false;
  const [b0 = 0, b1 = 0] = b;
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return true;
  return b0 === 0xff && ((b1 & 0x0f) === 1 || (b1 & 0x0f) === 2);
}

// Linux looks the peer up at connect: ENOENT when nothing is at the path,
// ECONNREFUSED when what is there is not a socket. (A socket file nobody
// is bound to, which Linux also refuses, cannot be told apart here.)
function checkUnixPeer(path: string): void {
  const kind = runtime.pathKind(path);
  if (kind === "missing") throw osError(errno.ENOENT);
  if (kind === "other") throw osError(errno.ECONNREFUSED);
}

function matcher(
  family: number,
  peer: SockAddr,
): (from: RuntimeAddr) => boolean {
  if (family === AF_UNIX) {
    return (from) => "path" in from && from.path === peer.path;
  }
  return (from) => {
    if (!("hostname" in from) || from.port !== peer.port) return false;
    return from.hostname === peer.host ||
      canonicalHost(family, from.hostname) === peer.host;
  };
}

/**
 * `send` (`to` null: to the connected peer) or `sendto`. Resolves to the
 * number of bytes sent: the whole datagram, or it is refused. With a
 * numeric address the datagram is queued before this returns, so a `close`
 * right after still lets it go out. MSG_OOB is refused (EOPNOTSUPP) before
 * anything else, as Linux does for UDP and Unix datagrams.
 */
export function send(
  d: Description,
  data: Uint8Array,
  to: SockAddr | null,
  mode: WaitMode,
  flags = 0,
): Promise<number> {
  try {
    const c = core(d);
    if ((flags & MSG_OOB) !== 0) throw osError(errno.EOPNOTSUPP);
    if (to === null) {
      const peer = peerOf(d);
      if (peer === null) {
        throw osError(
          d.family === AF_UNIX ? errno.ENOTCONN : errno.EDESTADDRREQ,
        );
      }
      const sent = sendTo(d, c, data, peer, mode);
      return d.family === AF_UNIX ? sent.catch(peerGone) : sent;
    }
    if (to.family === AF_UNIX || to.numeric) {
      return sendTo(d, c, data, to, mode);
    }
    return resolveAddress(to).then((dest) => {
      if (c.closed) throw osError(errno.EBADF);
      return sendTo(d, c, data, dest, mode);
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

// A connected Unix datagram socket whose peer has gone: Linux gives
// ECONNREFUSED, even when the peer's path has been removed too.
function peerGone(e: unknown): never {
  if (e instanceof error && e.errno === errno.ENOENT) {
    throw osError(errno.ECONNREFUSED);
  }
  throw e;
}

function sendTo(
  d: Description,
  c: DatagramCore,
  data: Uint8Array,
  dest: SockAddr,
  mode: WaitMode,
): Promise<number> {
  if (dest.family !== AF_UNIX && isBroadcast(dest) && !c.broadcast) {
    // Deno turns SO_BROADCAST on for every socket, so the kernel would let
    // it go: refused here, before anything is sent.
    throw osError(errno.EACCES);
  }
  const where = target(dest);
  autobind(d, c, dest, false);
  if (c.writeShut) throw osError(errno.EPIPE);
  return c.send(data, where, mode);
}

/**
 * `socketpair(AF_UNIX, SOCK_DGRAM)`: `a` and `b`, two new AF_UNIX datagram
 * sockets, bound to paths in `dir` (a private directory) and connected to
 * each other. Linux's pair has no names; this one shows none either
 * (getsockname, getpeername and the senders of what arrives). Each removes
 * its path when closed, and the last the directory.
 */
export async function pair(
  a: Description,
  b: Description,
  dir: string,
): Promise<void> {
  const at = (name: string): SockAddr => ({
    family: AF_UNIX,
    host: "",
    numeric: true,
    port: 0,
    flowinfo: 0,
    scopeId: 0,
    path: `${dir}/${name}`,
  });
  const ends: [Description, SockAddr, SockAddr][] = [
    [a, at("a"), at("b")],
    [b, at("b"), at("a")],
  ];
  for (const [d, self, other] of ends) {
    bind(d, self);
    const c = core(d);
    c.pairPeer = other.path;
    c.own([self.path, dir]);
  }
  for (const [d, , other] of ends) await connect(d, other);
}

/**
 * `recvfrom`: one datagram, cut to `bufsize` (the rest is dropped). With
 * MSG_TRUNC, a longer datagram gives bytes of its real length: its first
 * `bufsize` bytes, then zeros (CPython's are uninitialized memory).
 */
export function recvfrom(
  d: Description,
  bufsize: number,
  flags: number,
  mode: WaitMode,
): Promise<[Uint8Array, Address | null]> {
  try {
    const c = core(d);
    const peek = (flags & MSG_PEEK) !== 0;
    const trunc = (flags & MSG_TRUNC) !== 0;
    const shape = (
      got: Uint8Array,
      from: RuntimeAddr,
    ): [Uint8Array, Address | null] => {
      let data = got;
      if (data.length > bufsize) {
        if (trunc) {
          data = new Uint8Array(got.length);
          data.set(got.subarray(0, bufsize));
        } else {
          data = bufsize === 0 ? EMPTY : data.subarray(0, bufsize);
          if (peek) data = data.slice();
        }
      } else if (peek) {
        // A peeked datagram stays queued: the caller gets its own copy.
        data = data.slice();
      }
      return [data, c.pairPeer !== null ? null : sender(d.family, from)];
    };
    return c.next(mode, peek, shape);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * `recvfrom_into`: one datagram into `dst`; resolves to the count copied,
 * or with MSG_TRUNC to the datagram's real length.
 */
export function recvfromInto(
  d: Description,
  dst: Uint8Array,
  flags: number,
  mode: WaitMode,
): Promise<[number, Address | null]> {
  try {
    const c = core(d);
    const peek = (flags & MSG_PEEK) !== 0;
    const trunc = (flags & MSG_TRUNC) !== 0;
    const shape = (
      data: Uint8Array,
      from: RuntimeAddr,
    ): [number, Address | null] => {
      const n = Math.min(dst.length, data.length);
      dst.set(n === data.length ? data : data.subarray(0, n));
      return [
        trunc ? data.length : n,
        c.pairPeer !== null ? null : sender(d.family, from),
      ];
    };
    return c.next(mode, peek, shape);
  } catch (e) {
    return Promise.reject(e);
  }
}

function sender(family: number, from: RuntimeAddr): Address | null {
  // An unnamed Unix sender has no address: Python gives None.
  if ("path" in from && (from.path === null || from.path === "")) return null;
  return pythonAddress(family, from);
}

/**
 * `shutdown` on a datagram socket. As on Linux: an unconnected UDP socket
 * gives ENOTCONN but the shutdown still takes effect; SHUT_WR makes sends
 * give EPIPE; SHUT_RD stops a Unix socket taking new datagrams (those
 * queued are still read) and leaves a UDP socket receiving.
 */
export function shutdown(d: Description, how: number): void {
  const c = core(d);
  if (how !== SHUT_RD) c.writeShut = true; // SHUT_WR or SHUT_RDWR
  if (how !== SHUT_WR) c.readShut = true; // SHUT_RD or SHUT_RDWR
  if (d.family !== AF_UNIX && d.state !== "connected") {
    throw osError(errno.ENOTCONN);
  }
}

// The host the socket is bound to, or `null` before it is.
function boundHost(d: Description): string | null {
  const addr = core(d).socket?.addr;
  return addr !== undefined && "hostname" in addr ? addr.hostname : null;
}

/** `getsockname` on a datagram socket. */
export function sockname(d: Description): Address {
  const c = core(d);
  const sock = c.socket;
  if (sock === null) return unboundAddress(d.family);
  if (c.pairPeer !== null) return "";
  const addr = sock.addr;
  if ("path" in addr && addr.path === null) return "";
  return pythonAddress(d.family, addr as RuntimeAddr);
}

/** `getpeername` on a datagram socket: ENOTCONN unless connected. */
export function peername(d: Description): Address {
  const peer = peerOf(d);
  if (peer === null) throw osError(errno.ENOTCONN);
  // The pair's own peer is unnamed; a peer connected to later is not.
  if (peer.path === core(d).pairPeer) return "";
  if (peer.family === AF_INET) return [peer.host, peer.port];
  if (peer.family === AF_INET6) return [peer.host, peer.port, 0, peer.scopeId];
  return peer.path;
}

/** The datagram kind (see _kind.ts). */
export const DATAGRAM: KindOps = {
  bind: (d, sa) => {
    if (d.state !== "new") throw osError(errno.EINVAL);
    bind(d, sa);
  },
  listen: () => {
    throw osError(errno.EOPNOTSUPP);
  },
  accept: () => Promise.reject(osError(errno.EOPNOTSUPP)),
  connect: async (d, parsed) => {
    await connect(d, connectPeer(await resolveAddress(parsed), boundHost(d)));
  },
  send: (d, data, mode, flags) => send(d, data, null, mode, flags),
  sendall: (d, data, mode, flags) =>
    send(d, data, null, mode, flags).then(() => {}),
  sendto: (d, data, to, mode, flags) => send(d, data, to, mode, flags),
  // CPython's recv(0) and recv_into of nothing return at once, reading
  // nothing.
  recv: (d, n, flags, mode) =>
    n === 0
      ? Promise.resolve(EMPTY)
      : recvfrom(d, n, flags, mode).then((r) => r[0]),
  recvInto: (d, dst, flags, mode) =>
    dst.length === 0
      ? Promise.resolve(0)
      : recvfromInto(d, dst, flags, mode).then((r) => r[0]),
  recvfrom,
  recvfromInto,
  shutdown,
  sockname,
  peername,
  connection: () => {
    throw osError(errno.EOPNOTSUPP);
  },
};
