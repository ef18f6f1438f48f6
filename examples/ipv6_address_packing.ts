// IPv6 addresses from text to 16 packed bytes and back, as the Python
// tutorial's socket_ipv6_address_packing.py does.
//
//   npx -y deno@2.9.6 run examples/ipv6_address_packing.ts [address ...]
import * as socket from "@pysocket/socket";

function hexlify(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const addresses = Deno.args.length
  ? Deno.args
  : ["2002:ac10:10a:1234:21e:52ff:fe74:40e"];
for (const stringAddress of addresses) {
  const packed = socket.inet_pton(socket.AF_INET6, stringAddress);
  console.log("Original:", stringAddress);
  console.log("Packed  :", hexlify(packed));
  console.log("Unpacked:", socket.inet_ntop(socket.AF_INET6, packed));
  console.log();
}
