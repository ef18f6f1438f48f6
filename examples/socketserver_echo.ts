/**
 * The hooks of a `socketserver.TCPServer` and of its request handler, in
 * the order a request goes through them, with a handler that fails once
 * (reported by `handle_error`, and the server goes on): a line-by-line
 * port of tests/fixtures/examples/socketserver_echo.py, printing what it
 * prints.
 *
 * ```sh
 * deno run --allow-net=localhost examples/socketserver_echo.ts [host] [port]
 * ```
 *
 * Each line says who prints it. Where Python runs the server in a thread,
 * this runs `serve_forever()` as a task of its own beside the client.
 *
 * @module
 */
import * as socket from "@pysocket/socket";
import * as socketserver from "@pysocket/socket/socketserver";
import { repr } from "./_pyrepr.ts";

// (Python's twin takes a lock here: its two threads could mix their
// lines; tasks cannot.)
function log(who: string, text: string): void {
  console.log(`${who}: ${text}`);
}

class EchoRequestHandler extends socketserver.BaseRequestHandler {
  override setup(): void {
    log("handler", "setup()");
  }

  override async handle(): Promise<void> {
    const data = await this.request.recv(1024);
    log("handler", `handle() got ${repr(data)}`);
    if (new TextDecoder().decode(data) === "fail") {
      throw new RangeError("asked to fail");
    }
    await this.request.send(data);
  }

  override finish(): void {
    log("handler", "finish()");
  }
}

class EchoServer extends socketserver.TCPServer {
  static override allow_reuse_address = true;

  override server_bind(): void {
    log("server", "server_bind()");
    super.server_bind();
  }

  override server_activate(): void {
    log("server", "server_activate()");
    super.server_activate();
  }

  override verify_request(
    request: socketserver.Request,
    client_address: socket.Address,
  ): socketserver.Awaitable<boolean> {
    log("server", "verify_request()");
    return super.verify_request(request, client_address);
  }

  override process_request(
    request: socketserver.Request,
    client_address: socket.Address,
  ): Promise<void> {
    log("server", "process_request()");
    return super.process_request(request, client_address);
  }

  override finish_request(
    request: socketserver.Request,
    client_address: socket.Address,
  ): Promise<void> {
    log("server", "finish_request()");
    return super.finish_request(request, client_address);
  }

  override handle_error(
    request: socketserver.Request,
    client_address: socket.Address,
    error: unknown,
  ): socketserver.Awaitable<void> {
    log("server", "handle_error()");
    return super.handle_error(request, client_address, error);
  }

  override shutdown_request(
    request: socketserver.Request,
  ): socketserver.Awaitable<void> {
    log("server", "shutdown_request()");
    return super.shutdown_request(request);
  }

  override close_request(
    request: socketserver.Request,
  ): socketserver.Awaitable<void> {
    log("server", "close_request()");
    return super.close_request(request);
  }

  override server_close(): Promise<void> {
    log("server", "server_close()");
    return super.server_close();
  }
}

const host = Deno.args[0] ?? "localhost";
let port = Number(Deno.args[1] ?? 0);

const server = new EchoServer([host, port], EchoRequestHandler);
const [ip, bound_port] = server.server_address;
port = Number(bound_port);
log("client", `server on port ${port}`);
const t = server.serve_forever();

for (const message of ["Hello, world", "fail", "Still there?"]) {
  const s = await socket.create_connection([String(ip), port]);
  log("client", `sending ${repr(new TextEncoder().encode(message))}`);
  await s.send(message);
  const response = await s.recv(1024);
  log("client", `received ${repr(response)}`);
  s.close();
}

await server.shutdown();
await t;
await server.server_close();
log("client", "done");
