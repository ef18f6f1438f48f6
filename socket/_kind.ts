// What the socket facade (socket.ts) asks of the implementation for its
// kind: one for stream sockets (_stream_socket.ts: listener and connection
// phases) and one for datagram sockets (_datagram_ops.ts). The facade checks
// arguments and turns the timeout into a wait mode; the kind does the rest.

import type { RuntimeAddr } from "../_runtime/runtime.ts";
import type { SockAddr } from "../addr/sockaddr.ts";
import type { Address, Description } from "./_description.ts";
import type { StreamCore } from "./_stream.ts";
import type { WaitMode } from "./_wait.ts";

/** The operations of one kind of socket, over its shared description. */
export interface KindOps {
  bind(d: Description, sa: SockAddr): void;
  listen(d: Description): void;
  /** The accepted connection's description and its peer. */
  accept(d: Description, mode: WaitMode): Promise<[Description, RuntimeAddr]>;
  /** `parsed` is not resolved yet (a name still to look up). */
  connect(d: Description, parsed: SockAddr, mode: WaitMode): Promise<void>;
  send(
    d: Description,
    data: Uint8Array,
    mode: WaitMode,
    flags: number,
  ): Promise<number>;
  sendall(
    d: Description,
    data: Uint8Array,
    mode: WaitMode,
    flags: number,
  ): Promise<void>;
  sendto(
    d: Description,
    data: Uint8Array,
    to: SockAddr,
    mode: WaitMode,
    flags: number,
  ): Promise<number>;
  recv(
    d: Description,
    n: number,
    flags: number,
    mode: WaitMode,
  ): Promise<Uint8Array>;
  recvInto(
    d: Description,
    dst: Uint8Array,
    flags: number,
    mode: WaitMode,
  ): Promise<number>;
  recvfrom(
    d: Description,
    n: number,
    flags: number,
    mode: WaitMode,
  ): Promise<[Uint8Array, Address | null]>;
  recvfromInto(
    d: Description,
    dst: Uint8Array,
    flags: number,
    mode: WaitMode,
  ): Promise<[number, Address | null]>;
  shutdown(d: Description, how: number): void;
  sockname(d: Description): Address;
  peername(d: Description): Address;
  /** The connection, for files and Web streams (`EOPNOTSUPP` for datagrams). */
  connection(d: Description): StreamCore;
}
