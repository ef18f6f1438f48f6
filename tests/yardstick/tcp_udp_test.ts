// Yardstick: CPython 3.11 test_socket.py BasicTCPTest (and BasicTCPTest2,
// its create_connection twin), BasicUDPTest, TCPTimeoutTest, UDPTimeoutTest,
// NonBlockingTCPTests, NonblockConstantTest, TCPCloserTest, BufferIOTest and
// BasicSocketPairTest, as pysocket tests. CPython's cli_conn (the accepted
// socket) is `conn` here and serv_conn (the client) is `cli`.

import assert from "node:assert/strict";
import * as select from "../../select/mod.ts";
import {
  cpythonCase,
  MSG,
  MSG_BYTES,
  rejectsErrno,
  rejectsWith,
  socket,
  tcpPair,
  tcpServer,
  text,
} from "./_util.ts";

const { errno } = socket;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

for (
  const [cls, viaCreate] of [["BasicTCPTest", false], [
    "BasicTCPTest2",
    true,
  ]] as const
) {
  const t = cpythonCase(cls);

  t("testRecv", "recv gets what was sent", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    assert.equal(text(await p.conn.recv(1024)), MSG);
  });

  t("testOverFlowRecv", "a short recv leaves the rest", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    const seg1 = await p.conn.recv(MSG_BYTES.length - 3);
    const seg2 = await p.conn.recv(1024);
    assert.deepEqual(concat(seg1, seg2), MSG_BYTES);
  });

  t("testRecvFrom", "recvfrom on a stream", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    const [msg] = await p.conn.recvfrom(1024);
    assert.equal(text(msg), MSG);
  });

  t("testOverFlowRecvFrom", "a short recvfrom leaves the rest", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    const [seg1] = await p.conn.recvfrom(MSG_BYTES.length - 3);
    const [seg2] = await p.conn.recvfrom(1024);
    assert.deepEqual(concat(seg1, seg2), MSG_BYTES);
  });

  t("testSendAll", "sendall of 2048 bytes, read to the end", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.sendall(new Uint8Array(2048).fill(0x66));
    p.cli.close();
    const parts: Uint8Array[] = [];
    for (;;) {
      const r = await p.conn.recv(1024);
      if (r.length === 0) break;
      parts.push(r);
    }
    assert.deepEqual(concat(...parts), new Uint8Array(2048).fill(0x66));
  });

  t("testFromFd", "fromfd reads the same connection", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    await using s = socket.fromfd(
      p.conn.fileno(),
      socket.AF_INET,
      socket.SOCK_STREAM,
    );
    assert.ok(s instanceof socket.socket);
    assert.equal(text(await s.recv(1024)), MSG);
  });

  t("testDup", "dup reads the same connection", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    await using s = p.conn.dup();
    assert.equal(text(await s.recv(1024)), MSG);
  });

  t("testShutdown", "shutdown(2) after send: data arrives", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    p.cli.shutdown(2);
    assert.equal(text(await p.conn.recv(1024)), MSG);
  });

  t(
    "testShutdown_overflow",
    "shutdown(INT_MAX + 1): OverflowError",
    async () => {
      await using p = await tcpPair(viaCreate);
      await p.cli.send(MSG);
      assert.throws(() => p.cli.shutdown(2 ** 31), RangeError);
      assert.throws(() => p.cli.shutdown(2 + 2 ** 32), RangeError);
      p.cli.shutdown(2);
      assert.equal(text(await p.conn.recv(1024)), MSG);
    },
  );

  t("testDetach", "detach keeps the connection for fileno=", async () => {
    await using p = await tcpPair(viaCreate);
    await p.cli.send(MSG);
    const fileno = p.conn.fileno();
    const f = p.conn.detach();
    assert.equal(f, fileno);
    assert.equal(p.conn.fileno(), -1);
    await rejectsWith(() => p.conn.recv(1024), socket.error);
    p.conn.close();
    await using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, f);
    assert.equal(text(await s.recv(1024)), MSG);
  });
}

async function udpPair(): Promise<
  [socket.Socket<[string, number]>, socket.Socket<[string, number]>, number]
