// What the http and line-protocol sections share: the pysocket checkouts to
// measure, peers in processes of their own, their output read line by line,
// a process's CPU time and medians.

const here = (f: string): string => new URL(f, import.meta.url).pathname;
const REPO = here("../").replace(/\/$/, "");

/** One pysocket checkout measured: its folder and how the report names it. */
export interface Root {
  /** The folder holding mod.ts (and npm/dist once built). */
  readonly path: string;
  /** `""` for this checkout when PYSOCKET_ROOT is unset, else `name@commit`. */
  readonly label: string;
}

async function commitOf(path: string): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["-C", path, "rev-parse", "--short", "HEAD"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const rev = new TextDecoder().decode(out.stdout).trim();
    return out.success && rev ? rev : "?";
  } catch {
    return "?";
  }
}

/**
 * The checkouts PYSOCKET_ROOT names (several separated by `:`, each gets
 * columns of its own, measured in the same interleaved rounds), or this one.
 * An entry `label=/path` names its columns `label`; else they are named
 * after the folder and its commit.
 */
export async function pysocketRoots(): Promise<Root[]> {
  const env = Deno.env.get("PYSOCKET_ROOT");
  if (!env) return [{ path: REPO, label: "" }];
  const roots: Root[] = [];
  for (const entry of env.split(":").filter((x) => x !== "")) {
    const eq = entry.indexOf("=");
    const given = eq > 0 && !entry.slice(0, eq).includes("/")
      ? entry.slice(0, eq)
      : null;
    const p = given === null ? entry : entry.slice(eq + 1);
    const path = (p.startsWith("/") ? p : `${Deno.cwd()}/${p}`).replace(
      /\/$/,
      "",
    );
    Deno.statSync(`${path}/mod.ts`); // a wrong root fails loudly, not later
    const name = path.split("/").pop() ?? path;
    roots.push({
      path,
      label: given ?? `${name}@${await commitOf(path)}`,
    });
  }
  return roots;
}

/** `base`, with the checkout's label when there is one. */
export function named(base: string, root: Root): string {
  return root.label ? `${base} [${root.label}]` : base;
}

/** Whether `cmd args` can be run and succeeds. */
export async function runs(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Whether a program is on PATH (it may exit non-zero when run bare). */
export async function exists(cmd: string): Promise<boolean> {
  try {
    await new Deno.Command(cmd, { stdout: "null", stderr: "null" }).output();
    return true;
  } catch {
    return false;
  }
}

/** How to start one peer: a program, its arguments and extra environment. */
export interface PeerCommand {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string> | undefined;
}

/** A Deno peer script of bench/, run with the checkout `root`. */
export function denoPeer(
  script: string,
  root: Root | null,
  ...args: string[]
): PeerCommand {
  return {
    cmd: Deno.execPath(),
    args: ["run", "-A", "--no-check", here(script), ...args],
    env: root ? { PYSOCKET_ROOT: root.path } : undefined,
  };
}

/** A Node.js peer script of bench/, run with the checkout `root`. */
export function nodePeer(
  script: string,
  root: Root | null,
  ...args: string[]
): PeerCommand {
  return {
    cmd: "node",
    args: [here(script), ...args],
    env: root ? { PYSOCKET_ROOT: root.path } : undefined,
  };
}

/** A CPython peer script of bench/. */
export function pythonPeer(script: string, ...args: string[]): PeerCommand {
  return { cmd: "python3", args: [here(script), ...args] };
}

/** Reads a child's stdout line by line. */
export class Lines {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next line, without its newline. */
  async next(): Promise<string> {
    while (!this.#buffer.includes("\n")) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("peer ended early");
      this.#buffer += value;
    }
    const nl = this.#buffer.indexOf("\n");
    const line = this.#buffer.slice(0, nl);
    this.#buffer = this.#buffer.slice(nl + 1);
    return line;
  }

  /** Reads and drops the rest. */
  async drain(): Promise<void> {
    while (!(await this.#reader.read()).done) { /* discard */ }
  }
}

/**
 * A server peer: started, its first line (the port) read. Closing its stdin
 * tells it to stop; it then prints one JSON line and exits.
 */
export class Server {
  readonly child: Deno.ChildProcess;
  readonly out: Lines;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;

  private constructor(child: Deno.ChildProcess) {
    this.child = child;
    this.out = new Lines(child.stdout);
    this.#stdin = child.stdin.getWriter();
  }

  /** Starts the server and waits for its port. */
  static async start(c: PeerCommand): Promise<[Server, number]> {
    const child = new Deno.Command(c.cmd, {
      args: [...c.args],
      ...(c.env ? { env: c.env } : {}),
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const server = new Server(child);
    const port = Number(await server.out.next());
    if (!Number.isInteger(port) || port <= 0) {
      throw new Error(`${c.cmd} ${c.args.join(" ")}: no port`);
    }
    return [server, port];
  }

  /** Stops the server: resolves to its last JSON line; rejects if it failed. */
  async stop(): Promise<Record<string, number>> {
    await this.#stdin.close().catch(() => {});
    const last = await this.out.next();
    await this.out.drain();
    const status = await this.child.status;
    if (!status.success) throw new Error(`server exited ${status.code}`);
    return JSON.parse(last);
  }
}

/** Runs a client peer to its end: its last line of output, parsed. */
export async function client<T>(c: PeerCommand): Promise<T> {
  const out = await new Deno.Command(c.cmd, {
    args: [...c.args],
    ...(c.env ? { env: c.env } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(`${c.cmd} ${c.args.join(" ")} failed: ${text}`);
  }
  return JSON.parse(text.split("\n").pop() ?? "") as T;
}

/** CPU time (user + system, all threads) a process has used, in µs. */
export function cpuMicros(pid: number, ticksPerSecond: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // The command name may hold spaces: fields are counted after its `)`.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond * 1e6;
}

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`; 100 if unknown). */
export async function clockTicks(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"] })
      .output();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** The median. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const at = (i: number): number => s[i] ?? NaN;
  return s.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** The machine's load averages, as `uptime` shows them. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3)
      .join(" ");
  } catch {
    return "unknown";
  }
}
