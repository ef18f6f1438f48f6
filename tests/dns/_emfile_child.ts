// Run by emfile_test.ts in a process of its own (fresh caches): takes every
// descriptor, so that the next open, socket or accept fails with EMFILE,
// and meanwhile reads resolv.conf for the first time, looks up a name in a
// hosts file, accepts a pending connection, and prints the errors as a
// program would; then frees the descriptors and looks again. Prints one
// JSON line with what it saw.
//
// No DNS query is sent: every look-up is answered from the hosts file, or
// fails before DNS.
import * as socket from "../../mod.ts";
import { resolverConfig } from "../../dns/config.ts";
import { fillDescriptors } from "../_dns_helpers.ts";

const hostsFile = Deno.args[0];
if (hostsFile === undefined) throw new Error("usage: _emfile_child.ts HOSTS");

function describe(e: unknown): [string, number | null] {
  const err = e as { name?: string; errno?: number | null };
  return [err.name ?? "?", err.errno ?? null];
}

const server = socket.socket();
server.bind(["127.0.0.1", 0]);
server.listen(1);
const client = socket.socket();
await client.connect(server.getsockname());

const files = fillDescriptors();
if (typeof files === "string") {
  console.log(JSON.stringify({ skip: files }));
  Deno.exit(0);
}
let conf: unknown = null;
try {
  resolverConfig();
} catch (e) {
  conf = e;
}
let accepted: unknown = null;
try {
  (await server.accept())[0].close();
} catch (e) {
  accepted = e;
}
socket.set_resolver({ hostsFile });
let looked: unknown = null;
try {
  await socket.gethostbyname("emfile-host");
} catch (e) {
  looked = e;
}
// What a program does with an error: print it, stack and cause included.
// Deno formats a stack's frames from each module's source map, which it
// reads from its cache: with no descriptor left, that could crash Deno.
for (const e of [conf, accepted, looked]) if (e !== null) console.error(e);
for (const f of files) f.close();

const after = resolverConfig().nameServers.map((n) => n.ipAddr);
console.log(JSON.stringify({
  conf: conf === null ? null : describe(conf),
  accepted: accepted === null ? null : describe(accepted),
  looked: looked === null ? null : describe(looked),
  after,
  address: await socket.gethostbyname("emfile-host"),
}));
client.close();
server.close();
