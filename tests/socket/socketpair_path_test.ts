// socketpair()'s AF_UNIX stream pairs. With the permissions for a private
// directory (here, --allow-all) each pair has a path of its own. With only
// the three flags of the fixed path (/tmp/pysocket/pair.sock), pairs share
// it: pairs made at once, in one process and in several, each get their own
// two ends, a path left behind by a process that died is taken over, a lock
// another process holds is waited for, and the path is gone after. Those run
// in `deno run` children with just the flags.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as socket from "../../mod.ts";
import { hasPython } from "../_python.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const DIR = "/tmp/pysocket";
const FLAGS = [
  `--allow-read=${DIR}`,
  `--allow-write=${DIR}`,
  `--allow-net=unix:${socket.SOCKETPAIR_PATH}`,
];
// The npm build's shim skips the fixed-path tests on Node.js and Bun.

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

// A child that makes `count` pairs at once with only the three flags,
// checks each, and says whether the fixed path is gone afterwards ("ok"),
// left behind ("left") or in another process's hands ("busy").
const CHILD = (count: number) =>
  `import * as socket from "${MOD}";
import * as fs from "node:fs";
const pairs = await Promise.all(Array.from({ length: ${count} }, () => socket.socketpair()));
for (const [i, [a, b]] of pairs.entries()) {
  await a.sendall(String(i));
  const got = new TextDecoder().decode(await b.recv(10));
  if (got !== String(i)) throw new Error("crossed: " + got + " for " + i);
  a.close();
  b.close();
}
// The path is left behind only if it is there while no process holds the
// lock (another process making a pair holds it, and may have the path).
let said = "ok";
if (fs.existsSync(socket.SOCKETPAIR_PATH)) {
  const lock = Deno.openSync("${DIR}/pair.lock", { read: true });
  said = !lock.tryLockSync(true) ? "busy"
    : fs.existsSync(socket.SOCKETPAIR_PATH) ? "left" : "ok";
  lock.close();
}
console.log(said);
`;

async function children(count: number, processes: number): Promise<void> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, CHILD(count));
    const outs = await Promise.all(
      Array.from(
        { length: processes },
        () =>
          new Deno.Command(Deno.execPath(), {
            args: ["run", "--no-prompt", ...FLAGS, file],
            stdin: "null",
            stdout: "piped",
            stderr: "piped",
          }).output(),
      ),
    );
    for (const out of outs) {
      const err = new TextDecoder().decode(out.stderr);
      assert.ok(out.success, err);
      const said = new TextDecoder().decode(out.stdout).trim();
      assert.ok(said === "ok" || said === "busy", said);
    }
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("socketpair: 30 pairs at once, each its own (private paths)", async () => {
  const pairs = await Promise.all(
    Array.from({ length: 30 }, () => socket.socketpair()),
  );
  await Promise.all(pairs.map(([a, b], i) => checkPair(a, b, i)));
});

Deno.test("socketpair: with only the fixed path's flags, 30 pairs at once share it", async () => {
  await children(30, 1);
});

// The pairs of several processes take turns through the lock file: none
// waits for a connection another process took, none removes a path in use.
Deno.test("socketpair: with only the fixed path's flags, pairs of three processes at once", async () => {
  await children(20, 3);
});

Deno.test("socketpair: on the fixed path, a pair waits for the lock another process holds, then is made", async () => {
  if (!hasPython()) {
    console.log(
      "SKIP socketpair lock wait: python3 is not available (it holds the lock)",
    );
    return;
  }
  fs.mkdirSync(DIR, { recursive: true });
  // CPython holds the lock for 0.3 s, says when it lets go, and exits
  // without unlocking, as a process that dies while making its pair.
  const holder = new Deno.Command("python3", {
    args: [
      "-c",
      `import fcntl, os, time
f = open(${JSON.stringify(`${DIR}/pair.lock`)}, "a+")
fcntl.flock(f, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(0.3)
print(time.time() * 1000, flush=True)
os._exit(0)`,
    ],
    stdout: "piped",
  }).spawn();
  const lines = holder.stdout.pipeThrough(new TextDecoderStream()).values();
  let out = "";
  while (!out.includes("held")) {
    const next = await lines.next();
    assert.ok(!next.done, "the holder ended before it held the lock");
    out += next.value;
  }
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      file,
      `import * as socket from "${MOD}";
const [a, b] = await socket.socketpair();
console.log(Date.now());
a.close();
b.close();
`,
    );
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ...FLAGS, file],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(child.success, new TextDecoder().decode(child.stderr));
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      out += next.value;
    }
    assert.ok((await holder.status).success);
    const released = Number(out.split("\n")[1]);
    const paired = Number(new TextDecoder().decode(child.stdout).trim());
    // The pair was made after the holder let go, not beside it.
    assert.ok(paired >= Math.floor(released), `${paired} < ${released}`);
  } finally {
    await Deno.remove(file);
  }
});

// In a private mount namespace with its own /tmp/pysocket, so that the
// 5 s hold stalls no other test's pair.
Deno.test("socketpair: on the fixed path, a lock held past 5 s gives TimeoutError naming the lock file", async () => {
  if (!hasPython()) {
    console.log(
      "SKIP socketpair lock timeout: python3 is not available (it holds the lock)",
    );
    return;
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/child.ts`,
      `import * as socket from "${MOD}";
try {
  await socket.socketpair();
  console.log("made");
} catch (e) {
  console.log(e instanceof socket.timeout, e.message);
}
`,
    );
    await Deno.writeTextFile(
      `${dir}/ns.sh`,
      `set -e
mkdir -p ${DIR}
mount -t tmpfs -o mode=1777 tmpfs ${DIR}
python3 -c 'import fcntl, time
f = open("${DIR}/pair.lock", "a+")
fcntl.flock(f, fcntl.LOCK_EX)
open("${dir}/held", "w").close()
time.sleep(60)' &
holder=$!
while [ ! -e ${dir}/held ]; do sleep 0.02; done
"$DENO" run --no-prompt ${FLAGS.join(" ")} ${dir}/child.ts
kill $holder
`,
    );
    const out = await new Deno.Command("unshare", {
      args: ["-m", "sh", `${dir}/ns.sh`],
      env: { DENO: Deno.execPath() },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    if (
      !out.success &&
      /unshare|mount|Operation not permitted|not found/i.test(err)
    ) {
      console.log(`SKIP socketpair lock timeout: no private namespace: ${err}`);
      return;
    }
    assert.ok(out.success, err);
    assert.equal(
      new TextDecoder().decode(out.stdout).trim(),
      `true timed out: another process held ${DIR}/pair.lock for 5 s while making its socketpair()`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("socketpair: a fixed path left by a process that died is taken over", async () => {
  if (!hasPython()) {
    console.log(
      "SKIP socketpair stale path: python3 is not available (it leaves a bound path behind)",
    );
    return;
  }
  fs.mkdirSync(DIR, { recursive: true });
  // CPython takes the lock, binds the path and exits without removing it,
  // as a process that dies while making its pair leaves it.
  const py = await new Deno.Command("python3", {
    args: [
      "-c",
      `import fcntl, os, socket
f = open(${JSON.stringify(`${DIR}/pair.lock`)}, "a+")
fcntl.flock(f, fcntl.LOCK_EX)
s = socket.socket(socket.AF_UNIX)
s.bind(${JSON.stringify(socket.SOCKETPAIR_PATH)})
os._exit(0)`,
    ],
  }).output();
  assert.ok(py.success);
  await children(3, 1);
});
