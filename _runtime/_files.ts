// File checks both adapters make the same way.

import { RuntimeError } from "./error.ts";

/**
 * Refuses a shared directory (`Runtime.sharedDirSync`) that is no
 * directory, or that others may write to without the sticky bit: there
 * another user could remove or replace this process's entries.
 */
export function checkShared(
  path: string,
  isDirectory: boolean,
  mode: number | null,
): void {
  if (!isDirectory) {
    throw new RuntimeError("ENOTDIR", "mkdir", {
      message: `${path} is not a directory`,
    });
  }
  if (mode !== null && (mode & 0o022) !== 0 && (mode & 0o1000) === 0) {
    throw new RuntimeError("EACCES", "mkdir", {
      message:
        `${path} is writable by other users without the sticky bit: remove it, or chmod 1777 it`,
    });
  }
}
