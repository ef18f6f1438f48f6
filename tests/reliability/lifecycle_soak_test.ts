// Lifecycle soak: 1,000 connections to peers that stop reading, read a
// little, or vanish, each sent to under a timeout and closed by the
// application. At the end every promise has settled and the process's
// descriptors and memory (after GC) are back within a small constant.

import assert from "node:assert/strict";
import { hasPython, skipReason } from "../_python.ts";
import { runtime } from "../../_runtime/runtime.ts";
import { runGcChild } from "../_child.ts";

Deno.test("lifecycle soak: 1,000 careless peers, every close lets go", async () => {
  if (runtime.name !== "deno") {
    skipReason(
      "lifecycle soak",
      "the soak is a TypeScript program run by `deno run` with --expose-gc",
    );
    return;
  }
  if (!hasPython()) {
    skipReason("lifecycle soak", "python3 is missing (it is the peer)");
    return;
  }
  const r = await runGcChild<{
    count: number;
    outcomes: Record<string, number>;
    settled: number;
    closedInMs: number;
    fdsBefore: number;
    fdsAfter: number;
    memBefore: number;
    memAfter: number;
  }>(new URL("./_lifecycle_soak.ts", import.meta.url), ["1000"]);
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  console.log(
    `lifecycle soak: ${r.count} connections, sends ${
      JSON.stringify(r.outcomes)
    }, all closed in ${r.closedInMs} ms; descriptors ${r.fdsBefore} -> ${r.fdsAfter}; ` +
      `memory ${mib(r.memBefore)} -> ${mib(r.memAfter)} MiB`,
  );
  assert.equal(r.settled, 2 * r.count, "every send and close settled");
  const total = Object.values(r.outcomes).reduce((a, b) => a + b, 0);
  assert.equal(total, r.count);
  assert.ok((r.outcomes["timeout"] ?? 0) > 0, "some sends timed out");
  assert.ok(r.fdsAfter <= r.fdsBefore + 2, "descriptors back");
  assert.ok(r.memAfter - r.memBefore < 4 * 2 ** 20, "memory back");
});
