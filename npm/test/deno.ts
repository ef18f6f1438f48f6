// The part of the `Deno` namespace that pysocket's tests use, on Node.js
// and Bun: `Deno.test` onto node:test, the file, process and system calls
// of the test helpers onto node:fs, node:child_process and node:os, and raw
// TCP and UDP peers onto the built package's runtime layer. Loaded with
// `node --import ./deno.js --test FILE` or `bun test --preload ./deno.js
// FILE` (Bun runs node:test files only under its test runner); it only
// installs `globalThis.Deno`. Tests of Deno-only behaviour are registered
// as skipped, with the reason printed (see SKIPS).

import * as childProcess from "node:child_process";
import * as dns from "node:dns";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable, Writable } from "node:stream";
import { test as nodeTest, type TestContext } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
// The built package's own runtime layer, for the tests' raw TCP and UDP
// peers (Deno.connect, Deno.listen, Deno.listenDatagram).
import {
  type DatagramSocket,
  runtime,
  type StreamConn,
  type StreamListener,
} from "../../_runtime/node.ts";

const SHIM = fileURLToPath(import.meta.url);

// ------------------------------------------------------------------ skips

interface Skip {
  /** The test file, relative to the compiled tests/ folder. */
  readonly file: string;
  /** The test's name, or every test of the file when absent. */
  readonly name?: RegExp;
  /** Why, printed. */
  readonly reason: string;
  /** Skip only when this holds. */
  readonly when?: () => boolean;
}

/** Tests of Deno-only behaviour, skipped on Node with the reason printed. */
const SKIPS: readonly Skip[] = [
  {
    file: "socket/permissions_test.js",
    reason:
      "Deno permissions: runs `deno run` without --allow-net; Node.js has no permission flags for sockets",
  },
  {
    file: "socket/permission_flags_test.js",
    reason:
      "Deno permissions: runs `deno run` with no permission, then with the flags the messages name; Node.js has no permission flags for sockets",
  },
  {
    file: "socket/socketpair_path_test.js",
    name: /fixed path/,
    reason:
      "Deno permissions: runs `deno run` children with only the fixed path's flags; Node.js has no permission flags, and its pairs have private paths (tested here)",
  },
  {
    file: "dns/permissions_test.js",
    reason:
      "Deno permissions: runs `deno run` without --allow-read/--allow-sys; Node.js grants these",
  },
  {
    file: "reliability/privilege_test.js",
    reason:
      "Deno permissions: runs `deno test` under --allow-net=127.0.0.1 only; Node.js has no such flags",
  },
  {
    file: "socket/datagram_test.js",
    name: /--allow-net/,
    reason:
      "Deno permissions: runs `deno run` under --allow-net=127.0.0.1; Node.js has no such flags",
  },
  {
    file: "socket/datagram_test.js",
    name: /--unstable-net/,
    reason:
      "Deno's --unstable-net flag: node:dgram needs no flag, datagram sockets always exist",
  },
  {
    file: "socket/datagram_test.js",
    name: /^datagram: Unix/,
    reason:
      "AF_UNIX SOCK_DGRAM: node:dgram has only UDP sockets (pysocket gives EOPNOTSUPP on Node.js)",
  },
  {
    file: "socket/datagram_linux_test.js",
    name: /^datagram linux: Unix/,
    reason:
      "AF_UNIX SOCK_DGRAM: node:dgram has only UDP sockets (pysocket gives EOPNOTSUPP on Node.js)",
  },
  {
    file: "socket/iteration_test.js",
    name: /^datagram: AF_UNIX/,
    reason:
      "AF_UNIX SOCK_DGRAM: node:dgram has only UDP sockets (pysocket gives EOPNOTSUPP on Node.js)",
  },
  {
    file: "interop/udp_cpython_test.js",
    name: /AF_UNIX datagrams/,
    reason:
      "AF_UNIX SOCK_DGRAM: node:dgram has only UDP sockets (pysocket gives EOPNOTSUPP on Node.js)",
  },
  {
    file: "socket/datagram_test.js",
    name: /^datagram: multicast membership on the loopback interface$/,
    reason:
      "Bun's dgram setMulticastTTL refuses 0 (EINVAL), which Linux, CPython and Node.js accept",
    when: () => BUN !== undefined,
  },
  {
    file: "socket/options_test.js",
    name: /^IPV6_V6ONLY: 0 is what Deno gives/,
    reason:
      "Deno's limit (IPv6 sockets always dual-stack): Node.js and Bun set IPV6_V6ONLY, which tests/runtime/node_capabilities_test.ts checks",
  },
  {
    file: "socket/options_test.js",
    name: /SO_REUSEPORT/,
    reason: "SO_REUSEPORT: Node.js 20 cannot set it on a listening socket",
    when: () => !nodeHasReusePort(),
  },
  {
    file: "socket/connection_test.js",
    name: /reuse_port/,
    reason: "SO_REUSEPORT: Node.js 20 cannot set it on a listening socket",
    when: () => !nodeHasReusePort(),
  },
];

