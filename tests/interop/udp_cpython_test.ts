// Datagram interop with CPython on loopback: CPython sends 10,000 numbered
// datagrams of varied sizes up to 60 KiB to a pysocket socket, which echoes
// each back; CPython checks every datagram whole and counts order and loss.
// Then the other way round over IPv6 and Unix datagram sockets. Skipped,
// with the reason printed, where python3 is missing.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, skipReason } from "../_python.ts";

const dec = new TextDecoder();

// CPython's side of the big run: a sliding window (in bytes) keeps what is
// in flight below what the kernel buffers hold, so loopback loses nothing
// unless something is wrong. Deno cannot raise the pysocket side's kernel
// buffer above Linux's 208 KiB default, and the kernel counts a datagram at
// its truesize, more than its payload: 160 KiB in flight overflowed it once
// while the test machine was busy, so the window is 100 KiB.
const SENDER = `
import json, random, socket, struct, sys, time
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
MAX = 60 * 1024
WINDOW = 100 * 1024
rng = random.Random(4)
edges = [8, 9, 100, 1472, 1473, 8192, 65507 - 5507, MAX]
sizes = [edges[i] if i < len(edges) else rng.randint(8, MAX) for i in range(count)]
base = bytes(range(251)) * (MAX // 251 + 2)
def payload(seq, size):
    return struct.pack("!II", seq, size) + base[seq % 251 : seq % 251 + size - 8]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
s.bind(("127.0.0.1", 0))
s.connect((host, port))
s.settimeout(3.0)
sent = received = lost = reordered = corrupt = duplicates = 0
total = 0
outstanding = {}
out_bytes = 0
last = -1
t0 = time.monotonic()
while sent < count or outstanding:
    while sent < count and (not outstanding or out_bytes + sizes[sent] <= WINDOW):
        s.send(payload(sent, sizes[sent]))
        outstanding[sent] = sizes[sent]
        out_bytes += sizes[sent]
        sent += 1
    try:
        data = s.recv(65536)
    except socket.timeout:
        lost += len(outstanding)
        outstanding.clear()
        out_bytes = 0
        continue
    seq, size = struct.unpack_from("!II", data)
    if seq not in outstanding:
        duplicates += 1
        continue
    if len(data) != size or data != payload(seq, size):
        corrupt += 1
    if seq < last:
        reordered += 1
    last = max(last, seq)
    out_bytes -= outstanding.pop(seq)
    received += 1
    total += len(data)
elapsed = time.monotonic() - t0
s.send(b"STOP")
print(json.dumps(dict(sent=sent, received=received, lost=lost, reordered=reordered,
    corrupt=corrupt, duplicates=duplicates, bytes=total, seconds=round(elapsed, 3))))
`;

