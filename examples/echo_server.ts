// Echo server program: the seed's example, ported line by line.
//
//   deno run --allow-net examples/echo_server.ts [host] [port]
//
// The seed binds to "" (every interface); this port defaults to loopback.
// Pass "" as the host to listen on every interface as the seed does.
import * as socket from "@pysocket/socket";

/** Accepts one connection on `s` and echoes it until the client closes. */
export async function serve(
  s: socket.Socket,
  print: (...args: unknown[]) => void = console.log,
): Promise<void> {
  s.listen(1);
  const [conn, addr] = await s.accept();
  print("Connected by", addr);
  while (true) {
    const data = await conn.recv(1024);
    if (data.length === 0) break;
    await conn.send(data);
  }
  conn.close();
}

if (import.meta.main) {
  const HOST = Deno.args[0] ?? "127.0.0.1";
  const PORT = Number(Deno.args[1] ?? 50007); // Arbitrary non-privileged port
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.bind([HOST, PORT]);
  await serve(s);
}
