// Look-ups against a real DNS server: dnsmasq on a loopback port, with the
// records of tests/fixtures/dns/dnsmasq.conf (documentation addresses only).
// A silent UDP socket stands in for a dead server.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import * as socket from "../../mod.ts";
import { findDnsmasq, startDnsmasq } from "./_dnsmasq.ts";

const bin = findDnsmasq();

function gai(errno: number): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    ok(e instanceof socket.gaierror, `not a gaierror: ${e}`);
    strictEqual((e as socket.error).errno, errno);
    return true;
  };
}

function addrs(infos: socket.AddrInfo[]): string[] {
  return [...new Set(infos.map((i) => i[4][0]))].sort();
}

Deno.test("DNS look-ups against dnsmasq", async (t) => {
  if (bin === null) {
    console.log("SKIP DNS look-ups against dnsmasq: dnsmasq is not installed");
    return;
  }
  await using server = await startDnsmasq(bin);
  socket.set_resolver({
    nameServer: { ipAddr: "127.0.0.1", port: server.port },
    hostsFile: null,
    search: [],
    ndots: 1,
    timeout: 2,
    attempts: 2,
  });
  try {
    await t.step("several A and AAAA records for one name", async () => {
      const all = await socket.getaddrinfo(
        "multi.pysocket.test",
        80,
        0,
        socket.SOCK_STREAM,
      );
      deepStrictEqual(addrs(all), [
        "192.0.2.10",
        "192.0.2.11",
        "192.0.2.12",
        "2001:db8::10",
        "2001:db8::11",
      ]);
      for (const [family, type, proto, canon, sa] of all) {
        strictEqual(type, socket.SOCK_STREAM);
        strictEqual(proto, socket.IPPROTO_TCP);
        strictEqual(canon, "");
        strictEqual(sa.length, family === socket.AF_INET ? 2 : 4);
      }
      const v6 = await socket.getaddrinfo(
        "multi.pysocket.test",
        "http",
        socket.AF_INET6,
        socket.SOCK_STREAM,
      );
      deepStrictEqual(addrs(v6), ["2001:db8::10", "2001:db8::11"]);
      const [name, aliases, list] = await socket.gethostbyname_ex(
        "multi.pysocket.test",
      );
      strictEqual(name, "multi.pysocket.test");
      deepStrictEqual(aliases, []);
      deepStrictEqual([...list].sort(), [
        "192.0.2.10",
        "192.0.2.11",
        "192.0.2.12",
      ]);
      ok(list.includes(await socket.gethostbyname("multi.pysocket.test")));
    });

    await t.step(
      "a CNAME chain gives the canonical name and aliases",
      async () => {
        deepStrictEqual(await socket.gethostbyname_ex("www.pysocket.test"), [
          "real.pysocket.test",
          ["www.pysocket.test", "web.pysocket.test"],
          ["198.51.100.80"],
        ]);
        const r = await socket.getaddrinfo(
          "www.pysocket.test",
          443,
          socket.AF_INET,
          socket.SOCK_STREAM,
          0,
          socket.AI_CANONNAME,
        );
        deepStrictEqual(r, [[
          socket.AF_INET,
          socket.SOCK_STREAM,
          6,
          "real.pysocket.test",
          ["198.51.100.80", 443],
        ]]);
        strictEqual(
          await socket.getfqdn("www.pysocket.test"),
          "real.pysocket.test",
        );
      },
    );

    await t.step(
      "PTR records: gethostbyaddr, getnameinfo, getfqdn",
      async () => {
        deepStrictEqual(await socket.gethostbyaddr("192.0.2.99"), [
          "reverse-only.pysocket.test",
          [],
          ["192.0.2.99"],
        ]);
        deepStrictEqual(await socket.gethostbyaddr("2001:db8::6"), [
          "v6only.pysocket.test",
          [],
          ["2001:db8::6"],
        ]);
        deepStrictEqual(await socket.getnameinfo(["198.51.100.80", 80], 0), [
          "real.pysocket.test",
          "http",
        ]);
        deepStrictEqual(
          await socket.getnameinfo(
            ["198.51.100.80", 53],
            socket.NI_DGRAM | socket.NI_NAMEREQD,
          ),
          ["real.pysocket.test", "domain"],
        );
        strictEqual(
          await socket.getfqdn("192.0.2.99"),
          "reverse-only.pysocket.test",
        );
        await rejects(socket.gethostbyaddr("192.0.2.200"), (e: unknown) => {
          ok(e instanceof socket.herror);
          strictEqual(e.errno, 1);
          strictEqual(e.message, "[Errno 1] Unknown host");
          return true;
        });
        await rejects(
          socket.getnameinfo(["192.0.2.200", 80], socket.NI_NAMEREQD),
          gai(-2),
        );
        deepStrictEqual(await socket.getnameinfo(["192.0.2.200", 80], 0), [
          "192.0.2.200",
          "http",
        ]);
      },
    );

    await t.step("a name found only through the search list", async () => {
      await rejects(socket.gethostbyname("intranet"), gai(-2));
      socket.set_resolver({ search: ["corp.pysocket.test"] });
      strictEqual(await socket.gethostbyname("intranet"), "192.0.2.50");
      const r = await socket.getaddrinfo(
        "intranet",
        null,
        socket.AF_INET,
        socket.SOCK_DGRAM,
        0,
        socket.AI_CANONNAME,
      );
      deepStrictEqual(r, [[2, 2, 17, "intranet.corp.pysocket.test", [
        "192.0.2.50",
        0,
      ]]]);
      // A trailing dot turns the search list off.
      await rejects(socket.gethostbyname("intranet."), gai(-2));
      socket.set_resolver({ search: [] });
    });

    await t.step("a name that does not exist", async () => {
      await rejects(socket.gethostbyname("nx.pysocket.test"), (e: unknown) => {
        ok(e instanceof socket.gaierror);
        strictEqual(e.errno, socket.EAI_NONAME);
        strictEqual(e.message, "[Errno -2] Name or service not known");
        return true;
      });
      await rejects(socket.getaddrinfo("nx.pysocket.test", 80), gai(-2));
      await rejects(socket.gethostbyname_ex("nx.pysocket.test"), gai(-2));
    });

    await t.step("family filters and AI_V4MAPPED", async () => {
      deepStrictEqual(
        await socket.getaddrinfo(
          "v4only.pysocket.test",
          7,
          socket.AF_INET6,
          socket.SOCK_STREAM,
          0,
          socket.AI_V4MAPPED,
        ),
        [
          [socket.AF_INET6, 1, 6, "", ["::ffff:198.51.100.4", 7, 0, 0]],
        ],
      );
      // The names exist with no address of the family asked for:
      // EAI_NODATA, as glibc says (tests/dns/hosts_cpython_test.ts).
      await rejects(
        socket.getaddrinfo("v4only.pysocket.test", 7, socket.AF_INET6),
        gai(socket.EAI_NODATA),
      );
      await rejects(
        socket.gethostbyname("v6only.pysocket.test"),
        gai(socket.EAI_NODATA),
      );
      deepStrictEqual(
        await socket.getaddrinfo(
          "v6only.pysocket.test",
          7,
          0,
          socket.SOCK_DGRAM,
        ),
        [
          [socket.AF_INET6, 2, 17, "", ["2001:db8::6", 7, 0, 0]],
        ],
      );
    });

    await t.step("the hosts file comes before DNS", async () => {
      const dir = await Deno.makeTempDir();
      try {
        const hosts = `${dir}/hosts`;
        await Deno.writeTextFile(hosts, "198.51.100.200 real.pysocket.test\n");
        socket.set_resolver({ hostsFile: hosts });
        strictEqual(
          await socket.gethostbyname("real.pysocket.test"),
          "198.51.100.200",
        );
        // Changed files are read again.
        await Deno.writeTextFile(
          hosts,
          "198.51.100.201 real.pysocket.test extra\n",
        );
        const later = new Date(Date.now() + 5000);
        await Deno.utime(hosts, later, later);
        deepStrictEqual(await socket.gethostbyname_ex("real.pysocket.test"), [
          "real.pysocket.test",
          ["extra"],
          ["198.51.100.201"],
        ]);
        socket.set_resolver({ hostsFile: null });
        strictEqual(
          await socket.gethostbyname("real.pysocket.test"),
          "198.51.100.80",
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });

    await t.step(
      "resolveHost (for bind/connect) resolves through DNS",
      async () => {
        const { resolveHost } = await import("../../dns/resolve_host.ts");
        strictEqual(
          await resolveHost("real.pysocket.test", socket.AF_INET),
          "198.51.100.80",
        );
        strictEqual(
          await resolveHost("v6only.pysocket.test", socket.AF_INET6),
          "2001:db8::6",
        );
        await rejects(
          resolveHost("v6only.pysocket.test", socket.AF_INET),
          gai(socket.EAI_NODATA),
        );
      },
    );
  } finally {
    socket.reset_resolver();
  }
});

Deno.test("a DNS server that does not answer gives EAI_AGAIN, not a hang", async () => {
  const silent = Deno.listenDatagram({
    hostname: "127.0.0.1",
    port: 0,
    transport: "udp",
  });
  const port = (silent.addr as Deno.NetAddr).port;
  socket.set_resolver({
    nameServer: { ipAddr: "127.0.0.1", port },
    hostsFile: null,
    search: [],
    timeout: 0.3,
    attempts: 2,
  });
  try {
    const started = Date.now();
    await rejects(socket.gethostbyname("dead.pysocket.test"), (e: unknown) => {
      ok(e instanceof socket.gaierror);
      strictEqual(e.errno, socket.EAI_AGAIN);
      strictEqual(e.message, "[Errno -3] Temporary failure in name resolution");
      return true;
    });
    const took = Date.now() - started;
    ok(took < 3000, `took ${took} ms`);
    await rejects(socket.getaddrinfo("dead.pysocket.test", 80), gai(-3));
    await rejects(socket.gethostbyaddr("192.0.2.1"), (e: unknown) => {
      ok(e instanceof socket.herror);
      strictEqual(e.errno, 2);
      return true;
    });
    await rejects(socket.getnameinfo(["192.0.2.1", 80], 0), gai(-3));
    // Numeric hosts never need the server.
    deepStrictEqual(
      await socket.getnameinfo(["192.0.2.1", 80], socket.NI_NUMERICHOST),
      ["192.0.2.1", "http"],
    );
  } finally {
    socket.reset_resolver();
    silent.close();
  }
});

// A name in the system's /etc/hosts that is not a `localhost` name, with an
// IPv4 address, if there is one.
function etcHostsName(): string | null {
  let text: string;
  try {
    text = Deno.readTextFileSync("/etc/hosts");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    const [addr, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (addr === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(addr)) continue;
    const n = names.find((n) => !/(^|\.)localhost\.?$/i.test(n));
    if (n !== undefined && n.includes(".") === false) return n;
  }
  return null;
}

Deno.test("names Deno's resolver would answer itself come back not found", async () => {
  if (bin === null) {
    console.log("SKIP names Deno answers itself: dnsmasq is not installed");
    return;
  }
  await using server = await startDnsmasq(bin);
  // No hosts file: every name below goes to DNS, as glibc sends it to the
  // server; Deno would answer it from RFC 6761 rules or /etc/hosts.
  socket.set_resolver({
    nameServer: { ipAddr: "127.0.0.1", port: server.port },
    hostsFile: null,
    search: [],
    ndots: 1,
    timeout: 2,
    attempts: 1,
  });
  const h = (errno: number) => (e: unknown): boolean => {
    ok(e instanceof socket.herror, `not an herror: ${e}`);
    strictEqual(e.errno, errno);
    return true;
  };
  try {
    for (const name of ["localhost", "foo.localhost", "x.invalid", "y.onion"]) {
      await rejects(socket.gethostbyname(name), gai(-2));
      await rejects(socket.getaddrinfo(name, 80, socket.AF_INET6), gai(-2));
    }
    await rejects(socket.gethostbyaddr("::1"), h(1));
    await rejects(socket.gethostbyaddr("127.0.0.2"), h(1));
    deepStrictEqual(await socket.getnameinfo(["::1", 80, 0, 0], 0), [
      "::1",
      "http",
    ]);
    await rejects(
      socket.getnameinfo(["127.0.0.1", 80], socket.NI_NAMEREQD),
      gai(-2),
    );
    const name = etcHostsName();
    if (name === null) {
      console.log("SKIP the /etc/hosts part: no plain name there");
    } else {
      // Deno would answer from /etc/hosts, which is turned off here; the
      // server has no such name (it refuses it, which Deno reports alike).
      await rejects(socket.gethostbyname(name), gai(-2));
    }
  } finally {
    socket.reset_resolver();
  }
});

Deno.test('a server that refuses: taken for "no such name" (Deno cannot tell them apart)', async () => {
  if (bin === null) {
    console.log("SKIP a refusing server: dnsmasq is not installed");
    return;
  }
  await using server = await startDnsmasq(bin);
  socket.set_resolver({
    nameServer: { ipAddr: "127.0.0.1", port: server.port },
    hostsFile: null,
    search: [],
    ndots: 1,
    timeout: 2,
    attempts: 1,
  });
  try {
    // dnsmasq answers REFUSED outside its zones. CPython (glibc) says
    // EAI_AGAIN, herror 2 and EAI_AGAIN here; Deno reports REFUSED as it
    // reports NXDOMAIN. README, "Differences from CPython", says so.
    await rejects(socket.getaddrinfo("outside.example", 80), gai(-2));
    await rejects(socket.gethostbyaddr("203.0.113.1"), (e: unknown) => {
      ok(e instanceof socket.herror);
      strictEqual(e.errno, 1);
      return true;
    });
    await rejects(
      socket.getnameinfo(["203.0.113.1", 80], socket.NI_NAMEREQD),
      gai(-2),
    );
  } finally {
    socket.reset_resolver();
  }
});
