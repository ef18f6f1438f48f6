// The lifecycle soak's server side, run by lifecycle_soak_test.ts in a
// child process with a GC to call: 1,000 connections from a CPython peer
// that stops reading, reads a little then stops, or vanishes (a reset); the
// application sends to each under a timeout and closes it. Prints one JSON
// line: descriptors and memory before and after, and how every promise
// settled.
//
//   deno run -A --v8-flags=--expose-gc _lifecycle_soak.ts COUNT

import * as socket from "../../mod.ts";

const count = Number(Deno.args[0] ?? "1000");
const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

function fds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

function memory(): number {
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

const PEER = `
import socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    socks.append(s)
time.sleep(0.3)
for i, s in enumerate(socks):
    if i % 3 == 1:
        s.recv(1024)  # reads a little, then stops
    elif i % 3 == 2:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00")
        s.close()  # vanishes with a reset
print("done", flush=True)
sys.stdin.read()
for s in socks:
    s.close()
`;

// Warm up what the runtime opens once (its reactor, timers).
{
  const [a, b] = await socket.socketpair();
  await a.send("x");
  await b.recv(1);
  await a[Symbol.asyncDispose]();
  await b[Symbol.asyncDispose]();
}
// More than the kernel buffers of a peer that does not read can take.
const payload = new Uint8Array(8 << 20).fill(0x5a);
const fdsBefore = fds();
const memBefore = memory();

const server = socket.socket();
server.bind(["127.0.0.1", 0]);
server.listen(count);
const port = server.getsockname()[1];
const peer = new Deno.Command("python3", {
  args: ["-c", PEER, String(port), String(count)],
  stdin: "piped",
  stdout: "piped",
}).spawn();

const outcomes: Record<string, number> = {};
const note = (what: string): void => {
  outcomes[what] = (outcomes[what] ?? 0) + 1;
};
const closes: Promise<void>[] = [];
const sends: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  const [conn] = await server.accept();
  conn.settimeout(1);
  sends.push(
    conn.sendall(payload).then(
      () => note("sent"),
      (e) => {
        note(
          e instanceof socket.timeout
            ? "timeout"
            : e instanceof socket.error
            ? `errno ${e.errno}`
            : `other ${e}`,
        );
      },
    ).then(() => {
      closes.push(conn[Symbol.asyncDispose]());
    }),
  );
}
const t0 = performance.now();
await Promise.all(sends);
await Promise.all(closes);
const closedIn = performance.now() - t0;
await server[Symbol.asyncDispose]();
// Let the peer go, then count what is left.
const reader = peer.stdout.getReader();
await reader.read();
reader.releaseLock();
const w = peer.stdin.getWriter();
await w.close();
await peer.status;
await peer.stdout.cancel();
let fdsAfter = fds();
for (let i = 0; i < 100 && fdsAfter > fdsBefore; i++) {
  await new Promise((r) => setTimeout(r, 20));
  fdsAfter = fds();
}
const memAfter = memory();
console.log(JSON.stringify({
  count,
  outcomes,
  settled: sends.length + closes.length,
  closedInMs: Math.round(closedIn),
  fdsBefore,
  fdsAfter,
  memBefore,
  memAfter,
}));
