// Natural uses of errno, the constants and sockets that must type-check under the
// project's compiler options, with no casts and no `!`. Never run: checked by
// `deno task check` and `deno task check:types` (_tools/check_types.ts); the
// files in must_fail/ are the other half, what must not type-check.

import {
  AddressFamily,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  create_connection,
  create_server,
  errno,
  error,
  IPPROTO_TCP,
  MSG_DONTWAIT,
  MSG_PEEK,
  SOCK_DGRAM,
  SOCK_STREAM,
  type Socket,
  socket,
  type SocketFileMode,
  SocketKind,
  socketpair,
  TCP_NODELAY,
} from "../../mod.ts";
import { type ErrnoName, isErrnoName } from "../../_base/errors.ts";

// errno values are plain numbers: arithmetic, comparison, reassignment.
const next: number = errno.ECONNREFUSED + 1;
let code = errno.EAGAIN;
code = errno.EINTR;
console.log(next, code === errno.EWOULDBLOCK);

// Names known at compile time index without a check.
const names: readonly ErrnoName[] = ["ECONNREFUSED", "EADDRINUSE", "EPIPE"];
for (const name of names) console.log(errno[name].toFixed(0));
const refused: ErrnoName = "ECONNREFUSED";
console.log(errno[refused]);

// A name known only at run time (a runtime error's `code`) needs the guard.
function errnoOf(e: { code?: unknown }): number | null {
  return isErrnoName(e.code) ? errno[e.code] : null;
}
console.log(errnoOf({ code: "ECONNRESET" }));

// The errno of an `error` compares with the table's values.
function isRetryable(e: unknown): boolean {
  if (!(e instanceof error)) return false;
  switch (e.errno) {
    case errno.EAGAIN:
    case errno.EINTR:
    case errno.EINPROGRESS:
      return true;
    default:
      return false;
  }
}
console.log(isRetryable(new error(errno.EAGAIN)));

// The whole table as entries, as a plain record, and its names as ErrnoNames.
const table: Readonly<Record<string, number>> = errno;
for (const [name, value] of Object.entries(errno)) {
  console.log(name.startsWith("E"), value > 0, table[name]);
}
const known: ErrnoName[] = Object.keys(errno).filter(isErrnoName);
console.log(known.length);

// Constants are numbers: flags or together, options pass as plain numbers.
const flags: number = MSG_PEEK | MSG_DONTWAIT;
const option: [number, number] = [IPPROTO_TCP, TCP_NODELAY];
console.log(flags, option);

// The enum maps give names by value and values by name.
const familyName: string | undefined = AddressFamily[AF_INET6];
const inet: number = AddressFamily.AF_INET;
const stream: number = SocketKind.SOCK_STREAM;
const kindName: string | undefined = SocketKind[SOCK_STREAM];
console.log(familyName, inet === AF_INET, stream, kindName);

// File objects are typed by their mode: bytes for "rb", strings for "r",
// and `null` only where an unbuffered file can give it.
async function files(s: Socket): Promise<void> {
  const rb = s.makefile("rb");
  const line: Uint8Array = await rb.readline();
  const chunk: Uint8Array = await rb.read(10);
  const n: number = await rb.readinto(new Uint8Array(4));
  for await (const l of rb) console.log(l.byteLength);
  const r = s.makefile("r", null, "utf-8", "replace", "");
  const text: string = await r.readline();
  const all: string = await r.read();
  const lines: string[] = await r.readlines();
  for await (const l of s.makefile()) console.log(l.toUpperCase());
  const w = s.makefile("w");
  await w.write("text");
  const wb = s.makefile("wb");
  await wb.write(new Uint8Array(1));
  const raw = s.makefile("rb", 0);
  const maybe: Uint8Array | null = await raw.read(10);
  const sent: number | null = await s.makefile("wb", 0).write(line);
  const mode: SocketFileMode = Math.random() < 0.5 ? "rb" : "r";
  const any = s.makefile(mode);
  const either: string | Uint8Array = await any.readline();
  console.log(line.length, chunk, n, text.length, all, lines, maybe, sent);
  console.log(either, rb.name, r.encoding, rb.fileno(), rb.readable());
}
console.log(files);
// Addresses are typed by family: destructuring needs no cast and no `!`.
const tcp = socket();
tcp.bind(["127.0.0.1", 0]);
const [host, port] = tcp.getsockname();
const nextPort: number = port + 1;
console.log(host.toUpperCase(), nextPort);
const six = socket(AF_INET6, SOCK_STREAM);
const [host6, port6, flowinfo, scopeId] = six.getsockname();
console.log(host6.length, port6 + flowinfo + scopeId);
const local = socket(AF_UNIX, SOCK_STREAM);
const path: string = local.getsockname();
console.log(path.length);

// A datagram echoes back to its sender, and iterating gives the same pairs.
const udp = socket(AF_INET, SOCK_DGRAM);
udp.bind(["127.0.0.1", 0]);
const [d, a] = await udp.recvfrom(9);
await udp.sendto(d, a);
await udp.sendto(d, 0, a);
for await (const [data, [fromHost, fromPort]] of udp) {
  console.log(data.byteLength, fromHost, fromPort + 1);
  await udp.sendto(data, [fromHost, fromPort]);
  break;
}

// A stream socket iterates chunks of bytes; an accepted socket too.
const server = create_server(["127.0.0.1", 0]);
const client = await create_connection(server.getsockname());
const [conn, [peerHost, peerPort]] = await server.accept();
for await (const chunk of conn) console.log(chunk.byteLength);
console.log(peerHost, peerPort + 1);

// `{ signal }` goes last, or in place of the optional arguments.
const { signal } = new AbortController();
const [pa, pb] = await socketpair();
await pa.send("x", { signal });
await pa.sendall("y", 0, { signal });
console.log(await pb.recv(10, { signal }), await pb.recv(10, 0, { signal }));
console.log(await pb.recv_into(new Uint8Array(4), { signal }));
const [, peer] = await udp.recvfrom(9, { signal });
await udp.sendto("z", peer, { signal });
await client.connect(server.getsockname(), { signal });
console.log(await client.connect_ex(server.getsockname(), { signal }));
const again = await create_connection(["127.0.0.1", port], 5, { signal });
console.log(again.fileno());
