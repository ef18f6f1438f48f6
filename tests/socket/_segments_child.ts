// Child of read_path_test.ts (run with --expose-gc): a CPython peer sends
// 3,000 one-byte TCP segments into a pending makefile readline(100000);
// prints the memory (heap + external, after GC) that the connection holds
// then, against before.

import * as socket from "../../mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
function memory(): number {
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

const SEGMENTS = 3000;
const server = socket.socket();
server.bind(["127.0.0.1", 0]);
server.listen();
const peer = new Deno.Command("python3", {
  args: [
    "-c",
    `import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(${SEGMENTS}):
    s.send(b"x")
    if i % 10 == 0: time.sleep(0.001)
print("sent", flush=True)
sys.stdin.readline()
s.send(b"\\n")
s.close()`,
    String(server.getsockname()[1]),
  ],
  stdin: "piped",
  stdout: "piped",
}).spawn();
const [conn] = await server.accept();
const before = memory();
const f = conn.makefile("rb");
const line = f.readline(100_000);
const out = peer.stdout.getReader();
await out.read();
// Let the last segments be read in.
await new Promise((r) => setTimeout(r, 200));
const during = memory();
const w = peer.stdin.getWriter();
await w.write(new TextEncoder().encode("go\n"));
await w.close();
const got = await line;
await f.close();
conn.close();
server.close();
out.releaseLock();
await peer.stdout.cancel();
await peer.status;
console.log(JSON.stringify({ before, during, length: got.length }));
