// Turning what callers pass as "bytes" into a Uint8Array, once, at the edge.

import { notAnInteger, pyTypeName } from "../_base/args.ts";

const encoder = new TextEncoder();

/** Anything accepted where Python takes bytes. */
export type BytesLike = Uint8Array | ArrayBufferView | ArrayBuffer | string;

/**
 * A view of `data`'s bytes (no copy for binary data; UTF-8 for a string).
 * Throws Python's `TypeError` for anything else.
 */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === "string") return encoder.encode(data);
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(
    `a bytes-like object is required, not '${pyTypeName(data)}'`,
  );
}

/** A writable byte view of a buffer passed to `recv_into`. */
export function toWritableBytes(buffer: unknown): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) {
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  throw new TypeError(
    `recv_into() argument 'buffer' must be read-write bytes-like object, not ${
      pyTypeName(buffer)
    }`,
  );
}

/** An integer argument, or CPython's TypeError. */
export function toInt(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw notAnInteger(value);
  }
  return value;
}
