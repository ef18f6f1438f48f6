// A parsed-file cache: each file is read and parsed once, and read again only
// when asked to check its stamp (the hosts file) and the stamp moved.

import { runtime } from "../_runtime/runtime.ts";

interface Entry<T> {
  readonly path: string;
  readonly stamp: string | null;
  readonly value: T;
}

/** One cached, parsed file of one kind. Internal. */
export class ParsedFile<T> {
  #entry: Entry<T> | null = null;
  readonly #parse: (text: string | null) => T;

  /** @param parse Turns the file's text (`null`: missing/unreadable) into a value. */
  constructor(parse: (text: string | null) => T) {
    this.#parse = parse;
  }

  /**
   * The parsed contents of `path`. With `recheck`, the file's stamp is
   * compared with the one it was parsed at, and a changed file is parsed
   * again; without, the first parse is kept.
   */
  get(path: string, recheck: boolean): T {
    const e = this.#entry;
    if (e !== null && e.path === path) {
      if (!recheck) return e.value;
      const stamp = runtime.fileStamp(path);
      if (stamp === e.stamp && stamp !== null) return e.value;
      return this.#load(path, stamp);
    }
    return this.#load(path, recheck ? runtime.fileStamp(path) : null);
  }

  #load(path: string, stamp: string | null): T {
    const value = this.#parse(runtime.readTextFileSync(path));
    this.#entry = { path, stamp, value };
    return value;
  }

  /** Forgets the cached parse. */
  clear(): void {
    this.#entry = null;
  }
}

/**
 * The whitespace-separated fields of one line of a `/etc` database: text
 * after `#` is a comment; C's `isspace` characters separate fields.
 */
export function fieldsOf(line: string): string[] {
  const hash = line.indexOf("#");
  const body = hash >= 0 ? line.slice(0, hash) : line;
  return body.split(/[ \t\n\v\f\r]+/).filter((f) => f.length > 0);
}

/** The lines of a file's text (`\n` ends a line, as `getline` reads it). */
export function linesOf(text: string): string[] {
  return text.split("\n");
}
