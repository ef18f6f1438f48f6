// Stream sockets (TCP, AF_UNIX SOCK_STREAM): the kind implementation the
// facade calls (see _kind.ts). A stream socket goes through the phases of
// _description.ts: new, bound (Deno binds by listening, so the listener
// exists from bind on), listening, connecting, connected; what each
// operation is refused in which phase is _refusals.ts's table.

import {
  runtime,
  type RuntimeAddr,
  type StreamConn,
  type StreamTarget,
} from "../_runtime/runtime.ts";
import { parseSockaddr, type SockAddr } from "../addr/sockaddr.ts";
import * as C from "../_base/constants.ts";
import { errno, error, fromRuntimeError, gaierror, osError } from "./errors.ts";
import {
  type Address,
  Description,
  pythonAddress,
  unboundAddress,
} from "./_description.ts";
import type { KindOps } from "./_kind.ts";
import { ListenerCore } from "./_listener.ts";
import { refusal } from "./_refusals.ts";
import { resolveAddress } from "./_resolve.ts";
import { StreamCore } from "./_stream.ts";
import { plainBlocking, raceMode, type WaitMode } from "./_wait.ts";

function unix(d: Description): boolean {
  return d.family === C.AF_UNIX;
}

// The connection of a connected socket, or the refusal for `op`.
function connection(d: Description, op: "send" | "recv"): StreamCore {
  const p = d.phase;
  if (p.name === "connected") return p.stream;
  refusal(op, unix(d), d.state);
  // Not reached: every phase but connected refuses receives and sends.
  throw osError(errno.ENOTCONN);
}

function bind(d: Description, sa: SockAddr): void {
  refusal("bind", unix(d), d.state);
  bindStream(d, sa);
}

function listen(d: Description): void {
  refusal("listen", unix(d), d.state);
  if (d.phase.name === "new") bindStream(d, wildcard(d.family));
  const p = d.phase;
  if (p.name !== "bound" && p.name !== "listening") {
    throw osError(errno.EINVAL);
  }
  // Again after shutdown(SHUT_RD) stopped it.
  p.listener.resume();
  d.phase = { name: "listening", addr: p.addr, listener: p.listener };
  d.changed.notify();
}

async function accept(
  d: Description,
  mode: WaitMode,
): Promise<[Description, RuntimeAddr]> {
  const p = d.phase;
  if (p.name !== "listening") {
    refusal("accept", unix(d), d.state);
    throw osError(errno.EINVAL);
  }
  const conn = await p.listener.accept(mode);
  const nd = connectedDescription(d.family, d.type, d.proto, conn, d);
  return [nd, conn.remoteAddr];
}

async function connect(
  d: Description,
  parsed: SockAddr,
  mode: WaitMode,
): Promise<void> {
  refusal("connect", unix(d), d.state);
  let sa = parsed;
  // A numeric address (the common case) goes on in this turn: only a look-up
  // lets the phase change under the connect.
  if (!parsed.numeric && parsed.family !== C.AF_UNIX) {
    sa = await resolveAddress(parsed);
    refusal("connect", unix(d), d.state);
    if (d.state === "closed") throw osError(errno.EBADF);
  }
  const local = releaseLocalBind(d);
  const target = streamTarget(sa);
  // close() ends a connect in flight (its descriptor is freed at once).
  const abort = new AbortController();
  if (mode.nonblocking) {
    const background = connectTo(target, abort.signal, local).then(
      (conn) => {
        if (isClosed(d)) {
          conn.close();
          return;
        }
        attachStream(d, conn);
        d.changed.notify();
      },
      (e) => {
        if (isClosed(d)) return;
        d.phase = { name: "new" };
        const err = fromRuntimeError(e);
        d.soError = err instanceof error && err.errno !== null
          ? err.errno
          : errno.ECONNREFUSED;
        d.changed.notify();
      },
    );
    d.phase = { name: "connecting", abort, background };
    throw osError(errno.EINPROGRESS);
  }
  d.phase = { name: "connecting", abort, background: null };
  const attempt = connectTo(target, abort.signal, local);
  let conn: StreamConn;
  try {
    // With no deadline and no signal only the attempt (or close(), through
    // `abort`) ends the wait: it is awaited as it is.
    conn = await (plainBlocking(mode)
      ? attempt
      : connectWithin(attempt, mode, abort));
  } catch (e) {
    // The phase may have changed while the attempt ran.
    if (isClosed(d)) throw osError(errno.EBADF);
    d.phase = { name: "new" };
    if (e instanceof error || e === mode.signal?.reason) throw e;
    throw fromRuntimeError(e);
  }
  // The socket may have been closed while the connection was made.
  if (isClosed(d)) {
    conn.close();
    throw osError(errno.EBADF);
  }
  attachStream(d, conn);
  // select, poll and epoll watching the socket learn it is connected.
  d.changed.notify();
}

