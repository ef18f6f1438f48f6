// The tutorial's socket_getprotobyname.py: protocol numbers and the
// IPPROTO_ constants that hold them.
// Run: npx -y deno@2.9.6 run --allow-read=/etc/protocols examples/getprotobyname.ts [name...]
import * as socket from "@pysocket/socket";

/** Values to names for the module's constants with a prefix (the last name wins, as in the tutorial's dict). */
function getConstants(prefix: string): Map<number, string> {
  const out = new Map<number, string>();
  const names = Object.keys(socket).filter((n) => n.startsWith(prefix)).sort();
  const values = socket as unknown as Record<string, unknown>;
  for (const n of names) {
    if (typeof values[n] === "number") out.set(values[n] as number, n);
  }
  return out;
}

const protocols = getConstants("IPPROTO_");
const values = socket as unknown as Record<string, number>;

for (const name of Deno.args.length > 0 ? Deno.args : ["icmp", "udp", "tcp"]) {
  const protoNum = socket.getprotobyname(name);
  const constName = protocols.get(protoNum) ?? "?";
  console.log(
    `${name.padStart(4)} -> ${String(protoNum).padStart(2)} (socket.${
      constName.padEnd(12)
    } = ${String(values[constName]).padStart(2)})`,
  );
}