// Bun says which Bun it is in process.versions (and which Node.js it
// matches in process.versions.node).
const BUN: string | undefined = (process.versions as Record<string, string>)
  .bun;

// Server.listen({ reusePort }) came in Node.js 22.12 and 23.1.
function nodeHasReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) ||
    (major === 22 && minor >= 12);
}

const testFile = (() => {
  const argv1 = process.argv[1] ?? "";
  const at = argv1.split(path.sep).join("/").lastIndexOf("/tests/");
  return at < 0 ? "" : argv1.slice(at + "/tests/".length);
})();

function skipReason(name: string): string | null {
  for (const s of SKIPS) {
    if (s.file !== testFile) continue;
    if (s.name && !s.name.test(name)) continue;
    if (s.when && !s.when()) continue;
    return s.reason;
  }
  return null;
}

// ------------------------------------------------------------------- test

type TestFn = (t: DenoTestContext) => void | Promise<void>;

interface TestDefinition {
  name?: string;
  // Possibly undefined when given: normalize() reports a missing function.
  fn?: TestFn | undefined;
  ignore?: boolean;
  only?: boolean;
}

interface DenoTestContext {
  readonly name: string;
  step(
    nameOrDef: string | TestDefinition | TestFn,
    fn?: TestFn,
  ): Promise<boolean>;
}

function contextOf(t: TestContext, name: string): DenoTestContext {
  return {
    name,
    async step(nameOrDef, fn) {
      const def = normalize(nameOrDef, undefined, fn);
      let ok = true;
      await t.test(def.name, { skip: def.ignore === true }, async (st) => {
        try {
          await def.fn(contextOf(st, def.name));
        } catch (e) {
          ok = false;
          throw e;
        }
      });
      return ok;
    },
  };
}

function normalize(
  a: string | TestDefinition | TestFn,
  b?: TestDefinition | TestFn,
  c?: TestFn,
): TestDefinition & { name: string; fn: TestFn } {
  let def: TestDefinition;
  if (typeof a === "function") def = { name: a.name, fn: a };
  else if (typeof a === "string") {
    def = typeof b === "function"
      ? { name: a, fn: b }
      : { ...b, name: a, fn: c ?? b?.fn };
  } else def = { ...a, ...(typeof b === "function" ? { fn: b } : {}) };
  if (typeof def.fn !== "function") {
    throw new TypeError(`Deno.test: no function for ${def.name}`);
  }
  return { ...def, name: def.name ?? "", fn: def.fn };
}

function denoTest(
  a: string | TestDefinition | TestFn,
  b?: TestDefinition | TestFn,
  c?: TestFn,
): void {
  const def = normalize(a, b, c);
  const reason = skipReason(def.name);
  if (reason !== null) {
    console.log(`SKIP ${def.name}: ${reason}`);
    nodeTest(def.name, { skip: reason }, () => {});
    return;
  }
  nodeTest(
    def.name,
    def.ignore === true ? { skip: true } : {},
    (t) => def.fn(contextOf(t, def.name)),
  );
}