> {
  const serv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  serv.bind(["127.0.0.1", 0]);
  const cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await Promise.resolve();
  return [serv, cli, serv.getsockname()[1]];
}

const udp = cpythonCase("BasicUDPTest");

udp("testSendtoAndRecv", "sendto(flags=0) then recv", async () => {
  const [serv, cli, port] = await udpPair();
  await using _s = serv;
  await using _c = cli;
  await cli.sendto(MSG, 0, ["127.0.0.1", port]);
  assert.equal(text(await serv.recv(MSG_BYTES.length)), MSG);
});

udp("testRecvFrom", "recvfrom gives the sender", async () => {
  const [serv, cli, port] = await udpPair();
  await using _s = serv;
  await using _c = cli;
  await cli.sendto(MSG, 0, ["127.0.0.1", port]);
  const [msg, addr] = await serv.recvfrom(MSG_BYTES.length);
  assert.equal(text(msg), MSG);
  assert.equal(addr[0], "127.0.0.1");
});

udp("testRecvFromNegative", "recvfrom(-1): ValueError", async () => {
  const [serv, cli, port] = await udpPair();
  await using _s = serv;
  await using _c = cli;
  await cli.sendto(MSG, 0, ["127.0.0.1", port]);
  await rejectsWith(() => serv.recvfrom(-1), RangeError);
});

const tcpTimeout = cpythonCase("TCPTimeoutTest");

tcpTimeout("testTCPTimeout", "accept with a timeout times out", async () => {
  await using serv = tcpServer();
  serv.settimeout(0.2);
  await rejectsWith(() => serv.accept(), socket.timeout, /timed out/);
});

tcpTimeout("testTimeoutZero", "timeout 0: OSError, not timeout", async () => {
  await using serv = tcpServer();
  serv.settimeout(0.0);
  try {
    await serv.accept();
    assert.fail("accept() succeeded");
  } catch (e) {
    assert.ok(!(e instanceof socket.timeout), `timeout: ${e}`);
    assert.ok(e instanceof socket.error, String(e));
  }
});

tcpTimeout(
  "testInterruptedTimeout",
  "an interruption (here an AbortSignal for SIGALRM) wins over the timeout",
  async () => {
    await using serv = tcpServer();
    serv.settimeout(5.0);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error("Alarm")), 200);
    try {
      await (serv.accept as (o: unknown) => Promise<unknown>).call(serv, {
        signal: ac.signal,
      });
      assert.fail("nothing caught");
    } catch (e) {
      assert.ok(!(e instanceof socket.timeout), "caught timeout instead");
      assert.ok(e instanceof Error && e.message === "Alarm", String(e));
    } finally {
      clearTimeout(timer);
    }
  },
);

const udpTimeout = cpythonCase("UDPTimeoutTest");

udpTimeout("testUDPTimeout", "recv with a timeout times out", async () => {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  s.settimeout(0.2);
  await rejectsWith(() => s.recv(1024), socket.timeout, /timed out/);
});

udpTimeout("testTimeoutZero", "timeout 0: OSError, not timeout", async () => {
  await using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  s.bind(["127.0.0.1", 0]);
  s.settimeout(0.0);
  try {
    await s.recv(1024);
    assert.fail("recv() succeeded");
  } catch (e) {
    assert.ok(!(e instanceof socket.timeout), `timeout: ${e}`);
    assert.ok(e instanceof socket.error, String(e));
  }
});

const nb = cpythonCase("NonBlockingTCPTests");

function assertSockTimeout(s: socket.Socket, timeout: number | null): void {
  assert.equal(s.gettimeout(), timeout);
  assert.equal(s.getblocking(), timeout !== 0);
}

nb("testSetBlocking", "setblocking and settimeout agree", async () => {
  await using serv = tcpServer();
  serv.setblocking(true);
  assertSockTimeout(serv, null);
  serv.setblocking(false);
  assertSockTimeout(serv, 0);
  serv.settimeout(null);
  assertSockTimeout(serv, null);
  serv.settimeout(0);
  assertSockTimeout(serv, 0);
  serv.settimeout(10);
  assertSockTimeout(serv, 10);
  serv.settimeout(0);
  assertSockTimeout(serv, 0);
});

