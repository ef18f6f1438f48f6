// The hosts file, read as glibc's nss_files reads it.

import { runtime } from "../_runtime/runtime.ts";
import { permissionError } from "../_base/errors.ts";
import { fieldsOf, linesOf, ParsedFile } from "./_cache.ts";
import { hostsPath } from "./config.ts";
import {
  isLoopback6,
  isV4Mapped,
  mapV4,
  pton4,
  pton6,
  sameBytes,
} from "./_ip.ts";

/** One line of the hosts file. Internal. */
export interface HostLine {
  /** 4 or 16 bytes. */
  readonly addr: Uint8Array;
  readonly name: string;
  readonly aliases: readonly string[];
  /** Lower-cased name and aliases, for matching. */
  readonly keys: readonly string[];
}

/** What a look-up found: glibc's `struct hostent`. Internal. */
export interface HostEnt {
  readonly name: string;
  readonly aliases: string[];
  /** 4- or 16-byte addresses (a mix only for the AF_UNSPEC look-up). */
  readonly addrs: Uint8Array[];
}

/**
 * Parses a hosts file: `address name aliases...`, `#` comments. Lines
 * whose address is not a strict IPv4 or IPv6 address (a `%zone` suffix
 * included) or that have no name are skipped. Internal.
 */
export function parseHosts(text: string | null): HostLine[] {
  const out: HostLine[] = [];
  if (text === null) return out;
  for (const line of linesOf(text)) {
    const [text, name, ...aliases] = fieldsOf(line);
    if (text === undefined || name === undefined) continue;
    const addr = pton4(text) ?? pton6(text);
    if (addr === null) continue;
    const names = [name, ...aliases];
    out.push({
      addr,
      name,
      aliases,
      keys: names.map((n) => n.toLowerCase()),
    });
  }
  return out;
}

const hostsFile = new ParsedFile<HostLine[]>(parseHosts);

/**
 * The hosts file's lines, read again when the file changed; `[]` when the
 * hosts file is turned off or missing. Throws the `EACCES` error naming
 * `--allow-read` when it may not be read.
 */
export function hostLines(): HostLine[] {
  const path = hostsPath();
  if (path === null) return [];
  if (runtime.permissionState({ name: "read", path }) !== "granted") {
    throw permissionError(`read:${path}`);
  }
  return hostsFile.get(path, true);
}

/**
 * A line's address as the AF_INET parser of glibc sees it: IPv4 as is,
 * `::ffff:a.b.c.d` and `::1` turned into IPv4, other IPv6 lines ignored.
 */
function asV4(addr: Uint8Array): Uint8Array | null {
  if (addr.length === 4) return addr;
  if (isV4Mapped(addr)) return addr.slice(12);
  if (isLoopback6(addr)) return new Uint8Array([127, 0, 0, 1]);
  return null;
}

function lineAddr(l: HostLine, family: 4 | 6): Uint8Array | null {
  return family === 4 ? asV4(l.addr) : l.addr.length === 16 ? l.addr : null;
}

/**
 * `gethostbyname3_r` of nss_files for one family, with `multi on`: every
 * line naming `name` (case-insensitive) is merged, the first giving the
 * canonical name; later lines add their aliases, then their name when it
 * differs.
 */
export function hostsByName(name: string, family: 4 | 6): HostEnt | null {
  const key = name.toLowerCase();
  let ent: HostEnt | null = null;
  for (const l of hostLines()) {
    if (!l.keys.includes(key)) continue;
    const addr = lineAddr(l, family);
    if (addr === null) continue;
    if (ent === null) {
      ent = { name: l.name, aliases: [...l.aliases], addrs: [addr] };
    } else {
      ent.aliases.push(...l.aliases);
      if (l.name !== ent.name) ent.aliases.push(l.name);
      ent.addrs.push(addr);
    }
  }
  return ent;
}

/**
 * `gethostbyname4_r` of nss_files (the AF_UNSPEC look-up): the addresses
 * of every line naming `name`, IPv4 and IPv6, in file order; the canonical
 * name is the first line's.
 */
export function hostsByName4(name: string): HostEnt | null {
  const key = name.toLowerCase();
  let ent: HostEnt | null = null;
  for (const l of hostLines()) {
    if (!l.keys.includes(key)) continue;
    if (ent === null) {
      ent = { name: l.name, aliases: [...l.aliases], addrs: [] };
    }
    ent.addrs.push(l.addr);
  }
  return ent;
}

/** `gethostbyaddr_r` of nss_files: the first line with this address. */
export function hostsByAddr(addr: Uint8Array): HostEnt | null {
  const family = addr.length === 4 ? 4 : 6;
  for (const l of hostLines()) {
    const a = lineAddr(l, family);
    if (a !== null && sameBytes(a, addr)) {
      return { name: l.name, aliases: [...l.aliases], addrs: [addr] };
    }
  }
  return null;
}

/** Maps 4-byte addresses to `::ffff:` form. Internal. */
export function mapAll(addrs: Uint8Array[]): Uint8Array[] {
  return addrs.map((a) => (a.length === 4 ? mapV4(a) : a));
}
