// The poll bits of pysocket sockets in each state against CPython's
// select.poll() on Linux sockets in the same states.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import * as select from "../../select/mod.ts";
import { runtime } from "../../_runtime/runtime.ts";
import { hasPython, runPython, skipReason } from "../_python.ts";

const SCRIPT = new URL(
  "../fixtures/select/readiness_states.py",
  import.meta.url,
);

// States where pysocket cannot see what Linux sees, each said in the
// README: the bits Linux has that pysocket does not.
const KNOWN: Record<string, { missing: number; why: string }> = {
  "unix peer closed": {
    missing: select.POLLHUP,
    why: "a Unix peer's close reads as its SHUT_WR on Deno",
  },
  "socketpair, peer closed": {
    missing: select.POLLHUP,
    why: "a Unix peer's close reads as its SHUT_WR on Deno",
  },
  "inet refused, after SO_ERROR": {
    missing: select.POLLIN | select.POLLRDNORM | select.POLLRDHUP,
    why: "once SO_ERROR is read, a failed socket polls as a new one",
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pysocketStates(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const show = async (label: string, s: socket.Socket): Promise<void> => {
    // As the Python side's sleep: what is in flight arrives first.
    const p = select.poll();
    p.register(s, 0xffff);
    await p.poll(0);
    await sleep(50);
    const events = await p.poll(0);
    out.set(label, events[0]?.[1] ?? 0);
  };
  const families: Array<[number, socket.Address, string]> = [
    [socket.AF_INET, ["127.0.0.1", 0], "inet"],
    [socket.AF_UNIX, `${dir}/js-stream`, "unix"],
  ];
  for (const [fam, address, tag] of families) {
    const s = socket.socket(fam);
    await show(`${tag} new`, s);
    s.bind(address);
    await show(`${tag} bound`, s);
    s.listen();
    await show(`${tag} listening`, s);
    const addr = s.getsockname();
    let c = socket.socket(fam);
    await c.connect(addr);
    await show(`${tag} listening with a connection waiting`, s);
    let [a] = await s.accept();
    await show(`${tag} connected`, c);
    await a.send("x");
    await show(`${tag} connected with data`, c);
    await c.recv(1);
    c.shutdown(socket.SHUT_WR);
    await show(`${tag} after SHUT_WR`, c);
    await show(`${tag} peer of SHUT_WR`, a);
    a.close();
    await show(`${tag} after SHUT_WR and the peer closed`, c);
    c.close();
    c = socket.socket(fam);
    await c.connect(addr);
    [a] = await s.accept();
    c.shutdown(socket.SHUT_RD);
    await show(`${tag} after SHUT_RD`, c);
    c.shutdown(socket.SHUT_RDWR);
    await show(`${tag} after SHUT_RDWR`, c);
    c.close();
    a.close();
    c = socket.socket(fam);
    await c.connect(addr);
    [a] = await s.accept();
    a.close();
    await show(`${tag} peer closed`, c);
    c.close();
    s.close();
  }
  const l = socket.socket();
  l.bind(["127.0.0.1", 0]);
  const port = Number(l.getsockname()[1]);
  l.close();
  const c = socket.socket();
  c.setblocking(false);
  await c.connect_ex(["127.0.0.1", port]);
  await show("inet refused non-blocking connect", c);
  c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR);
  await show("inet refused, after SO_ERROR", c);
  c.close();
  const dgrams: Array<[number, socket.Address, string]> = [
    [socket.AF_INET, ["127.0.0.1", 0], "inet"],
  ];
  if (runtime.capabilities.unixDatagrams) {
    dgrams.push([socket.AF_UNIX, `${dir}/js-dgram`, "unix"]);
  }
  for (const [fam, address, tag] of dgrams) {
    const u = socket.socket(fam, socket.SOCK_DGRAM);
    await show(`${tag} dgram new`, u);
    u.bind(address);
    await show(`${tag} dgram bound`, u);
    const v = socket.socket(fam, socket.SOCK_DGRAM);
    await v.sendto("x", u.getsockname());
    await show(`${tag} dgram with a datagram`, u);
    u.close();
    v.close();
  }
  const [a, b] = await socket.socketpair();
  await show("socketpair", a);
  b.close();
  await show("socketpair, peer closed", a);
  a.close();
  return out;
}

function names(bits: number): string {
  return Object.entries(select)
    .filter(([n, v]) =>
      n.startsWith("POLL") && typeof v === "number" && (bits & v)
    )
    .map(([n]) => n)
    .join("|") || "0";
}

Deno.test({
  name:
    "readiness: poll bits in every socket state equal Linux's (CPython's poll)",
  ignore: !hasPython() &&
    (skipReason("readiness vs CPython", "python3 not found"), true),
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "pysocket-readiness-" });
    try {
      const py = await runPython(Deno.readTextFileSync(SCRIPT), "", [dir]);
      const linux = new Map(
        py.trim().split("\n").map((line) => {
          const i = line.lastIndexOf(" ");
          return [line.slice(0, i), Number(line.slice(i + 1))] as const;
        }),
      );
      const ours = await pysocketStates(dir);
      if (!runtime.capabilities.unixDatagrams) {
        console.log(
          "SKIP the unix dgram states: this runtime has no AF_UNIX SOCK_DGRAM",
        );
        for (const label of [...linux.keys()]) {
          if (label.startsWith("unix dgram")) linux.delete(label);
        }
      }
      assert.deepEqual([...ours.keys()], [...linux.keys()]);
      const wrong: string[] = [];
      for (const [label, want] of linux) {
        const got = ours.get(label) ?? -1;
        const known = KNOWN[label];
        const expected = known ? want & ~known.missing : want;
        if (got !== expected) {
          wrong.push(`${label}: Linux ${names(want)}, pysocket ${names(got)}`);
        }
      }
      assert.deepEqual(wrong, []);
      for (const [label, { why }] of Object.entries(KNOWN)) {
        console.log(`known difference, ${label}: ${why}`);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
