/**
 * Connecting without blocking: `connect_ex()` starts the connection,
 * `select()` says when it has ended (the socket becomes writable), and
 * `SO_ERROR` says how. A line-by-line port of
 * tests/fixtures/examples/select_nonblocking_connect.py, printing what it
 * prints.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/select_nonblocking_connect.ts [host]
 * ```
 *
 * @module
 */
import * as socket from "@pysocket/socket";
import * as select from "@pysocket/socket/select";

const host = Deno.args[0] ?? "127.0.0.1";

function errorcode(err: number): string {
  return Object.entries(socket.errno).find(([, v]) => v === err)?.[0] ??
    String(err);
}

function same(a: socket.Address, b: socket.Address): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function connect(what: string, address: socket.Address): Promise<void> {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setblocking(false);
  let err = await s.connect_ex(address);
  console.log(`${what}: connect_ex() gave ${errorcode(err)}`);
  const [_readable, writable, _exceptional] = await select.select(
    [],
    [s],
    [],
    5,
  );
  console.log(`${what}: writable: ${writable.includes(s) ? "True" : "False"}`);
  err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR);
  if (err === 0) {
    console.log(
      `${what}: connected, peer is ${
        same(s.getpeername(), address) ? "the listener" : "?"
      }`,
    );
  } else {
    console.log(
      `${what}: failed with ${errorcode(err)}: ${
        new socket.error(err).strerror
      }`,
    );
  }
  console.log(
    `${what}: SO_ERROR now ${s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)}`,
  );
  s.close();
}

// A port someone listens on ...
const listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
listener.bind([host, 0]);
listener.listen();
await connect("listening port", listener.getsockname());
listener.close();

// ... and one nobody listens on.
const probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
probe.bind([host, 0]);
const closed = probe.getsockname();
probe.close();
await connect("closed port", closed);
