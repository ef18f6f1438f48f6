// socketserver: CPython's test_socketserver (every server kind echoing
// through serve_forever, shutdown, errors in handlers, the socket writer),
// plus the hooks, the class attributes as statics, and what tasks change.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as socketserver from "../../socketserver/mod.ts";
import { runtime } from "../../_runtime/runtime.ts";
import { skipReason } from "../_python.ts";
import { sleep, timed } from "../_select_helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const TEST_STR = enc.encode("hello world\n");

let dir: string | null = null;
let counter = 0;
function unixPath(): string {
  dir ??= Deno.makeTempDirSync({ prefix: "pysocket-socketserver-" });
  return `${dir}/s${counter++}`;
}
globalThis.addEventListener("unload", () => {
  if (dir) Deno.removeSync(dir, { recursive: true });
});

class StreamEcho extends socketserver.StreamRequestHandler {
  override async handle(): Promise<void> {
    const line = await this.rfile.readline();
    await this.wfile.write(line);
  }
}

class DatagramEcho extends socketserver.DatagramRequestHandler {
  override handle(): void {
    this.wfile.write(this.rfile.read());
  }
}

type ServerCtor = new (
  address: socket.Address,
  handler: socketserver.RequestHandlerClass,
  bind_and_activate?: boolean,
) => socketserver.TCPServer;

async function streamExamine(
  family: number,
  address: socket.Address,
): Promise<void> {
  using s = socket.socket(family, socket.SOCK_STREAM);
  await s.connect(address);
  await s.sendall(TEST_STR);
  let buf = new Uint8Array(0);
  for (;;) {
    const data = await s.recv(100);
    if (data.length === 0 || buf.length + data.length > TEST_STR.length) {
      if (data.length === 0) break;
    }
    const next = new Uint8Array(buf.length + data.length);
    next.set(buf);
    next.set(data, buf.length);
    buf = next;
  }
  assert.deepEqual(buf, TEST_STR);
}

async function dgramExamine(
  family: number,
  address: socket.Address,
): Promise<void> {
  using s = socket.socket(family, socket.SOCK_DGRAM);
  if (family === socket.AF_UNIX) s.bind(unixPath());
  await s.sendto(TEST_STR, address);
  s.settimeout(5);
  const data = await s.recv(TEST_STR.length);
  assert.deepEqual(data, TEST_STR);
}

const CASES: Array<[string, ServerCtor, number, "stream" | "dgram"]> = [
  ["TCPServer", socketserver.TCPServer, socket.AF_INET, "stream"],
  [
    "ThreadingTCPServer",
    socketserver.ThreadingTCPServer,
    socket.AF_INET,
    "stream",
  ],
  ["UnixStreamServer", socketserver.UnixStreamServer, socket.AF_UNIX, "stream"],
  [
    "ThreadingUnixStreamServer",
    socketserver.ThreadingUnixStreamServer,
    socket.AF_UNIX,
    "stream",
  ],
  ["UDPServer", socketserver.UDPServer, socket.AF_INET, "dgram"],
  [
    "ThreadingUDPServer",
    socketserver.ThreadingUDPServer,
    socket.AF_INET,
    "dgram",
  ],
  [
    "UnixDatagramServer",
    socketserver.UnixDatagramServer,
    socket.AF_UNIX,
    "dgram",
  ],
  [
    "ThreadingUnixDatagramServer",
    socketserver.ThreadingUnixDatagramServer,
    socket.AF_UNIX,
    "dgram",
  ],
];

for (const [name, Server, family, kind] of CASES) {
  const unsupported = family === socket.AF_UNIX && kind === "dgram" &&
    !runtime.capabilities.unixDatagrams;
  if (unsupported) {
    skipReason(
      `socketserver: ${name}`,
      "this runtime has no AF_UNIX SOCK_DGRAM",
    );
  }
  Deno.test({
    name: `socketserver: ${name} serves three clients through serve_forever`,
    ignore: unsupported,
  }, async () => {
    const address: socket.Address = family === socket.AF_UNIX
      ? unixPath()
      : ["127.0.0.1", 0];
    const server = new Server(
      address,
      kind === "stream" ? StreamEcho : DatagramEcho,
    );
    assert.equal(server.socket.family, family);
    const serving = server.serve_forever(0.05);
    for (let i = 0; i < 3; i++) {
      if (kind === "stream") await streamExamine(family, server.server_address);
      else await dgramExamine(family, server.server_address);
    }
    await server.shutdown();
    await serving;
    await server.server_close();
    assert.equal(server.socket.fileno(), -1);
  });
}

