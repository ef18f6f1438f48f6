// glibc's RFC 3484 destination address ordering for getaddrinfo, with its
// default label, precedence and IPv4 scope tables. The source address glibc
// learns by connecting a UDP socket is guessed here from the machine's
// interface addresses.

import { type LocalAddress, localAddresses } from "./interfaces.ts";
import { byteAt, isLinkLocal6, isLoopback6, mapV4, sameBytes } from "./_ip.ts";

interface Prefix {
  readonly prefix: Uint8Array;
  readonly bits: number;
  readonly val: number;
}

function p(hexBytes: number[], bits: number, val: number): Prefix {
  const prefix = new Uint8Array(16);
  prefix.set(hexBytes);
  return { prefix, bits, val };
}

const V4MAPPED_HEAD = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const LOOPBACK6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

// Longest prefixes first: the first match wins.
const LABELS: readonly Prefix[] = [
  p(LOOPBACK6, 128, 0),
  p([0x20, 0x02], 16, 2),
  p([], 96, 3),
  p(V4MAPPED_HEAD, 96, 4),
  p([0xfe, 0xc0], 10, 5),
  p([0xfc], 7, 6),
  p([0x20, 0x01, 0, 0], 32, 7),
  p([], 0, 1),
];

const PRECEDENCE: readonly Prefix[] = [
  p(LOOPBACK6, 128, 50),
  p([0x20, 0x02], 16, 30),
  p([], 96, 20),
  p(V4MAPPED_HEAD, 96, 10),
  p([], 0, 40),
];

function matchPrefix(a: Uint8Array, list: readonly Prefix[]): number {
  const a6 = a.length === 4 ? mapV4(a) : a;
  for (const e of list) {
    let bits = e.bits;
    let i = 0;
    let ok = true;
    while (bits >= 8) {
      if (e.prefix[i] !== a6[i]) {
        ok = false;
        break;
      }
      i++;
      bits -= 8;
    }
    if (ok && bits > 0) {
      const mask = (0xff00 >> bits) & 0xff;
      ok = (byteAt(e.prefix, i) & mask) === (byteAt(a6, i) & mask);
    }
    if (ok) return e.val;
  }
  return 0;
}

function scopeOf(a: Uint8Array): number {
  if (a.length === 4) {
    if (a[0] === 169 && a[1] === 254) return 2;
    if (a[0] === 127) return 2;
    return 14;
  }
  if (a[0] === 0xff) return byteAt(a, 1) & 0x0f;
  if (isLinkLocal6(a) || isLoopback6(a)) return 2;
  if (a[0] === 0xfe && (byteAt(a, 1) & 0xc0) === 0xc0) return 5;
  return 14;
}

function isUnspecified(a: Uint8Array): boolean {
  return a.every((x) => x === 0);
}

function commonBits(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = byteAt(a, i) ^ byteAt(b, i);
    if (x === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(x) - 24;
  }
  return n;
}

/**
 * The source address the kernel would pick to reach `dst` (4 or 16 bytes,
 * v4-mapped counted as IPv4), or `null` when `dst` is unreachable.
 */
function sourceFor(
  dst: Uint8Array,
  scopeid: number,
  locals: readonly LocalAddress[],
): Uint8Array | null {
  const v4 = dst.length === 4;
  const fam = locals.filter((l) => l.addr.length === dst.length);
  if (v4) {
    if (dst[0] === 127 || isUnspecified(dst)) {
      return fam.find((l) => l.addr[0] === 127)?.addr ?? null;
    }
    const same = fam.find((l) => sameBytes(l.addr, dst));
    if (same) return same.addr;
    return fam.find((l) => !l.loopback)?.addr ?? null;
  }
  if (isLoopback6(dst) || isUnspecified(dst)) {
    return fam.find((l) => isLoopback6(l.addr))?.addr ?? null;
  }
  const same = fam.find((l) => sameBytes(l.addr, dst));
  if (same) return same.addr;
  if (scopeOf(dst) <= 2) {
    // Link-scope destinations need an interface: the scope id names it.
    if (scopeid === 0) return null;
    return fam.find((l) => isLinkLocal6(l.addr) && l.scopeid === scopeid)
      ?.addr ?? null;
  }
  let best: Uint8Array | null = null;
  let bestBits = -1;
  for (const l of fam) {
    if (l.loopback || isLinkLocal6(l.addr)) continue;
    const bits = commonBits(l.addr, dst);
    if (bits > bestBits) {
      best = l.addr;
      bestBits = bits;
    }
  }
  return best;
}

interface Keyed<T> {
  readonly item: T;
  readonly index: number;
  /** The destination as glibc compares it: 4 bytes for IPv4, 16 for IPv6. */
  readonly dst: Uint8Array;
  readonly src: Uint8Array | null;
}

function xorAt(a: Uint8Array, b: Uint8Array, i: number): number {
  return byteAt(a, i) ^ byteAt(b, i);
}

