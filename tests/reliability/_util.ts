// Helpers of the reliability suite: a seeded PRNG (the seed is printed so a
// failure can be replayed with RELIABILITY_SEED=...), payloads, digests, a
// guard that fails on unhandled rejections, and the process's file limit.

/** A small, fast seeded PRNG (splitmix32 steps), good enough for tests. */
export class Rng {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  u32(): number {
    this.#s = (this.#s + 0x9e3779b9) >>> 0;
    let z = this.#s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.u32() / 0x100000000) * (hi - lo + 1));
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 0x100000000;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** An integer in [lo, hi], log-uniformly distributed (small sizes common). */
  logInt(lo: number, hi: number): number {
    const a = Math.log(lo);
    const b = Math.log(hi + 1);
    return Math.min(hi, Math.floor(Math.exp(a + this.float() * (b - a))));
  }

  /** One element of `xs` (non-empty, so the fallback is never taken). */
  pick<T>(xs: readonly [T, ...T[]]): T {
    return xs[this.int(0, xs.length - 1)] ?? xs[0];
  }

  /** Fills `out` with pseudo-random bytes. */
  fill(out: Uint8Array): Uint8Array {
    const words = Math.floor(out.length / 4);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < words; i++) view.setUint32(i * 4, this.u32(), true);
    for (let i = words * 4; i < out.length; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** `n` pseudo-random bytes. */
  bytes(n: number): Uint8Array {
    return this.fill(new Uint8Array(n));
  }
}

/**
 * The seed for a test: `RELIABILITY_SEED` when set, else a fresh one.
 * Printed either way so that a failing run can be replayed.
 */
export function seedFor(test: string): number {
  const env = Deno.env.get("RELIABILITY_SEED");
  const seed = env ? Number(env) >>> 0 : (Math.random() * 0x100000000) >>> 0;
  console.log(`${test}: seed ${seed} (replay with RELIABILITY_SEED=${seed})`);
  return seed;
}

/** SHA-256 of `data` as hex, by WebCrypto. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    data as Uint8Array<ArrayBuffer>,
  );
  return hex(new Uint8Array(digest));
}

/** Lower-case hex of bytes. */
export function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Offset of the first byte where `a` and `b` differ, or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Records every `unhandledrejection` event while `fn` runs (and a little
 * after, so late ones are seen) and throws if there was any. The events are
 * prevented so that Deno does not end the test run on its own.
 */
export async function noUnhandledRejections<T>(
  fn: () => Promise<T>,
): Promise<T> {
  const seen: unknown[] = [];
  const onRejection = (e: PromiseRejectionEvent): void => {
    e.preventDefault();
    seen.push(e.reason);
    console.error("unhandled rejection:", e.reason);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  try {
    const result = await fn();
    // Rejections are reported after a macrotask turn or two.
    await new Promise((r) => setTimeout(r, 50));
    if (seen.length > 0) {
      throw new Error(
        `${seen.length} unhandled rejection(s), first: ${String(seen[0])}`,
      );
    }
    return result;
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
}

/** The soft and hard limits on open files of this process (Linux). */
export function fileLimits(): { soft: number; hard: number } | null {
  try {
    const text = Deno.readTextFileSync("/proc/self/limits");
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
    const [, soft, hard] = m ?? [];
    if (soft === undefined || hard === undefined) return null;
    const n = (s: string): number => s === "unlimited" ? Infinity : Number(s);
    return { soft: n(soft), hard: n(hard) };
  } catch {
    return null;
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Megabytes, for printing. */
export function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The chunks joined into one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
