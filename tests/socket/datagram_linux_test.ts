// Datagram sockets against what Linux does: Unix datagram flow control (a
// full receiver never drops, it pushes back on senders), connect's effect on
// the queue and its errors, zero-length receives, MSG_OOB and MSG_TRUNC.
// Loopback and temporary Unix paths only.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";
import { assertErrno, sleep, text, withTempDir } from "./_helpers.ts";

const { AF_INET, AF_INET6, AF_UNIX, SOCK_DGRAM } = socket;

type Sock = socket.Socket;

function unixBound(path: string): Sock {
  const s = socket.socket(AF_UNIX, SOCK_DGRAM);
  s.bind(path);
  return s;
}

function udpBound(family: number = AF_INET): Sock {
  const s = socket.socket(family, SOCK_DGRAM);
  s.bind([family === AF_INET6 ? "::1" : "127.0.0.1", 0]);
  return s;
}

const seq = (d: Uint8Array): number =>
  new DataView(d.buffer, d.byteOffset, d.length).getUint32(0);

// ------------------------------------------------- Unix flow control

Deno.test("datagram linux: Unix: a non-blocking CPython sender to a full pysocket receiver gets EAGAIN; nothing is lost", async () => {
  if (!hasPython()) {
    skipReason("Unix dgram flow control vs CPython", "python3 is missing");
    return;
  }
  await withTempDir(async (dir) => {
    await using rx = unixBound(`${dir}/rx`);
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192);
    // rx does not read: CPython sends until Linux pushes back for good (an
    // EAGAIN that lasts 300 ms), or gives up after 5,000 datagrams (5 MB).
    const out = await runPython(
      "import socket, struct, sys, time\n" +
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n" +
        "s.setblocking(False)\n" +
        "n = 0\n" +
        "blocked = None\n" +
        "while n < 5000:\n" +
        "    try:\n" +
        "        s.sendto(struct.pack('>I', n) + b'x' * 996, sys.argv[1])\n" +
        "        n += 1\n" +
        "        blocked = None\n" +
        "    except BlockingIOError:\n" +
        "        blocked = blocked or time.monotonic()\n" +
        "        if time.monotonic() - blocked > 0.3:\n" +
        "            break\n" +
        "        time.sleep(0.001)\n" +
        "print(n, 'eagain' if n < 5000 else 'no-eagain')\n",
      "",
      [`${dir}/rx`],
    );
    const [count, how] = out.trim().split(" ");
    assert.equal(how, "eagain", out);
    const sent = Number(count);
    assert.ok(sent > 0, out);
    rx.settimeout(5);
    for (let i = 0; i < sent; i++) {
      const d = await rx.recv(2000);
      assert.equal(d.length, 1000);
      assert.equal(seq(d), i);
    }
    rx.settimeout(0.2);
    await assert.rejects(rx.recv(2000), socket.timeout);
  });
});

Deno.test("datagram linux: Unix: many datagrams to a slow pysocket reader all arrive, in order", async () => {
  await withTempDir(async (dir) => {
    await using rx = unixBound(`${dir}/rx`);
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192);
    await using tx = unixBound(`${dir}/tx`);
    await using ctx = socket.socket(AF_UNIX, SOCK_DGRAM);
    await ctx.connect(`${dir}/rx`);
    const N = 400;
    const payload = new Uint8Array(500);
    const sending = (async () => {
      for (let i = 0; i < N; i++) {
        new DataView(payload.buffer).setUint32(0, i);
        // Half through a connected unnamed socket, half by sendto from a
        // named one (which is itself receiving).
        if (i % 2 === 0) await ctx.send(payload);
        else await tx.sendto(payload, `${dir}/rx`);
      }
    })();
    await sleep(200);
    rx.settimeout(5);
    const got: [number, number] = [0, 0];
    for (let i = 0; i < N; i++) {
      const [d, from] = await rx.recvfrom(1000);
      const n = seq(d);
      const k = from === null ? 0 : 1;
      assert.equal(n % 2, k, `datagram ${n} from ${from}`);
      assert.equal(n, got[k] * 2 + k, "lost or reordered");
      got[k]++;
      if (i % 20 === 0) await sleep(1);
    }
    await sending;
    rx.setblocking(false);
    await assertErrno(() => rx.recv(1000), socket.errno.EAGAIN);
  });
});

// ------------------------------------------------------------- connect

