/**
 * An echo client on `selectors.DefaultSelector` with a non-blocking
 * socket: it waits to be writable to send a message, then readable until
 * all of the message is back, then sends the next. A line-by-line port of
 * tests/fixtures/examples/selectors_echo_client.py, printing what it
 * prints.
 *
 * ```sh
 * deno run --allow-net=localhost examples/selectors_echo_client.ts [host] [port]
 * ```
 *
 * @module
 */
import * as socket from "@pysocket/socket";
import * as selectors from "@pysocket/socket/selectors";
import { repr } from "./_pyrepr.ts";

const host = Deno.args[0] ?? "localhost";
const port = Number(Deno.args[1] ?? 10000);

const encoder = new TextEncoder();
let messages = [
  encoder.encode("First message. "),
  encoder.encode("Second message. "),
  encoder.encode("The last one."),
];

function errorcode(err: number): string {
  return Object.entries(socket.errno).find(([, v]) => v === err)?.[0] ??
    String(err);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const sel = new selectors.DefaultSelector();
const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
sock.setblocking(false);
let err = await sock.connect_ex([host, port]);
console.log(`connecting to ${host} port ${port}: ${errorcode(err)}`);
sel.register(sock, selectors.EVENT_WRITE);

let connected = false;
let expected: Uint8Array = new Uint8Array(0);
let received: Uint8Array = new Uint8Array(0);
while (messages.length > 0 || expected.length > 0) {
  const events = await sel.select(5);
  if (events.length === 0) {
    console.log("timed out");
    break;
  }
  for (const [_key, mask] of events) {
    if (mask & selectors.EVENT_WRITE) {
      if (!connected) {
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR);
        console.log(err === 0 ? "connected" : errorcode(err));
        connected = true;
      }
      expected = messages.shift() ?? new Uint8Array(0);
      console.log(`sending ${repr(expected)}`);
      await sock.send(expected);
      sel.modify(sock, selectors.EVENT_READ);
    }
    if (mask & selectors.EVENT_READ) {
      const data = await sock.recv(1024);
      if (data.length === 0) {
        console.log("server closed the connection");
        messages = [];
        expected = new Uint8Array(0);
        break;
      }
      received = concat(received, data);
      if (received.length >= expected.length) {
        console.log(`received ${repr(received)}`);
        expected = received = new Uint8Array(0);
        if (messages.length > 0) {
          sel.modify(sock, selectors.EVENT_WRITE);
        }
      }
    }
  }
}

console.log("closing");
sel.unregister(sock);
sock.close();
sel.close();
