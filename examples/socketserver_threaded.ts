/**
 * A `socketserver.ThreadingTCPServer` handles each request as a task of
 * its own (Python: a thread): three clients connect at once, and each
 * handler waits until all three are being handled together before it
 * answers. A line-by-line port of
 * tests/fixtures/examples/socketserver_threaded.py, printing what it
 * prints.
 *
 * ```sh
 * deno run --allow-net=localhost examples/socketserver_threaded.ts [host] [port]
 * ```
 *
 * @module
 */
import * as socket from "@pysocket/socket";
import * as socketserver from "@pysocket/socket/socketserver";
import { repr } from "./_pyrepr.ts";

const CLIENTS = 3;

/** Python's `threading.Barrier`, for tasks: resolves once `parties` wait. */
class Barrier {
  #waiting = 0;
  #open!: () => void;
  readonly #opened = new Promise<void>((resolve) => this.#open = resolve);
  constructor(readonly parties: number) {}

  /** Resolves when all have come; rejects after `timeout` seconds. */
  async wait(timeout: number): Promise<void> {
    if (++this.#waiting === this.parties) this.#open();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const broken = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("broken barrier")),
        timeout * 1000,
      );
    });
    try {
      await Promise.race([this.#opened, broken]);
    } finally {
      clearTimeout(timer);
    }
  }
}
const together = new Barrier(CLIENTS);

class ThreadedHandler extends socketserver.BaseRequestHandler {
  override async handle(): Promise<void> {
    const data = new TextDecoder().decode(await this.request.recv(1024));
    let answer: string;
    try {
      await together.wait(10);
      answer = `${data}: served with ${CLIENTS} requests at once`;
    } catch {
      answer = `${data}: served alone`;
    }
    await this.request.sendall(answer);
  }
}

async function client(
  ip: string,
  port: number,
  message: string,
  results: Array<Uint8Array | null>,
  i: number,
): Promise<void> {
  using sock = await socket.create_connection([ip, port]);
  await sock.sendall(message);
  results[i] = await sock.recv(1024);
}

const host = Deno.args[0] ?? "localhost";
const port = Number(Deno.args[1] ?? 0);

{
  await using server = new socketserver.ThreadingTCPServer(
    [host, port],
    ThreadedHandler,
  );
  const [ip, bound_port] = server.server_address;
  console.log("serving on port", bound_port);
  const server_thread = server.serve_forever();

  const results: Array<Uint8Array | null> = new Array(CLIENTS).fill(null);
  const clients = [...Array(CLIENTS).keys()].map((i) =>
    client(String(ip), Number(bound_port), `client ${i}`, results, i)
  );
  await Promise.all(clients);
  for (const r of results) {
    console.log("received", repr(r));
  }

  await server.shutdown();
  await server_thread;
}
console.log("server closed");