function sendto(
  d: Description,
  data: Uint8Array,
  _to: SockAddr,
  mode: WaitMode,
): Promise<number> {
  // A connected TCP stream ignores the address, as Linux does; else EPIPE.
  // An AF_UNIX stream refuses any address: EISCONN once connected,
  // EOPNOTSUPP before.
  if (unix(d)) {
    throw osError(d.state === "connected" ? errno.EISCONN : errno.EOPNOTSUPP);
  }
  return connection(d, "send").send(data, mode);
}

function recv(
  d: Description,
  n: number,
  flags: number,
  mode: WaitMode,
): Promise<Uint8Array> {
  const s = connection(d, "recv");
  const peek = (flags & C.MSG_PEEK) !== 0;
  if ((flags & C.MSG_WAITALL) !== 0 && peek && waitsForAll(mode)) {
    // Linux waits for all of them and leaves them there.
    return s.waitFor(n, mode).then(() => s.recv(n, mode, true));
  }
  if ((flags & C.MSG_WAITALL) !== 0 && !peek && waitsForAll(mode)) {
    const buf = new Uint8Array(n);
    return recvAll(s, buf, mode).then((got) =>
      got === n ? buf : buf.slice(0, got)
    );
  }
  return s.recv(n, mode, peek);
}

function recvInto(
  d: Description,
  dst: Uint8Array,
  flags: number,
  mode: WaitMode,
): Promise<number> {
  const s = connection(d, "recv");
  const peek = (flags & C.MSG_PEEK) !== 0;
  if ((flags & C.MSG_WAITALL) !== 0 && peek && waitsForAll(mode)) {
    return s.waitFor(dst.length, mode).then(() => s.recvInto(dst, mode, true));
  }
  if ((flags & C.MSG_WAITALL) !== 0 && !peek && waitsForAll(mode)) {
    return recvAll(s, dst, mode);
  }
  return s.recvInto(dst, mode, peek);
}

function shutdown(d: Description, how: number): void {
  const p = d.phase;
  if (p.name === "listening") {
    // Linux: SHUT_WR does nothing to a listener. SHUT_RD stops a TCP
    // listener (its port stays bound; listen() starts it again); on
    // AF_UNIX it makes a blocking accept with nothing queued give EINVAL.
    if (how === C.SHUT_WR) return;
    if (unix(d)) {
      p.listener.shutRead();
    } else {
      p.listener.stop();
      d.phase = { name: "bound", addr: p.addr, listener: p.listener };
    }
    return;
  }
  if (p.name !== "connected") {
    if (refusal("shutdown", unix(d), d.state) === "ok") return;
    throw osError(errno.ENOTCONN);
  }
  if (how !== C.SHUT_WR) p.stream.shutdownRead();
  if (how !== C.SHUT_RD) p.stream.shutdownWrite();
}

function sockname(d: Description): Address {
  if (d.unnamed) return "";
  const p = d.phase;
  if (p.name === "connected") {
    return pythonAddress(d.family, p.stream.conn.localAddr);
  }
  if (p.name === "bound" || p.name === "listening") {
    return pythonAddress(d.family, p.listener.listener.addr);
  }
  return unboundAddress(d.family);
}

function peername(d: Description): Address {
  const p = d.phase;
  if (p.name !== "connected") {
    refusal("getpeername", unix(d), d.state);
    throw osError(errno.ENOTCONN);
  }
  if (d.unnamed) return "";
  return pythonAddress(d.family, p.stream.conn.remoteAddr);
}

/** The stream kind. */
export const STREAM: KindOps = {
  bind,
  listen,
  accept,
  connect,
  send: (d, data, mode) => connection(d, "send").send(data, mode),
  sendall: (d, data, mode) => connection(d, "send").sendall(data, mode),
  sendto,
  recv,
  recvInto,
  // A stream socket has no per-message sender: Linux gives no address.
  recvfrom: (d, n, flags, mode) =>
    recv(d, n, flags, mode).then((data) => [data, null]),
  recvfromInto: (d, dst, flags, mode) =>
    recvInto(d, dst, flags, mode).then((n) => [n, null]),
  shutdown,
  sockname,
  peername,
  connection: (d) => connection(d, "recv"),
};

// ----------------------------------------------------------------- helpers

function wildcard(family: number): SockAddr {
  return parseSockaddr(
    family,
    family === C.AF_UNIX ? "" : family === C.AF_INET6 ? ["::", 0] : ["", 0],
    "bind",
  );
}

function streamTarget(sa: SockAddr): StreamTarget {
  if (sa.family === C.AF_UNIX) {
    if (
      sa.path === "" ||
      (sa.path.startsWith("\0") && !runtime.capabilities.abstractUnixNames)
    ) {
      throw osError(
        errno.EOPNOTSUPP,
        "Operation not supported: Deno has no abstract or unnamed Unix sockets",
      );
    }
    return { transport: "unix", path: sa.path };
  }
  return { transport: "tcp", hostname: sa.host, port: sa.port };
}

