// Address text and bytes for the look-ups: thin wrappers over addr/.

import { atonExactValue, ntop6, ptonOrNull } from "../addr/inet.ts";
import { AF_INET, AF_INET6 } from "../_base/constants.ts";

/** 4 bytes of `a.b.c.d` or `null` (strict, as glibc's inet_pton). */
export function pton4(s: string): Uint8Array | null {
  return ptonOrNull(AF_INET, s);
}

/** 16 bytes of an IPv6 text without zone, or `null`. */
export function pton6(s: string): Uint8Array | null {
  return ptonOrNull(AF_INET6, s);
}

/** 4 bytes of any form glibc's `inet_aton` accepts with nothing after it, or `null`. */
export function atonExact(s: string): Uint8Array | null {
  const v = atonExactValue(s);
  if (v < 0) return null;
  return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

/** Text of 4 or 16 bytes, as glibc's `inet_ntop`. */
export function ntop(b: Uint8Array): string {
  return b.length === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : ntop6(b);
}

/** `::ffff:a.b.c.d` for 4 bytes. */
export function mapV4(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(b, 12);
  return out;
}

/** Whether 16 bytes are a v4-mapped address. */
export function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Whether 16 bytes are `::1`. */
export function isLoopback6(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 15; i++) if (b[i] !== 0) return false;
  return b[15] === 1;
}

/**
 * The byte at `i`, 0 past the end: the callers have checked the length,
 * which the index type does not know.
 */
export function byteAt(b: Uint8Array, i: number): number {
  return b[i] ?? 0;
}

/** `fe80::/10`. */
export function isLinkLocal6(b: Uint8Array): boolean {
  return b.length === 16 && b[0] === 0xfe && (byteAt(b, 1) & 0xc0) === 0x80;
}

/** `ff02::/16`-style link-local multicast (scope 2). */
export function isMcLinkLocal6(b: Uint8Array): boolean {
  return b.length === 16 && b[0] === 0xff && (byteAt(b, 1) & 0x0f) === 2;
}

/** Byte-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The reverse-lookup name of an address (`in-addr.arpa` / `ip6.arpa`). */
export function reverseName(b: Uint8Array): string {
  if (b.length === 4) return `${b[3]}.${b[2]}.${b[1]}.${b[0]}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) {
    const v = byteAt(b, i);
    nibbles.push((v & 15).toString(16), (v >> 4).toString(16));
  }
  return `${nibbles.join(".")}.ip6.arpa`;
}
