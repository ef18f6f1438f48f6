/**
 * An echo server that serves all its clients from one task with
 * `select.select()`: a line-by-line port of
 * tests/fixtures/examples/select_echo_server.py, printing what it prints.
 *
 * ```sh
 * deno run --allow-net=localhost examples/select_echo_server.ts [host] [port] [clients]
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

// A non-blocking listening socket.
const server = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
server.setblocking(false);
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind([host, port]);
const [address, bound_port] = server.getsockname();
console.error(`starting up on ${address} port ${bound_port}`);
server.listen(5);

// Sockets to read from, sockets to write to, and what waits to be sent.
const inputs: socket.Socket[] = [server];
const outputs: socket.Socket[] = [];
const message_queues = new Map<socket.Socket, Uint8Array[]>();
const peers = new Map<socket.Socket, socket.Address>();
let accepted = 0;

function remove<T>(list: T[], item: T): void {
  list.splice(list.indexOf(item), 1);
}

while (inputs.length > 0) {
  console.error("waiting for the next event");
  const [readable, writable, exceptional] = await select.select(
    inputs,
    outputs,
    inputs,
  );

  for (const s of readable) {
    if (s === server) {
      const [connection, client_address] = await s.accept();
      console.error("  connection from", repr(client_address));
      connection.setblocking(false);
      inputs.push(connection);
      message_queues.set(connection, []);
      peers.set(connection, client_address);
      accepted += 1;
      if (accepted === clients) {
        console.error("  no longer listening");
        remove(inputs, server);
        server.close();
      }
    } else {
      const data = await s.recv(1024);
      if (data.length > 0) {
        console.error(
          `  received ${repr(data)} from ${repr(peers.get(s))}`,
        );
        message_queues.get(s)?.push(data);
        if (!outputs.includes(s)) {
          outputs.push(s);
        }
      } else {
        // No data: the client has closed its end.
        console.error("  closing", repr(peers.get(s)));
        if (outputs.includes(s)) {
          remove(outputs, s);
        }
        remove(inputs, s);
        s.close();
        message_queues.delete(s);
      }
    }
  }

  for (const s of writable) {
    if (!outputs.includes(s)) {
      continue;
    }
    const next_msg = message_queues.get(s)?.shift();
    if (next_msg === undefined) {
      console.error("  ", repr(peers.get(s)), "queue empty");
      remove(outputs, s);
    } else {
      console.error(`  sending ${repr(next_msg)} to ${repr(peers.get(s))}`);
      await s.send(next_msg);
    }
  }

  for (const s of exceptional) {
    if (!inputs.includes(s)) {
      continue;
    }
    console.error("exception condition on", repr(peers.get(s)));
    remove(inputs, s);
    if (outputs.includes(s)) {
      remove(outputs, s);
    }
    s.close();
    message_queues.delete(s);
  }
}

console.error("all clients served");