// --------------------------------------------------------------- processes

type Stdio = "piped" | "inherit" | "null";

interface CommandOptions {
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  clearEnv?: boolean;
  stdin?: Stdio;
  stdout?: Stdio;
  stderr?: Stdio;
}

interface CommandStatus {
  success: boolean;
  code: number;
  signal: string | null;
}

interface CommandOutput extends CommandStatus {
  stdout: Uint8Array;
  stderr: Uint8Array;
}

function nodeStdio(s: Stdio | undefined, dflt: Stdio) {
  const v = s ?? dflt;
  return v === "piped" ? "pipe" : v === "null" ? "ignore" : "inherit";
}

function statusOf(code: number | null, signal: string | null): CommandStatus {
  return {
    success: code === 0,
    code: code ?? (signal
      ? 128 + (os.constants.signals[
        signal as keyof typeof os.constants.signals
      ] ?? 0)
      : 1),
    signal,
  };
}

class ChildProcess {
  readonly #child: childProcess.ChildProcess;
  readonly status: Promise<CommandStatus>;
  readonly pid: number;

  constructor(child: childProcess.ChildProcess) {
    this.#child = child;
    this.pid = child.pid ?? 0;
    this.status = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve(statusOf(code, signal)));
    });
  }

  get stdin(): WritableStream<Uint8Array> {
    return Writable.toWeb(this.#child.stdin!) as WritableStream<Uint8Array>;
  }

  get stdout(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this.#child.stdout!) as ReadableStream<Uint8Array>;
  }

  get stderr(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this.#child.stderr!) as ReadableStream<Uint8Array>;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    this.#child.kill(signal);
  }

  ref(): void {
    this.#child.ref();
  }

  unref(): void {
    this.#child.unref();
  }

  async output(): Promise<CommandOutput> {
    const grab = (s: Readable | null) => {
      if (s === null) return Promise.resolve(new Uint8Array());
      const parts: Buffer[] = [];
      s.on("data", (b: Buffer) => parts.push(b));
      return new Promise<Uint8Array>((resolve) =>
        s.on("end", () => resolve(new Uint8Array(Buffer.concat(parts))))
      );
    };
    const [stdout, stderr, status] = await Promise.all([
      grab(this.#child.stdout),
      grab(this.#child.stderr),
      this.status,
    ]);
    return { ...status, stdout, stderr };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#child.exitCode === null) this.#child.kill();
    await this.status.catch(() => {});
  }
}

class Command {
  readonly #cmd: string;
  readonly #opts: CommandOptions;

  constructor(cmd: string | URL, opts: CommandOptions = {}) {
    this.#cmd = cmd instanceof URL ? cmd.pathname : cmd;
    this.#opts = opts;
  }

  #env(): NodeJS.ProcessEnv {
    return this.#opts.clearEnv
      ? { ...this.#opts.env }
      : { ...process.env, ...this.#opts.env };
  }

  // `Deno.execPath()` is node here: a Deno CLI call on it (`run FILE`,
  // `eval CODE`) becomes the same program run by node with this shim.
  #argv(): string[] {
    const args = this.#opts.args ?? [];
    if (this.#cmd !== process.execPath) return args;
    // The first operand: the file to run, or the code to evaluate.
    const operand = args.slice(1).find((a) => !a.startsWith("-"));
    if (operand === undefined) return args;
    if (args[0] === "run" || args[0] === "test") {
      const at = args.indexOf(operand, 1);
      return ["--import", SHIM, ...args.slice(at)];
    }
    if (args[0] === "eval") {
      return ["--import", SHIM, "--input-type=module", "-e", operand];
    }
    return args;
  }

  spawn(): ChildProcess {
    const o = this.#opts;
    return new ChildProcess(
      childProcess.spawn(this.#cmd, this.#argv(), {
        cwd: o.cwd,
        env: this.#env(),
        stdio: [
          nodeStdio(o.stdin, "inherit"),
          nodeStdio(o.stdout, "inherit"),
          nodeStdio(o.stderr, "inherit"),
        ],
      }),
    );
  }

  output(): Promise<CommandOutput> {
    const o = this.#opts;
    return new Command(this.#cmd, {
      ...o,
      stdin: o.stdin ?? "null",
      stdout: o.stdout ?? "piped",
      stderr: o.stderr ?? "piped",
    }).spawn().output();
  }

  outputSync(): CommandOutput {
    const o = this.#opts;
    const r = childProcess.spawnSync(this.#cmd, this.#argv(), {
      cwd: o.cwd,
      env: this.#env(),
      stdio: [
        nodeStdio(o.stdin, "null"),
        nodeStdio(o.stdout, "piped"),
        nodeStdio(o.stderr, "piped"),
      ],
    });
    if (r.error) throw r.error;
    return {
      ...statusOf(r.status, r.signal),
      stdout: new Uint8Array(r.stdout ?? []),
      stderr: new Uint8Array(r.stderr ?? []),
    };
  }
}

