// A missing Deno permission gives an `error` with EACCES naming the flag.

import assert from "node:assert/strict";

const MOD = new URL("../../mod.ts", import.meta.url).href;

async function runWithout(code: string, flags: string[]): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      file,
      `import * as socket from "${MOD}";\n${code}`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--unstable-net", ...flags, file],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    return new TextDecoder().decode(out.stdout).trim();
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("bind without --allow-net: EACCES naming the flag", async () => {
  const out = await runWithout(
    `const s = socket.socket();
try { s.bind(["127.0.0.1", 0]); console.log("bound"); }
catch (e) { console.log(e instanceof socket.PermissionError, e.errno, e.message); }
s.close();`,
    [`--allow-read=${new URL("../../", import.meta.url).pathname}`],
  );
  assert.equal(
    out,
    "true 13 [Errno 13] Permission denied: run Deno with --allow-net=127.0.0.1:0",
  );
});

Deno.test("connect with a narrower --allow-net: EACCES naming host and port", async () => {
  const out = await runWithout(
    `const s = socket.socket();
try { await s.connect(["127.0.0.1", 9]); console.log("connected"); }
catch (e) { console.log(e.errno, e.message); }
s.close();`,
    ["--allow-net=127.0.0.1:8"],
  );
  assert.equal(
    out,
    "13 [Errno 13] Permission denied: run Deno with --allow-net=127.0.0.1:9",
  );
});
