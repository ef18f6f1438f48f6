// The one import point for the runtime. The npm build rewrites this line to
// `./node.ts`; every other file imports the runtime from here.
export * from "./deno.ts";