// --------------------------------------------------------------- datagrams

interface NetAddr {
  transport: "udp";
  hostname: string;
  port: number;
}

// On the built package's runtime layer too, which binds in the call on
// Node.js and on Bun alike (node:dgram binds later on Bun).
class DatagramConn {
  readonly #sock: DatagramSocket;
  readonly addr: NetAddr;
  #closed = false;

  constructor(opts: { hostname?: string; port: number }) {
    this.#sock = runtime.listenDatagram({
      transport: "udp",
      hostname: opts.hostname ?? "0.0.0.0",
      port: opts.port,
    });
    const a = this.#sock.addr;
    this.addr = {
      transport: "udp",
      hostname: "hostname" in a ? a.hostname : "",
      port: "port" in a ? a.port : 0,
    };
  }

  async receive(p?: Uint8Array): Promise<[Uint8Array, NetAddr]> {
    const [data, from] = await this.#sock.receive(
      p ?? new Uint8Array(64 * 1024),
    );
    return [p ? data : data.slice(), {
      transport: "udp",
      hostname: "hostname" in from ? from.hostname : "",
      port: "port" in from ? from.port : 0,
    }];
  }

  send(p: Uint8Array, addr: { hostname: string; port: number }) {
    return this.#sock.send(p, {
      transport: "udp",
      hostname: addr.hostname,
      port: addr.port,
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<[Uint8Array, NetAddr]> {
    while (!this.#closed) {
      try {
        yield await this.receive();
      } catch {
        return;
      }
    }
  }
}

// ---------------------------------------------------------------- raw TCP

class TcpConn {
  readonly #conn: StreamConn;
  constructor(conn: StreamConn) {
    this.#conn = conn;
  }
  get localAddr() {
    return this.#conn.localAddr;
  }
  get remoteAddr() {
    return this.#conn.remoteAddr;
  }
  read(p: Uint8Array) {
    return this.#conn.read(p);
  }
  write(p: Uint8Array) {
    return this.#conn.write(p);
  }
  closeWrite() {
    return this.#conn.closeWrite();
  }
  close() {
    this.#conn.close();
  }
  setNoDelay(on = true) {
    this.#conn.setNoDelay(on);
  }
  setKeepAlive(on = true) {
    this.#conn.setKeepAlive(on);
  }
  [Symbol.dispose]() {
    try {
      this.close();
    } catch {
      // Closed already.
    }
  }
}

class TcpListener {
  readonly #l: StreamListener;
  constructor(l: StreamListener) {
    this.#l = l;
  }
  get addr() {
    return this.#l.addr;
  }
  async accept() {
    return new TcpConn(await this.#l.accept());
  }
  close() {
    this.#l.close();
  }
  [Symbol.dispose]() {
    try {
      this.close();
    } catch {
      // Closed already.
    }
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      try {
        yield await this.accept();
      } catch {
        return;
      }
    }
  }
}

