// The only file that calls Deno's networking, file, system and permission
// APIs. It speaks in plain objects and lets runtime errors through as they
// are: socket/errors.ts turns them into `error`s.

/** What a permission query answers; never a prompt. */
export type PermissionState = "granted" | "prompt" | "denied";

/** A permission to ask about, in Deno's terms. */
export type PermissionQuery =
  | { readonly name: "read"; readonly path?: string }
  | { readonly name: "net"; readonly host?: string }
  | { readonly name: "sys"; readonly kind?: "hostname" | "networkInterfaces" }
  | { readonly name: "env"; readonly variable?: string }
  | { readonly name: "run"; readonly command?: string };

/** The runtime's name, for messages and for tests of Deno-only behaviour. */
export const RUNTIME_NAME: "deno" | "node" = "deno";

/** The host platform: `linux`, `darwin`, `windows`, ... */
export function platform(): string {
  return Deno.build.os;
}

/** Whether a permission is granted, without ever prompting. */
export function permissionState(query: PermissionQuery): PermissionState {
  return Deno.permissions.querySync(query).state;
}

/**
 * A text file's contents, or `null` when it is missing, unreadable, or read
 * permission is not granted (checked first, so there is never a prompt).
 */
export function readTextFileSync(path: string): string | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/**
 * A file's modification time and size as one key that changes when the file
 * does, or `null` when it cannot be seen.
 */
export function fileStamp(path: string): string | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    const info = Deno.statSync(path);
    return `${info.mtime?.getTime() ?? 0}:${info.size}:${info.ino ?? 0}`;
  } catch {
    return null;
  }
}

/** The names in a directory, or `null` when it cannot be listed. */
export function readDirSync(path: string): string[] | null {
  if (permissionState({ name: "read", path }) !== "granted") return null;
  try {
    return [...Deno.readDirSync(path)].map((e) => e.name);
  } catch {
    return null;
  }
}

/** The host's name. Needs `--allow-sys=hostname`. */
export function hostname(): string {
  return Deno.hostname();
}

/** One address of one network interface. */
export interface InterfaceAddress {
  /** Interface name (`lo`, `eth0`). */
  readonly name: string;
  /** `IPv4` or `IPv6`. */
  readonly family: "IPv4" | "IPv6";
  /** The address as text, without a scope. */
  readonly address: string;
  /** The IPv6 scope id, 0 where there is none. */
  readonly scopeid: number;
}

/** The machine's interface addresses. Needs `--allow-sys=networkInterfaces`. */
export function networkInterfaces(): InterfaceAddress[] {
  return Deno.networkInterfaces().map((i) => ({
    name: i.name,
    family: i.family,
    address: i.address,
    scopeid: i.scopeid ?? 0,
  }));
}

/** A DNS record type this module asks for. */
export type DnsRecordType = "A" | "AAAA" | "CNAME" | "PTR";

/** Where and how to send one DNS query. */
export interface DnsQueryOptions {
  /** A server to ask instead of the system's. */
  readonly nameServer?: { readonly ipAddr: string; readonly port?: number };
  /** Give up after this many milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * One DNS query through the runtime's resolver. Rejects with the runtime's
 * own error (`NotFound` when the name or record does not exist); a query
 * that runs past `timeoutMs` rejects with a `TimedOut` error.
 */
export async function resolveDns(
  query: string,
  type: DnsRecordType,
  options: DnsQueryOptions = {},
): Promise<string[]> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ns = options.nameServer;
  const request = Deno.resolveDns(query, type, {
    signal: controller.signal,
    ...(ns ? { nameServer: { ipAddr: ns.ipAddr, port: ns.port ?? 53 } } : {}),
  });
  if (options.timeoutMs === undefined) return await request;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Deno.errors.TimedOut(`DNS query for ${query} timed out`));
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([request, expired]);
  } finally {
    clearTimeout(timer);
    request.catch(() => {});
  }
}
