/**
 * Where look-ups go: the hosts, services and protocols files, the DNS
 * server and the search list. {@link set_resolver} and
 * {@link reset_resolver} are public; the rest is internal to `dns/`.
 *
 * @module
 */

import { shared } from "../_base/state.ts";
import { runtime } from "../_runtime/runtime.ts";
import { isIPv4, isIPv6 } from "../addr/sockaddr.ts";
import { fieldsOf, linesOf, ParsedFile } from "./_cache.ts";

/** A DNS server to send queries to. */
export interface NameServer {
  /** Its numeric IPv4 or IPv6 address. */
  readonly ipAddr: string;
  /** Its port; 53 when left out. */
  readonly port?: number;
}

/** What {@link set_resolver} accepts; every key is optional. */
export interface ResolverOptions {
  /**
   * The DNS server to ask instead of resolv.conf's `nameserver`; `null`
   * goes back to resolv.conf's.
   */
  readonly nameServer?: NameServer | null;
  /** The hosts file (default `/etc/hosts`); `null` turns it off. */
  readonly hostsFile?: string | null;
  /** The services file (default `/etc/services`). */
  readonly servicesFile?: string;
  /** The protocols file (default `/etc/protocols`). */
  readonly protocolsFile?: string;
  /** Domains tried after short names, replacing resolv.conf's `search`. */
  readonly search?: readonly string[];
  /** resolv.conf's `ndots`: names with fewer dots try the search list first. */
  readonly ndots?: number;
  /** Seconds to wait for one DNS answer (resolv.conf's `timeout`, default 5). */
  readonly timeout?: number;
  /** How many times a query is sent before giving up (default 2). */
  readonly attempts?: number;
}

/** The resolver settings in effect, with every default filled in. Internal. */
export interface ResolverConfig {
  readonly nameServers: readonly { ipAddr: string; port: number }[];
  readonly hostsFile: string | null;
  readonly servicesFile: string;
  readonly protocolsFile: string;
  readonly search: readonly string[];
  readonly ndots: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  /** Where the name servers came from, to name the permission they need. */
  readonly resolvConf: string;
  /** Bumped on every change, for caches that depend on the settings. */
  readonly generation: number;
}

const DEFAULTS = {
  hostsFile: "/etc/hosts",
  servicesFile: "/etc/services",
  protocolsFile: "/etc/protocols",
  resolvConf: "/etc/resolv.conf",
};

interface ResolvConf {
  readonly nameServers: { ipAddr: string; port: number }[];
  readonly search: string[] | null;
  readonly ndots: number;
  readonly timeout: number;
  readonly attempts: number;
}

/**
 * Parses resolv.conf as glibc's `res_init` reads it: up to three
 * `nameserver` lines, `domain` and `search` (the last one wins), and
 * `options ndots:N timeout:N attempts:N`. Internal; exported for tests.
 */
export function parseResolvConf(text: string | null): ResolvConf {
  const conf = {
    nameServers: [] as { ipAddr: string; port: number }[],
    search: null as string[] | null,
    ndots: 1,
    timeout: 5,
    attempts: 2,
  };
  for (const line of linesOf(text ?? "")) {
    // resolv.conf also takes `;` as a comment start.
    const f = fieldsOf(line.replace(/;.*/, ""));
    const [key, value] = f;
    if (key === undefined || value === undefined) continue;
    switch (key) {
      case "nameserver": {
        const ip = value.replace(/%.*$/, "");
        if (conf.nameServers.length < 3 && (isIPv4(ip) || isIPv6(ip))) {
          conf.nameServers.push({ ipAddr: ip, port: 53 });
        }
        break;
      }
      case "domain":
        conf.search = [value];
        break;
      case "search":
        conf.search = f.slice(1, 7);
        break;
      case "options":
        for (const opt of f.slice(1)) {
          const m = /^(ndots|timeout|attempts):(\d+)$/.exec(opt);
          if (!m) continue;
          const n = Number(m[2]);
          if (m[1] === "ndots") conf.ndots = Math.min(n, 15);
          else if (m[1] === "timeout") {
            conf.timeout = Math.min(Math.max(n, 1), 30);
          } else conf.attempts = Math.min(Math.max(n, 1), 5);
        }
        break;
    }
  }
  return conf;
}

const resolvConfFile = new ParsedFile<ResolvConf>(parseResolvConf);

// set_resolver's settings, shared by every copy of the package (see
// _base/state.ts).
const state = shared("resolver", () => ({
  overrides: {} as ResolverOptions,
  generation: 0,
}));

function checkString(v: unknown, what: string): string {
  if (typeof v !== "string") {
    throw new TypeError(`set_resolver(): ${what} must be a string`);
  }
  return v;
}

function checkNumber(
  v: unknown,
  what: string,
  min: number,
  max: number,
): number {
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new TypeError(`set_resolver(): ${what} must be a number`);
  }
  if (v < min || v > max) {
    throw new RangeError(`set_resolver(): ${what} must be ${min}-${max}.`);
  }
  return v;
}

