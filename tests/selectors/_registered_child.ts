// Child of selectors_test.ts (run with --expose-gc): the JavaScript heap an
// idle socket registered with a DefaultSelector holds (after GC), against
// the same sockets unregistered. Prints {"perSocket": bytes}.

import * as socket from "../../mod.ts";
import * as selectors from "../../selectors/mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
async function heap(): Promise<number> {
  await new Promise((r) => setTimeout(r, 20));
  gc?.();
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

const COUNT = 500;
const server = socket.socket();
server.bind(["127.0.0.1", 0]);
server.listen(COUNT);
const conns: socket.Socket[] = [];
for (let i = 0; i < COUNT; i++) {
  const c = socket.socket();
  const connecting = c.connect(server.getsockname());
  const [s] = await server.accept();
  await connecting;
  conns.push(c, s);
}
const warm = new selectors.DefaultSelector();
warm.register(conns[0]!, selectors.EVENT_READ);
warm.close();
const sel = new selectors.DefaultSelector();
const before = await heap();
for (let i = 1; i < conns.length; i += 2) {
  sel.register(conns[i]!, selectors.EVENT_READ);
}
const after = await heap();
sel.close();
for (const c of conns) c.close();
server.close();
console.log(JSON.stringify({ perSocket: (after - before) / COUNT }));
