// The benchmark harness: runs every section in one run, prints one markdown
// report and writes it to bench/RESULTS.md. `--quick` keeps each section short.
import { type SectionModule, toMarkdown } from "./_section.ts";

const SECTIONS = ["addr", "dns", "network", "http", "line", "select"];

async function machine(): Promise<string> {
  const cores = navigator.hardwareConcurrency;
  const mem = Deno.systemMemoryInfo();
  let py = "python3 missing";
  try {
    const out = await new Deno.Command("python3", { args: ["--version"] })
      .output();
    py = new TextDecoder().decode(out.stdout).trim();
  } catch { /* reported as missing */ }
  let node = "Node.js missing";
  try {
    const out = await new Deno.Command("node", { args: ["--version"] })
      .output();
    node = `Node.js ${new TextDecoder().decode(out.stdout).trim()}`;
  } catch { /* reported as missing */ }
  return `${cores} cores, ${
    (mem.total / 2 ** 30).toFixed(1)
  } GiB; Deno ${Deno.version.deno}; ${node}; ${py}; ${Deno.build.os}-${Deno.build.arch}`;
}

async function main(): Promise<void> {
  const quick = Deno.args.includes("--quick");
  const only = Deno.args.filter((a) => !a.startsWith("--"));
  const parts = [
    `# pysocket benchmarks`,
    "",
    `${new Date().toISOString().slice(0, 10)}${
      quick ? " (quick mode)" : ""
    }; ${await machine()}`,
  ];
  for (const name of SECTIONS) {
    if (only.length && !only.includes(name)) continue;
    const url = new URL(`./${name}.ts`, import.meta.url);
    try {
      Deno.statSync(url);
    } catch {
      console.log(`(section ${name}: not written yet, skipped)`);
      continue;
    }
    const mod = (await import(url.href)) as SectionModule;
    const md = toMarkdown(await mod.run(quick));
    console.log(md + "\n");
    parts.push("", md);
  }
  await Deno.writeTextFile(
    new URL("./RESULTS.md", import.meta.url),
    parts.join("\n") + "\n",
  );
}

if (import.meta.main) await main();
