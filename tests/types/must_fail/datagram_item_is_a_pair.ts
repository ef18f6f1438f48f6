// Iterating a datagram socket gives [data, address] pairs, not bytes.
import { AF_INET, SOCK_DGRAM, socket } from "../../../mod.ts";

const u = socket(AF_INET, SOCK_DGRAM);
for await (const item of u) {
  // expect-error TS2339: Property 'byteLength' does not exist
  console.log(item.byteLength);
}
