// Yardstick: CPython 3.11 test_socket.py TestUnixDomain,
// TestLinuxAbstractNamespace and InheritanceTest, as pysocket tests.

import assert from "node:assert/strict";
import { runtime } from "../../_runtime/runtime.ts";
import { cpythonCase, rejectsErrno, socket, unixPath } from "./_util.ts";

const { errno } = socket;
const encoder = new TextEncoder();

const ud = cpythonCase("TestUnixDomain");

ud("testUnbound", "an unbound socket's name is ''", () => {
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  assert.equal(s.getsockname(), "");
});

ud("testStrAddr", "bind to a str path, read it back", () => {
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const path = unixPath();
  s.bind(path);
  assert.equal(s.getsockname(), path);
});

ud("testBytesAddr", "bind to a bytes path, read back the str", () => {
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const path = unixPath();
  (s.bind as (a: unknown) => void).call(s, encoder.encode(path));
  assert.equal(s.getsockname(), path);
});

ud(
  "testSurrogateescapeBind",
  "a non-ASCII path given as bytes (CPython: surrogateescape str)",
  () => {
    using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    const path = unixPath().replace(
      /\.sock$/,
      "-\u00e0\u00f2\u0258\u0141\u011f",
    );
    (s.bind as (a: unknown) => void).call(s, encoder.encode(path));
    assert.equal(s.getsockname(), path);
  },
);

ud(
  "testUnencodableAddr",
  "a path that is not UTF-8: U+FFFD (documented; CPython keeps the byte)",
  () => {
    // CPython binds "\udcff" as the byte 0xff and gives "\udcff" back.
    // Deno and Node.js take paths as Unicode strings: pysocket encodes as
    // UTF-8, so the lone surrogate becomes U+FFFD (README, Unix sockets).
    using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    const path = unixPath() + "-\udcff";
    const onDisk = path.replace("\udcff", "\ufffd");
    s.bind(path);
    const info = Deno.statSync(onDisk); // the file's name has U+FFFD
    assert.ok(!info.isFile && !info.isDirectory);
    // Deno and Bun report the name bound; on Node.js pysocket gives back the
    // string it was given.
    assert.equal(
      s.getsockname(),
      runtime.name === "deno" || ON_BUN ? onDisk : path,
    );
  },
);

const an = cpythonCase("TestLinuxAbstractNamespace");
const abstract = runtime.capabilities.abstractUnixNames;
// Bun (1.4.5) is told apart where it differs from Node.js (README, npm).
const ON_BUN = "Bun" in globalThis;
const how = abstract ? "supported" : "EOPNOTSUPP, documented";

an("testLinuxAbstractNamespace", `abstract names (${how})`, async () => {
  const address = "\0pysocket-yard-hello-" +
    Math.random().toString(36).slice(2);
  await using s1 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  if (!abstract) {
    await rejectsErrno(() => s1.bind(address), errno.EOPNOTSUPP);
    return;
  }
  s1.bind(address);
  s1.listen();
  await using s2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const connecting = s2.connect(s1.getsockname());
  const [s3] = await s1.accept();
  await using _s3 = s3;
  await connecting;
  assert.equal(s1.getsockname(), address);
  assert.equal(s2.getpeername(), address);
});

an("testMaxName", `a 108-byte abstract name (${how})`, async () => {
  const address = "\0" + "h".repeat(107);
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  if (!abstract) {
    await rejectsErrno(() => s.bind(address), errno.EOPNOTSUPP);
    return;
  }
  if (ON_BUN) {
    // Bun refuses an abstract name of the full 108 bytes (README, npm).
    assert.throws(() => s.bind(address), { errno: errno.EINVAL });
    return;
  }
  s.bind(address);
  assert.equal(s.getsockname(), address);
});

an("testNameOverflow", "a 109-byte abstract name: OSError", () => {
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  assert.throws(() => s.bind("\0" + "h".repeat(108)), socket.error);
});

an("testStrName", `an abstract name as a str (${how})`, async () => {
  const address = "\0pysocket\0yard\0" + Math.random().toString(36).slice(2);
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  if (!abstract) {
    await rejectsErrno(() => s.bind(address), errno.EOPNOTSUPP);
    return;
  }
  s.bind(address);
  assert.equal(s.getsockname(), address);
});

an("testBytearrayName", `an abstract name as bytes (${how})`, async () => {
  const address = "\0pysocket\0yard\0" + Math.random().toString(36).slice(2);
  using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const bind = s.bind as (a: unknown) => void;
  if (!abstract) {
    await rejectsErrno(
      () => bind.call(s, encoder.encode(address)),
      errno.EOPNOTSUPP,
    );
    return;
  }
  bind.call(s, encoder.encode(address));
  assert.equal(s.getsockname(), address);
});

an(
  "testAutobind",
  "bind('') autobinds on Linux; EOPNOTSUPP here (documented)",
  async () => {
    // README "Unix sockets": unnamed (autobind) Unix sockets are not
    // available (Deno, and the stream socket on Node.js too).
    using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    await rejectsErrno(() => s.bind(""), errno.EOPNOTSUPP);
  },
);

const inh = cpythonCase("InheritanceTest");

interface Inheritable {
  get_inheritable(): boolean;
  set_inheritable(flag: boolean): void;
}

function inheritable(s: socket.Socket): Inheritable {
  const o = s as unknown as Partial<Inheritable>;
  assert.equal(
    typeof o.get_inheritable,
    "function",
    "get_inheritable is missing",
  );
  return o as Inheritable;
}

inh("test_SOCK_CLOEXEC", "SOCK_CLOEXEC: type hides it, not inheritable", () => {
  using s = socket.socket(
    socket.AF_INET,
    socket.SOCK_STREAM | socket.SOCK_CLOEXEC,
  );
  assert.equal(s.type, socket.SOCK_STREAM);
  assert.equal(inheritable(s).get_inheritable(), false);
});

inh("test_default_inheritable", "a new socket is not inheritable", () => {
  using s = socket.socket();
  assert.equal(inheritable(s).get_inheritable(), false);
});

inh("test_dup", "a dup is not inheritable", () => {
  const s = socket.socket();
  using d = s.dup();
  s.close();
  assert.equal(inheritable(d).get_inheritable(), false);
});

inh("test_set_inheritable", "documented difference: never inheritable", () => {
  // CPython sets the flag; no runtime here can hand a socket to a child, so
  // set_inheritable(true) is refused (README, Differences) and false is kept.
  using s = socket.socket();
  const i = inheritable(s);
  assert.throws(() => i.set_inheritable(true), {
    errno: socket.errno.EOPNOTSUPP,
  });
  assert.equal(i.get_inheritable(), false);
  i.set_inheritable(false);
  assert.equal(i.get_inheritable(), false);
});

inh("test_socketpair", "socketpair ends are not inheritable", async () => {
  const [a, b] = await socket.socketpair();
  await using _a = a;
  await using _b = b;
  assert.equal(inheritable(a).get_inheritable(), false);
  assert.equal(inheritable(b).get_inheritable(), false);
});
