// The tutorial's socket_getservbyport.py: URLs from port numbers.
// Run: npx -y deno@2.9.6 run --allow-read=/etc/services examples/getservbyport.ts [port...]
import * as socket from "@pysocket/socket";

const PORTS = Deno.args.length > 0
  ? Deno.args.map(Number)
  : [80, 443, 21, 70, 25, 143, 993, 110, 995];

for (const port of PORTS) {
  const url = `${socket.getservbyport(port)}://example.com/`;
  console.log(url);
}
