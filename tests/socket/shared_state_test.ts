// Two copies of pysocket in one process (the npm package's ES module and
// CommonJS builds, or two installs of it) share one state: a socket made
// through one is found by the other's fromfd and select, the default
// timeout and the resolver settings set through one apply to both, and
// errors made by one are instances of the other's classes.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";

// A second copy of the module: its files copied to another directory and
// loaded from there, as a second install would be. Under the npm build's
// tests the copy is of the built ES modules.
const built = !import.meta.url.endsWith(".ts");
const root = new URL(built ? "../../../esm/" : "../../", import.meta.url);
const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pysocket-copy-"));
for (
  const name of ["mod", "_base", "_runtime", "addr", "dns", "socket", "select"]
) {
  const from = fs.existsSync(new URL(name, root))
    ? name
    : `${name}.${built ? "js" : "ts"}`;
  fs.cpSync(new URL(from, root), path.join(copy, from), { recursive: true });
}
// The copied .js files are ES modules, as in the package.
fs.writeFileSync(path.join(copy, "package.json"), '{ "type": "module" }\n');
const ext = built ? "js" : "ts";
const other = await import(
  pathToFileURL(path.join(copy, `mod.${ext}`)).href
) as typeof socket;
const otherSelect = await import(
  pathToFileURL(path.join(copy, "select", `mod.${ext}`)).href
) as typeof select;
// Loaded in full (the module imports nothing later): the files can go.
fs.rmSync(copy, { recursive: true, force: true });

Deno.test("shared state: the second copy is another instance", () => {
  assert.notEqual(other.Socket, socket.Socket);
  assert.notEqual(other.error, socket.error);
});

Deno.test("shared state: fromfd and socket(fileno=) across copies", async () => {
  using server = socket.create_server(["127.0.0.1", 0]);
  using client = other.socket();
  await client.connect(server.getsockname());
  const [conn] = await server.accept();
  // The other copy's socket, taken up by this one, and the other way round.
  using mine = socket.fromfd(
    client.fileno(),
    socket.AF_INET,
    socket.SOCK_STREAM,
  );
  using theirs = other.fromfd(conn.fileno(), other.AF_INET, other.SOCK_STREAM);
  conn.close();
  await mine.sendall("across");
  assert.equal(new TextDecoder().decode(await theirs.recv(10)), "across");
  assert.deepEqual(mine.getpeername(), server.getsockname());
  using same = new other.Socket(
    other.AF_INET,
    other.SOCK_STREAM,
    0,
    server.fileno(),
  );
  assert.equal(same.fileno(), server.fileno());
  same.detach();
});

Deno.test("shared state: filenos stay unique across copies", () => {
  const a = socket.socket();
  const b = other.socket();
  try {
    assert.notEqual(a.fileno(), b.fileno());
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("shared state: select of one copy watches the other's sockets", async () => {
  const [a, b] = await other.socketpair();
  try {
    await a.sendall("x");
    const [r] = await select.select([b.fileno()], [], [], 5);
    assert.deepEqual(r, [b.fileno()]);
    const [r2] = await otherSelect.select([b], [], [], 5);
    assert.deepEqual(r2, [b]);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("shared state: setdefaulttimeout through one copy applies to both", () => {
  socket.setdefaulttimeout(2.5);
  try {
    assert.equal(other.getdefaulttimeout(), 2.5);
    using s = other.socket();
    assert.equal(s.gettimeout(), 2.5);
  } finally {
    other.setdefaulttimeout(null);
  }
  assert.equal(socket.getdefaulttimeout(), null);
});

Deno.test("shared state: set_resolver through one copy applies to both", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pysocket-state-" });
  try {
    Deno.writeTextFileSync(`${dir}/hosts`, "192.0.2.7 shared-copy.test\n");
    other.set_resolver({ hostsFile: `${dir}/hosts` });
    assert.equal(await socket.gethostbyname("shared-copy.test"), "192.0.2.7");
  } finally {
    socket.reset_resolver();
    Deno.removeSync(dir, { recursive: true });
  }
  await assert.rejects(
    other.gethostbyname("shared-copy.test", { signal: AbortSignal.abort() }),
  );
});

Deno.test("shared state: errors of one copy are instances of the other's classes", async () => {
  const e = new other.ConnectionRefusedError(111);
  assert.ok(e instanceof socket.ConnectionRefusedError);
  assert.ok(e instanceof socket.ConnectionError);
  assert.ok(e instanceof socket.error);
  assert.ok(!(e instanceof socket.gaierror));
  assert.ok(!(e instanceof socket.ConnectionResetError));
  assert.ok(new socket.gaierror(-2) instanceof other.error);
  // A class of the user's, derived from one copy, compares as usual.
  class Mine extends socket.error {}
  assert.ok(!(new other.error(1) instanceof Mine));
  assert.ok(new Mine(1) instanceof other.error);
  // connect_ex of one copy on a socket of the other gives the errno.
  const probe = socket.socket();
  probe.bind(["127.0.0.1", 0]);
  const address = probe.getsockname();
  probe.close();
  using s = other.socket();
  using mine = socket.fromfd(s.fileno(), socket.AF_INET, socket.SOCK_STREAM);
  assert.equal(await mine.connect_ex(address), socket.errno.ECONNREFUSED);
});
