// The soak: the reliability workloads, bigger and repeated, for a run of
// its own (`deno task soak`). Every round checks every byte; the figures
// are printed at the end for the README.
//
//   deno run -A --v8-flags=--expose-gc tests/reliability/soak.ts [minutes]
//
// RELIABILITY_SEED fixes the seed of the first round (the next rounds
// derive theirs from it).

import { describeIntegrity, runIntegrity } from "./_integrity.ts";
import { describeLoad, runLoad } from "./_load.ts";
import { fileLimits, mib, Rng, seedFor } from "./_util.ts";

const MIB = 1024 * 1024;
const minutes = Number(Deno.args[0] ?? 20);
const deadline = performance.now() + minutes * 60_000;
const rng = new Rng(seedFor("soak"));

const limits = fileLimits();
const clients = limits && limits.soft < 2 * 2000 + 512 ? 1000 : 2000;
const totals = { rounds: 0, integrityBytes: 0, roundTrips: 0, echoedBytes: 0 };
// The resident set after the gc of the first round and of the latest.
let firstRss = 0;
let lastRss = 0;
const gc = (globalThis as { gc?: () => void }).gc;

console.log(`soak: ${minutes} min; load rounds with ${clients} clients`);
while (performance.now() < deadline) {
  const round = ++totals.rounds;
  const i = await runIntegrity(1024 * MIB, rng.u32());
  totals.integrityBytes += i.up.bytes + i.down.bytes;
  console.log(`round ${round}: ` + describeIntegrity(i));
  gc?.(); // the integrity buffers go before the server's memory is measured
  const l = await runLoad({
    clients,
    messages: 2000,
    seed: rng.u32(),
    maxMessage: 256,
  });
  totals.roundTrips += l.clients * l.messages;
  totals.echoedBytes += l.bytesEachWay * 2;
  console.log(`round ${round}: ` + describeLoad(l));
  gc?.();
  lastRss = Deno.memoryUsage().rss;
  if (round === 1) firstRss = lastRss;
  console.log(
    `round ${round}: rss after gc ${mib(lastRss)} (first ${mib(firstRss)})`,
  );
}
console.log(
  `soak done: ${totals.rounds} rounds, ${
    mib(totals.integrityBytes)
  } checked by SHA-256 on single connections, ${totals.roundTrips} echo round trips ` +
    `(${mib(totals.echoedBytes)}), rss after gc ${mib(firstRss)} -> ${
      mib(lastRss)
    }`,
);
