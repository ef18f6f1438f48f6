/**
 * An echo server that serves all its clients from one task with
 * `select.poll()`: a line-by-line port of
 * tests/fixtures/examples/poll_echo_server.py, printing what it prints.
 *
 * ```sh
 * deno run --allow-net=localhost examples/poll_echo_server.ts [host] [port] [clients]
 * ```
 *
 * With a number of clients, it stops listening after accepting that many,
 * and ends once the last of them has gone. Try it with
 * `python3 tests/fixtures/examples/echo_client.py`.
 *
 * @module
 */
import * as socket from "@pysocket/socket";
import * as select from "@pysocket/socket/select";
import { repr } from "./_pyrepr.ts";

const host = Deno.args[0] ?? "localhost";
const port = Number(Deno.args[1] ?? 10000);
const clients = Number(Deno.args[2] ?? 0);

const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setblocking(false);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([host, port]);
const [address, bound_port] = server.getsockname();
console.error(`starting up on ${address} port ${bound_port}`);
server.listen(5);

const message_queues = new Map<socket.Socket, Uint8Array[]>();
const peers = new Map<socket.Socket, socket.Address>();

// poll() wants event masks; POLLHUP and POLLERR come whether asked or not.
const READ_ONLY = select.POLLIN | select.POLLPRI | select.POLLHUP |
  select.POLLERR;
const READ_WRITE = READ_ONLY | select.POLLOUT;

const poller = select.poll();
poller.register(server, READ_ONLY);
// poll() gives descriptors back: find their sockets.
const fd_to_socket = new Map<number, socket.Socket>([[
  server.fileno(),
  server,
]]);
let accepted = 0;
const TIMEOUT = 1000;

while (fd_to_socket.size > 0) {
  console.error("waiting for the next event");
  const events = await poller.poll(TIMEOUT);

  for (const [fd, flag] of events) {
    const s = fd_to_socket.get(fd);
    if (s === undefined) continue;
    if (flag & (select.POLLIN | select.POLLPRI)) {
      if (s === server) {
        const [connection, client_address] = await s.accept();
        console.error("  connection", repr(client_address));
        connection.setblocking(false);
        fd_to_socket.set(connection.fileno(), connection);
        poller.register(connection, READ_ONLY);
        message_queues.set(connection, []);
        peers.set(connection, client_address);
        accepted += 1;
        if (accepted === clients) {
          console.error("  no longer listening");
          poller.unregister(server);
          fd_to_socket.delete(fd);
          server.close();
        }
      } else {
        const data = await s.recv(1024);
        if (data.length > 0) {
          console.error(
            `  received ${repr(data)} from ${repr(peers.get(s))}`,
          );
          message_queues.get(s)?.push(data);
          poller.modify(s, READ_WRITE);
        } else {
          console.error("  closing", repr(peers.get(s)));
          poller.unregister(s);
          fd_to_socket.delete(fd);
          s.close();
          message_queues.delete(s);
        }
      }
    } else if (flag & select.POLLHUP) {
      console.error("  closing", repr(peers.get(s)), "(HUP)");
      poller.unregister(s);
      fd_to_socket.delete(fd);
      s.close();
    } else if (flag & select.POLLOUT) {
      const next_msg = message_queues.get(s)?.shift();
      if (next_msg === undefined) {
        console.error("  ", repr(peers.get(s)), "queue empty");
        poller.modify(s, READ_ONLY);
      } else {
        console.error(`  sending ${repr(next_msg)} to ${repr(peers.get(s))}`);
        await s.send(next_msg);
      }
    } else if (flag & select.POLLERR) {
      console.error("  exception on", repr(peers.get(s)));
      poller.unregister(s);
      fd_to_socket.delete(fd);
      s.close();
    }
  }
}

console.error("all clients served");
