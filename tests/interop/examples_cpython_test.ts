// The select, selectors and socketserver examples against their Python
// twins (tests/fixtures/examples/): each pair is run on port 0 and must
// print the same, ports aside; the echo servers are also driven by the
// other language's client, so that CPython is the peer.

import assert from "node:assert/strict";
import { runtime } from "../../_runtime/runtime.ts";
import { hasPython, skipReason } from "../_python.ts";

const ROOT = new URL("../../", import.meta.url);
const FIXTURES = new URL("tests/fixtures/examples/", ROOT);
const HOST = "127.0.0.1";

/** A program running, its output read line by line as it comes. */
class Program {
  readonly #child: Deno.ChildProcess;
  readonly #lines: string[] = [];
  readonly #done: Promise<[Deno.CommandStatus, string]>;
  #wake: (() => void) | null = null;

  constructor(cmd: string, args: string[], stream: "stdout" | "stderr") {
    this.#child = new Deno.Command(cmd, {
      args,
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const main = stream === "stdout" ? this.#child.stdout : this.#child.stderr;
    const other = stream === "stdout" ? this.#child.stderr : this.#child.stdout;
    const reading = this.#read(main);
    const otherText = new Response(other).text();
    this.#done = Promise.all([this.#child.status, otherText, reading]).then(
      ([status, text]) => [status, text],
    );
  }

  async #read(stream: ReadableStream<Uint8Array>): Promise<void> {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      this.#lines.push(...parts);
      this.#wake?.();
    }
    if (rest !== "") this.#lines.push(rest);
    this.#wake?.();
  }

  /** Waits for a line matching `re` and gives its first group. */
  async find(re: RegExp): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const line of this.#lines) {
        const m = re.exec(line);
        if (m) return m[1] ?? m[0];
      }
      assert.ok(
        Date.now() < deadline,
        `no line like ${re}: ${this.#lines.join("\n")}`,
      );
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 100);
      });
      this.#wake = null;
    }
  }

  /** All its lines once it has ended (successfully). */
  async output(): Promise<string[]> {
    const [status, other] = await this.#done;
    assert.equal(status.code, 0, `exited with ${status.code}: ${other}`);
    return this.#lines;
  }
}

function deno(
  example: string,
  args: string[],
  stream: "stdout" | "stderr" = "stdout",
): Program {
  return new Program(
    Deno.execPath(),
    ["run", `--allow-net=${HOST}`, `examples/${example}.ts`, ...args],
    stream,
  );
}

function python(
  example: string,
  args: string[],
  stream: "stdout" | "stderr" = "stdout",
): Program {
  return new Program(
    "python3",
    ["-u", new URL(`${example}.py`, FIXTURES).pathname, ...args],
    stream,
  );
}

/** Ports replaced by names in order of appearance, so runs compare. */
function normalize(lines: string[], drop: RegExp | null = null): string[] {
  const names = new Map<string, string>();
  const name = (port: string): string => {
    if (!names.has(port)) names.set(port, `PORT${names.size}`);
    return names.get(port) ?? port;
  };
  return lines
    .filter((l) => drop === null || !drop.test(l))
    .map((l) =>
      l.replace(
        /\('127\.0\.0\.1', (\d+)\)/g,
        (_, p) => `('127.0.0.1', ${name(p)})`,
      )
        .replace(/port (\d+)/g, (_, p) => `port ${name(p)}`)
    );
}

// The examples are in the repository, run with `deno run`: not from the
// npm build's tests.
const examples = runtime.name === "deno";
const python3 = hasPython() && examples;
if (!hasPython()) skipReason("examples against CPython", "python3 not found");
if (!examples) {
  skipReason(
    "examples against CPython",
    "the examples run on Deno only (deno run)",
  );
}

// How often a select/poll server loops and finds a queue empty depends on
// timing (in CPython too): those lines are left out of the comparison.
const LOOP_LINES = /waiting for the next event|queue empty/;

for (const server of ["select_echo_server", "poll_echo_server"]) {
  Deno.test({
    name:
      `examples: ${server}.ts prints what ${server}.py prints, with CPython's echo_client.py as the client`,
    ignore: !python3,
    async fn() {
      const outputs: string[][] = [];
      for (const start of [deno, python]) {
        const s = start(server, [HOST, "0", "1"], "stderr");
        const port = await s.find(/starting up on .* port (\d+)/);
        const client = python("echo_client", [HOST, port]);
        const clientLines = await client.output();
        assert.equal(clientLines.at(-1), "closing socket");
        outputs.push(normalize(await s.output(), LOOP_LINES));
      }
      assert.deepEqual(outputs[0], outputs[1]);
      assert.ok((outputs[0]?.length ?? 0) > 8);
    },
  });
}

Deno.test({
  name:
    "examples: selectors_echo_server.ts and selectors_echo_client.ts against their Python twins, each way",
  ignore: !python3,
  async fn() {
    const runs: Record<string, [string[], string[]]> = {};
    for (const [sname, start] of [["ts", deno], ["py", python]] as const) {
      for (const [cname, client] of [["ts", deno], ["py", python]] as const) {
        const s = start("selectors_echo_server", [HOST, "0", "1"]);
        const port = await s.find(/listening on .* port (\d+)/);
        const c = client("selectors_echo_client", [HOST, port]);
        runs[`${sname}-${cname}`] = [
          normalize(await s.output()),
          normalize(await c.output()),
        ];
      }
    }
    const reference = runs["py-py"];
    assert.ok(reference);
    for (const [key, run] of Object.entries(runs)) {
      assert.deepEqual(run, reference, key);
    }
    assert.deepEqual(reference[1].slice(0, 3), [
      "connecting to 127.0.0.1 port PORT0: EINPROGRESS",
      "connected",
      "sending b'First message. '",
    ]);
  },
});

Deno.test({
  name:
    "examples: socketserver_echo.ts prints what socketserver_echo.py prints (each side's lines in order)",
  ignore: !python3,
  async fn() {
    const sides: Array<[string[], string[]]> = [];
    for (const start of [deno, python]) {
      const lines = normalize(
        await start("socketserver_echo", [HOST, "0"]).output(),
      );
      // The server runs beside the client (a thread in Python, a task
      // here): each side's lines keep their order, not the interleaving.
      sides.push([
        lines.filter((l) => l.startsWith("client: ")),
        lines.filter((l) => !l.startsWith("client: ")),
      ]);
    }
    assert.deepEqual(sides[0], sides[1]);
    assert.ok(sides[0]?.[1].includes("server: handle_error()"));
  },
});

Deno.test({
  name:
    "examples: socketserver_threaded.ts prints what socketserver_threaded.py prints",
  ignore: !python3,
  async fn() {
    const ts = normalize(
      await deno("socketserver_threaded", [HOST, "0"]).output(),
    );
    const py = normalize(
      await python("socketserver_threaded", [HOST, "0"]).output(),
    );
    assert.deepEqual(ts, py);
    assert.equal(ts[1], "received b'client 0: served with 3 requests at once'");
  },
});

Deno.test({
  name:
    "examples: select_nonblocking_connect.ts prints what select_nonblocking_connect.py prints",
  ignore: !python3,
  async fn() {
    const ts = await deno("select_nonblocking_connect", [HOST]).output();
    const py = await python("select_nonblocking_connect", [HOST]).output();
    assert.deepEqual(ts, py);
    assert.ok(
      ts.includes("closed port: failed with ECONNREFUSED: Connection refused"),
    );
  },
});
