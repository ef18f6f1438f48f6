/**
 * Python's `selectors` module over pysocket sockets: `DefaultSelector`
 * (epoll), `SelectSelector`, `PollSelector`, `EpollSelector`,
 * `SelectorKey`, `EVENT_READ` and `EVENT_WRITE`.
 *
 * ```ts
 * import * as selectors from "@pysocket/socket/selectors";
 * ```
 *
 * @example
 * ```ts
 * import { socket } from "@pysocket/socket";
 * import * as selectors from "@pysocket/socket/selectors";
 * using server = socket();
 * server.bind(["127.0.0.1", 0]);
 * server.listen();
 * using sel = new selectors.DefaultSelector<string>();
 * sel.register(server, selectors.EVENT_READ, "accept");
 * using client = socket();
 * await client.connect(server.getsockname());
 * for (const [key, mask] of await sel.select(5)) {
 *   console.log(key.data, mask); // accept 1
 * }
 * const [conn] = await server.accept();
 * conn.close();
 * ```
 *
 * @module
 */
export {
  BaseSelector,
  type DataArg,
  DefaultSelector,
  EpollSelector,
  EVENT_READ,
  EVENT_WRITE,
  PollSelector,
  SelectorKey,
  SelectorMapping,
  SelectSelector,
} from "./selectors.ts";
export type { FileObject, WaitOptions } from "../select/mod.ts";
