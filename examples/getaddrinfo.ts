// The tutorial's socket_getaddrinfo.py: everything needed to connect to a
// service, one entry per family, socket type and protocol.
// Run: npx -y deno@2.9.6 run --allow-read --allow-sys examples/getaddrinfo.ts [host [service]]
// The default host, localhost, is answered by the hosts file; other names
// given on the command line may be looked up in DNS.
import * as socket from "@pysocket/socket";

function getConstants(prefix: string): Map<number, string> {
  const out = new Map<number, string>();
  const names = Object.keys(socket).filter((n) => n.startsWith(prefix)).sort();
  const values = socket as unknown as Record<string, unknown>;
  for (const n of names) {
    if (typeof values[n] === "number") out.set(values[n] as number, n);
  }
  return out;
}

/** A socket address as Python prints the tuple. */
function pyTuple(sa: socket.AddrInfoSockaddr): string {
  return `('${sa[0]}', ${sa.slice(1).join(", ")})`;
}

const families = getConstants("AF_");
const types = getConstants("SOCK_");
const protocols = getConstants("IPPROTO_");

const host = Deno.args[0] ?? "localhost";
const service = Deno.args[1] ?? "http";

for (const response of await socket.getaddrinfo(host, service)) {
  const [family, socktype, proto, canonname, sockaddr] = response;
  console.log("Family        :", families.get(family));
  console.log("Type          :", types.get(socktype));
  console.log("Protocol      :", protocols.get(proto));
  console.log("Canonical name:", canonname);
  console.log("Socket address:", pyTuple(sockaddr));
  console.log();
}
