// Type-level check that _runtime/node.ts exports what _runtime/deno.ts
// exports, with the same types: `deno check npm/runtime_parity.ts` fails
// when the two drift apart. Nothing here runs.

import type * as deno from "../_runtime/deno.ts";
import type * as node from "../_runtime/node.ts";

type Deno = typeof deno;
type Node = typeof node;

/** Compiles only when `A` and `B` are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The same value names on both sides. */
export const sameNames: Same<keyof Deno, keyof Node> = true;

/** Each value (function, constant) with the same type. */
export const sameValues: {
  [K in keyof Deno & keyof Node]: Same<Deno[K], Node[K]>;
} = {} as {
  [K in keyof Deno & keyof Node]: true;
};

/** The exported types, one by one. */
export const sameTypes: [
  Same<deno.RuntimeAddr, node.RuntimeAddr>,
  Same<deno.StreamConn, node.StreamConn>,
  Same<deno.StreamListener, node.StreamListener>,
  Same<deno.StreamTarget, node.StreamTarget>,
  Same<deno.PermissionState, node.PermissionState>,
  Same<deno.PermissionQuery, node.PermissionQuery>,
  Same<deno.InterfaceAddress, node.InterfaceAddress>,
  Same<deno.DnsRecordType, node.DnsRecordType>,
  Same<deno.DnsQueryOptions, node.DnsQueryOptions>,
  Same<deno.DatagramBind, node.DatagramBind>,
  Same<deno.DatagramTarget, node.DatagramTarget>,
  Same<deno.DatagramOptions, node.DatagramOptions>,
  Same<deno.MulticastMembership, node.MulticastMembership>,
  Same<deno.DatagramSocket, node.DatagramSocket>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
