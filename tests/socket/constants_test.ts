import assert from "node:assert/strict";
import * as constants from "../../socket/constants.ts";
import {
  AddressFamily,
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  AF_ROUTE,
  AF_UNIX,
  AF_UNSPEC,
  AI_PASSIVE,
  EAI_AGAIN,
  EAI_NONAME,
  INADDR_ANY,
  INADDR_BROADCAST,
  INADDR_LOOPBACK,
  IPPROTO_TCP,
  IPPROTO_UDP,
  MSG_PEEK,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_REUSEADDR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SocketKind,
  SOL_SOCKET,
  SOMAXCONN,
  TCP_NODELAY,
} from "../../socket/constants.ts";

const linux = Deno.build.os === "linux";

Deno.test("constants: every export is a finite integer or a name map", () => {
  for (const [name, value] of Object.entries(constants)) {
    if (name === "AddressFamily" || name === "SocketKind") continue;
    assert.equal(typeof value, "number", name);
    assert.ok(Number.isInteger(value), name);
  }
});

Deno.test("constants: the same on every platform", () => {
  assert.equal(AF_UNSPEC, 0);
  assert.equal(AF_UNIX, 1);
  assert.equal(AF_INET, 2);
  assert.equal(SOCK_STREAM, 1);
  assert.equal(SOCK_DGRAM, 2);
  assert.equal(IPPROTO_TCP, 6);
  assert.equal(IPPROTO_UDP, 17);
  assert.equal(MSG_PEEK, 2);
  assert.equal(AI_PASSIVE, 1);
  assert.equal(TCP_NODELAY, 1);
  assert.deepEqual([SHUT_RD, SHUT_WR, SHUT_RDWR], [0, 1, 2]);
  assert.equal(INADDR_ANY, 0);
  assert.equal(INADDR_BROADCAST, 0xffffffff);
  assert.equal(INADDR_LOOPBACK, 0x7f000001);
});

Deno.test({
  name: "constants: Linux values",
  ignore: !linux,
  fn(): void {
    assert.equal(AF_INET6, 10);
    assert.equal(SOL_SOCKET, 1);
    assert.equal(SO_REUSEADDR, 2);
    assert.equal(SOMAXCONN, 4096);
    assert.equal(EAI_NONAME, -2);
    assert.equal(EAI_AGAIN, -3);
    assert.equal(AF_NETLINK, 16);
    assert.equal(AF_ROUTE, 16);
  },
});

Deno.test("AddressFamily: names to values and back", () => {
  assert.equal(AddressFamily.AF_INET, AF_INET);
  assert.equal(AddressFamily.AF_INET6, AF_INET6);
  assert.equal(AddressFamily[AF_INET], "AF_INET");
  assert.equal(AddressFamily[AF_INET6], "AF_INET6");
  assert.equal(AddressFamily[2], "AF_INET");
  assert.equal(AddressFamily[AF_UNIX], "AF_UNIX");
  assert.equal(AddressFamily[AF_UNSPEC], "AF_UNSPEC");
  assert.ok(Object.isFrozen(AddressFamily));
  // CPython leaves AF_DECnet out: its name is not all capitals.
  assert.equal(AddressFamily.AF_DECnet, undefined);
  assert.equal(AddressFamily[12], undefined);
  // Only names, never -1 placeholders, go in.
  assert.equal(AddressFamily[-1], undefined);
});

Deno.test({
  name: "AddressFamily: a shared value maps to CPython's name",
  ignore: !linux,
  fn(): void {
    assert.equal(AddressFamily.AF_ROUTE, 16);
    assert.equal(AddressFamily.AF_NETLINK, 16);
    assert.equal(AddressFamily[16], "AF_NETLINK");
    assert.equal(AddressFamily[10], "AF_INET6");
  },
});

Deno.test("AddressFamily: every name maps to a value that maps to a name", () => {
  for (const [key, value] of Object.entries(AddressFamily)) {
    if (typeof value === "number") {
      assert.ok(key.startsWith("AF_"), key);
      const back = AddressFamily[value];
      assert.ok(typeof back === "string", key);
      assert.equal(AddressFamily[back], value, key);
    } else {
      assert.equal(AddressFamily[value], Number(key), key);
    }
  }
});

Deno.test("SocketKind: names to values and back", () => {
  assert.equal(SocketKind.SOCK_STREAM, SOCK_STREAM);
  assert.equal(SocketKind.SOCK_DGRAM, SOCK_DGRAM);
  assert.equal(SocketKind[1], "SOCK_STREAM");
  assert.equal(SocketKind[SOCK_DGRAM], "SOCK_DGRAM");
  assert.equal(SocketKind.SOCK_SEQPACKET, 5);
  assert.equal(SocketKind[5], "SOCK_SEQPACKET");
  assert.ok(Object.isFrozen(SocketKind));
  for (const key of Object.keys(SocketKind)) {
    if (!/^\d+$/.test(key)) assert.ok(key.startsWith("SOCK_"), key);
  }
});

Deno.test({
  name: "SocketKind: Linux's type flags",
  ignore: !linux,
  fn(): void {
    assert.equal(SocketKind.SOCK_NONBLOCK, 2048);
    assert.equal(SocketKind[2048], "SOCK_NONBLOCK");
    assert.equal(SocketKind[524288], "SOCK_CLOEXEC");
  },
});
