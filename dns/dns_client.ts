// DNS look-ups through the runtime's resolver, with glibc's search-list
// rules, retries and error mapping. Internal.

import {
  type DnsRecordType,
  runtime,
  RuntimeError,
} from "../_runtime/runtime.ts";
import { permissionError } from "../_base/errors.ts";
import { type ResolverConfig, resolverConfig } from "./config.ts";
import { pton4, pton6 } from "./_ip.ts";

/** Why a DNS look-up failed: glibc's h_errno values. */
export type DnsFailure = "notfound" | "nodata" | "again";

/** A failed DNS look-up. Internal. */
export class DnsError extends Error {
  /**
   * `notfound`: no such name (HOST_NOT_FOUND); `nodata`: the name exists
   * with no address of the family asked for (NO_DATA); `again`: no answer
   * (TRY_AGAIN).
   */
  readonly kind: DnsFailure;
  constructor(kind: DnsFailure, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** What a forward look-up found. Internal. */
export interface DnsAnswer {
  /** The name the records were found under, after CNAMEs. */
  readonly canonical: string;
  /** The names that led there through CNAMEs (the asked name first). */
  readonly aliases: string[];
  /** 4-byte addresses. */
  readonly v4: Uint8Array[];
  /** 16-byte addresses. */
  readonly v6: Uint8Array[];
}

function hostFor(ns: { ipAddr: string; port: number }): string {
  return ns.ipAddr.includes(":")
    ? `[${ns.ipAddr}]:${ns.port}`
    : `${ns.ipAddr}:${ns.port}`;
}

function checkPermission(cfg: ResolverConfig): void {
  for (const ns of cfg.nameServers) {
    const host = hostFor(ns);
    if (runtime.permissionState({ name: "net", host }) !== "granted") {
      throw permissionError(`net:${host}`);
    }
  }
}

/**
 * One query, tried on every server `attempts` times, each try bounded by
 * the configured timeout. Resolves to the records, to `null` when the
 * name or the record type does not exist, or rejects with a DnsError
 * `again` when no server answered.
 */
async function query(
  cfg: ResolverConfig,
  name: string,
  type: DnsRecordType,
): Promise<string[] | null> {
  for (let attempt = 0; attempt < cfg.attempts; attempt++) {
    for (const ns of cfg.nameServers) {
      try {
        return await runtime.resolveDns(name, type, {
          nameServer: ns,
          timeoutMs: cfg.timeoutMs,
        });
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        if (e.code === "ENOENT") return null;
        // The runtime would answer this name itself (Deno: `localhost`
        // names, loopback reverse names) where glibc asks the server: no
        // answer is taken from the runtime, and the server counts as
        // having none, as most servers outside this machine do.
        if (e.code === "EOPNOTSUPP") return null;
        if (e.code === "EACCES") {
          throw permissionError(e.permissionFlag ?? e.message);
        }
        // Timed out, refused, unreachable: try the next server or attempt.
      }
    }
  }
  throw new DnsError("again", `no answer from DNS for ${name}`);
}

function stripDot(n: string): string {
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/**
 * The names to try for `name`, in glibc's order: a name ending in a dot
 * as it is; a name with at least `ndots` dots as it is, then with each
 * search domain; a shorter one with each search domain, then as it is.
 */
export function candidates(name: string, cfg: ResolverConfig): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  const searched = cfg.search.map((d) => `${name}.${stripDot(d)}`);
  return dots >= cfg.ndots ? [name, ...searched] : [...searched, name];
}

/** Whether `name` could be sent to DNS at all (glibc's res_hnok, loosely). */
function validName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = stripDot(name).split(".");
  return labels.every((l) =>
    l.length > 0 && l.length <= 63 && /^[A-Za-z0-9_-]+$/.test(l)
  );
}

async function cnameChain(
  cfg: ResolverConfig,
  name: string,
): Promise<{ canonical: string; aliases: string[] }> {
  const aliases: string[] = [];
  let current = name;
  for (let hop = 0; hop < 8; hop++) {
    const target = (await query(cfg, current, "CNAME"))?.[0];
    if (target === undefined) break;
    aliases.push(current);
    current = stripDot(target);
  }
  return { canonical: current, aliases };
}

/**
 * Looks `name` up in DNS for IPv4 and/or IPv6 addresses, through the
 * search list. `chain`: also follow CNAMEs for the canonical name and
 * aliases. Rejects with a DnsError `notfound` or `again`.
 */
export async function dnsLookup(
  name: string,
  wantV4: boolean,
  wantV6: boolean,
  chain: boolean,
): Promise<DnsAnswer> {
  if (!validName(name)) throw new DnsError("notfound", "invalid name");
  const cfg = resolverConfig();
  checkPermission(cfg);
  let again = false;
  let nodata = false;
  for (const cand of candidates(name, cfg)) {
    let v4: string[] | null = null;
    let v6: string[] | null = null;
    try {
      [v4, v6] = await Promise.all([
        wantV4 ? query(cfg, cand, "A") : Promise.resolve(null),
        wantV6 ? query(cfg, cand, "AAAA") : Promise.resolve(null),
      ]);
    } catch (e) {
      if (e instanceof DnsError) {
        // glibc stops the search at a server that does not answer.
        again = true;
        break;
      }
      throw e;
    }
    const a4 = (v4 ?? []).map(pton4).filter((b) => b !== null);
    const a6 = (v6 ?? []).map(pton6).filter((b) => b !== null);
    if (a4.length === 0 && a6.length === 0) {
      if (wantV4 !== wantV6 && !nodata) {
        // glibc tells a name that does not exist (EAI_NONAME) from one with
        // no address of this family (EAI_NODATA) by the server's answer;
        // the runtime reports both as not found. A name with an address of
        // the other family exists: that much can be told.
        try {
          const other = await query(cfg, cand, wantV4 ? "AAAA" : "A");
          nodata = other !== null && other.length > 0;
        } catch (e) {
          if (!(e instanceof DnsError)) throw e;
        }
      }
      continue;
    }
    let canonical = cand;
    let aliases: string[] = [];
    if (chain) {
      try {
        ({ canonical, aliases } = await cnameChain(cfg, cand));
      } catch (e) {
        if (!(e instanceof DnsError)) throw e;
      }
    }
    return { canonical, aliases, v4: a4, v6: a6 };
  }
  throw new DnsError(
    again ? "again" : nodata ? "nodata" : "notfound",
    `${name}: not found`,
  );
}

/** PTR look-up: the names for a reverse name, `[]` when there is none. */
export async function dnsReverse(reverse: string): Promise<string[]> {
  const cfg = resolverConfig();
  checkPermission(cfg);
  const r = await query(cfg, reverse, "PTR");
  return (r ?? []).map(stripDot);
}
