// The tutorial's socket_gethostbyname.py: names to IPv4 addresses.
// Run: npx -y deno@2.9.6 run --allow-read --allow-sys examples/gethostbyname.ts [host...]
// Without arguments it looks up only names from the hosts file and numbers,
// so nothing is asked of a DNS server; names given on the command line may be.
import * as socket from "@pysocket/socket";

/** Whether the hosts file names `name`, so that no DNS query is needed. */
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

const HOSTS = Deno.args.length > 0
  ? Deno.args
  : ["localhost", socket.gethostname(), "127.0.0.1", "::1"].filter((h) =>
    h.includes(":") || /^[\d.]+$/.test(h) || inHostsFile(h)
  );

for (const host of HOSTS) {
  try {
    console.log(`${host} : ${await socket.gethostbyname(host)}`);
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    console.log(`${host} : ${e.message}`);
  }
}
