// Issue 7, part 2: one pysocket echo server (this process, under Deno's
// sanitizers), 1,000 concurrent pysocket clients (a child process), each
// echoing 1,000 random messages with every byte checked; the server's
// memory is printed before, with every client connected, and after.

import assert from "node:assert/strict";
import { describeLoad, runLoad } from "./_load.ts";
import { fileLimits, noUnhandledRejections, seedFor } from "./_util.ts";

const CLIENTS = Number(Deno.env.get("RELIABILITY_CLIENTS") ?? 1000);
const MESSAGES = Number(Deno.env.get("RELIABILITY_MESSAGES") ?? 1000);
// Each process holds one descriptor per connection, plus Deno's own.
const NEEDED = CLIENTS + 256;
const RAISED = Math.max(4096, NEEDED);
const NAME =
  `load: 1 server, ${CLIENTS} concurrent clients x ${MESSAGES} messages`;

const limits = fileLimits();
const inChild = Deno.env.get("RELIABILITY_LOAD_CHILD") === "1";

if (limits === null || limits.soft >= NEEDED || inChild) {
  Deno.test(NAME, async () => {
    const seed = seedFor("load");
    const r = await noUnhandledRejections(() =>
      runLoad({ clients: CLIENTS, messages: MESSAGES, seed })
    );
    console.log(describeLoad(r));
    assert.equal(
      r.peakConcurrent,
      CLIENTS,
      "all clients were connected at once",
    );
  });
} else if (limits.hard >= RAISED) {
  // `ulimit -n` is per process: the test runs again in a shell that raises
  // the soft limit first.
  Deno.test(`${NAME} (open files raised from ${limits.soft} to ${RAISED})`, async () => {
    const file = new URL(import.meta.url).pathname;
    const deno = Deno.execPath();
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        `ulimit -n ${RAISED} && exec "$0" test -A "$1"`,
        deno,
        file,
      ],
      env: { RELIABILITY_LOAD_CHILD: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    console.log(text);
    assert.ok(out.success, "the load test failed in the child");
  });
} else {
  Deno.test({
    name: NAME,
    ignore: true,
    fn() {},
  });
  console.log(
    `SKIP ${NAME}: open-file limit soft ${limits.soft}, hard ${limits.hard}; ` +
      `needs ${NEEDED} (raise it with ulimit -n ${RAISED})`,
  );
}