// ------------------------------------------------------------- the rest

function makeTempDirSync(o: { prefix?: string; suffix?: string } = {}) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), o.prefix ?? "deno-"));
  if (!o.suffix) return d;
  fs.renameSync(d, d + o.suffix);
  return d + o.suffix;
}

function makeTempFileSync(o: { prefix?: string; suffix?: string } = {}) {
  const d = makeTempDirSync({ prefix: "deno-file-" });
  const f = path.join(d, `${o.prefix ?? ""}file${o.suffix ?? ""}`);
  fs.writeFileSync(f, "");
  return f;
}

function fileInfo(s: fs.Stats) {
  return {
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymlink: s.isSymbolicLink(),
    size: s.size,
    mtime: s.mtime,
    atime: s.atime,
    birthtime: s.birthtime,
    ino: s.ino,
    mode: s.mode,
  };
}

// Deno's error classes, by name (socket/errors.ts maps them by class name).
const DENO_ERROR_NAMES = [
  "AddrInUse",
  "AddrNotAvailable",
  "AlreadyExists",
  "BadResource",
  "BrokenPipe",
  "Busy",
  "ConnectionAborted",
  "ConnectionRefused",
  "ConnectionReset",
  "Http",
  "Interrupted",
  "InvalidData",
  "IsADirectory",
  "NetworkUnreachable",
  "NotADirectory",
  "NotCapable",
  "NotConnected",
  "NotFound",
  "NotSupported",
  "PermissionDenied",
  "TimedOut",
  "UnexpectedEof",
  "WouldBlock",
  "WriteZero",
];
const denoErrors: Record<string, new (message?: string) => Error> = Object
  .fromEntries(
    DENO_ERROR_NAMES.map((name) => {
      const cls = class extends Error {};
      Object.defineProperty(cls, "name", { value: name });
      Object.defineProperty(cls.prototype, "name", { value: name });
      return [name, cls];
    }),
  );

