// IPv4 addresses from text to 4 packed bytes and back, as the Python
// tutorial's socket_address_packing.py does.
//
//   npx -y deno@2.9.6 run examples/address_packing.ts [address ...]
import * as socket from "@pysocket/socket";

function hexlify(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const addresses = Deno.args.length ? Deno.args : ["192.168.1.1", "127.0.0.1"];
for (const stringAddress of addresses) {
  const packed = socket.inet_aton(stringAddress);
  console.log("Original:", stringAddress);
  console.log("Packed  :", hexlify(packed));
  console.log("Unpacked:", socket.inet_ntoa(packed));
  console.log();
}
