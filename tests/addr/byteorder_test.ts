// htons, ntohs, htonl, ntohl: values on this (little-endian) host, round
// trips, and CPython 3.11's errors.
import assert from "node:assert/strict";
import { htonl, htons, ntohl, ntohs } from "../../addr/mod.ts";

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function throwsWith(
  f: () => unknown,
  cls: typeof TypeError | typeof RangeError,
  message: string,
): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}

Deno.test("htons/ntohs: known values", () => {
  assert.ok(LITTLE, "these expectations are for a little-endian host");
  assert.equal(htons(0), 0);
  assert.equal(htons(1), 256);
  assert.equal(htons(0x1234), 0x3412);
  assert.equal(htons(65535), 65535);
  assert.equal(ntohs(0x3412), 0x1234);
  assert.equal(ntohs(256), 1);
});

Deno.test("htons/ntohs: all 2**16 values round trip and agree with a DataView", () => {
  const view = new DataView(new ArrayBuffer(2));
  for (let x = 0; x <= 0xffff; x++) {
    view.setUint16(0, x, false); // network order in memory
    const asHost = view.getUint16(0, LITTLE);
    const n = htons(x);
    assert.equal(n, asHost);
    assert.equal(ntohs(n), x);
    assert.equal(htons(ntohs(x)), x);
  }
});

Deno.test("htonl/ntohl: known values and sampled round trips", () => {
  assert.equal(htonl(0), 0);
  assert.equal(htonl(1), 16777216);
  assert.equal(htonl(0x1234), 873594880);
  assert.equal(htonl(65535), 4294901760);
  assert.equal(htonl(65536), 256);
  assert.equal(htonl(70000), 1880162560);
  assert.equal(htonl(0xffffffff), 0xffffffff);
  assert.equal(htonl(0x80000000), 0x80);
  assert.equal(ntohl(0x80), 0x80000000);
  assert.equal(ntohl(0x78563412), 0x12345678);
  const view = new DataView(new ArrayBuffer(4));
  let seed = 12345;
  const samples = [0, 1, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff];
  for (let i = 0; i < 200_000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    samples.push(seed);
  }
  for (const x of samples) {
    view.setUint32(0, x, false);
    const n = htonl(x);
    assert.equal(n, view.getUint32(0, LITTLE));
    assert.ok(n >= 0);
    assert.equal(ntohl(n), x);
  }
});

Deno.test("htons/ntohs errors", () => {
  for (const [f, name] of [[htons, "htons"], [ntohs, "ntohs"]] as const) {
    const call = f as (x: unknown) => number;
    for (const x of [65536, 70000, 0x7fffffff]) {
      throwsWith(
        () => f(x),
        RangeError,
        `${name}: Python int too large to convert to C 16-bit unsigned integer`,
      );
    }
    for (const x of [-1, -65536, -(2 ** 31)]) {
      throwsWith(
        () => f(x),
        RangeError,
        `${name}: can't convert negative Python int to C 16-bit unsigned integer`,
      );
    }
    throwsWith(
      () => f(2 ** 31),
      RangeError,
      "signed integer is greater than maximum",
    );
    throwsWith(
      () => f(2 ** 32),
      RangeError,
      "signed integer is greater than maximum",
    );
    throwsWith(
      () => f(-(2 ** 40)),
      RangeError,
      "signed integer is less than minimum",
    );
    throwsWith(
      () => f(2 ** 63),
      RangeError,
      "Python int too large to convert to C long",
    );
    throwsWith(
      () => f(2 ** 64),
      RangeError,
      "Python int too large to convert to C long",
    );
    for (const x of [1.5, NaN, Infinity, -0.5]) {
      throwsWith(
        () => f(x),
        TypeError,
        "'float' object cannot be interpreted as an integer",
      );
    }
    throwsWith(
      () => call("1"),
      TypeError,
      "'str' object cannot be interpreted as an integer",
    );
    throwsWith(
      () => call(null),
      TypeError,
      "'NoneType' object cannot be interpreted as an integer",
    );
    throwsWith(
      () => call(undefined),
      TypeError,
      "'NoneType' object cannot be interpreted as an integer",
    );
  }
});

Deno.test("htonl/ntohl errors", () => {
  for (const f of [htonl, ntohl]) {
    const call = f as (x: unknown) => number;
    throwsWith(() => f(2 ** 32), RangeError, "int larger than 32 bits");
    throwsWith(() => f(2 ** 63), RangeError, "int larger than 32 bits");
    throwsWith(
      () => f(2 ** 64),
      RangeError,
      "Python int too large to convert to C unsigned long",
    );
    throwsWith(
      () => f(-1),
      RangeError,
      "can't convert negative value to unsigned int",
    );
    throwsWith(
      () => f(-(2 ** 40)),
      RangeError,
      "can't convert negative value to unsigned int",
    );
    throwsWith(() => f(1.5), TypeError, "expected int, float found");
    throwsWith(() => f(NaN), TypeError, "expected int, float found");
    throwsWith(() => call("1"), TypeError, "expected int, str found");
    throwsWith(() => call(null), TypeError, "expected int, NoneType found");
  }
});

Deno.test("booleans and bigints are not numbers here", () => {
  const s = htons as (x: unknown) => number;
  const l = htonl as (x: unknown) => number;
  throwsWith(
    () => s(true),
    TypeError,
    "'bool' object cannot be interpreted as an integer",
  );
  throwsWith(
    () => s(1n),
    TypeError,
    "'bigint' object cannot be interpreted as an integer",
  );
  throwsWith(() => l(false), TypeError, "expected int, bool found");
  throwsWith(() => l(1n), TypeError, "expected int, bigint found");
});
