// Which pysocket a benchmark peer measures. PYSOCKET_ROOT names a checkout
// (a folder holding mod.ts, e.g. /work/wt/old); without it, this one. The
// same peer scripts can so measure the code before and after a change.

type Pysocket = typeof import("../mod.ts");

/** The checkout a peer imports pysocket from, as a file URL ending in `/`. */
export function pysocketRootUrl(): URL {
  const root = Deno.env.get("PYSOCKET_ROOT");
  if (!root) return new URL("../", import.meta.url);
  const abs = root.startsWith("/") ? root : `${Deno.cwd()}/${root}`;
  return new URL(`file://${abs.endsWith("/") ? abs : abs + "/"}`);
}

/** Imports `mod.ts` of the checkout PYSOCKET_ROOT names (this one by default). */
export async function loadPysocket(): Promise<Pysocket> {
  return (await import(new URL("mod.ts", pysocketRootUrl()).href)) as Pysocket;
}
