// Index access for tests under `noUncheckedIndexedAccess`: the item must be
// there, and a missing one fails the test saying which one it was.
import assert from "node:assert/strict";

/** `items[index]`, failing the test when there is no such item. */
export function itemAt<T>(
  items: ArrayLike<T>,
  index: number,
  what = "item",
): NonNullable<T> {
  const item = items[index];
  assert.ok(
    item !== undefined && item !== null,
    `${what} ${index} missing (${items.length} present)`,
  );
  return item;
}