Deno.test("datagram linux: Unix: connect to another peer empties the queue (UDP: kept); the first connect and the same peer keep it", async () => {
  await withTempDir(async (dir) => {
    await using a = unixBound(`${dir}/a`);
    await using b = unixBound(`${dir}/b`);
    await using c = unixBound(`${dir}/c`);
    a.settimeout(2);
    await b.sendto("1", `${dir}/a`);
    await c.sendto("2", `${dir}/a`);
    await sleep(50);
    // The first connect keeps what is queued, even from others.
    await a.connect(`${dir}/b`);
    assert.equal(text(await a.recv(10)), "1");
    await b.sendto("3", `${dir}/a`);
    await sleep(50);
    // The same peer again: kept.
    await a.connect(`${dir}/b`);
    assert.equal(text(await a.recv(10)), "2");
    assert.equal(text(await a.recv(10)), "3");
    await b.sendto("4", `${dir}/a`);
    await b.sendto("5", `${dir}/a`);
    await sleep(50);
    // Another peer: emptied.
    await a.connect(`${dir}/c`);
    a.setblocking(false);
    await assertErrno(() => a.recv(10), socket.errno.EAGAIN);
    // And it receives from the new peer.
    a.settimeout(2);
    await c.sendto("6", `${dir}/a`);
    assert.equal(text(await a.recv(10)), "6");
  });
  // UDP keeps the queue, as Linux does.
  await using u = udpBound();
  await using v = udpBound();
  await using w = udpBound();
  u.settimeout(2);
  await v.sendto("1", u.getsockname());
  await sleep(50);
  await u.connect(v.getsockname());
  await u.connect(w.getsockname());
  assert.equal(text(await u.recv(10)), "1");
});

Deno.test("datagram linux: Unix: connect to a missing path is ENOENT, to a non-socket ECONNREFUSED", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "not a socket");
    await using _peer = unixBound(`${dir}/peer`);
    await using s = socket.socket(AF_UNIX, SOCK_DGRAM);
    await assertErrno(() => s.connect(`${dir}/missing`), socket.errno.ENOENT);
    await assert.rejects(s.connect(`${dir}/missing`), socket.FileNotFoundError);
    assert.equal(await s.connect_ex(`${dir}/missing`), socket.errno.ENOENT);
    await assertErrno(
      () => s.connect(`${dir}/file`),
      socket.errno.ECONNREFUSED,
    );
    await assertErrno(() => s.connect(dir), socket.errno.ECONNREFUSED);
    assert.equal(await s.connect_ex(`${dir}/file`), socket.errno.ECONNREFUSED);
    // Nothing changed: not connected.
    await assertErrno(() => s.send("x"), socket.errno.ENOTCONN);
    assert.equal(await s.connect_ex(`${dir}/peer`), 0);
    // A failed connect leaves the peer as it was.
    await assertErrno(() => s.connect(`${dir}/missing`), socket.errno.ENOENT);
    assert.equal(s.getpeername(), `${dir}/peer`);
    if (hasPython()) {
      const py = await runPython(
        "import socket, sys\n" +
          "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n" +
          "print([s.connect_ex(sys.argv[1] + p) for p in ('/missing', '/file', '')])",
        "",
        [dir],
      );
      assert.equal(py.trim(), "[2, 111, 111]");
    } else {
      skipReason("Unix dgram connect errors vs CPython", "python3 is missing");
    }
  });
});

// ------------------------------------------------------- receive sizes

Deno.test("datagram linux: recv_into an empty buffer returns 0 at once; recvfrom_into an empty buffer takes a datagram", async () => {
  await using rx = udpBound();
  await using tx = udpBound();
  rx.setblocking(false);
  // Nothing queued: 0, not EAGAIN; blocking: 0 at once.
  assert.equal(await rx.recv_into(new Uint8Array(0)), 0);
  assert.equal(await rx.recv_into(new Uint8Array(5).subarray(5)), 0);
  await assertErrno(
    () => rx.recvfrom_into(new Uint8Array(0)),
    socket.errno.EAGAIN,
  );
  rx.setblocking(true);
  assert.equal(await rx.recv_into(new ArrayBuffer(0)), 0);
  await tx.sendto("hello", rx.getsockname());
  await sleep(50);
  // recv_into leaves it queued.
  assert.equal(await rx.recv_into(new Uint8Array(0)), 0);
  rx.settimeout(2);
  const [n, from] = await rx.recvfrom_into(new Uint8Array(0));
  assert.equal(n, 0);
  assert.deepEqual(from, tx.getsockname());
  // recvfrom_into took it: nothing left.
  await tx.sendto("next", rx.getsockname());
  assert.equal(text(await rx.recv(10)), "next");
});

Deno.test("datagram linux: recvfrom_into with nbytes beyond the buffer names nbytes", async () => {
  await using s = socket.socket(AF_INET, SOCK_DGRAM);
  await assert.rejects(
    s.recvfrom_into(new Uint8Array(2), 5),
    (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.equal(
        e.message,
        "nbytes is greater than the length of the buffer",
      );
      return true;
    },
  );
  await assert.rejects(
    s.recv_into(new Uint8Array(2), 5),
    (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.message, "buffer too small for requested bytes");
      return true;
    },
  );
});