nb(
  "testSetBlocking_overflow",
  "setblocking(UINT_MAX + 1) is true",
  async () => {
    await using serv = tcpServer();
    serv.setblocking(false);
    assertSockTimeout(serv, 0);
    const setblocking = serv.setblocking as unknown as (flag: unknown) => void;
    setblocking.call(serv, 2 ** 32);
    assertSockTimeout(serv, null);
  },
);

nb("testInitNonBlocking", "SOCK_NONBLOCK at creation", () => {
  using s = socket.socket(
    socket.AF_INET,
    socket.SOCK_STREAM | socket.SOCK_NONBLOCK,
  );
  assertSockTimeout(s, 0);
});

nb(
  "testInheritFlagsBlocking",
  "accepted socket: blocking default",
  async () => {
    await using serv = tcpServer();
    serv.settimeout(10);
    await using cli = socket.socket();
    const connecting = cli.connect(serv.getsockname());
    const [conn] = await serv.accept();
    await using _conn = conn;
    await connecting;
    assert.equal(conn.gettimeout(), null);
  },
);

nb(
  "testInheritFlagsTimeout",
  "accepted socket: the default timeout",
  async () => {
    await using serv = tcpServer();
    socket.setdefaulttimeout(20);
    try {
      serv.settimeout(10);
      await using cli = socket.socket();
      const connecting = cli.connect(serv.getsockname());
      const [conn] = await serv.accept();
      await using _conn = conn;
      await connecting;
      assert.equal(conn.gettimeout(), 20);
    } finally {
      socket.setdefaulttimeout(null);
    }
  },
);

nb("testAccept", "non-blocking accept, then select", async () => {
  await using serv = tcpServer();
  serv.setblocking(false);
  const start = performance.now();
  await rejectsErrno(() => serv.accept(), errno.EAGAIN);
  assert.ok(performance.now() - start < 1000);
  await using cli = socket.socket();
  const connecting = cli.connect(serv.getsockname());
  const [r] = await select.select([serv], [], [], 10);
  assert.deepEqual(r, [serv]);
  const [conn] = await serv.accept();
  await using _conn = conn;
  await connecting;
  assert.equal(conn.gettimeout(), null);
});

nb("testRecv", "non-blocking recv, then select", async () => {
  await using p = await tcpPair();
  p.conn.setblocking(false);
  await rejectsErrno(() => p.conn.recv(MSG_BYTES.length), errno.EAGAIN);
  await p.cli.sendall(MSG);
  const [r] = await select.select([p.conn], [], [], 10);
  assert.deepEqual(r, [p.conn]);
  assert.equal(text(await p.conn.recv(MSG_BYTES.length)), MSG);
});

const nbc = cpythonCase("NonblockConstantTest");

nbc("test_SOCK_NONBLOCK", "SOCK_NONBLOCK: type and timeout", () => {
  function check(s: socket.Socket, nonblock: boolean, timeout: number | null) {
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.gettimeout(), nonblock ? 0 : timeout);
  }
  {
    using s = socket.socket(
      socket.AF_INET,
      socket.SOCK_STREAM | socket.SOCK_NONBLOCK,
    );
    check(s, true, 0);
    s.setblocking(true);
    check(s, false, null);
    s.setblocking(false);
    check(s, true, 0);
    s.settimeout(null);
    check(s, false, null);
    s.settimeout(2.0);
    check(s, false, 2.0);
    s.settimeout(0);
    check(s, true, 0);
  }
  // A default timeout of 0 makes new sockets non-blocking; others not.
  for (const [t, nonblock] of [[0, true], [2.0, false]] as const) {
    socket.setdefaulttimeout(t);
    try {
      using s = socket.socket();
      check(s, nonblock, t);
    } finally {
      socket.setdefaulttimeout(null);
    }
  }
});

const closer = cpythonCase("TCPCloserTest");

closer("testClose", "peer close: readable, recv gives b''", async () => {
  await using p = await tcpPair();
  p.conn.close();
  const [r] = await select.select([p.cli], [], [], 1.0);
  assert.deepEqual(r, [p.cli]);
  assert.equal((await p.cli.recv(1)).length, 0);
  p.conn.close();
  p.conn.close();
});

