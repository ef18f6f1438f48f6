// select.epoll(): CPython's errors, level- and edge-triggered reports,
// EPOLLONESHOT, maxevents with fairness, closed sockets leaving the set,
// close() and using, timeouts, aborts, and thousands of sockets.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";
import { sleep, tcpPair, tcpPairs, timed } from "../_select_helpers.ts";

const {
  EPOLL_CLOEXEC,
  EPOLLERR,
  EPOLLET,
  EPOLLEXCLUSIVE,
  EPOLLHUP,
  EPOLLIN,
  EPOLLONESHOT,
  EPOLLOUT,
  EPOLLPRI,
  EPOLLRDHUP,
} = select;

function isErrno(n: number): (e: unknown) => boolean {
  return (e) => e instanceof socket.error && e.errno === n;
}

Deno.test("epoll: constants are Linux's; EPOLLET is 2**31 and masks are unsigned", () => {
  assert.equal(EPOLLET, 2 ** 31);
  assert.equal(EPOLLONESHOT, 2 ** 30);
  assert.equal(EPOLLEXCLUSIVE, 2 ** 28);
  assert.equal(EPOLLRDHUP, 0x2000);
  assert.equal(EPOLL_CLOEXEC, 0x80000);
  assert.equal(select.PIPE_BUF, 4096);
  assert.ok((EPOLLIN | EPOLLET) < 0);
});

Deno.test("epoll: creation: sizehint -1 or positive, flags 0 or EPOLL_CLOEXEC", () => {
  select.epoll().close();
  select.epoll(10).close();
  select.epoll(-1, EPOLL_CLOEXEC).close();
  assert.throws(() => select.epoll(0), /negative sizehint/);
  assert.throws(() => select.epoll(-2), /negative sizehint/);
  assert.throws(
    () => select.epoll(-1, 1),
    (e: unknown) => e instanceof socket.error && e.message === "invalid flags",
  );
  // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
  assert.throws(() => (select.epoll as Function)(1.5), TypeError);
});

Deno.test("epoll: register, modify, unregister: CPython's errors", async () => {
  using ep = select.epoll();
  using s = socket.socket();
  using other = socket.socket();
  const closed = socket.socket();
  const closedFd = closed.fileno();
  closed.close();
  assert.throws(() => ep.register(-1), /negative integer \(-1\)/);
  assert.throws(() => ep.register(closed), /negative integer \(-1\)/);
  assert.throws(() => ep.register(closedFd), isErrno(socket.errno.EBADF));
  assert.throws(() => ep.register(999999), isErrno(socket.errno.EBADF));
  ep.register(s);
  assert.throws(
    () => ep.register(s),
    (e: unknown) =>
      e instanceof socket.error && e.errno === socket.errno.EEXIST &&
      e.message === "[Errno 17] File exists",
  );
  assert.throws(
    () => ep.modify(other, EPOLLIN),
    (e: unknown) =>
      e instanceof socket.FileNotFoundError && e.errno === socket.errno.ENOENT,
  );
  assert.throws(() => ep.unregister(other), isErrno(socket.errno.ENOENT));
  assert.throws(() => ep.unregister(closedFd), isErrno(socket.errno.EBADF));
  assert.throws(
    () => ep.modify(closedFd, EPOLLIN),
    isErrno(socket.errno.EBADF),
  );
  // EPOLLEXCLUSIVE: not with MOD, and only with the bits Linux allows.
  assert.throws(() => ep.register(other, -1), isErrno(socket.errno.EINVAL));
  assert.throws(
    () => ep.modify(s, EPOLLEXCLUSIVE | EPOLLIN),
    isErrno(socket.errno.EINVAL),
  );
  ep.register(other, EPOLLEXCLUSIVE | EPOLLIN);
  assert.throws(() => ep.modify(other, EPOLLIN), isErrno(socket.errno.EINVAL));
  // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
  const mod = ep.modify.bind(ep) as Function;
  assert.throws(
    () => mod(s, 1.5),
    /'float' object cannot be interpreted as an integer/,
  );
  // Masks wrap as C's unsigned int: 2**32 is 0, as in CPython.
  ep.unregister(other);
  ep.modify(s, 2 ** 32);
  assert.deepEqual(await ep.poll(0), [[s.fileno(), EPOLLHUP]]);
  ep.unregister(s);
});

