// sendfile on every runtime: from a path, and, on Node.js and Bun, from a
// node:fs FileHandle (the Deno.FsFile form is compared with CPython in
// tests/interop/fidelity_cpython_test.ts).
import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as nodePath from "node:path";
import * as socket from "../../mod.ts";
import { runtime } from "../../_runtime/runtime.ts";

const BODY = "0123456789".repeat(20_000); // 200,000 bytes: several chunks

async function drain(b: socket.Socket, n: number): Promise<string> {
  const dec = new TextDecoder();
  let got = "";
  while (got.length < n) {
    const chunk = await b.recv(65536);
    if (chunk.length === 0) break;
    got += dec.decode(chunk);
  }
  return got;
}

async function withFile(f: (path: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), "pysocket-sf-"));
  const path = nodePath.join(dir, "body.txt");
  await fs.writeFile(path, BODY);
  try {
    await f(path);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

Deno.test("sendfile: a path, whole, and with offset and count", async () => {
  await withFile(async (path) => {
    const [a, b] = await socket.socketpair();
    try {
      const n = await a.sendfile(path);
      assert.equal(n, BODY.length);
      assert.equal(await drain(b, n), BODY);
      assert.equal(await a.sendfile(path, 5, 4), 4);
      assert.equal(await drain(b, 4), "5678");
      assert.equal(await a.sendfile(path, 300_000), 0);
      await assert.rejects(a.sendfile(path, -1), {
        errno: socket.errno.EINVAL,
      });
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("sendfile: a node:fs FileHandle (Node.js and Bun)", async () => {
  if (runtime.name === "deno") {
    console.log(
      "SKIP sendfile FileHandle: Deno's form is Deno.FsFile (tested against CPython)",
    );
    return;
  }
  await withFile(async (path) => {
    const [a, b] = await socket.socketpair();
    const h = await fs.open(path, "r");
    try {
      const n = await a.sendfile(h);
      assert.equal(n, BODY.length);
      assert.equal(await drain(b, n), BODY);
      assert.equal(await a.sendfile(h, 10, 3), 3);
      assert.equal(await drain(b, 3), "012");
    } finally {
      await h.close();
      a.close();
      b.close();
    }
  });
});
