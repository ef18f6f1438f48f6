// Run by emfile_test.ts in a process of its own: takes every descriptor,
// then asks for the network interfaces, as CPython's test does with the
// same limit; frees them and asks again. Prints one JSON line.
import * as socket from "../../mod.ts";
import { fillDescriptors } from "../_dns_helpers.ts";

function outcome(f: () => unknown): unknown {
  try {
    f();
    return "ok";
  } catch (e) {
    const err = e as { name?: string; errno?: number | null };
    return [err.name ?? "?", err.errno ?? null];
  }
}

const files = fillDescriptors();
if (typeof files === "string") {
  console.log(JSON.stringify({ skip: files }));
  Deno.exit(0);
}
const full = {
  nameindex: outcome(() => socket.if_nameindex()),
  nametoindex: outcome(() => socket.if_nametoindex("lo")),
};
for (const f of files) f.close();
console.log(JSON.stringify({
  ...full,
  after: socket.if_nameindex().some(([, name]) => name === "lo"),
}));
