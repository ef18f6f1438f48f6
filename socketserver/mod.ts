/**
 * Python's `socketserver` over pysocket sockets: `TCPServer`,
 * `UDPServer`, `UnixStreamServer`, `UnixDatagramServer`, their
 * `Threading*` variants (each request a task of its own), and the request
 * handlers. There is no `ForkingMixIn`: JavaScript runtimes have no
 * `fork()`.
 *
 * ```ts
 * import * as socketserver from "@pysocket/socket/socketserver";
 * ```
 *
 * @example
 * ```ts
 * import { socket } from "@pysocket/socket";
 * import * as socketserver from "@pysocket/socket/socketserver";
 * class Echo extends socketserver.BaseRequestHandler {
 *   override async handle(): Promise<void> {
 *     const data = await this.request.recv(1024);
 *     await this.request.sendall(data);
 *   }
 * }
 * await using server = new socketserver.ThreadingTCPServer(["127.0.0.1", 0], Echo);
 * const serving = server.serve_forever();
 * using client = socket();
 * await client.connect(server.server_address);
 * await client.sendall("hi");
 * console.log(new TextDecoder().decode(await client.recv(1024))); // hi
 * await server.shutdown();
 * await serving;
 * ```
 *
 * @module
 */
export {
  type Awaitable,
  BaseRequestHandler,
  BytesIO,
  type DatagramRequest,
  DatagramRequestHandler,
  type Request,
  type RequestHandler,
  type RequestHandlerClass,
  type RequestReader,
  type RequestWriter,
  StreamRequestHandler,
} from "./handlers.ts";
export {
  BaseServer,
  TCPServer,
  UDPServer,
  UnixDatagramServer,
  UnixStreamServer,
} from "./server.ts";
export {
  type ServerClass,
  type ThreadingClass,
  ThreadingMixIn,
  type ThreadingMixInMembers,
  type ThreadingMixInStatics,
  ThreadingTCPServer,
  ThreadingUDPServer,
  ThreadingUnixDatagramServer,
  ThreadingUnixStreamServer,
} from "./threading.ts";
// The socket types the servers and handlers are typed with.
export type {
  Address,
  Socket,
  SocketFile,
  SocketFileMode,
} from "../socket/mod.ts";
