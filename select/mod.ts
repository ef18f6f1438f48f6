/**
 * Python's `select` module over pysocket sockets: `select()`, `poll()` and
 * `epoll()`, with Linux's readiness rules and constants.
 *
 * ```ts
 * import * as select from "@pysocket/socket/select";
 * ```
 *
 * Where Python takes a file object or descriptor, these take a pysocket
 * `Socket`, a `fileno()` number, or an object with a `fileno()` method.
 * Watching a socket never consumes its data.
 *
 * @example
 * ```ts
 * import { socket } from "@pysocket/socket";
 * import * as select from "@pysocket/socket/select";
 * using server = socket();
 * server.bind(["127.0.0.1", 0]);
 * server.listen();
 * using client = socket();
 * await client.connect(server.getsockname());
 * const [r] = await select.select([server], [], [], 5);
 * console.log(r[0] === server); // true: accept() would not wait
 * const [conn] = await server.accept();
 * conn.close();
 * ```
 *
 * @module
 */
export * from "./constants.ts";
export { error } from "../socket/errors.ts";
export type { FileObject, WaitOptions } from "./_args.ts";
export { select } from "./select.ts";
export { Poll, poll } from "./poll.ts";
export { Epoll, epoll } from "./epoll.ts";
