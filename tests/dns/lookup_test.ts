// Argument checks, error classes and messages, numeric look-ups that need
// no file and no DNS, set_resolver/reset_resolver, interfaces.
import {
  deepStrictEqual,
  ok,
  rejects,
  strictEqual,
  throws,
} from "node:assert/strict";
import * as socket from "../../mod.ts";

function gai(errno: number, message?: string): (e: unknown) => boolean {
  return (e: unknown): boolean => {
    ok(e instanceof socket.gaierror, `not a gaierror: ${e}`);
    strictEqual(e.errno, errno);
    if (message) strictEqual(e.message, message);
    return true;
  };
}

Deno.test("getservbyname/getservbyport/getprotobyname: errors as CPython", () => {
  throws(() => socket.getservbyname(80 as unknown as string), TypeError);
  throws(() => socket.getservbyname("http", 6 as unknown as string), TypeError);
  throws(() => socket.getservbyname("ht\0tp"), RangeError);
  throws(() => socket.getservbyport("80" as unknown as number), TypeError);
  throws(() => socket.getservbyport(1.5), TypeError);
  throws(() => socket.getservbyport(-1), {
    name: "RangeError",
    message: "getservbyport: port must be 0-65535.",
  });
  throws(() => socket.getservbyport(65536), {
    message: "getservbyport: port must be 0-65535.",
  });
  throws(() => socket.getservbyport(2 ** 31), RangeError);
  throws(() => socket.getprotobyname(null as unknown as string), TypeError);
  throws(() => socket.getservbyname("no-such-service"), {
    name: "OSError",
    message: "service/proto not found",
  });
  throws(() => socket.getservbyport(80, "no-such-proto"), {
    message: "port/proto not found",
  });
  throws(() => socket.getprotobyname("no-such-proto"), {
    message: "protocol not found",
  });
});

Deno.test("getaddrinfo on numeric hosts and its errors", async () => {
  deepStrictEqual(
    await socket.getaddrinfo(
      "127.0.0.1",
      80,
      socket.AF_INET,
      socket.SOCK_STREAM,
    ),
    [
      [2, 1, 6, "", ["127.0.0.1", 80]],
    ],
  );
  deepStrictEqual(await socket.getaddrinfo("127.1", "80"), [
    [2, 1, 6, "", ["127.0.0.1", 80]],
    [2, 2, 17, "", ["127.0.0.1", 80]],
    [2, 3, 0, "", ["127.0.0.1", 80]],
  ]);
  deepStrictEqual(
    await socket.getaddrinfo("fe80::1%1", 5, 0, socket.SOCK_DGRAM),
    [
      [10, 2, 17, "", ["fe80::1", 5, 0, 1]],
    ],
  );
  deepStrictEqual(
    await socket.getaddrinfo(
      "1.2.3.4",
      80,
      socket.AF_INET6,
      1,
      0,
      socket.AI_V4MAPPED,
    ),
    [
      [10, 1, 6, "", ["::ffff:1.2.3.4", 80, 0, 0]],
    ],
  );
  deepStrictEqual(
    await socket.getaddrinfo(null, 80, socket.AF_INET, 1, 0, socket.AI_PASSIVE),
    [
      [2, 1, 6, "", ["0.0.0.0", 80]],
    ],
  );
  deepStrictEqual(
    await socket.getaddrinfo("::1", 80, 0, 1, 0, socket.AI_CANONNAME),
    [
      [10, 1, 6, "::1", ["::1", 80, 0, 0]],
    ],
  );
  const [wrapped] = await socket.getaddrinfo("127.0.0.1", 70000, 2, 1);
  strictEqual(wrapped?.[4][1], 4464);
  await rejects(
    socket.getaddrinfo(null, null),
    gai(-2, "[Errno -2] Name or service not known"),
  );
  await rejects(
    socket.getaddrinfo("x", 80, 0, 0, 0, socket.AI_NUMERICHOST),
    gai(-2),
  );
  await rejects(socket.getaddrinfo("::1", 80, socket.AF_INET), gai(-9));
  await rejects(
    socket.getaddrinfo("127.0.0.1", 80, 3),
    gai(-6, "[Errno -6] ai_family not supported"),
  );
  await rejects(
    socket.getaddrinfo("127.0.0.1", 80, 0, 4),
    gai(-7, "[Errno -7] ai_socktype not supported"),
  );
  await rejects(
    socket.getaddrinfo("127.0.0.1", "no-such-service"),
    gai(-8, "[Errno -8] Servname not supported for ai_socktype"),
  );
  await rejects(
    socket.getaddrinfo("127.0.0.1", "http", 0, 0, 0, socket.AI_NUMERICSERV),
    gai(-2),
  );
  await rejects(
    socket.getaddrinfo("127.0.0.1", 80, 0, 0, 0, 0x1000),
    gai(-1, "[Errno -1] Bad value for ai_flags"),
  );
  await rejects(
    socket.getaddrinfo(null, 80, 0, 0, 0, socket.AI_CANONNAME),
    gai(-1),
  );
  await rejects(socket.getaddrinfo(42 as unknown as string, 80), TypeError);
  await rejects(socket.getaddrinfo("127.0.0.1", 1.5), {
    name: "OSError",
    message: "Int or String expected",
  });
  await rejects(
    socket.getaddrinfo("127.0.0.1", 80, "2" as unknown as number),
    TypeError,
  );
});

