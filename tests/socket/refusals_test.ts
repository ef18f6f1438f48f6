// The refusal table of stream sockets (socket/_refusals.ts), row by row
// against CPython on Linux: each operation in each phase where Linux refuses
// it (or does nothing), on TCP and AF_UNIX, gives the same errno as CPython.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { unixPath } from "./_helpers.ts";

type Phase = "new" | "bound" | "listening" | "connected";
type Op =
  | "bind"
  | "listen"
  | "accept"
  | "connect"
  | "send"
  | "recv"
  | "shutdown"
  | "getpeername";

// The cells where Linux refuses (or ignores) the operation, as the table has
// them; the test checks pysocket and CPython against each.
const CELLS: ReadonlyArray<[Op, Phase]> = [
  ["bind", "bound"],
  ["bind", "listening"],
  ["bind", "connected"],
  ["listen", "connected"],
  ["accept", "new"],
  ["accept", "bound"],
  ["accept", "connected"],
  ["connect", "listening"],
  ["connect", "connected"],
  ["send", "new"],
  ["send", "bound"],
  ["send", "listening"],
  ["recv", "new"],
  ["recv", "bound"],
  ["recv", "listening"],
  ["shutdown", "new"],
  ["shutdown", "bound"],
  ["getpeername", "new"],
  ["getpeername", "bound"],
  ["getpeername", "listening"],
];

interface World {
  readonly family: number;
  address(): socket.Address;
}

async function inPhase(
  w: World,
  phase: Phase,
  server: socket.Socket,
  keep: socket.Socket[],
): Promise<socket.Socket> {
  const s = socket.socket(w.family);
  keep.push(s);
  if (phase === "bound" || phase === "listening") s.bind(w.address());
  if (phase === "listening") s.listen();
  if (phase === "connected") {
    await s.connect(server.getsockname());
    const [conn] = await server.accept();
    keep.push(conn);
  }
  return s;
}

async function attempt(
  s: socket.Socket,
  op: Op,
  w: World,
  server: socket.Socket,
): Promise<string> {
  try {
    switch (op) {
      case "bind":
        s.bind(w.address());
        break;
      case "listen":
        s.listen();
        break;
      case "accept":
        await s.accept();
        break;
      case "connect":
        await s.connect(server.getsockname());
        break;
      case "send":
        await s.send("x");
        break;
      case "recv":
        await s.recv(1);
        break;
      case "shutdown":
        s.shutdown(socket.SHUT_RDWR);
        break;
      case "getpeername":
        s.getpeername();
        break;
    }
    return "ok";
  } catch (e) {
    if (e instanceof socket.error) return `errno ${e.errno}`;
    throw e;
  }
}

const PYTHON = `
import socket, sys, tempfile, os, json
cells = json.loads(sys.argv[1])
d = tempfile.mkdtemp()
n = [0]
def path():
    n[0] += 1
    return os.path.join(d, "s%d" % n[0])
out = {}
for fam_name, fam in (("inet", socket.AF_INET), ("unix", socket.AF_UNIX)):
    addr = (lambda: ("127.0.0.1", 0)) if fam == socket.AF_INET else path
    server = socket.socket(fam)
    server.bind(addr())
    server.listen(64)
    keep = []
    for op, phase in cells:
        s = socket.socket(fam)
        keep.append(s)
        if phase in ("bound", "listening"):
            s.bind(addr())
        if phase == "listening":
            s.listen()
        if phase == "connected":
            s.connect(server.getsockname())
            keep.append(server.accept()[0])
        try:
            if op == "bind": s.bind(addr())
            elif op == "listen": s.listen()
            elif op == "accept": s.accept()
            elif op == "connect": s.connect(server.getsockname())
            elif op == "send": s.send(b"x")
            elif op == "recv": s.recv(1)
            elif op == "shutdown": s.shutdown(socket.SHUT_RDWR)
            elif op == "getpeername": s.getpeername()
            r = "ok"
        except OSError as e:
            r = "errno %d" % e.errno
        out["%s %s %s" % (fam_name, op, phase)] = r
    for s in keep: s.close()
    server.close()
print(json.dumps(out))
`;

Deno.test("refusals: each operation refused in each phase gives CPython's errno (TCP and AF_UNIX)", async () => {
  if (!hasPython()) {
    skipReason("refusals vs CPython", "python3 is missing");
    return;
  }
  const want = JSON.parse(
    await runPython(PYTHON, "", [JSON.stringify(CELLS)]),
  ) as Record<string, string>;
  const got: Record<string, string> = {};
  const worlds: Array<[string, World]> = [
    ["inet", { family: socket.AF_INET, address: () => ["127.0.0.1", 0] }],
    ["unix", { family: socket.AF_UNIX, address: () => unixPath() }],
  ];
  for (const [name, w] of worlds) {
    const keep: socket.Socket[] = [];
    const server = socket.socket(w.family);
    server.bind(w.address());
    server.listen(64);
    try {
      for (const [op, phase] of CELLS) {
        const s = await inPhase(w, phase, server, keep);
        got[`${name} ${op} ${phase}`] = await attempt(s, op, w, server);
      }
    } finally {
      for (const s of keep) await s[Symbol.asyncDispose]();
      await server[Symbol.asyncDispose]();
    }
  }
  // Where Deno cannot do what Linux does (README, Differences).
  const known: Record<string, [string, string]> = {
    "unix bind connected": ["errno 22", "ok"], // a connected Unix socket cannot be named
  };
  for (const [cell, [ours, theirs]] of Object.entries(known)) {
    assert.equal(got[cell], ours, cell);
    assert.equal(want[cell], theirs, cell);
    console.log(
      `known difference, ${cell}: pysocket ${ours}, CPython ${theirs}`,
    );
    delete got[cell];
    delete want[cell];
  }
  const differ = Object.keys(want).filter((k) => got[k] !== want[k])
    .map((k) => `${k}: pysocket ${got[k]}, CPython ${want[k]}`);
  assert.deepEqual(differ, [], differ.join("\n"));
  assert.equal(
    Object.keys(got).length + Object.keys(known).length,
    2 * CELLS.length,
  );
});