/**
 * Points look-ups at a DNS server, hosts, services and protocols files and
 * a search list of your choice. Keys left out keep their current setting;
 * {@link reset_resolver} goes back to the system's configuration.
 *
 * @example
 * ```ts
 * import { gethostbyname, reset_resolver, set_resolver } from "@pysocket/socket";
 * set_resolver({ hostsFile: null, nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * // gethostbyname("www.example") now asks 127.0.0.1:5353 only.
 * reset_resolver();
 * console.log(await gethostbyname("localhost")); // 127.0.0.1
 * ```
 *
 * @param options The settings to change.
 */
export function set_resolver(options: ResolverOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("set_resolver() argument must be an object");
  }
  const next: Record<string, unknown> = { ...state.overrides };
  if ("nameServer" in options && options.nameServer !== undefined) {
    const ns = options.nameServer;
    if (ns === null) {
      next.nameServer = null;
    } else {
      if (typeof ns !== "object") {
        throw new TypeError("set_resolver(): nameServer must be an object");
      }
      const ip = checkString(ns.ipAddr, "nameServer.ipAddr");
      if (!isIPv4(ip) && !isIPv6(ip)) {
        throw new TypeError(
          "set_resolver(): nameServer.ipAddr must be a numeric IP address",
        );
      }
      const port = ns.port === undefined
        ? 53
        : checkNumber(ns.port, "nameServer.port", 0, 65535);
      next.nameServer = { ipAddr: ip, port };
    }
  }
  if ("hostsFile" in options && options.hostsFile !== undefined) {
    next.hostsFile = options.hostsFile === null
      ? null
      : checkString(options.hostsFile, "hostsFile");
  }
  if (options.servicesFile !== undefined) {
    next.servicesFile = checkString(options.servicesFile, "servicesFile");
  }
  if (options.protocolsFile !== undefined) {
    next.protocolsFile = checkString(options.protocolsFile, "protocolsFile");
  }
  if (options.search !== undefined) {
    if (!Array.isArray(options.search)) {
      throw new TypeError("set_resolver(): search must be an array of strings");
    }
    next.search = options.search.map((d) => checkString(d, "search[]"));
  }
  if (options.ndots !== undefined) {
    next.ndots = checkNumber(options.ndots, "ndots", 0, 15);
  }
  if (options.timeout !== undefined) {
    next.timeout = checkNumber(options.timeout, "timeout", 0.001, 30);
  }
  if (options.attempts !== undefined) {
    next.attempts = checkNumber(options.attempts, "attempts", 1, 5);
  }
  state.overrides = next as ResolverOptions;
  state.generation++;
}

/**
 * Undoes every {@link set_resolver}: look-ups use `/etc/hosts`,
 * `/etc/services`, `/etc/protocols` and `/etc/resolv.conf` again.
 *
 * @example
 * ```ts
 * import { reset_resolver, set_resolver } from "@pysocket/socket";
 * set_resolver({ hostsFile: null });
 * reset_resolver();
 * ```
 */
export function reset_resolver(): void {
  state.overrides = {};
  state.generation++;
}

function domainOfHostname(): string[] {
  if (
    runtime.permissionState({ name: "sys", kind: "hostname" }) !== "granted"
  ) {
    return [];
  }
  try {
    const h = runtime.hostname();
    const dot = h.indexOf(".");
    return dot >= 0 && dot < h.length - 1 ? [h.slice(dot + 1)] : [];
  } catch {
    return [];
  }
}

/** The settings in effect now. Internal. */
export function resolverConfig(): ResolverConfig {
  const o = state.overrides;
  const needConf = o.nameServer == null || o.search === undefined ||
    o.ndots === undefined || o.timeout === undefined ||
    o.attempts === undefined;
  const conf = needConf
    ? resolvConfFile.get(DEFAULTS.resolvConf, true)
    : parseResolvConf(null);
  const nameServers = o.nameServer
    ? [{ ipAddr: o.nameServer.ipAddr, port: o.nameServer.port ?? 53 }]
    : conf.nameServers.length > 0
    ? conf.nameServers
    : [{ ipAddr: "127.0.0.1", port: 53 }];
  return {
    nameServers,
    hostsFile: o.hostsFile === undefined ? DEFAULTS.hostsFile : o.hostsFile,
    servicesFile: o.servicesFile ?? DEFAULTS.servicesFile,
    protocolsFile: o.protocolsFile ?? DEFAULTS.protocolsFile,
    search: o.search ?? conf.search ?? domainOfHostname(),
    ndots: o.ndots ?? conf.ndots,
    timeoutMs: (o.timeout ?? conf.timeout) * 1000,
    attempts: o.attempts ?? conf.attempts,
    resolvConf: DEFAULTS.resolvConf,
    generation: state.generation,
  };
}

/** The services file in effect (cheap: no resolv.conf read). Internal. */
export function servicesPath(): string {
  return state.overrides.servicesFile ?? DEFAULTS.servicesFile;
}

/** The protocols file in effect. Internal. */
export function protocolsPath(): string {
  return state.overrides.protocolsFile ?? DEFAULTS.protocolsFile;
}

/** The hosts file in effect, or `null` when it is turned off. Internal. */
export function hostsPath(): string | null {
  const hosts = state.overrides.hostsFile;
  return hosts === undefined ? DEFAULTS.hostsFile : hosts;
}

/** A number that changes whenever the settings do. Internal. */
export function configGeneration(): number {
  return state.generation;
}
