// The tutorial's socket_gethostbyaddr.py: the reverse look-up of an address.
// Run: npx -y deno@2.9.6 run --allow-read examples/gethostbyaddr.ts [address]
// The default, 127.0.0.1, is answered by the hosts file; an address that is
// not in it is looked up in DNS (PTR).
import * as socket from "@pysocket/socket";

function pyList(items: string[]): string {
  return `[${items.map((s) => `'${s}'`).join(", ")}]`;
}

const address = Deno.args[0] ?? "127.0.0.1";
const [hostname, aliases, addresses] = await socket.gethostbyaddr(address);
console.log("Hostname :", hostname);
console.log("Aliases  :", pyList(aliases));
console.log("Addresses:", pyList(addresses));
