// select.poll(): register, modify and unregister with CPython's errors;
// poll() with Linux's bits, POLLNVAL for numbers no socket has, timeouts
// in milliseconds, aborts, and the refusal of a second poll at once.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";
import { fill, sleep, tcpPair, tcpPairs, timed } from "../_select_helpers.ts";

const {
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
  POLLRDHUP,
  POLLRDNORM,
  POLLWRNORM,
} = select;

Deno.test("poll: register's errors are CPython's", () => {
  const p = select.poll();
  using s = socket.socket();
  const closed = socket.socket();
  closed.close();
  assert.throws(
    () => p.register(-1),
    /file descriptor cannot be a negative integer \(-1\)/,
  );
  assert.throws(() => p.register(closed), RangeError);
  // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
  const reg = p.register.bind(p) as Function;
  assert.throws(
    () => reg({}),
    /argument must be an int, or have a fileno\(\) method\./,
  );
  assert.throws(() => reg(1.5), TypeError);
  assert.throws(
    () => p.register(2 ** 40),
    /Python int too large to convert to C int/,
  );
  assert.throws(() => p.register(s, -1), /value must be positive/);
  assert.throws(() => p.register(s, 0x10000), /too large for C unsigned short/);
  assert.throws(() => reg(s, "1"), /an integer is required/);
  assert.throws(() => reg(s, 1.5), /an integer is required/);
  // Any number is taken: it polls as POLLNVAL.
  p.register(123456);
  p.register(s, 0xffff);
});

Deno.test("poll: modify and unregister: ENOENT and KeyError for what is not registered", () => {
  const p = select.poll();
  using s = socket.socket();
  assert.throws(
    () => p.modify(s, POLLIN),
    (e: unknown) =>
      e instanceof socket.FileNotFoundError && e.errno === socket.errno.ENOENT,
  );
  assert.throws(
    () => p.unregister(s),
    (e: unknown) =>
      e instanceof Error && e.name === "KeyError" &&
      e.message === String(s.fileno()),
  );
  p.register(s, POLLIN);
  p.modify(s, POLLOUT);
  p.unregister(s);
  assert.throws(() => p.unregister(s.fileno()), { name: "KeyError" });
});

Deno.test("poll: events are the asked-for bits plus POLLERR, POLLHUP and POLLNVAL", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const p = select.poll();
  p.register(a); // POLLIN | POLLPRI | POLLOUT
  assert.deepEqual(await p.poll(0), [[a.fileno(), POLLOUT]]);
  p.register(a, 0); // registering again replaces the mask
  assert.deepEqual(await p.poll(0), []);
  p.modify(a, 0xffff);
  assert.deepEqual(await p.poll(0), [[a.fileno(), POLLOUT | POLLWRNORM]]);
  await b.sendall("x");
  p.modify(a, POLLIN);
  const [[fd, ev]] = await p.poll(1000) as [[number, number]];
  assert.equal(fd, a.fileno());
  assert.equal(ev, POLLIN);
  b.shutdown(socket.SHUT_WR);
  p.modify(a, POLLIN | POLLRDHUP);
  await a.recv(1);
  await sleep(20);
  assert.deepEqual(await p.poll(1000), [[a.fileno(), POLLIN | POLLRDHUP]]);
  // Shut both ways: POLLHUP comes even when only POLLOUT is asked for.
  a.shutdown(socket.SHUT_WR);
  p.modify(a, POLLOUT);
  assert.deepEqual(await p.poll(0), [[a.fileno(), POLLOUT | POLLHUP]]);
});

Deno.test("poll: a new socket is POLLOUT|POLLHUP; a refused connect adds POLLERR", async () => {
  using s = socket.socket();
  const p = select.poll();
  p.register(s, POLLIN);
  assert.deepEqual(await p.poll(0), [[s.fileno(), POLLHUP]]);
  const l = socket.socket();
  l.bind(["127.0.0.1", 0]);
  const addr = l.getsockname();
  l.close();
  using c = socket.socket();
  c.setblocking(false);
  await c.connect_ex(addr);
  const q = select.poll();
  q.register(c, POLLOUT);
  assert.deepEqual(await q.poll(5000), [[
    c.fileno(),
    POLLOUT | POLLERR | POLLHUP,
  ]]);
});

Deno.test("poll: a number that is no open socket polls as POLLNVAL, at once", async () => {
  const p = select.poll();
  const s = socket.socket();
  const fd = s.fileno();
  p.register(s, POLLIN);
  s.close();
  p.register(99999, 0);
  assert.deepEqual(await p.poll(), [[fd, POLLNVAL], [99999, POLLNVAL]]);
});

