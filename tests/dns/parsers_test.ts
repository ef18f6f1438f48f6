// The file parsers against malformed files: bad lines are skipped, good
// lines around them still count, nothing throws.
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import * as socket from "../../mod.ts";
import { parseServices } from "../../dns/services.ts";
import { parseProtocols } from "../../dns/protocols.ts";
import { parseHosts } from "../../dns/hosts.ts";
import { parseResolvConf } from "../../dns/config.ts";

const fixture = (name: string): string =>
  new URL(`../fixtures/dns/${name}`, import.meta.url).pathname;

function notFound(f: () => unknown, message: string): void {
  throws(f, (e: unknown) => {
    ok(e instanceof socket.error);
    strictEqual(e.message, message);
    strictEqual(e.errno, null);
    return true;
  });
}

Deno.test("services file: good lines found, bad lines skipped", () => {
  socket.set_resolver({ servicesFile: fixture("services.malformed") });
  try {
    strictEqual(socket.getservbyname("http"), 80);
    strictEqual(socket.getservbyname("www", "tcp"), 80);
    strictEqual(socket.getservbyname("http", "udp"), 80);
    strictEqual(socket.getservbyname("nameserver", "udp"), 53);
    notFound(
      () => socket.getservbyname("nameserver", "tcp"),
      "service/proto not found",
    );
    strictEqual(socket.getservbyname("sctpsvc", "sctp"), 9999);
    strictEqual(socket.getservbyname("first"), 1000);
    strictEqual(socket.getservbyport(1000), "first");
    strictEqual(socket.getservbyport(1000, "udp"), "dupport");
    strictEqual(socket.getservbyname("longname", "tcp"), 1234);
    strictEqual(socket.getservbyname("after-alias"), 4242);
    for (
      const bad of ["badport", "negative", "noproto", "noslash", "hex", "lone"]
    ) {
      notFound(() => socket.getservbyname(bad), "service/proto not found");
    }
    notFound(
      () => socket.getservbyport(70000 & 0xffff),
      "port/proto not found",
    );
    notFound(() => socket.getservbyport(53, "sctp"), "port/proto not found");
  } finally {
    socket.reset_resolver();
  }
});

Deno.test("services parser: every kind of malformed line", () => {
  const t = parseServices(
    "a\nb 1\nc /tcp\nd 1/\ne 99999/tcp\nf 12/tcp x y z\n\0\0\0\n" +
      "g\t13/udp\t# c\n#h 14/tcp\n" + "i ".repeat(50000) + "\n",
  );
  deepStrictEqual(t.entries.map((e) => [e.name, e.port, e.proto, e.aliases]), [
    ["f", 12, "tcp", ["x", "y", "z"]],
    ["g", 13, "udp", []],
  ]);
  ok(parseServices(null).builtin);
  strictEqual(parseServices("").entries.length, 0);
});

Deno.test("protocols file: good lines found, bad lines skipped", () => {
  socket.set_resolver({ protocolsFile: fixture("protocols.malformed") });
  try {
    strictEqual(socket.getprotobyname("tcp"), 6);
    strictEqual(socket.getprotobyname("TCP"), 6);
    strictEqual(socket.getprotobyname("SECONDTCP"), 99);
    strictEqual(socket.getprotobyname("icmp"), 1);
    strictEqual(socket.getprotobyname("LONG"), 200);
    strictEqual(socket.getprotobyname("last"), 250);
    for (const bad of ["nonum", "bad", "BAD", "neg", "NEG", "x"]) {
      notFound(() => socket.getprotobyname(bad), "protocol not found");
    }
  } finally {
    socket.reset_resolver();
  }
  deepStrictEqual([...parseProtocols("a 1 A\nb\nc c\n").byName], [["a", 1], [
    "A",
    1,
  ]]);
});

Deno.test("hosts parser: strict addresses, names required, junk skipped", () => {
  const lines = parseHosts(Deno.readTextFileSync(fixture("hosts.malformed")));
  const seen = lines.map((l) => l.name);
  for (const n of ["localhost", "multi", "Multi", "Mixed.Case", "after"]) {
    ok(seen.includes(n), n);
  }
  for (const n of ["scoped", "badaddr", "line", "leadingzero"]) {
    ok(!seen.includes(n), n);
  }
  ok(lines.some((l) => l.aliases.includes("longalias")));
  deepStrictEqual(parseHosts(null), []);
});

Deno.test("hosts file look-ups merge lines as glibc does", async () => {
  socket.set_resolver({ hostsFile: fixture("hosts.malformed"), search: [] });
  try {
    deepStrictEqual(await socket.gethostbyname_ex("multi"), [
      "multi",
      ["m-alias", "Multi"],
      ["192.0.2.10", "192.0.2.11"],
    ]);
    deepStrictEqual(await socket.gethostbyname_ex("localhost"), [
      "localhost",
      ["ip6-localhost", "ip6-loopback"],
      ["127.0.0.1", "127.0.0.1"],
    ]);
    deepStrictEqual(await socket.gethostbyname_ex("MIXED.case"), [
      "Mixed.Case",
      ["alias1", "alias2"],
      ["198.51.100.5"],
    ]);
    deepStrictEqual(await socket.gethostbyaddr("::1"), [
      "localhost",
      ["ip6-localhost", "ip6-loopback"],
      ["::1"],
    ]);
    const r = await socket.getaddrinfo(
      "other",
      80,
      0,
      socket.SOCK_STREAM,
      0,
      socket.AI_CANONNAME,
    );
    deepStrictEqual(r, [[socket.AF_INET6, 1, 6, "multi", [
      "2001:db8::10",
      80,
      0,
      0,
    ]]]);
    strictEqual(await socket.gethostbyname("after"), "192.0.2.40");
  } finally {
    socket.reset_resolver();
  }
});

Deno.test("resolv.conf parser", () => {
  const c = parseResolvConf(
    "# c\nnameserver 192.0.2.53\nnameserver bogus\nnameserver ::1\n" +
      "nameserver 192.0.2.54\nnameserver 192.0.2.55\ndomain a.example\n" +
      "search b.example c.example ; comment\noptions ndots:3 timeout:2 attempts:9 rotate\n",
  );
  deepStrictEqual(c.nameServers.map((n) => n.ipAddr), [
    "192.0.2.53",
    "::1",
    "192.0.2.54",
  ]);
  deepStrictEqual(c.search, ["b.example", "c.example"]);
  strictEqual(c.ndots, 3);
  strictEqual(c.timeout, 2);
  strictEqual(c.attempts, 5);
  const empty = parseResolvConf(null);
  deepStrictEqual([empty.nameServers, empty.search, empty.ndots], [
    [],
    null,
    1,
  ]);
});