Deno.test("epoll: a closed epoll object refuses every call; close is idempotent; using closes", async () => {
  const ep = select.epoll();
  assert.equal(ep.closed, false);
  assert.ok(ep.fileno() > 0);
  using s = socket.socket();
  ep.register(s);
  ep.close();
  ep.close();
  assert.equal(ep.closed, true);
  const message = /I\/O operation on closed epoll object/;
  assert.throws(() => ep.fileno(), message);
  assert.throws(() => ep.register(s), message);
  assert.throws(() => ep.modify(s, EPOLLIN), message);
  assert.throws(() => ep.unregister(s), message);
  await assert.rejects(ep.poll(0), message);
  let kept: select.Epoll;
  {
    using scoped = select.epoll();
    kept = scoped;
  }
  assert.equal(kept.closed, true);
  const numbers = new Set([select.epoll().fileno(), select.epoll().fileno()]);
  assert.equal(numbers.size, 2);
});

Deno.test("epoll: close() while a poll waits rejects that poll", async () => {
  const ep = select.epoll();
  const waiting = ep.poll(10);
  setTimeout(() => ep.close(), 20);
  await assert.rejects(waiting, /closed epoll object/);
});

Deno.test("epoll: level-triggered: reported on every poll while ready", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  using ep = select.epoll();
  ep.register(b, EPOLLIN);
  assert.deepEqual(await ep.poll(0), []);
  await a.send("x");
  assert.deepEqual(await ep.poll(2), [[b.fileno(), EPOLLIN]]);
  assert.deepEqual(await ep.poll(0), [[b.fileno(), EPOLLIN]]);
  assert.deepEqual(await ep.poll(0), [[b.fileno(), EPOLLIN]]);
  await b.recv(10);
  assert.deepEqual(await ep.poll(0), []);
  await a.send("y");
  assert.deepEqual(await ep.poll(2), [[b.fileno(), EPOLLIN]]);
});

Deno.test("epoll: edge-triggered: once per change, again after the socket was drained", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  using ep = select.epoll();
  ep.register(b, EPOLLIN | EPOLLET);
  await a.send("x");
  assert.deepEqual(await ep.poll(2), [[b.fileno(), EPOLLIN]]);
  assert.deepEqual(await ep.poll(0), []);
  assert.deepEqual(await ep.poll(0.05), []);
  // Read until EAGAIN, as edge-triggered code does.
  b.setblocking(false);
  await b.recv(100);
  await assert.rejects(b.recv(100), isErrno(socket.errno.EAGAIN));
  await a.send("y");
  assert.deepEqual(await ep.poll(2), [[b.fileno(), EPOLLIN]]);
  assert.deepEqual(await ep.poll(0), []);
  // EPOLLOUT edge: writable once, not again while nothing changes.
  ep.register(a, EPOLLOUT | EPOLLET);
  assert.deepEqual(await ep.poll(0), [[a.fileno(), EPOLLOUT]]);
  assert.deepEqual(await ep.poll(0), []);
  // modify() re-arms the edge, as EPOLL_CTL_MOD does.
  ep.modify(a, EPOLLOUT | EPOLLET);
  assert.deepEqual(await ep.poll(0), [[a.fileno(), EPOLLOUT]]);
});

Deno.test("epoll: EPOLLONESHOT: reported once, then not even for errors until modify", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  using ep = select.epoll();
  ep.register(b, EPOLLIN | EPOLLONESHOT);
  await a.send("x");
  assert.deepEqual(await ep.poll(2), [[b.fileno(), EPOLLIN]]);
  assert.deepEqual(await ep.poll(0), []);
  await b.recv(10);
  a.close();
  await sleep(30);
  assert.deepEqual(await ep.poll(0.05), []);
  ep.modify(b, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT);
  assert.deepEqual(await ep.poll(2), [[b.fileno(), EPOLLIN | EPOLLRDHUP]]);
  assert.deepEqual(await ep.poll(0), []);
});

