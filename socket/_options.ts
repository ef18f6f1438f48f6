// setsockopt/getsockopt: one table of the options pysocket honours. Anything
// not in it is refused with ENOPROTOOPT naming the option, never ignored.

import * as C from "../_base/constants.ts";
import { runtime } from "../_runtime/runtime.ts";
import { errno, error, osError } from "./errors.ts";
import { toBytes } from "./_bytes.ts";
import { pyTypeName } from "../_base/args.ts";
import type { Description, OptionValues } from "./_description.ts";

interface OptionSpec {
  readonly name: string;
  /** The remembered value, or a read-only computed one. */
  get(d: Description): number;
  /** Absent for read-only options. */
  set?(d: Description, value: number, raw: Uint8Array | null): void;
}

function flag(
  name: string,
  key: keyof OptionValues,
  apply?: (d: Description, on: boolean) => void,
): OptionSpec {
  return {
    name,
    get: (d) => d.options[key],
    set: (d, v) => {
      d.options[key] = v ? 1 : 0;
      apply?.(d, v !== 0);
    },
  };
}

// Linux's net.core.rmem_max / wmem_max when they cannot be read (no
// permission, no /proc): the kernel's default.
const DEFAULT_MEM_MAX = 212992;
const memMax = new Map<string, number>();

// The sysctl capping SO_RCVBUF / SO_SNDBUF, read once.
function sysctlMax(file: "rmem_max" | "wmem_max"): number {
  let v = memMax.get(file);
  if (v === undefined) {
    v = DEFAULT_MEM_MAX;
    const path = `/proc/sys/net/core/${file}`;
    try {
      const n = Number.parseInt(runtime.readTextFileSync(path) ?? "", 10);
      if (Number.isSafeInteger(n) && n > 0) v = n;
    } catch {
      // Unreadable: the default.
    }
    memMax.set(file, v);
  }
  return v;
}

// Linux (sock_setsockopt) takes the size as unsigned, so a negative one is
// huge, caps it at the sysctl maximum, doubles it and keeps a floor.
function bufferSize(
  name: string,
  key: "rcvbuf" | "sndbuf",
  floor: number,
): OptionSpec {
  const sysctl = key === "rcvbuf" ? "rmem_max" : "wmem_max";
  return {
    name,
    get: (d) => d.options[key],
    set: (d, v) => {
      const capped = Math.min(v >>> 0, sysctlMax(sysctl), 0x3fffffff);
      const size = Math.max(floor, 2 * capped);
      d.options[key] = size;
      if (d.stream) d.stream[key] = size;
      if (d.datagram) d.datagram[key] = size;
    },
  };
}

function key(level: number, opt: number): string {
  return `${level}:${opt}`;
}

const TABLE = new Map<string, OptionSpec>([
  [key(C.SOL_SOCKET, C.SO_REUSEADDR), flag("SO_REUSEADDR", "reuseaddr")],
  [key(C.SOL_SOCKET, C.SO_REUSEPORT), flag("SO_REUSEPORT", "reuseport")],
  [
    key(C.SOL_SOCKET, C.SO_KEEPALIVE),
    flag(
      "SO_KEEPALIVE",
      "keepalive",
      (d, on) => d.stream?.conn.setKeepAlive(on),
    ),
  ],
  [
    key(C.IPPROTO_TCP, C.TCP_NODELAY),
    flag("TCP_NODELAY", "nodelay", (d, on) => d.stream?.conn.setNoDelay(on)),
  ],
  [
    key(C.SOL_SOCKET, C.SO_BROADCAST),
    flag("SO_BROADCAST", "broadcast", (d, on) => d.datagram?.setBroadcast(on)),
  ],
  [key(C.SOL_SOCKET, C.SO_RCVBUF), bufferSize("SO_RCVBUF", "rcvbuf", 2304)],
  [key(C.SOL_SOCKET, C.SO_SNDBUF), bufferSize("SO_SNDBUF", "sndbuf", 4608)],
  [key(C.SOL_SOCKET, C.SO_TYPE), { name: "SO_TYPE", get: (d) => d.type }],
  [key(C.SOL_SOCKET, C.SO_DOMAIN), { name: "SO_DOMAIN", get: (d) => d.family }],
  [
    key(C.SOL_SOCKET, C.SO_PROTOCOL),
    { name: "SO_PROTOCOL", get: (d) => protocolOf(d) },
  ],
  [
    key(C.SOL_SOCKET, C.SO_ACCEPTCONN),
    { name: "SO_ACCEPTCONN", get: (d) => d.state === "listening" ? 1 : 0 },
  ],
  [
    key(C.SOL_SOCKET, C.SO_ERROR),
    {
      name: "SO_ERROR",
      get: (d) => {
        const e = d.soError;
        d.soError = 0;
        return e;
      },
    },
  ],
  [
    key(C.IPPROTO_IPV6, C.IPV6_V6ONLY),
    {
      name: "IPV6_V6ONLY",
      get: (d) => d.options.v6only,
      set: (d, v) => {
        // Without the capability (Deno) IPv6 sockets are always dual-stack
        // (Linux's default). With it, the option is given to the bind, so
        // as on Linux it can change only before the bind.
        if (!runtime.capabilities.ipv6Only) {
          if (v !== 0) throw refused("IPV6_V6ONLY", "Deno cannot set it to 1");
        } else if (d.state !== "new") throw osError(errno.EINVAL);
        d.options.v6only = v !== 0 ? 1 : 0;
      },
    },
  ],
  [
    key(C.IPPROTO_IP, C.IP_MULTICAST_TTL),
    {
      name: "IP_MULTICAST_TTL",
      get: (d) => d.options.multicastTtl,
      set: (d, v) => {
        d.options.multicastTtl = v;
        d.datagram?.setMulticastTtl(v);
      },
    },
  ],
  [
    key(C.IPPROTO_IP, C.IP_MULTICAST_LOOP),
    flag(
      "IP_MULTICAST_LOOP",
      "multicastLoop",
      (d, on) => d.datagram?.setMulticastLoop(on),
    ),
  ],
  [
    key(C.IPPROTO_IP, C.IP_ADD_MEMBERSHIP),
    membership("IP_ADD_MEMBERSHIP", 4, true),
  ],
  [
    key(C.IPPROTO_IP, C.IP_DROP_MEMBERSHIP),
    membership("IP_DROP_MEMBERSHIP", 4, false),
  ],
  [
    key(C.IPPROTO_IPV6, C.IPV6_JOIN_GROUP),
    membership("IPV6_JOIN_GROUP", 6, true),
  ],
  [
    key(C.IPPROTO_IPV6, C.IPV6_LEAVE_GROUP),
    membership("IPV6_LEAVE_GROUP", 6, false),
  ],
]);

