// String(sock) and the inspect hooks give CPython 3.11's repr, compared with
// a real CPython on the same states (descriptor numbers and ports aside).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { unixPath } from "./_helpers.ts";

// The repr with what differs by run (numbers of descriptors, ports, paths)
// put in a canonical form.
function shape(repr: string): string {
  return repr.replace(/fd=\d+/, "fd=N").replace(/, (\d+)([,)])/g, ", P$2")
    .replace(/=\/[^,>]+/g, "=PATH");
}

Deno.test("repr: String(sock) is CPython 3.11's, in every state", async () => {
  const path = unixPath();
  const server = socket.socket();
  server.bind(["127.0.0.1", 0]);
  const fresh = shape(String(socket.socket()));
  const bound = shape(String(server));
  server.listen();
  const client = socket.socket();
  await client.connect(server.getsockname());
  const connected = shape(String(client));
  const [conn] = await server.accept();
  const dgram = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  dgram.bind(["::1", 0]);
  const v6 = shape(String(dgram));
  const unix = socket.socket(socket.AF_UNIX);
  const unnamed = shape(String(unix));
  unix.bind(path);
  const named = shape(String(unix));
  client.close();
  const closed = shape(String(client));
  const ours = [fresh, bound, connected, closed, v6, unnamed, named];
  // Deno's and Node's inspect show the repr too.
  assert.equal(
    (conn as unknown as Record<symbol, () => string>)[
      Symbol.for("Deno.customInspect")
    ]?.(),
    String(conn),
  );
  for (const s of [conn, server, dgram, unix]) await s[Symbol.asyncDispose]();
  if (!hasPython()) {
    skipReason("repr vs CPython", "python3 is missing");
    return;
  }
  const py = await runPython(
    `import socket, sys
path = sys.argv[1] + ".py"
out = []
s = socket.socket(); out.append(repr(socket.socket()))
s.bind(("127.0.0.1", 0)); out.append(repr(s)); s.listen()
c = socket.socket(); c.connect(s.getsockname()); out.append(repr(c))
c.close(); out.append(repr(c))
d = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); d.bind(("::1", 0)); out.append(repr(d))
u = socket.socket(socket.AF_UNIX); out.append(repr(u)); u.bind(path); out.append(repr(u))
import os; os.unlink(path)
print("\\n".join(out))`,
    "",
    [path],
  );
  const theirs = py.trim().split("\n").map(shape);
  assert.deepEqual(ours, theirs);
});
