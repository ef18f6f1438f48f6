// pysocket stream sockets against CPython's socket module as the peer.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, skipReason } from "../_python.ts";

const MIB = 1024 * 1024;
const BULK = 64 * MIB;

/** A python3 process whose stdout lines can be awaited one at a time. */
class PythonPeer implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #lines: AsyncIterator<string>;

  constructor(code: string, args: string[] = []) {
    this.#child = new Deno.Command("python3", {
      args: ["-u", "-c", code, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#lines = this.#child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(lineSplitter())[Symbol.asyncIterator]();
  }

  async line(): Promise<string> {
    const { value, done } = await this.#lines.next();
    if (done) throw new Error("python3 ended early");
    return value;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (;;) {
      const { done } = await this.#lines.next();
      if (done) break;
    }
    const status = await this.#child.status;
    assert.equal(status.code, 0, "python3 exited with an error");
  }
}

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      for (const p of parts) controller.enqueue(p);
    },
    flush(controller) {
      if (rest) controller.enqueue(rest);
    },
  });
}

function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  const words = new Uint32Array(out.buffer);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return out;
}

async function sha256(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    data as Uint8Array<ArrayBuffer>,
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

// Python: send N pseudo-random bytes (in a thread) while hashing all it
// receives until the end of the stream; print both hashes as JSON.
const PY_BULK_PEER = `
import hashlib, json, random, socket, sys, threading
mode, n = sys.argv[1], int(sys.argv[2])
if mode == "server":
    srv = socket.create_server(("127.0.0.1", 0))
    print(srv.getsockname()[1], flush=True)
    s, _ = srv.accept()
    srv.close()
else:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[3])))
data = random.Random(7).randbytes(n)
def send():
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=send)
t.start()
h = hashlib.sha256()
got = 0
while True:
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    h.update(chunk)
    got += len(chunk)
t.join()
s.close()
print(json.dumps({"sent": hashlib.sha256(data).hexdigest(), "received": h.hexdigest(), "bytes": got}))
`;

async function bulkExchange(
  s: socket.Socket,
): Promise<{ sent: string; received: string; bytes: number }> {
  const data = pseudoRandom(BULK, 12345);
  const sending = (async () => {
    for (let off = 0; off < data.length; off += 64 * 1024) {
      await s.sendall(data.subarray(off, off + 64 * 1024));
    }
    s.shutdown(socket.SHUT_WR);
  })();
  const received = new Uint8Array(BULK + 1);
  let got = 0;
  for (;;) {
    const n = await s.recv_into(
      received.subarray(got, Math.min(got + 65536, received.length)),
    );
    if (n === 0) break;
    got += n;
  }
  await sending;
  return {
    sent: await sha256(data),
    received: await sha256(received.subarray(0, got)),
    bytes: got,
  };
}

Deno.test("CPython client against a pysocket server: 64 MiB each way, SHA-256", async () => {
  if (!hasPython()) {
    return skipReason("CPython bulk client", "python3 is not installed");
  }
  await using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as [string, number])[1];
  await using py = new PythonPeer(PY_BULK_PEER, [
    "client",
    String(BULK),
    String(port),
  ]);
  const [conn] = await srv.accept();
  const ours = await bulkExchange(conn);
  await conn[Symbol.asyncDispose]();
  const theirs = JSON.parse(await py.line());
  assert.equal(ours.bytes, BULK);
  assert.equal(theirs.bytes, BULK);
  assert.equal(
    ours.received,
    theirs.sent,
    "what pysocket received is what CPython sent",
  );
  assert.equal(
    theirs.received,
    ours.sent,
    "what CPython received is what pysocket sent",
  );
});

Deno.test("pysocket client against a CPython server: 64 MiB each way, SHA-256", async () => {
  if (!hasPython()) {
    return skipReason("CPython bulk server", "python3 is not installed");
  }
  await using py = new PythonPeer(PY_BULK_PEER, ["server", String(BULK)]);
  const port = Number(await py.line());
  await using s = await socket.create_connection(["127.0.0.1", port]);
  const ours = await bulkExchange(s);
  const theirs = JSON.parse(await py.line());
  assert.equal(ours.bytes, BULK);
  assert.equal(theirs.bytes, BULK);
  assert.equal(ours.received, theirs.sent);
  assert.equal(theirs.received, ours.sent);
});

const PY_HALF_CLOSE_SERVER = `
import socket
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
s, _ = srv.accept()
got = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    got += chunk
s.sendall(b"got %d bytes: %s" % (len(got), got))
s.close()
print("done", flush=True)
`;

Deno.test("half-close from pysocket: CPython sees the end of stream and still answers", async () => {
  if (!hasPython()) {
    return skipReason("CPython half-close", "python3 is not installed");
  }
  await using py = new PythonPeer(PY_HALF_CLOSE_SERVER);
  const port = Number(await py.line());
  await using s = await socket.create_connection(["127.0.0.1", port]);
  await s.sendall("question");
  s.shutdown(socket.SHUT_WR);
  const reply: Uint8Array[] = [];
  for await (const chunk of s) reply.push(chunk);
  assert.equal(
    new TextDecoder().decode(new Uint8Array(reply.flatMap((c) => [...c]))),
    "got 8 bytes: question",
  );
  assert.equal(await py.line(), "done");
});

const PY_HALF_CLOSE_CLIENT = `
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"from cpython")
s.shutdown(socket.SHUT_WR)
reply = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    reply += chunk
print(reply.decode(), flush=True)
s.close()
`;

Deno.test("half-close from CPython: pysocket sees the end of stream and still answers", async () => {
  if (!hasPython()) {
    return skipReason("CPython half-close client", "python3 is not installed");
  }
  await using srv = socket.create_server(["127.0.0.1", 0]);
  const port = (srv.getsockname() as [string, number])[1];
  await using py = new PythonPeer(PY_HALF_CLOSE_CLIENT, [String(port)]);
  const [conn] = await srv.accept();
  const f = conn.makefile("rb");
  const all = await f.read();
  await f.close();
  assert.equal(new TextDecoder().decode(all as Uint8Array), "from cpython");
  await conn.sendall("answer after EOF");
  await conn[Symbol.asyncDispose]();
  assert.equal(await py.line(), "answer after EOF");
});

const PY_RESET_SERVER = `
import socket, struct
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
s, _ = srv.accept()
s.recv(100)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
print("reset", flush=True)
`;

Deno.test("a CPython peer that resets (SO_LINGER 0) gives ECONNRESET", async () => {
  if (!hasPython()) {
    return skipReason("CPython reset", "python3 is not installed");
  }
  await using py = new PythonPeer(PY_RESET_SERVER);
  const port = Number(await py.line());
  await using s = await socket.create_connection(["127.0.0.1", port]);
  await s.sendall("bye");
  assert.equal(await py.line(), "reset");
  const e = await s.recv(100).then(() => null, (e) => e);
  assert.ok(e instanceof socket.ConnectionResetError, String(e));
  assert.equal(e.errno, socket.errno.ECONNRESET);
  assert.equal(e.message, "[Errno 104] Connection reset by peer");
  // Reported once, as Linux does; then the stream has ended.
  assert.equal((await s.recv(100)).length, 0);
  const again = await s.send("more").then(() => null, (e) => e);
  assert.ok(again instanceof socket.error, "sending after a reset fails");
  assert.ok(
    again.errno === socket.errno.EPIPE ||
      again.errno === socket.errno.ECONNRESET,
    String(again),
  );
});