Deno.test("poll: a socket closed while polled wakes the poll with POLLNVAL", async () => {
  using pair = await tcpPair();
  const [a] = pair;
  const d = a.dup();
  const fd = d.fileno();
  const p = select.poll();
  p.register(d, POLLIN);
  setTimeout(() => d.close(), 30);
  const [events, ms] = await timed(() => p.poll(10_000));
  assert.deepEqual(events, [[fd, POLLNVAL]]);
  assert.ok(ms < 5000, `${ms} ms`);
});

Deno.test("poll: results come in registration order", async () => {
  using many = await tcpPairs(5);
  const p = select.poll();
  const order = [3, 1, 4, 0, 2];
  for (const i of order) p.register(many.pairs[i]?.[0] ?? -1, POLLOUT);
  const fds = (await p.poll(0)).map(([fd]) => fd);
  assert.deepEqual(fds, order.map((i) => many.pairs[i]?.[0].fileno()));
});

Deno.test("poll: timeouts in milliseconds: absent/null/negative wait, fractions round up, limits", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const p = select.poll();
  p.register(b, POLLIN);
  const [none, ms] = await timed(() => p.poll(80));
  assert.deepEqual(none, []);
  assert.ok(ms >= 75 && ms < 2000, `${ms} ms`);
  const [, msf] = await timed(() => p.poll(0.2)); // rounds up to 1 ms
  assert.ok(msf >= 0.9, `${msf} ms`);
  for (const forever of [undefined, null, -1, -5.5]) {
    setTimeout(() => a.send("x").catch(() => {}), 30);
    const [events] = await timed(() => p.poll(forever));
    assert.deepEqual(events, [[b.fileno(), POLLIN]]);
    await b.recv(10);
  }
  // deno-lint-ignore ban-types -- calling with deliberately wrong arguments
  const poll = p.poll.bind(p) as Function;
  await assert.rejects(poll("1"), /timeout must be an integer or None/);
  await assert.rejects(p.poll(NaN), /Invalid value NaN/);
  await assert.rejects(p.poll(2 ** 31), /timeout is too large/);
  await assert.rejects(p.poll(1e300), /timestamp out of range/);
  await assert.rejects(p.poll(-Infinity), /timestamp out of range/);
});

Deno.test("poll: a second poll() while one waits is refused (RuntimeError)", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const p = select.poll();
  p.register(b, POLLIN);
  const first = p.poll();
  await assert.rejects(
    p.poll(0),
    (e: unknown) =>
      e instanceof Error && e.name === "RuntimeError" &&
      e.message === "concurrent poll() invocation",
  );
  await a.send("x");
  assert.deepEqual(await first, [[b.fileno(), POLLIN]]);
  // Once it has ended, polling again is fine.
  assert.deepEqual(await p.poll(0), [[b.fileno(), POLLIN]]);
});

Deno.test("poll: a registration made while a poll waits is for the next poll (as CPython)", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const p = select.poll();
  p.register(b, POLLIN);
  const waiting = p.poll(100);
  p.register(a, POLLOUT);
  assert.deepEqual(await waiting, []);
  assert.deepEqual(await p.poll(0), [[a.fileno(), POLLOUT]]);
});

Deno.test("poll: {signal} cancels; an aborted signal rejects at once; poll works after", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const p = select.poll();
  p.register(b, POLLIN);
  const aborted = AbortSignal.abort();
  await assert.rejects(p.poll({ signal: aborted }), { name: "AbortError" });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 30);
  await assert.rejects(p.poll(10_000, { signal: ac.signal }), {
    name: "AbortError",
  });
  await a.send("x");
  assert.deepEqual(
    await p.poll(1000, { signal: new AbortController().signal }),
    [[
      b.fileno(),
      POLLIN,
    ]],
  );
});

Deno.test("poll: POLLOUT goes when the send queue is full, and comes back when it drains", async () => {
  using pair = await tcpPair();
  const [a, b] = pair;
  const p = select.poll();
  p.register(a, POLLOUT | POLLPRI);
  const queued = await fill(a);
  assert.deepEqual(await p.poll(0), []);
  const waiting = p.poll(10_000);
  let got = 0;
  while (got < queued) got += (await b.recv(1 << 20)).length;
  assert.deepEqual(await waiting, [[a.fileno(), POLLOUT]]);
});

Deno.test("poll: datagram sockets: POLLOUT always, POLLIN with a datagram queued", async () => {
  using u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  u.bind(["127.0.0.1", 0]);
  using v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const p = select.poll();
  p.register(u, POLLIN | POLLOUT | POLLRDNORM);
  assert.deepEqual(await p.poll(0), [[u.fileno(), POLLOUT]]);
  await v.sendto("d", u.getsockname());
  p.modify(u, POLLIN | POLLRDNORM);
  assert.deepEqual(await p.poll(2000), [[u.fileno(), POLLIN | POLLRDNORM]]);
  const [data] = await u.recvfrom(10);
  assert.equal(new TextDecoder().decode(data), "d");
  assert.deepEqual(await p.poll(0), []);
});