function membership(name: string, version: 4 | 6, join: boolean): OptionSpec {
  return {
    name,
    get: () => {
      throw osError(errno.ENOPROTOOPT);
    },
    set: (d, _v, raw) => {
      if (!d.datagram) throw osError(errno.ENOPROTOOPT);
      if (raw === null) throw osError(errno.EINVAL);
      d.datagram.membership(version, join, raw);
    },
  };
}

function protocolOf(d: Description): number {
  if (d.proto !== 0 || d.family === C.AF_UNIX) return d.proto;
  return d.type === C.SOCK_DGRAM ? C.IPPROTO_UDP : C.IPPROTO_TCP;
}

function refused(name: string, why: string): Error {
  return osError(
    errno.ENOPROTOOPT,
    `Protocol not available: ${name} (${why})`,
  );
}

/** The name of an option for messages: `SO_LINGER`, or `level 1 option 99`. */
function optionName(level: number, opt: number): string {
  const prefixes = level === C.SOL_SOCKET
    ? ["SO_"]
    : level === C.IPPROTO_TCP
    ? ["TCP_"]
    : level === C.IPPROTO_IP
    ? ["IP_"]
    : level === C.IPPROTO_IPV6
    ? ["IPV6_"]
    : [];
  for (const [name, value] of Object.entries(C)) {
    if (value === opt && prefixes.some((p) => name.startsWith(p))) return name;
  }
  return `level ${level} option ${opt}`;
}

function lookup(d: Description, level: number, opt: number): OptionSpec {
  // Linux hands every level but SOL_SOCKET of an AF_UNIX socket to the
  // protocol, which has no options: EOPNOTSUPP.
  if (d.family === C.AF_UNIX && level !== C.SOL_SOCKET) {
    throw osError(errno.EOPNOTSUPP);
  }
  const spec = TABLE.get(key(level, opt));
  if (!spec) {
    throw refused(optionName(level, opt), "not supported by pysocket");
  }
  return spec;
}

/** `getsockopt(level, opt, buflen?)`: a number, or bytes when `buflen` is given. */
export function getOption(
  d: Description,
  level: number,
  opt: number,
  buflen?: number,
): number | Uint8Array {
  const value = lookup(d, level, opt).get(d);
  // CPython: a buflen of 0 asks for the int, as no buflen does.
  if (buflen === undefined || buflen === 0) return value;
  if (buflen < 0 || buflen > 1024) {
    throw new error("getsockopt buflen out of range");
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value, true);
  return out.subarray(0, Math.min(buflen, 4));
}

/** `setsockopt(level, opt, value)`: a number, or bytes (at least 4 for an int). */
export function setOption(
  d: Description,
  level: number,
  opt: number,
  value: unknown,
): void {
  const spec = lookup(d, level, opt);
  if (!spec.set) throw refused(spec.name, "it is read-only");
  if (typeof value === "boolean") {
    // JavaScript's flag values, accepted for on/off options.
    spec.set(d, value ? 1 : 0, null);
    return;
  }
  if (typeof value === "number") {
    // CPython tries an int, then a buffer: a number that is no C int (a
    // float, or past 32 bits) fails as a buffer would.
    if (
      !Number.isInteger(value) || value > 0x7fffffff || value < -0x80000000
    ) {
      throw new TypeError(
        `a bytes-like object is required, not '${pyTypeName(value)}'`,
      );
    }
    spec.set(d, value, null);
    return;
  }
  const raw = toBytes(value);
  if (typeof value === "string") {
    throw new TypeError("a bytes-like object is required, not 'str'");
  }
  const isGroup = spec.name.includes("MEMBERSHIP") ||
    spec.name.includes("GROUP");
  if (!isGroup && raw.length < 4) {
    // The kernel reads an int; with fewer bytes it refuses.
    const first = raw[0];
    if (first === undefined) throw osError(errno.EINVAL);
    spec.set(d, first, raw);
    return;
  }
  const int = isGroup
    ? 0
    : new DataView(raw.buffer, raw.byteOffset, 4).getInt32(0, true);
  spec.set(d, int, raw);
}
