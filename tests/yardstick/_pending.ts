// Yardstick cases (tests/yardstick/) that fail today for a reason owned by
// another piece of work: they are not registered as tests until that work
// lands. Each is described in _pending.md; to re-enable one, delete its line
// here and run it.

/** Pending case ("CLASS.METHOD") -> the area that owns the fix. */
export const PENDING: ReadonlyMap<string, string> = new Map([]);