const Deno = {
  test: Object.assign(denoTest, {
    ignore: (a: string | TestDefinition, b?: TestFn) =>
      denoTest({ ...normalize(a, b), ignore: true }),
    only: (a: string | TestDefinition, b?: TestFn) =>
      denoTest({ ...normalize(a, b), only: true }),
  }),
  Command,
  ChildProcess,
  args: process.argv.slice(2),
  build: {
    os: process.platform === "win32" ? "windows" : process.platform,
    arch: process.arch === "x64"
      ? "x86_64"
      : process.arch === "arm64"
      ? "aarch64"
      : process.arch,
  },
  errors: denoErrors,
  env: {
    get: (k: string) => process.env[k],
    set: (k: string, v: string) => void (process.env[k] = v),
    delete: (k: string) => void delete process.env[k],
    has: (k: string) => k in process.env,
    toObject: () => ({ ...process.env }),
  },
  execPath: () => process.execPath,
  exit: (code?: number) => process.exit(code),
  pid: process.pid,
  memoryUsage: () => process.memoryUsage(),
  hostname: () => os.hostname(),
  networkInterfaces: () =>
    Object.entries(os.networkInterfaces()).flatMap(([name, list]) =>
      (list ?? []).map((i) => ({
        name,
        family: i.family,
        address: i.address,
        netmask: i.netmask,
        cidr: i.cidr,
        mac: i.mac,
        scopeid: i.family === "IPv6" ? i.scopeid ?? null : null,
      }))
    ),
  inspect: (v: unknown) => String(v),
  readTextFileSync: (p: string | URL) => fs.readFileSync(p, "utf8"),
  readTextFile: (p: string | URL) => fs.promises.readFile(p, "utf8"),
  readFileSync: (p: string | URL) => new Uint8Array(fs.readFileSync(p)),
  writeTextFile: (p: string | URL, s: string) =>
    fs.promises.writeFile(p, s, "utf8"),
  writeTextFileSync: (p: string | URL, s: string) =>
    fs.writeFileSync(p, s, "utf8"),
  makeTempDirSync,
  makeTempDir: (o?: { prefix?: string; suffix?: string }) =>
    Promise.resolve(makeTempDirSync(o)),
  makeTempFileSync,
  makeTempFile: (o?: { prefix?: string; suffix?: string }) =>
    Promise.resolve(makeTempFileSync(o)),
  removeSync: (p: string | URL, o: { recursive?: boolean } = {}) =>
    fs.rmSync(p, { recursive: o.recursive === true }),
  remove: (p: string | URL, o: { recursive?: boolean } = {}) =>
    fs.promises.rm(p, { recursive: o.recursive === true }),
  statSync: (p: string | URL) => fileInfo(fs.statSync(p)),
  readDirSync: (p: string | URL) =>
    fs.readdirSync(p, { withFileTypes: true }).map((e) => ({
      name: e.name,
      isFile: e.isFile(),
      isDirectory: e.isDirectory(),
      isSymlink: e.isSymbolicLink(),
    })),
  stat: async (p: string | URL) => fileInfo(await fs.promises.stat(p)),
  utime: (p: string | URL, atime: number | Date, mtime: number | Date) =>
    fs.promises.utimes(p, atime, mtime),
  connect: async (o: { hostname?: string; port: number }) =>
    new TcpConn(
      await runtime.connectStream({
        transport: "tcp",
        hostname: o.hostname ?? "127.0.0.1",
        port: o.port,
      }),
    ),
  listen: (o: { hostname?: string; port: number }) =>
    new TcpListener(
      runtime.listenStream({
        transport: "tcp",
        hostname: o.hostname ?? "0.0.0.0",
        port: o.port,
      }),
    ),
  mainModule: pathToFileURL(process.argv[1] ?? "").href,
  listenDatagram: (o: { hostname?: string; port: number }) =>
    new DatagramConn(o),
  resolveDns: (
    query: string,
    type: "A" | "AAAA" | "CNAME" | "PTR",
    o: { nameServer?: { ipAddr: string; port?: number } } = {},
  ) => {
    const r = new dns.promises.Resolver();
    if (o.nameServer) {
      const ip = o.nameServer.ipAddr;
      r.setServers([
        `${ip.includes(":") ? `[${ip}]` : ip}:${o.nameServer.port ?? 53}`,
      ]);
    }
    return r.resolve(query, type);
  },
};

// Deno's global `unload` and `unhandledrejection` events, which the test
// helpers listen to.
type Listener = (e: Event & { reason?: unknown }) => void;
const rejectionListeners = new Set<Listener>();
process.on("unhandledRejection", (reason, promise) => {
  let prevented = false;
  const e = Object.assign(new Event("unhandledrejection"), {
    reason,
    promise,
  });
  e.preventDefault = () => void (prevented = true);
  for (const l of rejectionListeners) l(e);
  if (!prevented) {
    process.exitCode = 1;
    console.error("unhandled rejection:", reason);
  }
});
const unloadListeners = new Map<Listener, () => void>();
if (
  typeof (globalThis as { addEventListener?: unknown }).addEventListener !==
    "function"
) {
  Object.defineProperty(globalThis, "addEventListener", {
    value: (type: string, listener: Listener) => {
      if (type === "unhandledrejection") rejectionListeners.add(listener);
      if (type === "unload") {
        const run = () => listener(new Event("unload"));
        unloadListeners.set(listener, run);
        process.once("exit", run);
      }
    },
    configurable: true,
    writable: true,
  });
  Object.defineProperty(globalThis, "removeEventListener", {
    value: (type: string, listener: Listener) => {
      if (type === "unhandledrejection") rejectionListeners.delete(listener);
      const run = unloadListeners.get(listener);
      if (type === "unload" && run) process.off("exit", run);
    },
    configurable: true,
    writable: true,
  });
}

Object.defineProperty(globalThis, "Deno", {
  value: Deno,
  configurable: true,
  writable: true,
});
