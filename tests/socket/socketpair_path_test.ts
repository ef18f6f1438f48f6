// socketpair()'s AF_UNIX stream pairs share one path: pairs made at once
// (in this process and in others) each get their own two ends, a path left
// behind by a process that died is taken over, and the path is gone after.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as socket from "../../mod.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;

async function checkPair(a: socket.Socket, b: socket.Socket, n: number) {
  try {
    await a.sendall(`${n}`);
    assert.equal(new TextDecoder().decode(await b.recv(100)), `${n}`);
    await b.sendall(`-${n}`);
    assert.equal(new TextDecoder().decode(await a.recv(100)), `-${n}`);
  } finally {
    a.close();
    b.close();
  }
}

Deno.test("socketpair: 30 pairs at once, each its own", async () => {
  const pairs = await Promise.all(
    Array.from({ length: 30 }, () => socket.socketpair()),
  );
  await Promise.all(pairs.map(([a, b], i) => checkPair(a, b, i)));
  assert.ok(!fs.existsSync(socket.SOCKETPAIR_PATH), "the path is left");
});

Deno.test("socketpair: a path left by a process that died is taken over", async () => {
  // A bound socket closed without removing its path, as a crash leaves it.
  fs.mkdirSync("/tmp/pysocket", { recursive: true });
  try {
    const dead = socket.socket(socket.AF_UNIX);
    dead.bind(socket.SOCKETPAIR_PATH);
    dead.close();
  } catch (e) {
    // Another test process is making a pair right now: no stale path then.
    if (!(e instanceof socket.error && e.errno === socket.errno.EADDRINUSE)) {
      throw e;
    }
  }
  const [a, b] = await socket.socketpair();
  await checkPair(a, b, 1);
});

Deno.test("socketpair: pairs of three processes at once", async () => {
  const code = `import * as socket from "${MOD}";
const pairs = await Promise.all(Array.from({ length: 20 }, () => socket.socketpair()));
for (const [i, [a, b]] of pairs.entries()) {
  await a.sendall(String(i));
  const got = new TextDecoder().decode(await b.recv(10));
  if (got !== String(i)) throw new Error("crossed: " + got + " for " + i);
  a.close();
  b.close();
}
console.log("ok");
`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, code);
    const outs = await Promise.all(
      [0, 1, 2].map(() =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-all", file],
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output()
      ),
    );
    for (const out of outs) {
      const err = new TextDecoder().decode(out.stderr);
      assert.ok(out.success, err);
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "ok");
    }
  } finally {
    await Deno.remove(file);
  }
});
