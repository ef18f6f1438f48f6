// Echo client program: the seed's example, ported line by line.
//
//   deno run --allow-net examples/echo_client.ts [host] [port]
import * as socket from "@pysocket/socket";

/** Connects, sends a greeting, and prints what comes back. */
export async function talk(
  host: string,
  port: number,
  print: (...args: unknown[]) => void = console.log,
): Promise<void> {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await s.connect([host, port]);
  await s.send("Hello, world");
  const data = await s.recv(1024);
  print("Received", new TextDecoder().decode(data));
}

if (import.meta.main) {
  const HOST = Deno.args[0] ?? "127.0.0.1"; // The remote host
  const PORT = Number(Deno.args[1] ?? 50007); // The same port as used by the server
  await talk(HOST, PORT);
}
