// Shared helpers for socket tests: families to run every test on, and
// connected pairs that are closed (and awaited) at the end.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";

/** A family to run stream tests on, with a fresh local address for it. */
export interface FamilyCase {
  readonly name: string;
  readonly family: number;
  /** A new address to bind to (port 0, or a new path). */
  address(): socket.Address;
}

let dir: string | null = null;
let counter = 0;

/** A new path for an AF_UNIX socket in this process's temporary directory. */
export function unixPath(): string {
  dir ??= Deno.makeTempDirSync({ prefix: "pysocket-test-" });
  return `${dir}/s${counter++}.sock`;
}

globalThis.addEventListener("unload", () => {
  if (dir) Deno.removeSync(dir, { recursive: true });
});

/** AF_INET on 127.0.0.1. */
export const INET: FamilyCase = {
  name: "AF_INET",
  family: socket.AF_INET,
  address: () => ["127.0.0.1", 0],
};
/** AF_INET6 on ::1. */
export const INET6: FamilyCase = {
  name: "AF_INET6",
  family: socket.AF_INET6,
  address: () => ["::1", 0],
};
/** AF_UNIX on a temporary path. */
export const UNIX: FamilyCase = {
  name: "AF_UNIX",
  family: socket.AF_UNIX,
  address: () => unixPath(),
};
/** Every family the stream tests run on. */
export const FAMILIES: readonly FamilyCase[] = [INET, INET6, UNIX];

/** A listening socket of `fc`'s family. */
export function listener(fc: FamilyCase, backlog?: number): socket.Socket {
  const s = socket.socket(fc.family, socket.SOCK_STREAM);
  s.bind(fc.address());
  s.listen(backlog);
  return s;
}

/** A listener, a connected client, and the accepted server-side socket. */
export interface Pair extends AsyncDisposable {
  readonly server: socket.Socket;
  readonly client: socket.Socket;
  readonly conn: socket.Socket;
}

/** Connects a client to a new listener of `fc`'s family. */
export async function pair(fc: FamilyCase): Promise<Pair> {
  const server = listener(fc);
  const client = socket.socket(fc.family, socket.SOCK_STREAM);
  const connecting = client.connect(server.getsockname());
  const [conn] = await server.accept();
  await connecting;
  return {
    server,
    client,
    conn,
    async [Symbol.asyncDispose]() {
      await closeAll(client, conn, server);
    },
  };
}

/** Closes sockets and waits until each is closed for real. */
export async function closeAll(...socks: socket.Socket[]): Promise<void> {
  await Promise.all(socks.map((s) => s[Symbol.asyncDispose]()));
}

/** Asserts that `fn` throws (or rejects with) an `error` with `errno`. */
export async function assertErrno(
  fn: () => unknown,
  code: number,
  what = "",
): Promise<socket.error> {
  try {
    await fn();
  } catch (e) {
    assert.ok(
      e instanceof socket.error,
      `${what}: expected error ${code}, got ${e}`,
    );
    assert.equal(e.errno, code, `${what}: ${e.message}`);
    return e;
  }
  assert.fail(`${what}: expected errno ${code}, nothing was thrown`);
}

/** Asserts that a synchronous call throws an `error` with `errno` at once. */
export function assertErrnoSync(
  fn: () => unknown,
  code: number,
  what = "",
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof socket.error, `${what}: ${e}`);
    assert.equal(e.errno, code, `${what}: ${e.message}`);
    return true;
  });
}

/** Text of bytes. */
export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/** Reads until the end of the stream. */
export async function readAll(s: socket.Socket): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = await s.recv(65536);
    if (chunk.length === 0) break;
    parts.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `f` with a new temporary directory, removed afterwards. */
export async function withTempDir(
  f: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pysocket-test-" });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
