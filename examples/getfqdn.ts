// The tutorial's socket_getfqdn.py: fully qualified names.
// Run: npx -y deno@2.9.6 run --allow-read --allow-sys examples/getfqdn.ts [host...]
// Without arguments only names from the hosts file and numbers are looked up.
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

const HOSTS = Deno.args.length > 0
  ? Deno.args
  : ["localhost", socket.gethostname(), "127.0.0.1"].filter((h) =>
    /^[\d.]+$/.test(h) || inHostsFile(h)
  );

for (const host of HOSTS) {
  console.log(`${host.padStart(10)} : ${await socket.getfqdn(host)}`);
}
