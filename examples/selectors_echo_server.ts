/**
 * An echo server on `selectors.DefaultSelector`, one callback per kind of
 * event, kept as each key's data: a line-by-line port of
 * tests/fixtures/examples/selectors_echo_server.py, printing what it
 * prints.
 *
 * ```sh
 * deno run --allow-net=localhost examples/selectors_echo_server.ts [host] [port] [clients]
 * ```
 *
 * It stops once the given number of clients (by default 1) have come and
 * gone. Its client is examples/selectors_echo_client.ts.
 *
 * @module
 */
import * as socket from "@pysocket/socket";
import * as selectors from "@pysocket/socket/selectors";
import { repr } from "./_pyrepr.ts";

const host = Deno.args[0] ?? "localhost";
const port = Number(Deno.args[1] ?? 10000);
const clients = Number(Deno.args[2] ?? 1);

type Callback = (sock: socket.Socket, mask: number) => Promise<void>;
const sel = new selectors.DefaultSelector<Callback, socket.Socket>();
let served = 0;

/** The listening socket is readable: a client is waiting. */
async function on_accept(sock: socket.Socket, _mask: number): Promise<void> {
  const [conn, addr] = await sock.accept();
  console.log("accepted", repr(addr));
  conn.setblocking(false);
  sel.register(conn, selectors.EVENT_READ, on_read);
}

/** A client socket is readable: data, or the client has gone. */
async function on_read(conn: socket.Socket, _mask: number): Promise<void> {
  const peer = conn.getpeername();
  const data = await conn.recv(1024);
  if (data.length > 0) {
    console.log(`  echoing ${repr(data)} to ${repr(peer)}`);
    await conn.sendall(data);
  } else {
    console.log(`  ${repr(peer)} has gone`);
    sel.unregister(conn);
    conn.close();
    served += 1;
  }
}

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([host, port]);
server.listen();
server.setblocking(false);
const [address, bound_port] = server.getsockname();
console.log(`listening on ${address} port ${bound_port}`);
sel.register(server, selectors.EVENT_READ, on_accept);

while (served < clients) {
  for (const [key, mask] of await sel.select(1)) {
    const callback = key.data;
    await callback(key.fileobj, mask);
  }
}

console.log(`served ${served} client(s), shutting down`);
sel.unregister(server);
server.close();
sel.close();