Deno.test("interop: CPython sends 10,000 datagrams up to 60 KiB, pysocket echoes", async () => {
  if (!hasPython()) {
    skipReason("udp interop", "python3 is not available");
    return;
  }
  const COUNT = 10_000;
  await using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20);
  s.bind(["127.0.0.1", 0]);
  const [host, port] = s.getsockname() as [string, number];
  const child = new Deno.Command("python3", {
    args: ["-c", SENDER, host, String(port), String(COUNT)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  let echoed = 0;
  let echoError: unknown = null;
  // No single wait may hang the test: 20 s of silence ends the echo loop.
  s.settimeout(20);
  try {
    for (;;) {
      const [data, from] = await s.recvfrom(65536);
      if (data.length === 4 && dec.decode(data) === "STOP") break;
      await s.sendto(data, from!);
      echoed++;
    }
  } catch (e) {
    echoError = e;
    try {
      child.kill();
    } catch {
      // Already gone.
    }
  }
  const out = await output;
  assert.equal(echoError, null, `echo loop failed: ${echoError}`);
  assert.ok(out.success, dec.decode(out.stderr));
  const r = JSON.parse(dec.decode(out.stdout));
  console.log(
    `udp interop: CPython -> pysocket -> CPython: sent ${r.sent}, received ${r.received}, ` +
      `lost ${r.lost}, reordered ${r.reordered}, corrupt ${r.corrupt}, duplicates ${r.duplicates}, ` +
      `${
        (r.bytes / 2 ** 20).toFixed(1)
      } MiB each way in ${r.seconds} s; pysocket echoed ${echoed}`,
  );
  assert.equal(r.sent, COUNT);
  assert.equal(r.corrupt, 0);
  assert.equal(r.duplicates, 0);
  assert.equal(r.lost, 0);
  assert.equal(r.received, COUNT);
  assert.equal(r.reordered, 0);
  assert.equal(echoed, COUNT);
});

// CPython as the echo server: it greets pysocket (so pysocket learns its
// address), then echoes what it gets, and checks a truncated read.
const ECHO = `
import socket, sys
family = {"inet6": socket.AF_INET6, "unix": socket.AF_UNIX}[sys.argv[1]]
target = sys.argv[2]
n = int(sys.argv[3])
s = socket.socket(family, socket.SOCK_DGRAM)
s.settimeout(10)
if family == socket.AF_UNIX:
    s.bind(sys.argv[4])
    to = target
else:
    s.bind(("::1", 0))
    to = ("::1", int(target))
s.sendto(b"hello from cpython", to)
for i in range(n):
    data, addr = s.recvfrom(65536)
    s.sendto(data, addr)
data, addr = s.recvfrom(5)
print(len(data), data.decode(), addr if isinstance(addr, str) else list(addr)[:2])
`;

async function echoAgainstCPython(
  family: number,
  name: "inet6" | "unix",
): Promise<void> {
  const N = 200;
  const dir = family === socket.AF_UNIX
    ? await Deno.makeTempDir({ prefix: "pysocket-udp-" })
    : null;
  try {
    await using s = socket.socket(family, socket.SOCK_DGRAM);
    if (dir) s.bind(`${dir}/pysocket`);
    else s.bind(["::1", 0]);
    s.settimeout(10);
    const here = s.getsockname();
    const child = new Deno.Command("python3", {
      args: [
        "-c",
        ECHO,
        name,
        typeof here === "string" ? here : String(here[1]),
        String(N),
        ...(dir ? [`${dir}/cpython`] : []),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    let failure: unknown = null;
    try {
      const [hello, peer] = await s.recvfrom(100);
      assert.equal(dec.decode(hello), "hello from cpython");
      await s.connect(peer!);
      for (let i = 0; i < N; i++) {
        const msg = new Uint8Array(1 + (i * 97) % 9000).fill(i & 0xff);
        await s.send(msg);
        const back = await s.recv(65536);
        assert.deepEqual(back, msg);
      }
      await s.send("truncated by cpython");
    } catch (e) {
      failure = e;
      try {
        child.kill();
      } catch {
        // Already gone.
      }
    }
    const out = await output;
    if (failure) throw failure;
    assert.ok(out.success, dec.decode(out.stderr));
    const line = dec.decode(out.stdout).trim();
    const expectFrom = typeof here === "string" ? here : `['::1', ${here[1]}]`;
    assert.equal(line, `5 trunc ${expectFrom}`);
  } finally {
    if (dir) await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("interop: pysocket talks to a CPython echo server over IPv6 ::1", async () => {
  if (!hasPython()) {
    skipReason("udp interop (IPv6)", "python3 is not available");
    return;
  }
  await echoAgainstCPython(socket.AF_INET6, "inet6");
});

Deno.test("interop: pysocket talks to a CPython echo server over AF_UNIX datagrams", async () => {
  if (!hasPython()) {
    skipReason("udp interop (Unix)", "python3 is not available");
    return;
  }
  await echoAgainstCPython(socket.AF_UNIX, "unix");
});
