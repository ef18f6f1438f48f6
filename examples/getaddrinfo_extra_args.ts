// The tutorial's socket_getaddrinfo_extra_args.py: getaddrinfo with a
// family, socket type, protocol and AI_CANONNAME.
// Run: npx -y deno@2.9.6 run --allow-read --allow-sys examples/getaddrinfo_extra_args.ts [host]
// By default this host's own name when the hosts file has it, else localhost.
import * as socket from "@pysocket/socket";

function inHostsFile(name: string): boolean {
  try {
    return Deno.readTextFileSync("/etc/hosts").split("\n").some((line) =>
      line.replace(/#.*/, "").trim().split(/\s+/).slice(1)
        .some((n) => n.toLowerCase() === name.toLowerCase())
    );
  } catch {
    return false;
  }
}

function getConstants(prefix: string): Map<number, string> {
  const out = new Map<number, string>();
  const names = Object.keys(socket).filter((n) => n.startsWith(prefix)).sort();
  const values = socket as unknown as Record<string, unknown>;
  for (const n of names) {
    if (typeof values[n] === "number") out.set(values[n] as number, n);
  }
  return out;
}

function pyTuple(sa: socket.AddrInfoSockaddr): string {
  return `('${sa[0]}', ${sa.slice(1).join(", ")})`;
}

const families = getConstants("AF_");
const types = getConstants("SOCK_");
const protocols = getConstants("IPPROTO_");

const own = socket.gethostname();
const host = Deno.args[0] ?? (inHostsFile(own) ? own : "localhost");

for (
  const response of await socket.getaddrinfo(
    host,
    "http",
    socket.AF_INET,
    socket.SOCK_STREAM,
    socket.IPPROTO_TCP,
    socket.AI_CANONNAME,
  )
) {
  const [family, socktype, proto, canonname, sockaddr] = response;
  console.log("Family        :", families.get(family));
  console.log("Type          :", types.get(socktype));
  console.log("Protocol      :", protocols.get(proto));
  console.log("Canonical name:", canonname);
  console.log("Socket address:", pyTuple(sockaddr));
  console.log();
}
