// The datagram half of the socket object's methods.

import type { SockAddr } from "../addr/sockaddr.ts";
import { errno, osError } from "./errors.ts";
import type { Address, Description } from "./_description.ts";
import type { WaitMode } from "./_stream.ts";

function notYet(): Error {
  return osError(
    errno.EOPNOTSUPP,
    "Operation not supported: datagram sockets are not available yet",
  );
}

/** Throws at `socket()` time when datagram sockets cannot be made. */
export function checkAvailable(_family: number): void {}

/** `bind` on a datagram socket. */
export function bind(_d: Description, _sa: SockAddr): void {
  throw notYet();
}

/** `connect` on a datagram socket: sets the default peer. */
export function connect(_d: Description, _sa: SockAddr): Promise<void> {
  return Promise.reject(notYet());
}

/** `send` (to = null) or `sendto`. */
export function send(
  _d: Description,
  _data: Uint8Array,
  _to: SockAddr | null,
  _mode: WaitMode,
): Promise<number> {
  return Promise.reject(notYet());
}

/** `recvfrom`. */
export function recvfrom(
  _d: Description,
  _bufsize: number,
  _flags: number,
  _mode: WaitMode,
): Promise<[Uint8Array, Address | null]> {
  return Promise.reject(notYet());
}

/** `recvfrom_into`. */
export function recvfromInto(
  _d: Description,
  _dst: Uint8Array,
  _flags: number,
  _mode: WaitMode,
): Promise<[number, Address | null]> {
  return Promise.reject(notYet());
}

/** `shutdown` on a datagram socket. */
export function shutdown(_d: Description, _how: number): void {
  throw notYet();
}

/** `getsockname` on a datagram socket. */
export function sockname(_d: Description): Address {
  throw notYet();
}

/** `getpeername` on a datagram socket. */
export function peername(_d: Description): Address {
  throw notYet();
}