// ------------------------------------------------------------- MSG_OOB

// One kind of datagram socket, twice: a receiver and a sender, and the
// receiver's address.
type Kind = "UDP" | "Unix";

async function withPair(
  kind: Kind,
  f: (rx: Sock, tx: Sock, to: socket.Address) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    await using rx = kind === "UDP" ? udpBound() : unixBound(`${dir}/rx`);
    await using tx = kind === "UDP" ? udpBound() : unixBound(`${dir}/tx`);
    await f(rx, tx, rx.getsockname());
  });
}

for (const kind of ["UDP", "Unix"] as const) {
  const prefix = kind === "Unix"
    ? "datagram linux: Unix: "
    : "datagram linux: ";
  Deno.test(`${prefix}send/sendto with MSG_OOB give EOPNOTSUPP, nothing sent`, async () => {
    await withPair(kind, async (rx, tx, to) => {
      const OOB = socket.MSG_OOB;
      await assertErrno(
        () => tx.sendto("oob", OOB, to),
        socket.errno.EOPNOTSUPP,
      );
      // Before the missing peer is noticed, too.
      await assertErrno(() => tx.send("oob", OOB), socket.errno.EOPNOTSUPP);
      await tx.connect(to);
      await assertErrno(() => tx.send("oob", OOB), socket.errno.EOPNOTSUPP);
      await assertErrno(
        () => tx.sendto("oob", OOB | socket.MSG_DONTWAIT, to),
        socket.errno.EOPNOTSUPP,
      );
      await tx.send("plain");
      rx.settimeout(2);
      assert.equal(text(await rx.recv(10)), "plain");
      rx.setblocking(false);
      await assertErrno(() => rx.recv(10), socket.errno.EAGAIN);
    });
  });
}

// ----------------------------------------------------------- MSG_TRUNC

for (const kind of ["UDP", "Unix"] as const) {
  const prefix = kind === "Unix"
    ? "datagram linux: Unix: "
    : "datagram linux: ";
  Deno.test(`${prefix}MSG_TRUNC gives the datagram's real length; with MSG_PEEK it stays queued`, async () => {
    await withPair(kind, async (rx, tx) => {
      const { MSG_TRUNC, MSG_PEEK } = socket;
      rx.settimeout(2);
      await tx.sendto("0123456789", rx.getsockname());
      const buf = new Uint8Array(4);
      assert.equal(await rx.recv_into(buf, 0, MSG_TRUNC | MSG_PEEK), 10);
      assert.equal(text(buf), "0123");
      const [n, from] = await rx.recvfrom_into(buf, 2, MSG_TRUNC | MSG_PEEK);
      assert.equal(n, 10);
      assert.deepEqual(from, tx.getsockname());
      const [peeked] = await rx.recvfrom(4, MSG_TRUNC | MSG_PEEK);
      assert.equal(peeked.length, 10);
      assert.equal(text(peeked.subarray(0, 4)), "0123");
      assert.deepEqual([...peeked.subarray(4)], [0, 0, 0, 0, 0, 0]);
      const got = await rx.recv(4, MSG_TRUNC);
      assert.equal(got.length, 10);
      assert.equal(text(got.subarray(0, 4)), "0123");
      // Taken now.
      await tx.sendto("abcdefgh", rx.getsockname());
      assert.equal(await rx.recv_into(new Uint8Array(3), 0, MSG_TRUNC), 8);
      await tx.sendto("abcdefgh", rx.getsockname());
      const [all] = await rx.recvfrom(0, MSG_TRUNC);
      assert.equal(all.length, 8);
      await tx.sendto("abcdefgh", rx.getsockname());
      assert.equal(
        (await rx.recvfrom_into(new Uint8Array(0), 0, MSG_TRUNC))[0],
        8,
      );
      // A short datagram: its own length.
      await tx.sendto("ab", rx.getsockname());
      assert.equal(text(await rx.recv(4, MSG_TRUNC)), "ab");
      rx.setblocking(false);
      await assertErrno(() => rx.recv(10), socket.errno.EAGAIN);
    });
  });
}

Deno.test("datagram linux: a peek shorter than the datagram is the caller's own copy", async () => {
  await withPair("UDP", async (rx, tx, to) => {
    rx.settimeout(2);
    await tx.sendto("abcdef", to);
    const [peeked] = await rx.recvfrom(3, socket.MSG_PEEK);
    assert.equal(text(peeked), "abc");
    peeked.fill(0x7a);
    assert.equal(text(await rx.recv(10)), "abcdef");
  });
});
