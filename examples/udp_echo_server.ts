/**
 * UDP echo server: sends every datagram back to where it came from.
 *
 * ```sh
 * npx -y deno@2.9.6 run --unstable-net --allow-net=127.0.0.1 examples/udp_echo_server.ts [host] [port]
 * ```
 *
 * Host and port default to 127.0.0.1 and 50007. Datagram sockets need
 * Deno's `--unstable-net` flag (this project's deno.json turns it on).
 *
 * @module
 */

import * as socket from "@pysocket/socket";

const HOST = Deno.args[0] ?? "127.0.0.1";
const PORT = Number(Deno.args[1] ?? 50007);

using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.bind([HOST, PORT]);
console.log("Listening on", s.getsockname());
while (true) {
  const [data, addr] = await s.recvfrom(65536);
  console.log("Echoing", data.length, "bytes to", addr);
  await s.sendto(data, addr!);
}