function bindStream(d: Description, sa: SockAddr): void {
  const target = streamTarget(sa);
  try {
    const listener = runtime.listenStream(target, {
      reusePort: d.options.reuseport !== 0,
      ipv6Only: d.options.v6only !== 0,
    });
    d.phase = {
      name: "bound",
      addr: sa,
      listener: new ListenerCore(listener),
    };
  } catch (e) {
    const err = fromRuntimeError(e);
    if (
      !sa.numeric && sa.family !== C.AF_UNIX && err instanceof error &&
      err.errno === errno.ENOENT
    ) {
      throw new gaierror(C.EAI_NONAME);
    }
    throw err;
  }
}

// Deno cannot connect from a bound socket. A bind to the wildcard address
// and port 0 asked for nothing a fresh connection does not give, so that
// one is let go; anything more specific cannot be honoured there. A runtime
// that can (runtime.capabilities.connectFromLocal: Node.js) connects from the address the
// bind took, which is given back here once the bind lets it go.
function releaseLocalBind(
  d: Description,
): { hostname: string; port: number } | undefined {
  const p = d.phase;
  if (p.name !== "bound") return undefined;
  const b = p.addr;
  const wild = b.port === 0 && (b.host === "0.0.0.0" || b.host === "::");
  const addr = p.listener.listener.addr;
  const local =
    !wild && runtime.capabilities.connectFromLocal && addr.transport === "tcp"
      ? { hostname: addr.hostname, port: addr.port }
      : undefined;
  if (!wild && local === undefined) {
    throw osError(
      errno.EOPNOTSUPP,
      "Operation not supported: Deno cannot connect from a chosen local address or port; connect without bind",
    );
  }
  p.listener.close();
  d.phase = { name: "new" };
  return local;
}

// Port 0 is never listening: Linux refuses it at once, where the runtime
// rejects the port with a RangeError of its own.
function connectTo(
  target: StreamTarget,
  signal: AbortSignal,
  local: { hostname: string; port: number } | undefined,
): Promise<StreamConn> {
  if (target.transport === "tcp" && target.port === 0) {
    return Promise.reject(osError(errno.ECONNREFUSED));
  }
  return runtime.connectStream(
    target,
    local === undefined ? { signal } : { signal, local },
  );
}

// A connect bounded by the call's wait mode (deadline, abort) and by
// `abort` (the socket's close). An attempt given up is abandoned in the
// runtime too; a connection that made it anyway is closed.
async function connectWithin(
  attempt: Promise<StreamConn>,
  mode: WaitMode,
  abort: AbortController,
): Promise<StreamConn> {
  try {
    return await raceMode(attempt, mode);
  } catch (e) {
    if (!abort.signal.aborted) {
      abort.abort();
      await attempt.then((c) => c.close(), () => {});
    }
    if (e instanceof error || e === mode.signal?.reason) throw e;
    throw fromRuntimeError(e);
  }
}

// Whether `d` is closed now (a fresh look, after an await).
function isClosed(d: Description): boolean {
  return d.phase.name === "closed";
}

function attachStream(d: Description, conn: StreamConn): void {
  const stream = new StreamCore(conn, d.options.rcvbuf, d.options.sndbuf);
  if (d.options.nodelay) conn.setNoDelay(true);
  if (d.options.keepalive) conn.setKeepAlive(true);
  d.phase = { name: "connected", stream };
}

function connectedDescription(
  family: number,
  type: number,
  proto: number,
  conn: StreamConn,
  parent: Description,
): Description {
  const nd = new Description(family, type, proto);
  // Options set on a TCP listener carry over to what it accepts; Linux's
  // AF_UNIX accept makes a new socket with the defaults.
  if (family !== C.AF_UNIX) Object.assign(nd.options, parent.options);
  attachStream(nd, conn);
  return nd;
}

// CPython keeps the descriptor non-blocking under any timeout and waits for
// readability itself, so MSG_WAITALL waits for all the bytes only on a
// blocking socket; with a timeout (or MSG_DONTWAIT) it is a plain receive:
// what is there once the first byte has come.
function waitsForAll(mode: WaitMode): boolean {
  return mode.deadline === null && !mode.nonblocking;
}

// MSG_WAITALL on a blocking socket: fill `dst` or stop at the end of the
// stream; an error after some bytes arrived returns what came, as Linux does.
async function recvAll(
  s: StreamCore,
  dst: Uint8Array,
  mode: WaitMode,
): Promise<number> {
  let got = 0;
  while (got < dst.length) {
    let n: number;
    try {
      n = await s.recvInto(dst.subarray(got), mode);
    } catch (e) {
      if (got > 0 && e instanceof error && e.errno !== errno.EBADF) return got;
      throw e;
    }
    if (n === 0) break;
    got += n;
  }
  return got;
}
