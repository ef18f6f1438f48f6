// Starts dnsmasq on a free loopback port with tests/fixtures/dns records.

/** A running dnsmasq; dispose to stop it. */
export interface Dnsmasq extends AsyncDisposable {
  readonly port: number;
}

/** The records most DNS tests use. */
export const FIXTURE: string = new URL(
  "../fixtures/dns/dnsmasq.conf",
  import.meta.url,
).pathname;

/** The dnsmasq binary, or `null` when it is not installed. */
export function findDnsmasq(): string | null {
  for (const p of ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"]) {
    try {
      Deno.statSync(p);
      return p;
    } catch {
      // not here
    }
  }
  try {
    const out = new Deno.Command("which", {
      args: ["dnsmasq"],
      stdout: "piped",
      stderr: "null",
    })
      .outputSync();
    const p = new TextDecoder().decode(out.stdout).trim();
    return out.success && p ? p : null;
  } catch {
    return null;
  }
}

/** A UDP port that was free a moment ago on 127.0.0.1. */
export function freeUdpPort(): number {
  const s = Deno.listenDatagram({
    hostname: "127.0.0.1",
    port: 0,
    transport: "udp",
  });
  const port = (s.addr as Deno.NetAddr).port;
  s.close();
  return port;
}

/**
 * Starts dnsmasq with the records of `conf` and waits until it answers.
 * The port is free for UDP, but dnsmasq also listens on TCP there, and
 * exits when that port is taken (a connection in TIME-WAIT from an earlier
 * test is enough): then it is started again on another port.
 */
export async function startDnsmasq(
  bin: string,
  conf: string = FIXTURE,
  probe: string = "real.pysocket.test",
): Promise<Dnsmasq> {
  for (let attempt = 1;; attempt++) {
    const started = await tryStartDnsmasq(bin, conf, probe);
    if (typeof started !== "string") return started;
    if (attempt === 5) throw new Error(`dnsmasq did not start: ${started}`);
  }
}

// The running dnsmasq, or why it is not running: it exited (retried on
// another port), or it did not answer in time.
async function tryStartDnsmasq(
  bin: string,
  conf: string,
  probe: string,
): Promise<Dnsmasq | string> {
  const port = freeUdpPort();
  const child = new Deno.Command(bin, {
    args: [
      "--keep-in-foreground",
      "--no-resolv",
      "--no-hosts",
      "--pid-file",
      `--port=${port}`,
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      `--conf-file=${conf}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => exited = s);
  const stop = async (): Promise<void> => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await status;
  };
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 300);
      try {
        await Deno.resolveDns(probe, "A", {
          nameServer: { ipAddr: "127.0.0.1", port },
          signal: ctl.signal,
        });
      } finally {
        clearTimeout(timer);
      }
      break;
    } catch (e) {
      if (exited !== null) {
        await status;
        return `port ${port}: dnsmasq exited (${
          (exited as Deno.CommandStatus).code
        }): ${e}`;
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`dnsmasq did not start: ${e}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, [Symbol.asyncDispose]: stop };
}
