/**
 * UDP echo client: sends one datagram to the echo server and prints the
 * reply, giving up after two seconds.
 *
 * ```sh
 * npx -y deno@2.9.6 run --unstable-net --allow-net=127.0.0.1 examples/udp_echo_client.ts [host] [port]
 * ```
 *
 * Host and port default to 127.0.0.1 and 50007.
 *
 * @module
 */

import * as socket from "@pysocket/socket";

const HOST = Deno.args[0] ?? "127.0.0.1";
const PORT = Number(Deno.args[1] ?? 50007);

using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
s.settimeout(2);
await s.sendto("Hello, world", [HOST, PORT]);
const [data, addr] = await s.recvfrom(1024);
console.log("Received", new TextDecoder().decode(data), "from", addr);