Deno.test("epoll: EPOLLERR and EPOLLHUP are reported whatever the mask", async () => {
  using ep = select.epoll();
  using s = socket.socket();
  ep.register(s, 0);
  assert.deepEqual(await ep.poll(0), [[s.fileno(), EPOLLHUP]]);
  const l = socket.socket();
  l.bind(["127.0.0.1", 0]);
  const addr = l.getsockname();
  l.close();
  using c = socket.socket();
  c.setblocking(false);
  await c.connect_ex(addr);
  ep.unregister(s);
  ep.register(c, EPOLLPRI);
  assert.deepEqual(await ep.poll(5), [[c.fileno(), EPOLLERR | EPOLLHUP]]);
});

Deno.test("epoll: a socket closed while registered leaves the set silently, as Linux's", async () => {
  using pair = await tcpPair();
  const [a] = pair;
  using ep = select.epoll();
  const d = a.dup();
  const fd = d.fileno();
  ep.register(d, EPOLLOUT);
  assert.deepEqual(await ep.poll(0), [[fd, EPOLLOUT]]);
  d.close();
  assert.deepEqual(await ep.poll(0.05), []);
  assert.throws(() => ep.unregister(fd), isErrno(socket.errno.EBADF));
});

Deno.test("epoll: CPython's test_unregister_closed: EBADF after closing the registered socket", async () => {
  const [server, client] = await socket.socketpair();
  const fd = server.fileno();
  using ep = select.epoll(16);
  ep.register(server);
  const [, ms] = await timed(() => ep.poll(1, 4));
  assert.ok(ms < 500);
  server.close();
  assert.throws(() => ep.unregister(fd), isErrno(socket.errno.EBADF));
  client.close();
});

Deno.test("epoll: maxevents limits a batch, and every ready socket gets its turn", async () => {
  using many = await tcpPairs(10);
  using ep = select.epoll();
  for (const [a] of many.pairs) ep.register(a, EPOLLOUT);
  await assert.rejects(
    ep.poll(0, 0),
    /maxevents must be greater than 0, got 0/,
  );
  await assert.rejects(
    ep.poll(0, -2),
    /maxevents must be greater than 0, got -2/,
  );
  await assert.rejects(ep.poll(0, 2 ** 31), /too large to convert to C int/);
  const seen = new Set<number>();
  for (let i = 0; i < 4; i++) {
    const batch = await ep.poll(0, 3);
    assert.equal(batch.length, 3);
    for (const [fd] of batch) seen.add(fd);
  }
  assert.equal(seen.size, 10);
  assert.equal((await ep.poll(0)).length, 10);
});

Deno.test("epoll: timeouts in seconds: absent/null/negative wait; limits as CPython", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  using ep = select.epoll();
  ep.register(b, EPOLLIN);
  const [none, ms] = await timed(() => ep.poll(0.08));
  assert.deepEqual(none, []);
  assert.ok(ms >= 75 && ms < 2000, `${ms} ms`);
  for (const forever of [undefined, null, -1]) {
    setTimeout(() => a.send("x").catch(() => {}), 30);
    assert.deepEqual(await ep.poll(forever), [[b.fileno(), EPOLLIN]]);
    await b.recv(10);
  }
  // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
  const poll = ep.poll.bind(ep) as Function;
  await assert.rejects(poll("x"), /timeout must be an integer or None/);
  await assert.rejects(ep.poll(2 ** 31 / 1000), /timeout is too large/);
  await assert.rejects(ep.poll(1e10), /timestamp out of range/);
  await assert.rejects(ep.poll(NaN), /Invalid value NaN/);
});

