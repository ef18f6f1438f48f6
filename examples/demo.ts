// The echo server and client of the seed, talking on an ephemeral loopback
// port in one process. `deno task demo` runs this.
import * as socket from "@pysocket/socket";
import { serve } from "./echo_server.ts";
import { talk } from "./echo_client.ts";

function printer(side: string): (...args: unknown[]) => void {
  return (...args) =>
    console.log(
      `[${side}]`,
      ...args.map((a) => typeof a === "string" ? a : Deno.inspect(a)),
    );
}

using server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.bind(["127.0.0.1", 0]);
const [host, port] = server.getsockname() as [string, number];
console.log(`echo server listening on ${host}:${port}`);
await Promise.all([
  serve(server, printer("server")),
  talk(host, port, printer("client")),
]);
console.log("done: the client got back what it sent");