function v4PrefixMatch(dst: Uint8Array, src: Uint8Array): number {
  // Only the loopback network's mask is known here (/8).
  if (src[0] !== 127 || dst[0] !== 127) return 0;
  const x = (xorAt(dst, src, 1) << 16) | (xorAt(dst, src, 2) << 8) |
    xorAt(dst, src, 3);
  return Math.clz32(x);
}

function v6PrefixMatch(
  d1: Uint8Array,
  s1: Uint8Array,
  d2: Uint8Array,
  s2: Uint8Array,
): [number, number] {
  for (let w = 0; w < 4; w++) {
    const o = 4 * w;
    const x1 = (xorAt(d1, s1, o) << 24 | xorAt(d1, s1, o + 1) << 16 |
      xorAt(d1, s1, o + 2) << 8 | xorAt(d1, s1, o + 3)) >>> 0;
    const x2 = (xorAt(d2, s2, o) << 24 | xorAt(d2, s2, o + 1) << 16 |
      xorAt(d2, s2, o + 2) << 8 | xorAt(d2, s2, o + 3)) >>> 0;
    if (x1 !== 0 || x2 !== 0) return [Math.clz32(x1), Math.clz32(x2)];
  }
  return [0, 0];
}

function compare<T>(a1: Keyed<T>, a2: Keyed<T>): number {
  // Rule 1: avoid unusable destinations.
  if (a1.src && !a2.src) return -1;
  if (!a1.src && a2.src) return 1;
  const s1 = scopeOf(a1.dst);
  const s2 = scopeOf(a2.dst);
  if (a1.src && a2.src) {
    // Rule 2: prefer matching scope.
    const m1 = s1 === scopeOf(a1.src);
    const m2 = s2 === scopeOf(a2.src);
    if (m1 && !m2) return -1;
    if (!m1 && m2) return 1;
    // Rule 5: prefer matching label.
    const l1 = matchPrefix(a1.dst, LABELS) === matchPrefix(a1.src, LABELS);
    const l2 = matchPrefix(a2.dst, LABELS) === matchPrefix(a2.src, LABELS);
    if (l1 && !l2) return -1;
    if (!l1 && l2) return 1;
  }
  // Rule 6: prefer higher precedence.
  const p1 = matchPrefix(a1.dst, PRECEDENCE);
  const p2 = matchPrefix(a2.dst, PRECEDENCE);
  if (p1 !== p2) return p1 > p2 ? -1 : 1;
  // Rule 8: prefer smaller scope.
  if (s1 !== s2) return s1 < s2 ? -1 : 1;
  // Rule 9: longest matching prefix, within one family.
  if (a1.src && a2.src && a1.dst.length === a2.dst.length) {
    let b1 = 0;
    let b2 = 0;
    if (a1.dst.length === 4) {
      b1 = v4PrefixMatch(a1.dst, a1.src);
      b2 = v4PrefixMatch(a2.dst, a2.src);
    } else {
      [b1, b2] = v6PrefixMatch(a1.dst, a1.src, a2.dst, a2.src);
    }
    if (b1 !== b2) return b1 > b2 ? -1 : 1;
  }
  // Rule 10: keep the order.
  return a1.index - a2.index;
}

/**
 * Sorts results in place as glibc's getaddrinfo does. `addrOf` gives an
 * item's address as the result carries it (4 bytes, or 16 for AF_INET6
 * results, v4-mapped included) and its scope id.
 */
export function rfc3484Sort<T>(
  items: T[],
  addrOf: (item: T) => { addr: Uint8Array; scopeid: number },
): void {
  const [head] = items;
  if (head === undefined || items.length < 2) return;
  // Results for one address (one per socket type) keep their order.
  const first = addrOf(head);
  if (
    items.every((it) => {
      const a = addrOf(it);
      return a.scopeid === first.scopeid && sameBytes(a.addr, first.addr);
    })
  ) return;
  const locals = localAddresses();
  const cache = new Map<string, Uint8Array | null>();
  const keyed: Keyed<T>[] = items.map((item, index) => {
    const { addr, scopeid } = addrOf(item);
    const k = `${addr.join(",")}%${scopeid}`;
    let src = cache.get(k);
    if (src === undefined) {
      // A v4-mapped destination is reached through IPv4; its source is
      // the v4-mapped form of the IPv4 source.
      const mapped = addr.length === 16 &&
        addr.slice(0, 12).every((x, i) => x === (i < 10 ? 0 : 0xff));
      if (mapped) {
        const s4 = sourceFor(addr.slice(12), 0, locals);
        src = s4 === null ? null : mapV4(s4);
      } else {
        src = sourceFor(addr, scopeid, locals);
      }
      cache.set(k, src);
    }
    return { item, index, dst: addr, src };
  });
  keyed.sort(compare);
  keyed.forEach((k, i) => {
    items[i] = k.item;
  });
}