Deno.test("socketserver: many servers shut down, each at once (CPython's test_shutdown)", async () => {
  const servers: socketserver.TCPServer[] = [];
  const runs: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) {
    const s = new socketserver.TCPServer(
      ["127.0.0.1", 0],
      socketserver.StreamRequestHandler,
    );
    servers.push(s);
    runs.push(s.serve_forever(0.05));
  }
  const [, ms] = await timed(async () => {
    for (const s of servers) {
      await s.shutdown();
      await s.server_close();
    }
    await Promise.all(runs);
  });
  assert.ok(ms < 5000, `${ms} ms`);
});

Deno.test("socketserver: shutdown() during the wait stops at once, not after poll_interval", async () => {
  await using server = new socketserver.TCPServer(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  const serving = server.serve_forever(30);
  await sleep(20);
  const [, ms] = await timed(async () => {
    await server.shutdown();
    await serving;
  });
  assert.ok(ms < 2000, `${ms} ms`);
});

Deno.test("socketserver: shutdown() before serve_forever() makes it return at once (as CPython's flag)", async () => {
  await using server = new socketserver.TCPServer(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  await server.shutdown();
  const [, ms] = await timed(() => server.serve_forever(30));
  assert.ok(ms < 2000);
  // The flag is spent: the next serve_forever runs until shut down.
  const serving = server.serve_forever(0.01);
  await sleep(30);
  await server.shutdown();
  await serving;
});

Deno.test("socketserver: close immediately, and binding failures close the socket (no leak)", async () => {
  const server = new socketserver.TCPServer(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  await server.server_close();
  using taken = socket.socket();
  taken.bind(["127.0.0.1", 0]);
  taken.listen();
  for (let i = 0; i < 20; i++) {
    assert.throws(
      () =>
        new socketserver.TCPServer(
          taken.getsockname(),
          socketserver.StreamRequestHandler,
        ),
      (e: unknown) =>
        e instanceof socket.error && e.errno === socket.errno.EADDRINUSE,
    );
  }
});

Deno.test("socketserver: using and await using close the server", async () => {
  let fd: number;
  {
    using server = new socketserver.TCPServer(
      ["127.0.0.1", 0],
      socketserver.StreamRequestHandler,
    );
    fd = server.fileno();
    assert.ok(fd > 0);
  }
  {
    await using server = new socketserver.ThreadingTCPServer(
      ["127.0.0.1", 0],
      socketserver.StreamRequestHandler,
    );
    fd = server.socket.fileno();
  }
  assert.ok(fd > 0);
});

Deno.test("socketserver: class attributes are statics a subclass overrides, read (and set) on the instance", () => {
  class Reusing extends socketserver.TCPServer {
    static override allow_reuse_address = true;
    static override request_queue_size = 17;
    static override timeout = 3;
  }
  using a = new Reusing(["127.0.0.1", 0], socketserver.BaseRequestHandler);
  assert.equal(a.allow_reuse_address, true);
  assert.equal(a.request_queue_size, 17);
  assert.equal(a.timeout, 3);
  assert.equal(a.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  using b = new socketserver.TCPServer(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  assert.equal(b.allow_reuse_address, false);
  assert.equal(b.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
  assert.equal(b.address_family, socket.AF_INET);
  assert.equal(b.socket_type, socket.SOCK_STREAM);
  assert.equal(b.block_on_close, true);
  // An instance's setting, before binding by hand.
  using c = new socketserver.TCPServer(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
    false,
  );
  c.allow_reuse_address = true;
  c.server_bind();
  c.server_activate();
  assert.equal(c.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  assert.equal(socketserver.TCPServer.allow_reuse_address, false);
  assert.equal(socketserver.UDPServer.socket_type, socket.SOCK_DGRAM);
  assert.equal(socketserver.UDPServer.max_packet_size, 8192);
  assert.equal(socketserver.UnixStreamServer.address_family, socket.AF_UNIX);
  assert.equal(socketserver.ThreadingTCPServer.daemon_threads, false);
  assert.equal(socketserver.StreamRequestHandler.rbufsize, -1);
  assert.equal(socketserver.StreamRequestHandler.wbufsize, 0);
  assert.equal(socketserver.StreamRequestHandler.timeout, null);
  assert.equal(
    socketserver.StreamRequestHandler.disable_nagle_algorithm,
    false,
  );
});

Deno.test("socketserver: hooks run in CPython's order; finish() runs also when handle() throws", async () => {
  const calls: string[] = [];
  class Handler extends socketserver.BaseRequestHandler {
    override setup(): void {
      calls.push("setup");
    }
    override async handle(): Promise<void> {
      calls.push("handle");
      const data = await this.request.recv(10);
      if (dec.decode(data) === "boom") throw new Error("boom");
    }
    override async finish(): Promise<void> {
      await sleep(1);
      calls.push("finish");
    }
  }
  class Server extends socketserver.TCPServer {
    override async verify_request(
      r: socketserver.Request,
      a: socket.Address,
    ): Promise<boolean> {
      calls.push("verify_request");
      return await super.verify_request(r, a);
    }
    override process_request(
      r: socketserver.Request,
      a: socket.Address,
    ): Promise<void> {
      calls.push("process_request");
      return super.process_request(r, a);
    }
    override finish_request(
      r: socketserver.Request,
      a: socket.Address,
    ): Promise<void> {
      calls.push("finish_request");
      return super.finish_request(r, a);
    }
    override handle_error(
      _r: socketserver.Request,
      _a: socket.Address,
      e: unknown,
    ): void {
      calls.push(`handle_error ${(e as Error).message}`);
    }
    override shutdown_request(
      r: socketserver.Request,
    ): socketserver.Awaitable<void> {
      calls.push("shutdown_request");
      return super.shutdown_request(r);
    }
    override close_request(
      r: socketserver.Request,
    ): socketserver.Awaitable<void> {
      calls.push("close_request");
      return super.close_request(r);
    }
  }
  await using server = new Server(["127.0.0.1", 0], Handler);
  for (const message of ["fine", "boom"]) {
    using c = socket.socket();
    await c.connect(server.server_address);
    await c.sendall(message);
    await server.handle_request();
    assert.equal((await c.recv(10)).length, 0);
  }
  assert.deepEqual(calls, [
    "verify_request",
    "process_request",
    "finish_request",
    "setup",
    "handle",
    "finish",
    "shutdown_request",
    "close_request",
    "verify_request",
    "process_request",
    "finish_request",
    "setup",
    "handle",
    "finish",
    "handle_error boom",
    "shutdown_request",
    "close_request",
  ]);
});

Deno.test("socketserver: verify_request false shuts the request down, unhandled (CPython's MiscTestCase)", async () => {
  let shut = 0;
  let handled = 0;
  class Handler extends socketserver.BaseRequestHandler {
    override handle(): void {
      handled++;
    }
  }
  class Server extends socketserver.TCPServer {
    override verify_request(): boolean {
      return false;
    }
    override shutdown_request(
      r: socketserver.Request,
    ): socketserver.Awaitable<void> {
      shut++;
      return super.shutdown_request(r);
    }
  }
  await using server = new Server(["127.0.0.1", 0], Handler);
  using c = socket.socket();
  await c.connect(server.server_address);
  await server.handle_request();
  assert.equal(shut, 1);
  assert.equal(handled, 0);
});

Deno.test("socketserver: handle_error prints CPython's report to stderr and the server keeps serving", async () => {
  class Failing extends socketserver.BaseRequestHandler {
    override async handle(): Promise<void> {
      const data = await this.request.recv(10);
      if (dec.decode(data) === "fail") throw new RangeError("asked to fail");
      await this.request.sendall(data);
    }
  }
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) =>
    lines.push(args.map(String).join(" "));
  try {
    await using server = new socketserver.TCPServer(["127.0.0.1", 0], Failing);
    const serving = server.serve_forever(0.05);
    const clientPorts: number[] = [];
    for (const message of ["ok", "fail", "again"]) {
      using c = socket.socket();
      await c.connect(server.server_address);
      clientPorts.push(Number(c.getsockname()[1]));
      await c.sendall(message);
      const reply = dec.decode(await c.recv(10));
      assert.equal(reply, message === "fail" ? "" : message);
    }
    await server.shutdown();
    await serving;
    const report = lines.join("\n").split("\n");
    assert.equal(report[0], "-".repeat(40));
    assert.equal(
      report[1],
      `Exception occurred during processing of request from ('127.0.0.1', ${
        clientPorts[1]
      })`,
    );
    assert.equal(report[2], "Traceback (most recent call last):");
    assert.equal(report.at(-2), "RangeError: asked to fail");
    assert.equal(report.at(-1), "-".repeat(40));
  } finally {
    console.error = original;
  }
});

Deno.test("socketserver: get_request's OSError is skipped, the loop goes on", async () => {
  let tries = 0;
  class Flaky extends socketserver.TCPServer {
    override get_request(): socketserver.Awaitable<
      [socketserver.Request, socket.Address]
    > {
      if (tries++ === 0) throw new socket.error(socket.errno.ECONNABORTED);
      return super.get_request();
    }
  }
  await using server = new Flaky(["127.0.0.1", 0], StreamEcho);
  const serving = server.serve_forever(0.05);
  await streamExamine(socket.AF_INET, server.server_address);
  await server.shutdown();
  await serving;
  assert.ok(tries >= 2);
});

Deno.test("socketserver: handle_request waits at most timeout, then handle_timeout", async () => {
  let timeouts = 0;
  class Server extends socketserver.TCPServer {
    static override timeout = 0.1;
    override handle_timeout(): void {
      timeouts++;
    }
  }
  await using server = new Server(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  const [, ms] = await timed(() => server.handle_request());
  assert.equal(timeouts, 1);
  assert.ok(ms >= 95 && ms < 3000, `${ms} ms`);
  // The socket's timeout counts too: the smaller one wins.
  server.timeout = 10;
  server.socket.settimeout(0.05);
  const [, ms2] = await timed(() => server.handle_request());
  assert.equal(timeouts, 2);
  assert.ok(ms2 < 3000, `${ms2} ms`);
});

Deno.test("socketserver: service_actions runs on each turn of serve_forever", async () => {
  let turns = 0;
  class Server extends socketserver.TCPServer {
    override service_actions(): void {
      turns++;
    }
  }
  await using server = new Server(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  const serving = server.serve_forever(0.02);
  await sleep(150);
  await server.shutdown();
  await serving;
  assert.ok(turns >= 3, `${turns} turns`);
});

Deno.test("socketserver: ThreadingMixIn runs requests concurrently; server_close waits for them", async () => {
  let active = 0;
  let peak = 0;
  let finished = 0;
  class Slow extends socketserver.BaseRequestHandler {
    override async handle(): Promise<void> {
      active++;
      peak = Math.max(peak, active);
      await this.request.recv(10);
      await sleep(100);
      active--;
      finished++;
      await this.request.sendall("done");
    }
  }
  const server = new socketserver.ThreadingTCPServer(["127.0.0.1", 0], Slow);
  const serving = server.serve_forever(0.05);
  const clients = await Promise.all([0, 1, 2].map(async () => {
    const c = socket.socket();
    await c.connect(server.server_address);
    await c.sendall("go");
    return c;
  }));
  await sleep(50);
  await server.shutdown();
  await serving;
  assert.equal(finished, 0);
  await server.server_close();
  assert.equal(finished, 3);
  assert.equal(peak, 3);
  for (const c of clients) {
    assert.equal(dec.decode(await c.recv(10)), "done");
    c.close();
  }
});

Deno.test("socketserver: daemon_threads (or block_on_close false): server_close does not wait", async () => {
  for (
    const configure of [
      (s: socketserver.ThreadingTCPServer) => s.daemon_threads = true,
      (s: socketserver.ThreadingTCPServer) => s.block_on_close = false,
    ]
  ) {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    class Waiting extends socketserver.BaseRequestHandler {
      override async handle(): Promise<void> {
        await gate;
      }
    }
    const server = new socketserver.ThreadingTCPServer(
      ["127.0.0.1", 0],
      Waiting,
    );
    configure(server);
    using c = socket.socket();
    await c.connect(server.server_address);
    await server.handle_request();
    const [, ms] = await timed(() => server.server_close());
    assert.ok(ms < 1000);
    release();
    await sleep(10);
  }
});

Deno.test("socketserver: ThreadingMixIn mixes into a subclass of one's own; statics read through", () => {
  class MyServer extends socketserver.ThreadingMixIn(socketserver.UDPServer) {
    static override daemon_threads = true;
    static override max_packet_size = 100;
  }
  using server = new MyServer(["127.0.0.1", 0], DatagramEcho);
  assert.equal(server.daemon_threads, true);
  assert.equal(server.max_packet_size, 100);
  assert.ok(server instanceof socketserver.UDPServer);
  assert.ok(server instanceof socketserver.TCPServer);
  assert.ok(server instanceof socketserver.BaseServer);
});

Deno.test("socketserver: StreamRequestHandler applies timeout and disable_nagle_algorithm; buffered wfile is flushed", async () => {
  const seen: Array<[number | null, number]> = [];
  class Handler extends socketserver.StreamRequestHandler {
    static override timeout = 7;
    static override disable_nagle_algorithm = true;
    static override wbufsize = 8192;
    override async handle(): Promise<void> {
      seen.push([
        this.connection.gettimeout(),
        Number(
          this.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
        ),
      ]);
      assert.equal(this.connection, this.request);
      for await (const line of this.rfile) {
        await this.wfile.write(dec.decode(line).toUpperCase());
        if (dec.decode(line).startsWith("end")) break;
      }
    }
  }
  await using server = new socketserver.TCPServer(["127.0.0.1", 0], Handler);
  using c = socket.socket();
  await c.connect(server.server_address);
  await c.sendall("one\nend\n");
  await server.handle_request();
  let reply = "";
  for (;;) {
    const data = await c.recv(100);
    if (data.length === 0) break;
    reply += dec.decode(data);
  }
  assert.equal(reply, "ONE\nEND\n");
  assert.deepEqual(seen, [[7, 1]]);
});

Deno.test("socketserver: the unbuffered wfile: writable, fileno, writes of every bytes-like (CPython's SocketWriterTest)", async () => {
  const results: unknown[] = [];
  class Handler extends socketserver.StreamRequestHandler {
    override async handle(): Promise<void> {
      results.push(this.wfile.writable());
      results.push(
        (this.wfile as unknown as { fileno(): number }).fileno() ===
          this.connection.fileno(),
      );
      results.push(await this.wfile.write(enc.encode("write data\n")));
      results.push(
        await this.wfile.write(new Uint8Array(enc.encode("bytearray data\n"))),
      );
      results.push(
        await this.wfile.write(
          new DataView(enc.encode("memoryview data\n").buffer),
        ),
      );
      results.push(await this.wfile.write("text\n"));
      await this.wfile.flush();
    }
  }
  await using server = new socketserver.TCPServer(["127.0.0.1", 0], Handler);
  using c = socket.socket();
  await c.connect(server.server_address);
  await server.handle_request();
  let got = "";
  for (;;) {
    const data = await c.recv(100);
    if (data.length === 0) break;
    got += dec.decode(data);
  }
  assert.deepEqual(results, [true, true, 11, 15, 16, 5]);
  assert.equal(got, "write data\nbytearray data\nmemoryview data\ntext\n");
});

Deno.test("socketserver: DatagramRequestHandler: rfile holds the datagram, wfile's contents go back", async () => {
  let packet = "";
  class Handler extends socketserver.DatagramRequestHandler {
    override handle(): void {
      packet = dec.decode(this.packet);
      assert.equal(this.socket, (this.server as socketserver.UDPServer).socket);
      const lines = this.rfile.readlines().map((l) => dec.decode(l));
      this.wfile.write(lines.reverse().join(""));
    }
  }
  await using server = new socketserver.UDPServer(["127.0.0.1", 0], Handler);
  using c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  await c.sendto("a\nb\n", server.server_address);
  await server.handle_request();
  assert.equal(packet, "a\nb\n");
  assert.equal(dec.decode((await c.recvfrom(100))[0]), "b\na\n");
});

Deno.test("socketserver: BytesIO reads, readline with limits, writes past the end, iterates", () => {
  const f = new socketserver.BytesIO(enc.encode("ab\ncd\nef"));
  assert.equal(dec.decode(f.readline(1)), "a");
  assert.equal(dec.decode(f.readline()), "b\n");
  assert.deepEqual([...f].map((l) => dec.decode(l)), ["cd\n", "ef"]);
  assert.equal(f.read().length, 0);
  const w = new socketserver.BytesIO();
  assert.equal(w.write("xyz"), 3);
  assert.equal(w.write(new Uint8Array(2000)), 2000);
  assert.equal(w.getvalue().length, 2003);
  w.close();
  assert.equal(w.closed, true);
  assert.throws(() => w.getvalue(), /closed file/);
});

Deno.test("socketserver: the exported names: no Forking*, as JavaScript has no fork()", () => {
  const names = Object.keys(socketserver).sort();
  for (
    const name of [
      "BaseRequestHandler",
      "BaseServer",
      "DatagramRequestHandler",
      "StreamRequestHandler",
      "TCPServer",
      "ThreadingMixIn",
      "ThreadingTCPServer",
      "ThreadingUDPServer",
      "ThreadingUnixDatagramServer",
      "ThreadingUnixStreamServer",
      "UDPServer",
      "UnixDatagramServer",
      "UnixStreamServer",
    ]
  ) {
    assert.ok(names.includes(name), name);
  }
  assert.deepEqual(names.filter((n) => n.startsWith("Forking")), []);
});

Deno.test("socketserver: BaseServer alone has no socket: fileno and get_request say so", async () => {
  const server = new socketserver.BaseServer(
    ["127.0.0.1", 0],
    socketserver.BaseRequestHandler,
  );
  assert.throws(() => server.fileno(), { name: "NotImplementedError" });
  assert.throws(() => server.get_request(), { name: "NotImplementedError" });
  await server.server_close();
});
