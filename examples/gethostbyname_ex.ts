// The tutorial's socket_gethostbyname_ex.py: canonical name, aliases and
// every IPv4 address of a host.
// Run: npx -y deno@2.9.6 run --allow-read --allow-sys examples/gethostbyname_ex.ts [host...]
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

/** A list of strings as Python prints it. */
function pyList(items: string[]): string {
  return `[${items.map((s) => `'${s}'`).join(", ")}]`;
}

const HOSTS = Deno.args.length > 0
  ? Deno.args
  : ["localhost", socket.gethostname(), "127.0.0.1"].filter((h) =>
    /^[\d.]+$/.test(h) || inHostsFile(h)
  );

for (const host of HOSTS) {
  console.log(host);
  try {
    const [name, aliases, addresses] = await socket.gethostbyname_ex(host);
    console.log("  Hostname:", name);
    console.log("  Aliases :", pyList(aliases));
    console.log(" Addresses:", pyList(addresses));
  } catch (e) {
    if (!(e instanceof socket.error)) throw e;
    console.log("ERROR:", e.message);
  }
  console.log();
}
