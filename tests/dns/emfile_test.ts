// Look-ups while the process has no descriptor left (EMFILE, for real):
// a failed read of the hosts file, resolv.conf or the services file is a
// failure of the moment, not the file's contents, and must not stay cached
// once descriptors are free again; and the errors of that moment can be
// printed without crashing Deno.
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import * as socket from "../../mod.ts";
import { parseResolvConf } from "../../dns/config.ts";
import { runtime } from "../../_runtime/runtime.ts";
import { fillDescriptors, type Outcome, outcome } from "../_dns_helpers.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";

const EMFILE_NAME =
  "EMFILE while reading the hosts and services files is not cached";
// The descriptors are the process's: under `deno test --parallel` another
// test file's worker may free some while this test holds them all, so on
// Deno the test runs in a `deno test` process of its own (EMFILE_ALONE=1).
// Node.js runs each test file in a process of its own already.
const ALONE = runtime.name !== "deno" || Deno.env.get("EMFILE_ALONE") === "1";

if (!ALONE) {
  Deno.test(`${EMFILE_NAME} (in a process of its own)`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        "--allow-all",
        "--no-check",
        "--filter",
        EMFILE_NAME,
        new URL(import.meta.url).pathname,
      ],
      env: { EMFILE_ALONE: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    ok(out.success, text);
    ok(/1 passed/.test(text), text);
  });
}

Deno.test({ name: EMFILE_NAME, ignore: !ALONE }, async () => {
  const dir = await Deno.makeTempDir();
  // Should a look-up reach DNS, it goes to a server that never answers,
  // and gives up quickly.
  const silent = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    await Deno.writeTextFile(`${dir}/hosts`, "192.0.2.61 emfile-host alias\n");
    await Deno.writeTextFile(`${dir}/services`, "emfile-svc 4321/tcp\n");
    // New paths: nothing of them is cached yet, so the first look-up reads
    // them, and that read is the one that meets EMFILE.
    socket.set_resolver({
      hostsFile: `${dir}/hosts`,
      servicesFile: `${dir}/services`,
      nameServer: {
        ipAddr: "127.0.0.1",
        port: (silent.addr as Deno.NetAddr).port,
      },
      search: [],
      ndots: 1,
      timeout: 0.2,
      attempts: 1,
    });
    const files = fillDescriptors();
    if (typeof files === "string") {
      console.log(`SKIP EMFILE look-ups: ${files}`);
      return;
    }
    // Nothing here may format a stack while the descriptors are taken.
    let during: Outcome[];
    try {
      during = [
        await outcome(() => socket.gethostbyname("emfile-host")),
        await outcome(() => socket.getaddrinfo("emfile-host", 80, 0, 1)),
        await outcome(() => socket.gethostbyaddr("192.0.2.61")),
        await outcome(() => socket.getnameinfo(["192.0.2.61", 80], 0)),
        await outcome(() => socket.getservbyname("http", "tcp")),
        await outcome(() => socket.getservbyname("emfile-svc")),
      ];
    } finally {
      for (const f of files) f.close();
    }
    // As CPython (glibc) answers at EMFILE: the name look-ups fail with the
    // errno, the address look-ups with TRY_AGAIN; the services come from
    // the built-in table meanwhile.
    deepStrictEqual(during, [
      ["err", "OSError", 24],
      ["err", "OSError", 24],
      ["err", "herror", 2],
      ["err", "gaierror", socket.EAI_AGAIN],
      ["ok", 80],
      ["err", "OSError", null],
    ]);
    // Once descriptors are free, the files answer.
    strictEqual(await socket.gethostbyname("emfile-host"), "192.0.2.61");
    deepStrictEqual(await socket.gethostbyname_ex("alias"), [
      "emfile-host",
      ["alias"],
      ["192.0.2.61"],
    ]);
    deepStrictEqual(await socket.gethostbyaddr("192.0.2.61"), [
      "emfile-host",
      ["alias"],
      ["192.0.2.61"],
    ]);
    strictEqual(socket.getservbyname("emfile-svc"), 4321);
  } finally {
    socket.reset_resolver();
    silent.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("EMFILE: resolv.conf is read again afterwards, and the errors print without crashing Deno", async () => {
  if (runtime.name !== "deno") {
    console.log(
      "SKIP EMFILE in a child: the child is a TypeScript program for `deno run`",
    );
    return;
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/hosts`, "192.0.2.62 emfile-host\n");
    const child = new URL("./_emfile_child.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", child, `${dir}/hosts`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    strictEqual(out.code, 0, `the child failed:\n${stderr}`);
    ok(!stderr.includes("panicked"), stderr);
    const seen = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
    if (typeof seen.skip === "string") {
      console.log(`SKIP EMFILE in a child: ${seen.skip}`);
      return;
    }
    let conf: string | null = null;
    try {
      conf = Deno.readTextFileSync("/etc/resolv.conf");
    } catch {
      // no resolv.conf: the default server
    }
    const servers = parseResolvConf(conf).nameServers.map((n) => n.ipAddr);
    deepStrictEqual(seen, {
      conf: ["OSError", 24],
      accepted: ["OSError", 24],
      looked: ["OSError", 24],
      after: servers.length > 0 ? servers : ["127.0.0.1"],
      address: "192.0.2.62",
    });
    // The errors were printed, with their causes.
    ok(stderr.includes("[Errno 24] Too many open files"), stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// CPython's side: the same calls with every descriptor taken.
const IF_EMFILE_PY = `
import json, os, resource, socket
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))
fds = []
try:
    while True:
        fds.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass
def outcome(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return ["OSError", e.errno]
full = {
    "nameindex": outcome(socket.if_nameindex),
    "nametoindex": outcome(lambda: socket.if_nametoindex("lo")),
}
for fd in fds:
    os.close(fd)
full["after"] = any(name == "lo" for _, name in socket.if_nameindex())
print(json.dumps(full))
`;

Deno.test("EMFILE: if_nameindex fails with errno 24 as CPython's, and works again afterwards", async () => {
  if (runtime.name !== "deno") {
    console.log(
      "SKIP EMFILE in a child: the child is a TypeScript program for `deno run`",
    );
    return;
  }
  const child = new URL("./_emfile_if_child.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", child],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  strictEqual(out.code, 0, `the child failed:\n${stderr}`);
  const seen = JSON.parse(
    new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "",
  );
  if (typeof seen.skip === "string") {
    console.log(`SKIP EMFILE in a child: ${seen.skip}`);
    return;
  }
  deepStrictEqual(seen, {
    nameindex: ["OSError", 24],
    // glibc's if_nametoindex gives 0 when it cannot look: "no interface".
    nametoindex: ["OSError", null],
    after: true,
  });
  if (!hasPython()) {
    skipReason(
      "EMFILE if_nameindex against CPython",
      "python3 is not available",
    );
    return;
  }
  deepStrictEqual(seen, JSON.parse(await runPython(IF_EMFILE_PY)));
});