Deno.test("getnameinfo numeric forms and argument errors", async () => {
  deepStrictEqual(
    await socket.getnameinfo(
      ["192.0.2.1", 80],
      socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
    ),
    ["192.0.2.1", "80"],
  );
  deepStrictEqual(
    await socket.getnameinfo(
      ["2001:db8::1", 53, 0, 7],
      socket.NI_NUMERICHOST | socket.NI_DGRAM,
    ),
    ["2001:db8::1%7", "domain"],
  );
  await rejects(socket.getnameinfo(["not-numeric", 80], 1), gai(-2));
  await rejects(socket.getnameinfo(["192.0.2.1", 80, 0, 0], 1), {
    name: "OSError",
    message: "IPv4 sockaddr must be 2 tuple",
  });
  await rejects(
    socket.getnameinfo("x" as unknown as [string, number], 1),
    TypeError,
  );
  await rejects(
    socket.getnameinfo([80, "x"] as unknown as [string, number], 1),
    {
      name: "TypeError",
      message: "getnameinfo(): illegal sockaddr argument",
    },
  );
  await rejects(socket.getnameinfo(["::1", 80, 0x100000, 0], 1), RangeError);
  await rejects(socket.getnameinfo(["192.0.2.1", 80], 256), gai(-1));
  await rejects(socket.getnameinfo(["192.0.2.1", -1], 1), gai(-8));
});

Deno.test("gethostbyname on numeric and special hosts", async () => {
  strictEqual(await socket.gethostbyname("127.0.0.1"), "127.0.0.1");
  strictEqual(await socket.gethostbyname("1.2.3"), "1.2.0.3");
  strictEqual(await socket.gethostbyname(""), "0.0.0.0");
  strictEqual(await socket.gethostbyname("<broadcast>"), "255.255.255.255");
  await rejects(socket.gethostbyname("::1"), gai(-9));
  deepStrictEqual(await socket.gethostbyname_ex("127.0.0.1"), [
    "127.0.0.1",
    [],
    ["127.0.0.1"],
  ]);
  await rejects(
    socket.gethostbyname_ex(""),
    (e: unknown) => e instanceof socket.herror && e.errno === 3,
  );
  await rejects(socket.gethostbyname(5 as unknown as string), TypeError);
});

