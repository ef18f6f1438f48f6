// Helpers for the yardstick: pysocket tests named after the cases of
// CPython 3.11's Lib/test/test_socket.py, each checking the behaviour that
// case checks (see tests/yardstick/_pending.md for those not yet passing).

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { PENDING } from "./_pending.ts";

export { socket };

/** An AF_INET socket, addresses typed `[host, port]`. */
export type InetSocket = socket.Socket<[string, number]>;

// YARDSTICK_PENDING=1 runs the pending cases too (to see which now pass).
const RUN_PENDING = Deno.env.get("YARDSTICK_PENDING") === "1";

/**
 * Registers `test_socket.py CLASS.METHOD: what`. A case listed in
 * `_pending.ts` (see `_pending.md`) is registered as ignored, its name
 * saying why, unless YARDSTICK_PENDING=1.
 */
export function cpythonCase(
  cls: string,
): (method: string, what: string, fn: () => Promise<void> | void) => void {
  return (method, what, fn) => {
    const pending = PENDING.get(`${cls}.${method}`);
    const name = `test_socket.py ${cls}.${method}: ${what}`;
    if (pending === undefined || RUN_PENDING) Deno.test(name, fn);
    else {
      Deno.test({ name: `${name} (pending: ${pending})`, ignore: true, fn });
    }
  };
}

/** CPython's MSG (a bytes literal, so "\\u1234" stays six characters). */
export const MSG = "Michael Gilfix was here\\u1234\r\n";
/** MSG as bytes. */
export const MSG_BYTES: Uint8Array = new TextEncoder().encode(MSG);

/** Text of bytes. */
export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/** A TCP listener on 127.0.0.1 with an ephemeral port. */
export function tcpServer(): InetSocket {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind(["127.0.0.1", 0]);
  s.listen();
  return s;
}

/** A connected TCP pair: the listener, the client, the accepted socket. */
export interface TcpPair extends AsyncDisposable {
  readonly serv: InetSocket;
  readonly cli: InetSocket;
  readonly conn: InetSocket;
}

/** Connects a client (plain `connect`, or `create_connection`). */
export async function tcpPair(viaCreateConnection = false): Promise<TcpPair> {
  const serv = tcpServer();
  const accepting = serv.accept();
  let cli: InetSocket;
  if (viaCreateConnection) {
    cli = await socket.create_connection(serv.getsockname()) as InetSocket;
  } else {
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    await cli.connect(serv.getsockname());
  }
  const [conn] = await accepting;
  return {
    serv,
    cli,
    conn,
    async [Symbol.asyncDispose]() {
      await Promise.all(
        [cli, conn, serv].map((s) => s[Symbol.asyncDispose]()),
      );
    },
  };
}

/** Asserts that `fn` throws or rejects with an `error` whose errno is `code`. */
export async function rejectsErrno(
  fn: () => unknown,
  code: number | readonly number[],
): Promise<socket.error> {
  const codes = typeof code === "number" ? [code] : code;
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof socket.error, `expected OSError, got ${e}`);
    assert.ok(
      codes.includes(e.errno ?? NaN),
      `expected errno ${codes.join("/")}, got ${e.errno}: ${e.message}`,
    );
    return e;
  }
  assert.fail(`expected errno ${codes.join("/")}, nothing was thrown`);
}

/** Asserts that `fn` throws or rejects with an instance of `cls`. */
export async function rejectsWith(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => Error,
  message?: RegExp,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (message) assert.match(e.message, message);
    return;
  }
  assert.fail(`expected ${cls.name}, nothing was thrown`);
}

let dir: string | null = null;
let counter = 0;

/** A new AF_UNIX path in a temporary directory removed at exit. */
export function unixPath(): string {
  dir ??= Deno.makeTempDirSync({ prefix: "pysocket-yard-" });
  return `${dir}/s${counter++}.sock`;
}

globalThis.addEventListener("unload", () => {
  if (dir) Deno.removeSync(dir, { recursive: true });
});

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
