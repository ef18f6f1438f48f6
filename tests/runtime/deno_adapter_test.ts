// The Deno adapter's translation of Deno's errors into `RuntimeError`s, and
// through socket/errors.ts into Python's classes. Deno only: the npm build
// leaves tests/runtime/deno_* out.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { translate } from "../../_runtime/deno.ts";
import { runtime, RuntimeError } from "../../_runtime/runtime.ts";
import { fromRuntimeError } from "../../socket/errors.ts";

Deno.test("Deno adapter: Deno's classes, OS errors and permissions become RuntimeErrors", () => {
  const cases: Array<[unknown, number | null]> = [
    [new Deno.errors.ConnectionRefused("x"), 111],
    [new Deno.errors.ConnectionReset("x"), 104],
    [new Deno.errors.AddrInUse("x"), 98],
    [new Deno.errors.AddrNotAvailable("x"), 99],
    [new Deno.errors.BrokenPipe("x"), 32],
    [new Deno.errors.NotConnected("x"), 107],
    [new Deno.errors.TimedOut("x"), 110],
    [new Deno.errors.BadResource("x"), 9],
    [new Deno.errors.NotFound("x"), 2],
    [new Error("something else"), null],
    // An OS error Deno has no class for: its errno, where it is Linux's.
    [
      new Error("No such device (os error 19)"),
      Deno.build.os === "linux" ? 19 : null,
    ],
    ["a string", null],
    [null, null],
  ];
  for (const [input, code] of cases) {
    const translated = translate(input, "connect");
    assert.equal(translated.syscall, "connect");
    const out = fromRuntimeError(translated);
    assert.ok(out instanceof socket.error, String(input));
    assert.equal(out.errno, code, String(input));
    // Nothing of the runtime's error is lost.
    if (input instanceof Error) assert.equal(out.cause, input);
  }
  const denied = fromRuntimeError(
    translate(
      new Deno.errors.NotCapable(
        'Requires net access to "127.0.0.1:8080", run again with the --allow-net flag',
      ),
      "connect",
    ),
  ) as socket.error;
  assert.equal(denied.errno, 13);
  assert.ok(denied instanceof socket.PermissionError);
  assert.equal(
    denied.message,
    "[Errno 13] Permission denied: run Deno with --allow-net=127.0.0.1:8080",
  );
});

Deno.test("Deno adapter: tryLockSync takes a lock, refuses a held one without waiting, and frees it", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/x.lock`;
  try {
    const first = runtime.tryLockSync(path);
    assert.ok(first !== null);
    // Another open file of the same process is refused, as another
    // process would be.
    assert.equal(runtime.tryLockSync(path), null);
    first.release();
    first.release();
    const again = runtime.tryLockSync(path);
    assert.ok(again !== null);
    again.release();
    // Readable by every user, so that another user may lock it too.
    assert.equal((Deno.statSync(path).mode ?? 0) & 0o777, 0o644);
    assert.throws(
      () => runtime.tryLockSync(`${dir}/missing/x.lock`),
      (e: unknown) => e instanceof RuntimeError && e.code === "ENOENT",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
