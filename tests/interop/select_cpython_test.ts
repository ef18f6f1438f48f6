// select, poll and the selectors watching pysocket sockets whose other end
// is CPython: data in bursts, a half-close, a reset, datagrams.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";
import * as selectors from "../../selectors/mod.ts";
import { hasPython, skipReason } from "../_python.ts";

const python3 = hasPython();
if (!python3) skipReason("select against CPython peers", "python3 not found");

function spawnPython(code: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command("python3", {
    args: ["-u", "-c", code, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finished(child: Deno.ChildProcess): Promise<string> {
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const BURSTS = `
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
for part in [b'one ', b'two ', b'three']:
    s.sendall(part)
    time.sleep(0.05)
s.shutdown(socket.SHUT_WR)
reply = b''
while True:
    data = s.recv(100)
    if not data:
        break
    reply += data
print(reply.decode())
s.close()
`;

for (
  const Selector of [
    selectors.SelectSelector,
    selectors.PollSelector,
    selectors.EpollSelector,
  ]
) {
  Deno.test({
    name:
      `select against CPython: ${Selector.name} sees a CPython client's bursts and half-close`,
    ignore: !python3,
    async fn() {
      using server = socket.socket();
      server.bind(["127.0.0.1", 0]);
      server.listen();
      server.setblocking(false);
      const peer = spawnPython(BURSTS, [String(server.getsockname()[1])]);
      using sel = new Selector<string | null, socket.Socket>();
      sel.register(server, selectors.EVENT_READ, "listener");
      let received = "";
      let conn: socket.Socket | null = null;
      let done = false;
      while (!done) {
        for (const [key] of await sel.select(10)) {
          if (key.data === "listener") {
            [conn] = await server.accept();
            conn.setblocking(false);
            sel.register(conn, selectors.EVENT_READ);
            continue;
          }
          const data = await key.fileobj.recv(100);
          if (data.length === 0) {
            sel.unregister(key.fileobj);
            await key.fileobj.sendall(`got ${received}`);
            key.fileobj.close();
            done = true;
          } else {
            received += new TextDecoder().decode(data);
          }
        }
      }
      assert.equal(received, "one two three");
      assert.equal((await finished(peer)).trim(), "got one two three");
      assert.equal(conn?.fileno(), -1);
    },
  });
}

Deno.test({
  name:
    "select against CPython: a reset from CPython (SO_LINGER 0) makes the socket readable",
  ignore: !python3,
  async fn() {
    using server = socket.socket();
    server.bind(["127.0.0.1", 0]);
    server.listen();
    const peer = spawnPython(
      `
import socket, struct, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'before the reset')
time.sleep(0.2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()
`,
      [String(server.getsockname()[1])],
    );
    const [conn] = await server.accept();
    using _conn = conn;
    const p = select.poll();
    p.register(conn, select.POLLIN);
    let text = "";
    for (;;) {
      const events = await p.poll(10_000);
      assert.equal(events.length, 1);
      let data: Uint8Array;
      try {
        data = await conn.recv(100);
      } catch (e) {
        assert.ok(e instanceof socket.ConnectionResetError);
        break;
      }
      if (data.length === 0) break;
      text += new TextDecoder().decode(data);
    }
    assert.equal(text, "before the reset");
    await finished(peer);
  },
});

Deno.test({
  name:
    "select against CPython: epoll sees each datagram a CPython sender sends",
  ignore: !python3,
  async fn() {
    using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    u.bind(["127.0.0.1", 0]);
    const peer = spawnPython(
      `
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(b'datagram %d' % i, ('127.0.0.1', int(sys.argv[1])))
    time.sleep(0.02)
`,
      [String(u.getsockname()[1])],
    );
    using ep = select.epoll();
    ep.register(u, select.EPOLLIN | select.EPOLLET);
    const got: string[] = [];
    u.setblocking(false);
    while (got.length < 5) {
      const events = await ep.poll(10);
      assert.deepEqual(events.map(([fd]) => fd), [u.fileno()]);
      // Edge-triggered: read until EAGAIN.
      for (;;) {
        try {
          const [data] = await u.recvfrom(100);
          got.push(new TextDecoder().decode(data));
        } catch (e) {
          assert.ok(
            e instanceof socket.error && e.errno === socket.errno.EAGAIN,
          );
          break;
        }
      }
    }
    assert.deepEqual(got, [0, 1, 2, 3, 4].map((i) => `datagram ${i}`));
    await finished(peer);
  },
});
