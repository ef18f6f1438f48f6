// The text codecs of makefile's text mode: utf-8, ascii and latin-1 under
// Python's names and aliases, with the error handlers strict, replace and
// ignore, and Python's UnicodeDecodeError / UnicodeEncodeError texts (as a
// RangeError named after the Python class). Internal to socket/.

/** An incremental decoder: bytes in, whole characters out. */
export interface Decoder {
  /** Decodes `bytes`; with `final`, what is held back is decoded too. */
  decode(bytes: Uint8Array, final: boolean): string;
}

/** One of the codecs, by its canonical Python name. */
export interface Codec {
  /** Python's canonical name, as its error messages give it. */
  readonly name: "utf-8" | "ascii" | "latin-1";
  decoder(errors: string): Decoder;
  encode(text: string, errors: string): Uint8Array;
}

const HANDLERS = new Set(["strict", "replace", "ignore"]);

function lookupError(message: string): Error {
  const e = new Error(message);
  e.name = "LookupError";
  return e;
}

// Python's error handler lookup happens at the first use, as here.
function checkHandler(errors: string): void {
  if (!HANDLERS.has(errors)) {
    throw lookupError(`unknown error handler name '${errors}'`);
  }
}

function decodeError(
  codec: string,
  start: number,
  end: number,
  byte: number,
  reason: string,
): RangeError {
  const what = end - start === 1
    ? `byte 0x${byte.toString(16).padStart(2, "0")} in position ${start}`
    : `bytes in position ${start}-${end - 1}`;
  const e = new RangeError(`'${codec}' codec can't decode ${what}: ${reason}`);
  e.name = "UnicodeDecodeError";
  return e;
}

// Python's repr of one character inside an encode error message.
function charRepr(cp: number): string {
  if (cp < 0x100) return `'\\x${cp.toString(16).padStart(2, "0")}'`;
  if (cp < 0x10000) return `'\\u${cp.toString(16).padStart(4, "0")}'`;
  return `'\\U${cp.toString(16).padStart(8, "0")}'`;
}

function encodeError(
  codec: string,
  start: number,
  end: number,
  cp: number,
  reason: string,
): RangeError {
  const what = end - start === 1
    ? `character ${charRepr(cp)} in position ${start}`
    : `characters in position ${start}-${end - 1}`;
  const e = new RangeError(`'${codec}' codec can't encode ${what}: ${reason}`);
  e.name = "UnicodeEncodeError";
  return e;
}

const ALIASES: Readonly<Record<string, Codec["name"]>> = {
  utf_8: "utf-8",
  utf8: "utf-8",
  u8: "utf-8",
  utf: "utf-8",
  utf8_ucs2: "utf-8",
  utf8_ucs4: "utf-8",
  cp65001: "utf-8",
  ascii: "ascii",
  us_ascii: "ascii",
  "646": "ascii",
  us: "ascii",
  cp367: "ascii",
  csascii: "ascii",
  ibm367: "ascii",
  iso646_us: "ascii",
  iso_ir_6: "ascii",
  "ansi_x3.4_1968": "ascii",
  ansi_x3_4_1968: "ascii",
  "ansi_x3.4_1986": "ascii",
  "iso_646.irv_1991": "ascii",
  latin_1: "latin-1",
  latin1: "latin-1",
  latin: "latin-1",
  l1: "latin-1",
  iso_8859_1: "latin-1",
  iso8859_1: "latin-1",
  "8859": "latin-1",
  cp819: "latin-1",
  ibm819: "latin-1",
  iso_ir_100: "latin-1",
  csisolatin1: "latin-1",
  iso_8859_1_1987: "latin-1",
};

/**
 * The codec for a Python encoding name (any case; spaces, hyphens and the
 * like as Python's `normalize_encoding` reads them). Python's LookupError
 * (an `Error` named `LookupError`) for any other.
 */