Deno.test("set_resolver checks its options; reset_resolver undoes it", async () => {
  throws(
    () => socket.set_resolver(null as unknown as socket.ResolverOptions),
    TypeError,
  );
  throws(
    () => socket.set_resolver({ nameServer: { ipAddr: "dns.example" } }),
    TypeError,
  );
  throws(
    () =>
      socket.set_resolver({ nameServer: { ipAddr: "127.0.0.1", port: 70000 } }),
    RangeError,
  );
  throws(
    () => socket.set_resolver({ hostsFile: 5 as unknown as string }),
    TypeError,
  );
  throws(
    () => socket.set_resolver({ search: "a" as unknown as string[] }),
    TypeError,
  );
  throws(() => socket.set_resolver({ timeout: -1 }), RangeError);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/hosts`, "192.0.2.77 fixture-host\n");
    await Deno.writeTextFile(`${dir}/services`, "fixture-svc 4321/tcp\n");
    await Deno.writeTextFile(`${dir}/protocols`, "fixture-proto 222\n");
    socket.set_resolver({
      hostsFile: `${dir}/hosts`,
      servicesFile: `${dir}/services`,
      protocolsFile: `${dir}/protocols`,
    });
    strictEqual(await socket.gethostbyname("fixture-host"), "192.0.2.77");
    strictEqual(socket.getservbyname("fixture-svc"), 4321);
    strictEqual(socket.getprotobyname("fixture-proto"), 222);
    throws(() => socket.getservbyname("http"), socket.error);
    socket.reset_resolver();
    throws(() => socket.getservbyname("fixture-svc"), socket.error);
    throws(() => socket.getprotobyname("fixture-proto"), socket.error);
    strictEqual(socket.getprotobyname("tcp"), 6);
  } finally {
    socket.reset_resolver();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("services and protocols fall back to the built-in table", () => {
  socket.set_resolver({
    servicesFile: "/nonexistent/services",
    protocolsFile: "/nonexistent/protocols",
  });
  try {
    strictEqual(socket.getservbyname("http", "tcp"), 80);
    strictEqual(socket.getservbyname("www"), 80);
    strictEqual(socket.getservbyport(443), "https");
    strictEqual(socket.getprotobyname("udp"), 17);
    strictEqual(socket.getprotobyname("ICMP"), 1);
  } finally {
    socket.reset_resolver();
  }
});

Deno.test("interfaces and has_ipv6", () => {
  strictEqual(socket.has_ipv6, true);
  const list = socket.if_nameindex();
  ok(list.length > 0);
  for (const [i, n] of list) {
    strictEqual(socket.if_nametoindex(n), i);
    strictEqual(socket.if_indextoname(i), n);
  }
  throws(() => socket.if_nametoindex("no-such-if0"), {
    message: "no interface with this name",
  });
  throws(
    () => socket.if_indextoname(2 ** 31 - 1),
    (e: unknown) => e instanceof socket.error && e.errno === 6,
  );
  throws(() => socket.if_indextoname(-1), RangeError);
  throws(() => socket.if_indextoname("1" as unknown as number), TypeError);
});

Deno.test("gethostname and getfqdn", async () => {
  strictEqual(socket.gethostname(), Deno.hostname());
  strictEqual(typeof (await socket.getfqdn("127.0.0.1")), "string");
});

Deno.test("resolveHost (bind/connect) on numeric and special hosts", async () => {
  const { resolveHost } = await import("../../dns/resolve_host.ts");
  strictEqual(await resolveHost("", socket.AF_INET), "0.0.0.0");
  strictEqual(await resolveHost("", socket.AF_INET6), "::");
  strictEqual(
    await resolveHost("<broadcast>", socket.AF_INET),
    "255.255.255.255",
  );
  strictEqual(await resolveHost("127.1", socket.AF_INET), "127.0.0.1");
  strictEqual(await resolveHost("fe80::1%1", socket.AF_INET6), "fe80::1%1");
  strictEqual(await resolveHost("fe80::1%lo", socket.AF_INET6), "fe80::1%1");
  await rejects(resolveHost("::1", socket.AF_INET), gai(-9));
  await rejects(resolveHost("<broadcast>", socket.AF_INET6), {
    message: "address family mismatched",
  });
});
