// Moved to _base/args.ts (the argument checks every layer shares); this path
// stays for importers of earlier versions.
export * from "../_base/args.ts";
