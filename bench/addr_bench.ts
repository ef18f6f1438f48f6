// Deno.bench cases for the address functions, run by bench/addr.ts with
// `deno bench --json`; each case has a CPython twin timed there.
import { htons, inet_aton, inet_ntop, inet_pton } from "../addr/mod.ts";

const AF_INET = 2;
const AF_INET6 = 10;
const V4 = new Uint8Array([192, 168, 1, 1]);
const V6 = inet_pton(AF_INET6, "2002:ac10:10a:1234:21e:52ff:fe74:40e");

// Results go here so the work cannot be optimized away.
let sink = 0;

Deno.bench("inet_aton", () => {
  sink += inet_aton("192.168.1.1")[3] ?? 0;
});
Deno.bench("inet_pton AF_INET", () => {
  sink += inet_pton(AF_INET, "192.168.1.1")[3] ?? 0;
});
Deno.bench("inet_pton AF_INET6", () => {
  sink += inet_pton(AF_INET6, "2002:ac10:10a:1234:21e:52ff:fe74:40e")[15] ?? 0;
});
Deno.bench("inet_ntop AF_INET", () => {
  sink += inet_ntop(AF_INET, V4).length;
});
Deno.bench("inet_ntop AF_INET6", () => {
  sink += inet_ntop(AF_INET6, V6).length;
});
Deno.bench("htons", () => {
  sink += htons(8080);
});

addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
