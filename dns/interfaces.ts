/**
 * Network interfaces: {@link if_nameindex}, {@link if_nametoindex},
 * {@link if_indextoname}, {@link has_ipv6}; and, internally, the machine's
 * own addresses for getaddrinfo's sorting and `AI_ADDRCONFIG`.
 *
 * @module
 */

import { runtime } from "../_runtime/runtime.ts";
import {
  errno,
  error,
  fromRuntimeError,
  osError,
  permissionError,
} from "../_base/errors.ts";
import { pyType, str } from "./_args.ts";
import { readFile } from "./_cache.ts";
import { pton4, pton6 } from "./_ip.ts";

const SYS_NET = "/sys/class/net";

/**
 * Whether IPv6 is supported: always `true`, as in CPython built with IPv6
 * (whether this machine has an IPv6 address is another matter).
 *
 * @example
 * ```ts
 * import { has_ipv6 } from "@pysocket/socket";
 * console.log(has_ipv6); // true
 * ```
 */
export const has_ipv6: boolean = true;

function interfaceTable(): [number, string][] {
  if (runtime.permissionState({ name: "read", path: SYS_NET }) !== "granted") {
    throw permissionError(`read:${SYS_NET}`);
  }
  let names: string[];
  try {
    names = runtime.readDirSync(SYS_NET) ?? [];
  } catch (e) {
    // No descriptor free (EMFILE, ...): CPython's if_nameindex fails so.
    throw fromRuntimeError(e);
  }
  const out: [number, string][] = [];
  for (const name of names) {
    const text = readFile(`${SYS_NET}/${name}/ifindex`).text;
    const index = text === null ? NaN : Number(text.trim());
    if (Number.isInteger(index) && index > 0) out.push([index, name]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

// The table, or none when it cannot be read at the moment (a missing
// permission still throws).
function tableOrNothing(): [number, string][] {
  try {
    return interfaceTable();
  } catch (e) {
    if (e instanceof error && e.errno !== null && e.errno !== errno.EACCES) {
      return [];
    }
    throw e;
  }
}

/**
 * The machine's network interfaces as `[index, name]` pairs, by index.
 * Reads `/sys/class/net` (Linux), so it needs `--allow-read=/sys/class/net`.
 * With no descriptor free, an {@link error} with errno `EMFILE`, as CPython.
 *
 * @example
 * ```ts
 * import { if_nameindex } from "@pysocket/socket";
 * console.log(if_nameindex()[0]); // [ 1, "lo" ]
 * ```
 *
 * @returns The interfaces.
 */
export function if_nameindex(): [number, string][] {
  return interfaceTable();
}

/**
 * The index of a network interface. An {@link error}
 * `no interface with this name` when there is none.
 *
 * @example
 * ```ts
 * import { if_nametoindex } from "@pysocket/socket";
 * console.log(if_nametoindex("lo")); // 1
 * ```
 *
 * @param if_name An interface name such as `"lo"`.
 * @returns Its index.
 */
export function if_nametoindex(if_name: string): number {
  const name = str(if_name, "if_nametoindex", 1);
  // glibc's if_nametoindex answers 0 when it cannot look (EMFILE): CPython
  // then says there is no such interface.
  const hit = tableOrNothing().find(([, n]) => n === name);
  if (hit === undefined) throw new error("no interface with this name");
  return hit[0];
}

/**
 * The name of a network interface by index. An {@link error} with errno
 * `ENXIO` (6) when there is none; a `RangeError` for a number outside
 * 0-4294967295.
 *
 * @example
 * ```ts
 * import { if_indextoname } from "@pysocket/socket";
 * console.log(if_indextoname(1)); // lo
 * ```
 *
 * @param if_index An interface index.
 * @returns Its name.
 */
export function if_indextoname(if_index: number): string {
  if (typeof if_index !== "number" || !Number.isInteger(if_index)) {
    throw new TypeError(
      `'${pyType(if_index)}' object cannot be interpreted as an integer`,
    );
  }
  if (if_index < 0) {
    throw new RangeError("can't convert negative int to unsigned");
  }
  if (if_index > 0xffffffff) throw new RangeError("index is too large");
  const hit = tableOrNothing().find(([i]) => i === if_index);
  if (hit === undefined) throw osError(errno.ENXIO);
  return hit[1];
}

/** An interface index by name, or 0 (no error, no permission prompt). Internal. */
export function indexOfInterface(name: string): number {
  try {
    return interfaceTable().find(([, n]) => n === name)?.[0] ?? 0;
  } catch {
    return 0;
  }
}

/** An interface name by index, or `null`. Internal. */
export function nameOfInterface(index: number): string | null {
  try {
    return interfaceTable().find(([i]) => i === index)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** One address of this machine. Internal. */
export interface LocalAddress {
  /** 4 or 16 bytes. */
  readonly addr: Uint8Array;
  readonly scopeid: number;
  readonly loopback: boolean;
}

const FALLBACK: LocalAddress[] = [
  { addr: new Uint8Array([127, 0, 0, 1]), scopeid: 0, loopback: true },
  {
    addr: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    scopeid: 0,
    loopback: true,
  },
];

let cachedLocal: { at: number; list: LocalAddress[] } | null = null;

/**
 * The machine's addresses, from the runtime when `--allow-sys` grants
 * them, else just the loopback addresses. Kept for a second: asking the
 * system costs more than a numeric getaddrinfo.
 */
export function localAddresses(): LocalAddress[] {
  const now = Date.now();
  if (cachedLocal !== null && now - cachedLocal.at < 1000) {
    return cachedLocal.list;
  }
  const list = readLocalAddresses();
  cachedLocal = { at: now, list };
  return list;
}

function readLocalAddresses(): LocalAddress[] {
  if (
    runtime.permissionState({ name: "sys", kind: "networkInterfaces" }) !==
      "granted"
  ) {
    return FALLBACK;
  }
  try {
    const out: LocalAddress[] = [];
    for (const i of runtime.networkInterfaces()) {
      const addr = i.family === "IPv4" ? pton4(i.address) : pton6(i.address);
      if (addr === null) continue;
      out.push({ addr, scopeid: i.scopeid, loopback: i.name === "lo" });
    }
    return out;
  } catch {
    return FALLBACK;
  }
}
