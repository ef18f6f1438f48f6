// Type check of the package as a TypeScript user sees it (tsc --noEmit,
// strict): the names, tuples, errors and `using` are typed.
import * as socket from "pysocket";
import { type Address, AF_INET6, gaierror, inet_pton } from "pysocket";

export async function echo(port: number): Promise<string> {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  await s.connect(["127.0.0.1", port]);
  const sent: number = await s.send("hi");
  const data: Uint8Array = await s.recv(sent);
  const peer: Address = s.getpeername();
  const infos = await socket.getaddrinfo("localhost", 80);
  const family: number = infos[0][0];
  const packed: Uint8Array = inet_pton(AF_INET6, "::1");
  try {
    await socket.gethostbyname("no.such.name.invalid");
  } catch (e) {
    if (e instanceof gaierror) console.log(e.errno, e.strerror);
  }
  return `${new TextDecoder().decode(data)} ${
    String(peer)
  } ${family} ${packed.length}`;
}
