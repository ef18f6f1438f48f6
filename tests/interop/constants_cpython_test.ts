// Every constant this module exports has CPython's value on Linux, and the
// enum maps give CPython's names.
import assert from "node:assert/strict";
import { hasPython, runPython, skipReason } from "../_python.ts";

const FAMILIES = [
  "AF_",
  "SOCK_",
  "SO_",
  "SOMAXCONN",
  "MSG_",
  "SOL_",
  "IPPROTO_",
  "IPPORT_",
  "INADDR_",
  "IP_",
  "IPV6_",
  "TCP_",
  "SHUT_",
  "AI_",
  "NI_",
  "EAI_",
  "SCM_",
];

// Constant names: a capital prefix and an underscore (AF_DECnet included).
const CONSTANT = /^[A-Z][A-Z0-9]*_[A-Za-z0-9_]*$|^SOMAXCONN$/;

/** Why this test cannot run here, or null. */
function cannotRun(): string | null {
  if (Deno.build.os !== "linux") {
    return `the values compared are Linux's (host is ${Deno.build.os})`;
  }
  if (!hasPython()) return "python3 is not available";
  return null;
}

const PY_CONSTANTS = `
import json, socket, sys
families = json.loads(sys.stdin.read())
print(json.dumps({
    name: int(getattr(socket, name))
    for name in dir(socket)
    if name == "SOMAXCONN" or any(name.startswith(f) for f in families if f.endswith("_"))
    if isinstance(getattr(socket, name), int)
}))
`;

const PY_ENUMS = `
import json, socket
print(json.dumps({
    "AddressFamily": {str(m.value): m.name for m in socket.AddressFamily},
    "SocketKind": {str(m.value): m.name for m in socket.SocketKind},
    "AddressFamilyNames": {k: int(v) for k, v in socket.AddressFamily.__members__.items()},
    "SocketKindNames": {k: int(v) for k, v in socket.SocketKind.__members__.items()},
}))
`;

Deno.test("interop: constants equal CPython's on Linux", async () => {
  const why = cannotRun();
  if (why) return skipReason("constants vs CPython", why);
  const ours = await import("../../socket/constants.ts");
  const python: Record<string, number> = JSON.parse(
    await runPython(PY_CONSTANTS, JSON.stringify(FAMILIES)),
  );

  const exported = Object.entries(ours).filter(
    (entry): entry is [string, number] =>
      CONSTANT.test(entry[0]) && typeof entry[1] === "number",
  );
  const wrong = exported
    .filter(([name, value]) => name in python && python[name] !== value)
    .map(([name, value]) => `${name}: ours ${value}, CPython ${python[name]}`);
  const missing = Object.keys(python).filter((name) => !(name in ours)).sort();
  assert.deepEqual(
    { wrong, missing },
    { wrong: [], missing: [] },
    `values differ: ${wrong.join("; ") || "none"}\n` +
      `CPython exports these and we do not: ${missing.join(", ") || "none"}`,
  );
  assert.ok(exported.length >= Object.keys(python).length);
});

Deno.test("interop: AddressFamily and SocketKind give CPython's names", async () => {
  const why = cannotRun();
  if (why) return skipReason("enum names vs CPython", why);
  const { AddressFamily, SocketKind } = await import(
    "../../socket/constants.ts"
  );
  const python = JSON.parse(await runPython(PY_ENUMS)) as {
    AddressFamily: Record<string, string>;
    SocketKind: Record<string, string>;
    AddressFamilyNames: Record<string, number>;
    SocketKindNames: Record<string, number>;
  };
  const cases = [
    [AddressFamily, python.AddressFamily, python.AddressFamilyNames],
    [SocketKind, python.SocketKind, python.SocketKindNames],
  ] as const;
  for (const [map, reverse, forward] of cases) {
    for (const [value, name] of Object.entries(reverse)) {
      assert.equal(map[Number(value)], name, `value ${value}`);
    }
    for (const [name, value] of Object.entries(forward)) {
      assert.equal(map[name], value, name);
    }
    // Nothing more than CPython has, either way.
    assert.deepEqual(
      Object.keys(map).sort(),
      [...Object.keys(reverse), ...Object.keys(forward)].sort(),
    );
  }
});
