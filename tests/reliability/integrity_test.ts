// Issue 7, part 1: 256 MiB each way on one connection, SHA-256 compared,
// while both readers and writers mix every receive and send call, timeouts
// keep firing, and the last sends are not awaited before close().

import assert from "node:assert/strict";
import { describeIntegrity, runIntegrity } from "./_integrity.ts";
import { noUnhandledRejections, seedFor } from "./_util.ts";

const MIB = 1024 * 1024;
const TOTAL = Number(Deno.env.get("RELIABILITY_MIB") ?? 256) * MIB;

Deno.test(`integrity: ${TOTAL / MIB} MiB each way on one connection, SHA-256 compared`, async () => {
  const seed = seedFor("integrity");
  const r = await noUnhandledRejections(() => runIntegrity(TOTAL, seed));
  console.log(describeIntegrity(r));
  assert.equal(r.up.bytes, TOTAL);
  assert.equal(r.down.bytes, TOTAL);
  for (const d of [r.up, r.down]) {
    assert.ok(d.timeouts > 0, "timeouts fired mid-stream");
    for (
      const k of [
        "recv",
        "recv_into",
        "recv MSG_PEEK + recv",
        "recv MSG_WAITALL",
        "makefile read",
        "makefile readline",
      ]
    ) assert.ok((d.reads[k] ?? 0) > 0, `reader used ${k}`);
  }
});