const bio = cpythonCase("BufferIOTest");

bio("testRecvIntoArray", "recv_into an array of MSG's size", async () => {
  await using p = await tcpPair();
  await p.cli.send(MSG_BYTES);
  const buf = new Uint8Array(MSG_BYTES.length);
  assert.equal(await p.conn.recv_into(buf), MSG_BYTES.length);
  assert.deepEqual(buf, MSG_BYTES);
});

bio("testRecvIntoBytearray", "recv_into a larger buffer", async () => {
  await using p = await tcpPair();
  await p.cli.send(MSG_BYTES);
  const buf = new Uint8Array(1024);
  assert.equal(await p.conn.recv_into(buf), MSG_BYTES.length);
  assert.deepEqual(buf.subarray(0, MSG_BYTES.length), MSG_BYTES);
});

bio("testRecvIntoMemoryview", "recv_into a view", async () => {
  await using p = await tcpPair();
  await p.cli.send(MSG_BYTES);
  const backing = new ArrayBuffer(1024);
  const n = await p.conn.recv_into(new DataView(backing));
  assert.equal(n, MSG_BYTES.length);
  assert.deepEqual(new Uint8Array(backing, 0, n), MSG_BYTES);
});

bio("testRecvFromIntoArray", "recvfrom_into an array", async () => {
  await using p = await tcpPair();
  await p.cli.send(MSG_BYTES);
  const buf = new Uint8Array(MSG_BYTES.length);
  const [n] = await p.conn.recvfrom_into(buf);
  assert.equal(n, MSG_BYTES.length);
  assert.deepEqual(buf, MSG_BYTES);
});

bio("testRecvFromIntoBytearray", "recvfrom_into a larger buffer", async () => {
  await using p = await tcpPair();
  await p.cli.send(MSG_BYTES);
  const buf = new Uint8Array(1024);
  const [n] = await p.conn.recvfrom_into(buf);
  assert.equal(n, MSG_BYTES.length);
  assert.deepEqual(buf.subarray(0, n), MSG_BYTES);
});

bio("testRecvFromIntoMemoryview", "recvfrom_into a view", async () => {
  await using p = await tcpPair();
  await p.cli.send(MSG_BYTES);
  const backing = new ArrayBuffer(1024);
  const [n] = await p.conn.recvfrom_into(new DataView(backing));
  assert.equal(n, MSG_BYTES.length);
  assert.deepEqual(new Uint8Array(backing, 0, n), MSG_BYTES);
});

bio(
  "testRecvFromIntoSmallBuffer",
  "nbytes past the buffer: ValueError",
  async () => {
    await using p = await tcpPair();
    await p.cli.send(MSG_BYTES);
    await rejectsWith(
      () => p.conn.recvfrom_into(new Uint8Array(8), 1024),
      RangeError,
    );
  },
);

bio(
  "testRecvFromIntoEmptyBuffer",
  "an empty buffer takes 0 bytes",
  async () => {
    await using p = await tcpPair();
    await p.cli.send(MSG_BYTES);
    const [a] = await p.conn.recvfrom_into(new Uint8Array(0));
    const [b] = await p.conn.recvfrom_into(new Uint8Array(0), 0);
    assert.equal(a, 0);
    assert.equal(b, 0);
  },
);

const sp = cpythonCase("BasicSocketPairTest");

sp("testDefaults", "AF_UNIX, SOCK_STREAM, proto 0", async () => {
  const [a, b] = await socket.socketpair();
  await using _a = a;
  await using _b = b;
  for (const s of [a, b]) {
    assert.ok(s instanceof socket.socket);
    assert.equal(s.family, socket.AF_UNIX);
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.proto, 0);
  }
});

sp("testRecv", "one end sends, the other receives", async () => {
  const [serv, cli] = await socket.socketpair();
  await using _a = serv;
  await using _b = cli;
  await cli.send(MSG);
  assert.equal(text(await serv.recv(1024)), MSG);
});

sp("testSend", "and the other way", async () => {
  const [serv, cli] = await socket.socketpair();
  await using _a = serv;
  await using _b = cli;
  await serv.send(MSG);
  assert.equal(text(await cli.recv(1024)), MSG);
});
