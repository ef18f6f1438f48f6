// Without --allow-read the services and protocols functions answer from
// the built-in table, with no prompt; calls that need a permission give
// EACCES naming the flag.
import { deepStrictEqual, strictEqual } from "node:assert/strict";

const MOD = new URL("../../mod.ts", import.meta.url).href;

async function runNoPermissions(code: string): Promise<string> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, `import * as socket from "${MOD}";\n${code}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", file],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  await Deno.remove(file);
  const err = new TextDecoder().decode(out.stderr);
  strictEqual(out.code, 0, err);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("no --allow-read: services and protocols from the built-in table", async () => {
  const out = await runNoPermissions(
    `console.log(JSON.stringify([socket.getservbyname("http", "tcp"), socket.getservbyport(443), socket.getprotobyname("udp")]));`,
  );
  deepStrictEqual(JSON.parse(out), [80, "https", 17]);
});

Deno.test("no permissions: EACCES errors name the flag", async () => {
  const out = await runNoPermissions(`
const res = [];
for (const f of [() => socket.gethostname(), () => socket.gethostbyname("localhost"), () => socket.if_nameindex()]) {
  try { await f(); res.push("no error"); } catch (e) { res.push([e.errno, e.message]); }
}
res.push(await socket.gethostbyname("127.0.0.1"));
console.log(JSON.stringify(res));
`);
  deepStrictEqual(JSON.parse(out), [
    [13, "[Errno 13] Permission denied: run Deno with --allow-sys=hostname"],
    [13, "[Errno 13] Permission denied: run Deno with --allow-read=/etc/hosts"],
    [
      13,
      "[Errno 13] Permission denied: run Deno with --allow-read=/sys/class/net",
    ],
    "127.0.0.1",
  ]);
});
