// Small results (4 and 16 bytes) are views into a shared slab, as Node's
// Buffer pool does: in Deno a fresh ArrayBuffer costs far more than the
// address conversion itself (about 0.7 µs against 20 ns for a view), and
// this pool is what lets inet_aton and inet_pton beat CPython. A view keeps
// its slab alive, so at most SLAB bytes per retained result.

const SLAB = 8192;
let slab = new ArrayBuffer(SLAB);
let used = 0;

/** A zero-filled view of `n` bytes (n a multiple of 4, at most 16). */
export function allocBytes(n: number): Uint8Array {
  if (used + n > SLAB) {
    slab = new ArrayBuffer(SLAB);
    used = 0;
  }
  const view = new Uint8Array(slab, used, n);
  used += n;
  return view;
}

/**
 * Gives back the view `allocBytes` returned last, zero-filled again, when
 * the conversion it was for failed.
 */
export function releaseBytes(view: Uint8Array): void {
  view.fill(0);
  if (view.buffer === slab && view.byteOffset + view.length === used) {
    used = view.byteOffset;
  }
}
