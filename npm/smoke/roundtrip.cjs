// Smoke test of the installed package, as CommonJS: the same round trips.
const socket = require("pysocket");

async function main() {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind(["127.0.0.1", 0]);
  srv.listen();
  const cli = socket.socket();
  await cli.connect(srv.getsockname());
  const [conn] = await srv.accept();
  await cli.sendall("ping over tcp");
  await conn.sendall(await conn.recv(100));
  const tcp = new TextDecoder().decode(await cli.recv(100));
  cli.close();
  conn.close();
  srv.close();

  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  a.bind(["127.0.0.1", 0]);
  b.bind(["127.0.0.1", 0]);
  await a.sendto("ping over udp", b.getsockname());
  const [data, from] = await b.recvfrom(100);
  await b.sendto(data, from);
  const [udp] = await a.recvfrom(100);
  a.close();
  b.close();

  const infos = await socket.getaddrinfo("localhost", 80);
  if (tcp !== "ping over tcp") throw new Error(`tcp: ${tcp}`);
  if (new TextDecoder().decode(udp) !== "ping over udp") throw new Error("udp");
  if (!infos.some((i) => i[4][1] === 80)) throw new Error("getaddrinfo");
  console.log(`cjs ok: tcp, udp, getaddrinfo (${infos.length} results)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
