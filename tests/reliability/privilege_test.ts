// Issue 7, part 6: least privilege. The core stream tests pass with only
// --allow-net=127.0.0.1; every call that needs more gives an `error` with
// EACCES naming the flag to add, with no prompt; services and protocols
// answer from the built-in table without --allow-read.

import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const MOD = new URL("mod.ts", ROOT).href;

async function deno(
  args: string[],
): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT.pathname,
    stdin: "null", // a prompt would fail at once
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return {
    ok: r.success,
    out: dec.decode(r.stdout),
    err: dec.decode(r.stderr),
  };
}

Deno.test("least privilege: core stream and address tests pass with --allow-net=127.0.0.1 only", async () => {
  const r = await deno([
    "test",
    "--no-prompt",
    "--unstable-net",
    "--allow-net=127.0.0.1",
    // AF_INET only: AF_INET6 needs ::1, AF_UNIX needs files.
    "--filter",
    "/^AF_INET: /",
    "tests/socket/stream_test.ts",
    "tests/socket/no_loss_test.ts",
  ]);
  const summary = /(ok|FAILED) \| (\d+) passed.*\| (\d+) failed/.exec(r.out);
  console.log(`stream tests under --allow-net=127.0.0.1: ${summary?.[0]}`);
  assert.ok(r.ok, r.out + r.err);
  assert.ok(summary && Number(summary[2]) >= 10, "the stream tests ran");

  const a = await deno(["test", "--no-prompt", "tests/addr/"]);
  const s2 = /(ok|FAILED) \| (\d+) passed.*\| (\d+) failed/.exec(a.out);
  console.log(`address tests with no permission at all: ${s2?.[0]}`);
  assert.ok(a.ok, a.out + a.err);
});

// Each call prints one JSON line: "ok" or [errno, message].
const PROBE = `import * as socket from "${MOD}";
const results = {};
async function probe(name, f) {
  try { await f(); results[name] = "ok"; }
  catch (e) { results[name] = e instanceof socket.error ? [e.errno, e.message] : ["not an error", String(e)]; }
}
const dir = "/tmp/pysocket-privilege-" + Math.random().toString(36).slice(2);
await probe("gethostname", () => socket.gethostname());
await probe("gethostbyname localhost", () => socket.gethostbyname("localhost"));
await probe("getaddrinfo localhost", () => socket.getaddrinfo("localhost", 80));
await probe("gethostbyaddr", () => socket.gethostbyaddr("127.0.0.1"));
await probe("if_nameindex", () => socket.if_nameindex());
await probe("bind 127.0.0.2", () => { using s = socket.socket(); s.bind(["127.0.0.2", 0]); });
await probe("connect [::1]", async () => { await using s = socket.socket(socket.AF_INET6); await s.connect(["::1", 9]); });
await probe("AF_UNIX bind", () => { using s = socket.socket(socket.AF_UNIX); s.bind(dir + ".sock"); });
await probe("AF_UNIX connect", async () => { await using s = socket.socket(socket.AF_UNIX); await s.connect(dir + ".sock"); });
await probe("socketpair", async () => { const p = await socket.socketpair(); for (const s of p) s.close(); });
await probe("UDP bind 127.0.0.2", () => { using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(["127.0.0.2", 0]); });
results.builtin = [socket.getservbyname("http", "tcp"), socket.getservbyname("domain", "udp"), socket.getservbyport(443), socket.getprotobyname("tcp"), socket.getprotobyname("ICMP")];
await probe("loopback TCP works", async () => {
  await using l = socket.socket(); l.bind(["127.0.0.1", 0]); l.listen();
  await using c = await socket.create_connection(l.getsockname());
});
console.log(JSON.stringify(results));
`;

Deno.test("least privilege: every call that needs more names the flag (EACCES), no prompt", async () => {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, PROBE);
    const r = await deno([
      "run",
      "--no-prompt",
      "--unstable-net",
      "--allow-net=127.0.0.1",
      `--allow-read=${file}`,
      file,
    ]);
    assert.ok(r.ok, r.err);
    const res = JSON.parse(r.out.trim().split("\n").at(-1)!);
    const expectFlag: Record<string, RegExp> = {
      "gethostname": /--allow-sys=hostname/,
      "gethostbyname localhost": /--allow-read=\/etc\/hosts/,
      "getaddrinfo localhost": /--allow-read=\/etc\/hosts/,
      "gethostbyaddr": /--allow-read=\/etc\/hosts/,
      "if_nameindex": /--allow-read=\/sys\/class\/net/,
      "bind 127.0.0.2": /--allow-net=127\.0\.0\.2:0/,
      "connect [::1]": /--allow-net=\[::1\]:9/,
      "AF_UNIX bind": /--allow-(read|write)/,
      "AF_UNIX connect": /--allow-(read|write)/,
      "socketpair": /--allow-(read|write)/,
      "UDP bind 127.0.0.2": /--allow-net=127\.0\.0\.2/,
    };
    let named = 0;
    for (const [name, flag] of Object.entries(expectFlag)) {
      const v = res[name];
      assert.ok(
        Array.isArray(v),
        `${name}: expected EACCES, got ${JSON.stringify(v)}`,
      );
      assert.equal(v[0], 13, `${name}: ${v[1]}`);
      assert.match(
        v[1],
        /^\[Errno 13\] Permission denied: run Deno with /,
        name,
      );
      assert.match(v[1], flag, name);
      named++;
      console.log(`  ${name}: ${v[1]}`);
    }
    assert.deepEqual(res.builtin, [80, 53, "https", 6, 1]);
    assert.equal(res["loopback TCP works"], "ok");
    console.log(
      `least privilege: ${named} calls gave EACCES naming the flag; services and protocols from the built-in table`,
    );
  } finally {
    await Deno.remove(file);
  }
});