export function lookupCodec(encoding: string): Codec {
  const key = encoding.toLowerCase().replace(/[^a-z0-9.]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const name = ALIASES[key];
  if (name === undefined) throw lookupError(`unknown encoding: ${encoding}`);
  return CODECS[name];
}

// ---------------------------------------------------------------- utf-8

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8Encoder = new TextEncoder();

// The length of the valid UTF-8 sequence starting at `i` (1 to 4), or, for
// an invalid one, minus the length of its maximal subpart (Unicode 3.9),
// which is what Python (and WHATWG's decoder) replace as one character.
// `0` when the bytes end inside a sequence that may still be valid.
function sequence(b: Uint8Array, i: number): number {
  const lead = b[i] ?? 0;
  if (lead < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) lo = 0xa0;
    if (lead === 0xed) hi = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) lo = 0x90;
    if (lead === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const c = b[i + k];
    if (c === undefined) return 0;
    if (c < lo || c > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

// Where a trailing incomplete (but so far valid) sequence starts, or the
// end when there is none.
function completeEnd(b: Uint8Array): number {
  const end = b.length;
  for (let i = Math.max(0, end - 3); i < end; i++) {
    const lead = b[i] ?? 0;
    if (lead >= 0xc0 && sequence(b, i) === 0) return i;
  }
  return end;
}

// The decoder for bytes that are not all valid, or for `ignore`: valid
// runs through TextDecoder, each invalid subpart as the handler says.
function decodeSlow(
  b: Uint8Array,
  errors: string,
  final: boolean,
  offset: number,
): string {
  let out = "";
  let run = 0;
  let i = 0;
  while (i < b.length) {
    const n = sequence(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    let bad = -n;
    let reason = "invalid continuation byte";
    if (n === -1 && (b[i] ?? 0) >= 0x80 && bad === 1) {
      const lead = b[i] ?? 0;
      if (lead < 0xc2 || lead > 0xf4) reason = "invalid start byte";
    }
    if (n === 0) {
      // Only reached when final: the data ended inside a sequence.
      if (!final) break;
      bad = b.length - i;
      reason = "unexpected end of data";
    }
    out += lenientUtf8.decode(b.subarray(run, i));
    if (errors !== "strict") checkHandler(errors);
    if (errors === "strict") {
      throw decodeError(
        "utf-8",
        offset + i,
        offset + i + bad,
        b[i] ?? 0,
        reason,
      );
    }
    if (errors === "replace") out += "\ufffd";
    i += bad;
    run = i;
  }
  return out + lenientUtf8.decode(b.subarray(run, i));
}

class Utf8Decoder implements Decoder {
  readonly #errors: string;
  #held: Uint8Array = new Uint8Array(0);
  // Bytes decoded so far, for the positions in error messages.
  #offset = 0;

  constructor(errors: string) {
    this.#errors = errors;
  }

  decode(bytes: Uint8Array, final: boolean): string {
    let data = bytes;
    if (this.#held.length > 0) {
      data = new Uint8Array(this.#held.length + bytes.length);
      data.set(this.#held);
      data.set(bytes, this.#held.length);
    }
    const end = final ? data.length : completeEnd(data);
    this.#held = end === data.length ? new Uint8Array(0) : data.slice(end);
    const whole = data.subarray(0, end);
    const offset = this.#offset;
    this.#offset += end;
    if (this.#errors !== "ignore") {
      try {
        // An unknown handler is looked up only when it is needed.
        return (this.#errors === "replace" ? lenientUtf8 : fatalUtf8).decode(
          whole,
        );
      } catch {
        // Invalid: the slow path says where, as Python does.
      }
    }
    return decodeSlow(whole, this.#errors, true, offset);
  }
}

function isWellFormed(s: string): boolean {
  const f = (s as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof f === "function") return f.call(s);
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    .test(s);
}

function encodeUtf8(text: string, errors: string): Uint8Array {
  if (isWellFormed(text)) return utf8Encoder.encode(text);
  if (errors !== "strict") checkHandler(errors);
  let out = "";
  let pos = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      if (errors === "strict") {
        let end = pos + 1;
        for (const rest of [...text].slice(pos + 1)) {
          const c = rest.codePointAt(0) ?? 0;
          if (c < 0xd800 || c > 0xdfff) break;
          end++;
        }
        throw encodeError("utf-8", pos, end, cp, "surrogates not allowed");
      }
      if (errors === "replace") out += "?";
    } else {
      out += ch;
    }
    pos++;
  }
  return utf8Encoder.encode(out);
}

// ---------------------------------------------------------- ascii, latin-1

const utf16 = new TextDecoder("utf-16le");

// Bytes below 256 as the characters of the same numbers.
function latin1(b: Uint8Array): string {
  return utf16.decode(Uint16Array.from(b));
}

class ByteDecoder implements Decoder {
  readonly #errors: string;
  readonly #ascii: boolean;
  #offset = 0;

  constructor(errors: string, ascii: boolean) {
    this.#errors = errors;
    this.#ascii = ascii;
  }

  decode(bytes: Uint8Array, _final: boolean): string {
    const offset = this.#offset;
    this.#offset += bytes.length;
    if (!this.#ascii) return latin1(bytes);
    const bad = bytes.findIndex((b) => b >= 0x80);
    if (bad < 0) return latin1(bytes);
    if (this.#errors !== "strict") checkHandler(this.#errors);
    if (this.#errors === "strict") {
      throw decodeError(
        "ascii",
        offset + bad,
        offset + bad + 1,
        bytes[bad] ?? 0,
        "ordinal not in range(128)",
      );
    }
    const keep = this.#errors === "replace";
    let out = "";
    for (const b of bytes) {
      if (b < 0x80) out += String.fromCharCode(b);
      else if (keep) out += "\ufffd";
    }
    return out;
  }
}

function encodeBytes(text: string, errors: string, limit: number): Uint8Array {
  // deno-lint-ignore no-control-regex -- the ASCII range itself
  if (/^[\x00-\x7f]*$/.test(text)) return utf8Encoder.encode(text);
  const codec = limit === 0x80 ? "ascii" : "latin-1";
  const out: number[] = [];
  const chars = [...text];
  for (let pos = 0; pos < chars.length; pos++) {
    const cp = chars[pos]?.codePointAt(0) ?? 0;
    if (cp < limit) {
      out.push(cp);
      continue;
    }
    if (errors !== "strict") checkHandler(errors);
    if (errors === "strict") {
      let end = pos + 1;
      while ((chars[end]?.codePointAt(0) ?? 0) >= limit) end++;
      throw encodeError(
        codec,
        pos,
        end,
        cp,
        `ordinal not in range(${limit})`,
      );
    }
    if (errors === "replace") out.push(0x3f);
  }
  return Uint8Array.from(out);
}

const CODECS: Readonly<Record<Codec["name"], Codec>> = {
  "utf-8": {
    name: "utf-8",
    decoder: (errors) => new Utf8Decoder(errors),
    encode: encodeUtf8,
  },
  "ascii": {
    name: "ascii",
    decoder: (errors) => new ByteDecoder(errors, true),
    encode: (text, errors) => encodeBytes(text, errors, 0x80),
  },
  "latin-1": {
    name: "latin-1",
    decoder: (errors) => new ByteDecoder(errors, false),
    encode: (text, errors) => encodeBytes(text, errors, 0x100),
  },
};
