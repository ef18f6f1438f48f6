// Every missing-permission message names a flag that, added, gets the call
// further: a child `deno run` starts with no permission, and each time the
// call fails with EACCES the flag its message names is added, until the
// call succeeds. The flags are never the same twice, and few.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const FLAGS = /run Deno with ((?:--allow-\S+ ?)+)/;

interface Round {
  readonly ok: boolean;
  readonly out: string;
}

async function runOnce(code: string, flags: readonly string[]): Promise<Round> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      file,
      `import * as socket from "${MOD}";
try {
${code}
  console.log("OK");
} catch (e) {
  console.log("FAIL", (e as { errno?: unknown }).errno, (e as Error).message);
}
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--unstable-net",
        `--allow-read=${file}`,
        ...flags,
        file,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    return { ok: stdout === "OK", out: stdout };
  } finally {
    await Deno.remove(file);
  }
}

/**
 * The flags the call's messages named, round by round, until it succeeded
 * (or, with `otherError`, failed for another reason than a permission).
 */
async function flagsNeeded(
  code: string,
  otherError?: RegExp,
  limit = 5,
): Promise<string[][]> {
  const rounds: string[][] = [];
  const flags: string[] = [];
  for (let i = 0; i <= limit; i++) {
    const r = await runOnce(code, flags);
    if (r.ok) return rounds;
    if (otherError !== undefined && !r.out.startsWith("FAIL 13 ")) {
      assert.match(r.out, otherError);
      return rounds;
    }
    assert.match(r.out, /^FAIL 13 /, `not a permission error: ${r.out}`);
    const named = FLAGS.exec(r.out)?.[1]?.trim().split(" ");
    assert.ok(named !== undefined, `no flag named: ${r.out}`);
    for (const flag of named) {
      assert.ok(!flags.includes(flag), `${flag} named again: ${r.out}`);
      flags.push(flag);
    }
    rounds.push(named);
  }
  assert.fail(`still failing after ${flags.join(" ")}`);
}

const CASES: ReadonlyArray<[string, string, string[][]?]> = [
  ["bind", `using s = socket.socket(); s.bind(["127.0.0.1", 0]);`],
  [
    "connect",
    // The listener's port is fixed by the parent: the child connects to it.
    `using s = socket.socket(); await s.connect(["127.0.0.1", PORT]);`,
  ],
  [
    "getaddrinfo of a name in the hosts file",
    `await socket.getaddrinfo("localhost", 80);`,
  ],
  ["gethostbyname", `await socket.gethostbyname("localhost");`],
  ["gethostname", `socket.gethostname();`],
  [
    "socketpair",
    `const [a, b] = await socket.socketpair(); await a.send("x"); await b.recv(1); a.close(); b.close();`,
    // All three at once: one rerun with them passes.
    [[
      "--allow-read=/tmp/pysocket",
      "--allow-write=/tmp/pysocket",
      "--allow-net=unix:/tmp/pysocket/pair.sock",
    ]],
  ],
];

for (const [name, template, expected] of CASES) {
  Deno.test(`permissions: ${name} succeeds with the flags its messages name`, async () => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepting = (async () => {
      for await (const c of listener) c.close();
    })().catch(() => {});
    const code = template.replace("PORT", String(listener.addr.port));
    const rounds = await flagsNeeded(code);
    console.log(`${name}: ${rounds.flat().join(" ") || "(none)"}`);
    assert.ok(rounds.length > 0, "no permission was needed");
    if (expected !== undefined) assert.deepEqual(rounds, expected);
    listener.close();
    await accepting;
  });
}

Deno.test("permissions: a DNS look-up names the hosts file and the server", async () => {
  // A name the hosts file lacks, asked of a server on loopback that does
  // not answer: the look-up ends with gaierror once it may ask.
  using silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  silent.bind(["127.0.0.1", 0]);
  const [, port] = silent.getsockname();
  const rounds = await flagsNeeded(
    `socket.set_resolver({ nameServer: { ipAddr: "127.0.0.1", port: ${port} }, timeout: 0.2, attempts: 1 });
await socket.getaddrinfo("not-in-hosts.example", 80);`,
    /^FAIL -?\d+ \[Errno -\d+\]/,
  );
  // resolv.conf is not asked for: unreadable, it counts as absent (README,
  // Permissions), as the services and protocols files do.
  assert.deepEqual(rounds.flat().sort(), [
    `--allow-net=127.0.0.1:${port}`,
    "--allow-read=/etc/hosts",
  ]);
});
