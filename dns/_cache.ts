// A parsed-file cache: each file is read and parsed once, and read again only
// when asked to check its stamp (the hosts file) and the stamp moved. Only
// what the file holds is kept: a read that failed for a reason of the
// moment (EMFILE, ENFILE, EIO, ...) says nothing about the file, so it is
// never kept in place of the file's contents.

import { runtime, RuntimeError } from "../_runtime/runtime.ts";
import { error, fromRuntimeError } from "../_base/errors.ts";

// glibc's res_init takes these errors from opening resolv.conf as "there is
// no file" (they come from the file system's contents); any other error is
// a failure of the look-up itself. The same split applies to every file
// here.
const LASTING = new Set([
  "ENOENT",
  "ENOTDIR",
  "EACCES",
  "EPERM",
  "EISDIR",
  "ELOOP",
]);

const momentary = new WeakSet<error>();

/** What reading a file for a look-up gave. Internal. */
interface FileRead {
  /** The text, or `null`: as far as look-ups go, there is no file. */
  readonly text: string | null;
  /**
   * Whether the answer may be kept: not when a runtime permission was
   * missing, since it may still be granted.
   */
  readonly lasting: boolean;
}

/**
 * Reads a file for a look-up: its text, or `null` when it is missing or
 * cannot be read for a lasting reason. A failure of the moment throws the
 * {@link error} for its errno (the runtime's error as `cause`), which
 * {@link isMomentaryReadError} recognizes. Internal.
 */
export function readFile(path: string): FileRead {
  try {
    return { text: runtime.readTextFileSync(path), lasting: true };
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    if (e.permissionFlag !== null) return { text: null, lasting: false };
    if (LASTING.has(e.code)) return { text: null, lasting: true };
    const err = fromRuntimeError(e) as error;
    momentary.add(err);
    throw err;
  }
}

/**
 * Whether `e` is the error {@link readFile} threw for a failure of the
 * moment (glibc's look-ups then give TRY_AGAIN). Internal.
 */
export function isMomentaryReadError(e: unknown): boolean {
  return e instanceof error && momentary.has(e);
}

interface Entry<T> {
  readonly path: string;
  readonly stamp: string | null;
  readonly value: T;
}

/** One cached, parsed file of one kind. Internal. */
export class ParsedFile<T> {
  #entry: Entry<T> | null = null;
  readonly #parse: (text: string | null) => T;
  readonly #fallBack: boolean;

  /**
   * @param parse Turns the file's text (`null`: no file) into a value.
   * @param fallBack On a failure of the moment, answer as if there were
   *   no file (the services and protocols files, which have a built-in
   *   table) instead of throwing the error.
   */
  constructor(parse: (text: string | null) => T, fallBack = false) {
    this.#parse = parse;
    this.#fallBack = fallBack;
  }

  /**
   * The parsed contents of `path`. With `recheck`, the file's stamp is
   * compared with the one it was parsed at, and a changed file is parsed
   * again; without, the first parse is kept. A read that fails for a
   * reason of the moment throws the {@link error} for its errno (or, with
   * `fallBack`, gives the no-file value) and leaves the cache as it was,
   * so that the next call reads the file again.
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
    let read: FileRead;
    try {
      read = readFile(path);
    } catch (err) {
      if (this.#fallBack && isMomentaryReadError(err)) {
        return this.#parse(null);
      }
      throw err;
    }
    const value = this.#parse(read.text);
    if (read.lasting) this.#entry = { path, stamp, value };
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