Deno.test("epoll: registering a ready socket wakes a poll that waits; two polls may wait at once", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  using ep = select.epoll();
  const one = ep.poll(5);
  const two = ep.poll(5);
  setTimeout(() => ep.register(a, EPOLLOUT), 20);
  assert.deepEqual(await one, [[a.fileno(), EPOLLOUT]]);
  assert.deepEqual(await two, [[a.fileno(), EPOLLOUT]]);
  ep.unregister(a);
  ep.register(b, EPOLLIN);
  setTimeout(() => a.send("z").catch(() => {}), 20);
  assert.deepEqual(await ep.poll(5), [[b.fileno(), EPOLLIN]]);
});

Deno.test("epoll: sockets registered before they connect or listen are followed into their new phase", async () => {
  using ep = select.epoll();
  using server = socket.socket();
  ep.register(server, EPOLLIN);
  server.bind(["127.0.0.1", 0]);
  server.listen();
  assert.deepEqual(await ep.poll(0), []);
  using c = socket.socket();
  ep.register(c, EPOLLIN);
  await c.connect(server.getsockname());
  const [conn] = await server.accept();
  using _conn = conn;
  assert.deepEqual(await ep.poll(0), []);
  await conn.send("hi");
  assert.deepEqual(await ep.poll(2), [[c.fileno(), EPOLLIN]]);
});

Deno.test("epoll: {signal} cancels and loses nothing, edges included", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  using ep = select.epoll();
  ep.register(b, EPOLLIN | EPOLLET);
  await assert.rejects(ep.poll({ signal: AbortSignal.abort() }), {
    name: "AbortError",
  });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(ep.poll(10, { signal: ac.signal }), {
    name: "AbortError",
  });
  await a.send("x");
  await sleep(30);
  // The edge came while nobody polled: the next poll reports it.
  const ac2 = new AbortController();
  assert.deepEqual(await ep.poll(2, 5, { signal: ac2.signal }), [[
    b.fileno(),
    EPOLLIN,
  ]]);
});

Deno.test("epoll: thousands of registered sockets; a poll costs what the active ones cost", async () => {
  const n = 2000;
  using many = await tcpPairs(n);
  using ep = select.epoll();
  for (const [, b] of many.pairs) ep.register(b, EPOLLIN);
  assert.deepEqual(await ep.poll(0), []);
  const rounds = 200;
  const [, ms] = await timed(async () => {
    for (let i = 0; i < rounds; i++) {
      const [a, b] = many.pairs[(i * 7919) % n] ?? [];
      assert.ok(a && b);
      await a.send("x");
      const events = await ep.poll(5);
      assert.deepEqual(events, [[b.fileno(), EPOLLIN]]);
      await b.recv(1);
    }
  });
  // Not a benchmark: a poll that looked at all 2,000 each time would still
  // pass; this bounds a runaway.
  assert.ok(ms < 20_000, `${ms} ms for ${rounds} rounds`);
});

Deno.test("epoll: three epoll objects on one socket each see its events; unregistering from some leaves the others", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const eps = [select.epoll(), select.epoll(), select.epoll()];
  try {
    for (const ep of eps) ep.register(b, EPOLLIN);
    for (const ep of eps) assert.deepEqual(await ep.poll(0), []);
    await a.send("x");
    for (const ep of eps) {
      assert.deepEqual(await ep.poll(1), [[b.fileno(), EPOLLIN]]);
    }
    await b.recv(10);
    // Down to two watchers, then to one: the one left still wakes.
    eps[0]!.unregister(b);
    eps[1]!.unregister(b);
    assert.deepEqual(await eps[2]!.poll(0), []);
    const waiting = eps[2]!.poll(5);
    await a.send("y");
    assert.deepEqual(await waiting, [[b.fileno(), EPOLLIN]]);
    assert.deepEqual(await eps[0]!.poll(0), []);
    // And registered again after that.
    eps[0]!.register(b, EPOLLIN);
    assert.deepEqual(await eps[0]!.poll(1), [[b.fileno(), EPOLLIN]]);
  } finally {
    for (const ep of eps) ep.close();
  }
});
