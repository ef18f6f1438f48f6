// The host operating system, for the tables whose values differ by platform
// (constants, errno texts). The bottom layer imports no runtime adapter, so
// this reads the one global each runtime provides for it; it is the only
// place below `_runtime/` that looks at a runtime global.

/** `linux`, `darwin`, `windows` (Deno's names; Node's `win32` is mapped). */
export function hostOS(): string {
  const g = globalThis as {
    Deno?: { build: { os: string } };
    process?: { platform: string };
  };
  const os = g.Deno?.build.os ?? g.process?.platform ?? "linux";
  return os === "win32" ? "windows" : os;
}
