// inet_aton, inet_ntoa, inet_pton, inet_ntop: accepted forms, rejected
// forms, glibc's output rules and every error with its class and text.
// Expected values were taken from CPython 3.11 on Linux (glibc).
import assert from "node:assert/strict";
import { error } from "../../socket/errors.ts";
import { inet_aton, inet_ntoa, inet_ntop, inet_pton } from "../../addr/mod.ts";

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function bytes(h: string): Uint8Array {
  return new Uint8Array(h.match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
}

function throwsOSError(f: () => unknown, message: string, errno = null): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof error, `expected error, got ${e}`);
    assert.equal(e.message, message);
    assert.equal(e.errno, errno);
    return true;
  });
}

function throwsClass(
  f: () => unknown,
  cls: typeof TypeError | typeof RangeError,
  message: string,
): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert.ok(!(e instanceof error));
    assert.equal((e as Error).message, message);
    return true;
  });
}

const ATON_ERR = "illegal IP address string passed to inet_aton";
const PTON_ERR = "illegal IP address string passed to inet_pton";

Deno.test("inet_aton accepts every form glibc accepts", () => {
  const cases: [string, string][] = [
    ["1.2.3.4", "01020304"],
    ["1", "00000001"],
    ["1.2", "01000002"],
    ["1.2.3", "01020003"],
    ["0x7f.1", "7f000001"],
    ["127.1", "7f000001"],
    ["017.1.2.3", "0f010203"],
    ["0X1F", "0000001f"],
    ["0xFf.0xfF.0Xa.0", "ffff0a00"],
    ["0", "00000000"],
    ["00", "00000000"],
    ["0xffffffff", "ffffffff"],
    ["4294967295", "ffffffff"],
    ["037777777777", "ffffffff"],
    ["1.16777215", "01ffffff"],
    ["1.2.65535", "0102ffff"],
    ["255.255.255.255", "ffffffff"],
    ["0377.0377.0377.0377", "ffffffff"],
    ["00000000000000000000000000000001", "00000001"],
    ["0x00000000000000000001", "00000001"],
    // Whitespace ends the address; anything may follow it.
    ["1.2.3.4 ", "01020304"],
    ["1.2.3.4 junk", "01020304"],
    ["1.2.3.4\tx", "01020304"],
    ["1.2.3.4\nx", "01020304"],
    ["1.2.3.4\vx", "01020304"],
    ["1.2.3.4\fx", "01020304"],
    ["1.2.3.4\rx", "01020304"],
    ["1.2.3.4 é", "01020304"],
    ["1 2", "00000001"],
  ];
  for (const [s, want] of cases) {
    assert.equal(hex(inet_aton(s)), want, JSON.stringify(s));
  }
});

Deno.test("inet_aton rejects what glibc rejects", () => {
  const bad = [
    "",
    " 1.2.3.4",
    "1.2.3.4x",
    "1.2.3.4.",
    "1.2.3.4.5",
    "1..2",
    "1.2.3.",
    "1.",
    "1. ",
    ".1",
    "0x",
    "0x.1",
    "0xg",
    "0x1g",
    "08",
    "09.1",
    "018",
    "0x100000000",
    "4294967296",
    "040000000000",
    "0xFFFFFFFFFFFFFFFFFFFF",
    "99999999999999999999999",
    "1.16777216",
    "1.2.65536",
    "1.2.3.256",
    "256.1.1.1",
    "1.256.1.1",
    "1.2.256.1",
    "1e1",
    "+1",
    "-1",
    "é",
    "1.2.3.4é",
    "::1",
    "localhost",
  ];
  for (const s of bad) {
    throwsOSError(() => inet_aton(s), ATON_ERR);
  }
});

Deno.test("inet_aton: type, NUL and encoding errors", () => {
  const call = inet_aton as (s: unknown) => Uint8Array;
  throwsClass(
    () => call(new Uint8Array([49])),
    TypeError,
    "inet_aton() argument 1 must be str, not bytes",
  );
  throwsClass(
    () => call(5),
    TypeError,
    "inet_aton() argument 1 must be str, not int",
  );
  throwsClass(
    () => call(null),
    TypeError,
    "inet_aton() argument 1 must be str, not NoneType",
  );
  throwsClass(() => inet_aton("1\0"), RangeError, "embedded null character");
  throwsClass(
    () => inet_aton("1.2.3.4\0x"),
    RangeError,
    "embedded null character",
  );
  // Accepted text followed by whitespace still may not hold a NUL.
  throwsClass(
    () => inet_aton("1.2.3.4 \0a"),
    RangeError,
    "embedded null character",
  );
  throwsClass(
    () => inet_aton("1.2.3.4 \ud800"),
    RangeError,
    "'utf-8' codec can't encode character '\\ud800' in position 8: surrogates not allowed",
  );
  // Positions count code points, as Python's do.
  throwsClass(
    () => inet_aton("\ud83d\ude00\udc00"),
    RangeError,
    "'utf-8' codec can't encode character '\\udc00' in position 1: surrogates not allowed",
  );
});

Deno.test("inet_ntoa", () => {
  assert.equal(inet_ntoa(new Uint8Array([1, 2, 3, 4])), "1.2.3.4");
  assert.equal(inet_ntoa(new Uint8Array([0, 0, 0, 0])), "0.0.0.0");
  assert.equal(
    inet_ntoa(new Uint8Array([255, 255, 255, 255])),
    "255.255.255.255",
  );
  // Any bytes-like object.
  assert.equal(
    inet_ntoa(new Uint8Array([97, 98, 99, 100]).buffer),
    "97.98.99.100",
  );
  assert.equal(
    inet_ntoa(new DataView(new Uint8Array([9, 8, 7, 6]).buffer)),
    "9.8.7.6",
  );
  assert.equal(inet_ntoa(new Uint16Array([0x0201, 0x0403])), "1.2.3.4");
  const big = new Uint8Array([0, 10, 20, 30, 40, 50]);
  assert.equal(inet_ntoa(big.subarray(1, 5)), "10.20.30.40");
  for (const n of [0, 3, 5, 16]) {
    throwsOSError(
      () => inet_ntoa(new Uint8Array(n)),
      "packed IP wrong length for inet_ntoa",
    );
  }
  const call = inet_ntoa as (b: unknown) => string;
  throwsClass(
    () => call("abcd"),
    TypeError,
    "a bytes-like object is required, not 'str'",
  );
  throwsClass(
    () => call(5),
    TypeError,
    "a bytes-like object is required, not 'int'",
  );
  throwsClass(
    () => call([1, 2, 3, 4]),
    TypeError,
    "a bytes-like object is required, not 'list'",
  );
  throwsClass(
    () => call(undefined),
    TypeError,
    "a bytes-like object is required, not 'NoneType'",
  );
});

Deno.test("inet_pton AF_INET is strict", () => {
  assert.equal(hex(inet_pton(AF_INET, "1.2.3.4")), "01020304");
  assert.equal(hex(inet_pton(AF_INET, "0.0.0.0")), "00000000");
  assert.equal(hex(inet_pton(AF_INET, "255.255.255.255")), "ffffffff");
  assert.equal(hex(inet_pton(AF_INET, "10.0.100.200")), "0a0064c8");
  for (
    const s of [
      "",
      "1",
      "1.2",
      "1.2.3",
      "1.2.3.4.5",
      "01.2.3.4",
      "1.2.3.04",
      "00.0.0.0",
      "0x1.2.3.4",
      "256.0.0.0",
      "1.2.3.4 ",
      " 1.2.3.4",
      "1..2.3",
      "1.2.3.",
      ".1.2.3",
      "1.2.3.1000",
      "1.2.3.-1",
      "::1",
    ]
  ) {
    throwsOSError(() => inet_pton(AF_INET, s), PTON_ERR);
  }
});

Deno.test("inet_pton AF_INET6: RFC 4291 forms", () => {
  const cases: [string, string][] = [
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["1::", "00010000000000000000000000000000"],
    ["1:2:3:4:5:6:7:8", "00010002000300040005000600070008"],
    ["0:0:0:0:0:0:0:0", "00000000000000000000000000000000"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
    ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
    ["::1:2:3:4:5:6:7", "00000001000200030004000500060007"],
    ["1::8", "00010000000000000000000000000008"],
    ["2001:DB8::1", "20010db8000000000000000000000001"],
    ["2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
    ["ABCD::EF", "abcd00000000000000000000000000ef"],
    ["fFfF::", "ffff0000000000000000000000000000"],
    ["0001:02:003:0004::", "00010002000300040000000000000000"],
    // Embedded IPv4 in the last 32 bits.
    ["::1.2.3.4", "00000000000000000000000001020304"],
    ["::ffff:1.2.3.4", "00000000000000000000ffff01020304"],
    ["::0.0.0.0", "00000000000000000000000000000000"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
    ["1::1.2.3.4", "00010000000000000000000001020304"],
    ["64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221"],
  ];
  for (const [s, want] of cases) {
    assert.equal(hex(inet_pton(AF_INET6, s)), want, s);
  }
});

Deno.test("inet_pton AF_INET6 rejects", () => {
  for (
    const s of [
      "",
      ":",
      ":::",
      "1:::2",
      ":1::",
      "1:",
      "::1:",
      ":1",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8",
      "1::2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7",
      "12345::",
      "0000f::",
      "g::",
      "::g",
      "1.2.3.4",
      "1:2:3:4:5:6:7:1.2.3.4",
      "::1.2.3",
      "::1.2.3.04",
      "::01.2.3.4",
      "::00.0.0.0",
      "::ffff:256.1.1.1",
      "::1.2.3.4:5",
      "::1.2.3.4.5",
      "1.2.3.4::",
      "::ffff:1.2.3.4 ",
      "fe80::1%3",
      "fe80::1%eth0",
      " ::1",
      "::1 ",
      "[::1]",
      "::-1",
      "::+1",
      "::0x1",
    ]
  ) {
    throwsOSError(() => inet_pton(AF_INET6, s), PTON_ERR);
  }
});

Deno.test("inet_pton errors", () => {
  for (const af of [AF_UNIX, 0, 99, -1]) {
    throwsOSError(
      () => inet_pton(af, "1.2.3.4"),
      "[Errno 97] Address family not supported by protocol",
      97 as unknown as null,
    );
  }
  const call = inet_pton as (af: unknown, s: unknown) => Uint8Array;
  throwsClass(
    () => call(AF_INET, new Uint8Array(4)),
    TypeError,
    "inet_pton() argument 2 must be str, not bytes",
  );
  throwsClass(
    () => call(AF_INET, 5),
    TypeError,
    "inet_pton() argument 2 must be str, not int",
  );
  throwsClass(
    () => call("2", "1.2.3.4"),
    TypeError,
    "'str' object cannot be interpreted as an integer",
  );
  throwsClass(
    () => call(2.5, "1.2.3.4"),
    TypeError,
    "'float' object cannot be interpreted as an integer",
  );
  throwsClass(
    () => call(NaN, "1.2.3.4"),
    TypeError,
    "'float' object cannot be interpreted as an integer",
  );
  throwsClass(
    () => call(null, "1.2.3.4"),
    TypeError,
    "'NoneType' object cannot be interpreted as an integer",
  );
  throwsClass(
    () => call(2 ** 31, "1"),
    RangeError,
    "signed integer is greater than maximum",
  );
  throwsClass(
    () => call(-(2 ** 31) - 1, "1"),
    RangeError,
    "signed integer is less than minimum",
  );
  throwsClass(
    () => call(2 ** 70, "1"),
    RangeError,
    "Python int too large to convert to C long",
  );
  throwsClass(
    () => inet_pton(AF_INET, "1.2.3.4\0"),
    RangeError,
    "embedded null character",
  );
  throwsClass(
    () => inet_pton(AF_INET6, "::1\0"),
    RangeError,
    "embedded null character",
  );
  // The string is checked before the family, as CPython parses arguments first.
  throwsClass(() => inet_pton(99, "\0"), RangeError, "embedded null character");
});

Deno.test("inet_ntop AF_INET6: glibc's text", () => {
  const cases: [string, string][] = [
    ["00000000000000000000000000000000", "::"],
    ["00000000000000000000000000000001", "::1"],
    ["00010000000000000000000000000000", "1::"],
    ["20010db8000000000000000000000001", "2001:db8::1"],
    ["abcd0000000000000000000000000000", "abcd::"],
    ["00010002000300040005000600070008", "1:2:3:4:5:6:7:8"],
    // A single zero group is not compressed (RFC 5952 4.2.2).
    ["00010002000300040005000600070000", "1:2:3:4:5:6:7:0"],
    ["00000002000300040005000600070008", "0:2:3:4:5:6:7:8"],
    ["00010000000300040005000600070008", "1:0:3:4:5:6:7:8"],
    // The longest run wins; the first of equal runs wins (RFC 5952 4.2.3).
    ["00010000000000010001000000000000", "1:0:0:1:1::"],
    ["00010000000100010000000000000000", "1:0:1:1::"],
    ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"],
    ["20010db8000000010000000000000001", "2001:db8:0:1::1"],
    ["00000000ffff00000000ffff00000000", "::ffff:0:0:ffff:0:0"],
    // Lowercase, no leading zeros (RFC 5952 4.1, 4.3).
    ["20010DB800AB000C0D00000000000EFF", "2001:db8:ab:c:d00::eff"],
    // IPv4 tails where glibc prints them.
    ["00000000000000000000ffff01020304", "::ffff:1.2.3.4"],
    ["00000000000000000000ffff00000000", "::ffff:0.0.0.0"],
    ["00000000000000000000000001020304", "::1.2.3.4"],
    ["000000000000000000000000000a0b0c", "::0.10.11.12"],
    ["0000000000000000000000000001ffff", "::0.1.255.255"],
    ["000000000000000000000000ffff0001", "::255.255.0.1"],
    // ... and where it does not.
    ["00000000000000000000000000000102", "::102"],
    ["0000000000000000000000000000ffff", "::ffff"],
    ["00000000000000000001ffff01020304", "::1:ffff:102:304"],
    ["00000000000000000000fffe01020304", "::fffe:102:304"],
    ["000000000000000000000000ffff0000", "::255.255.0.0"],
    ["00000000000000000000000000010000", "::0.1.0.0"],
    ["0064ff9b0000000000000000c0000221", "64:ff9b::c000:221"],
    ["00000000000000000000ffff0000ffff", "::ffff:0.0.255.255"],
    ["000000000000ffff0000000001020304", "::ffff:0:0:102:304"],
  ];
  for (const [h, want] of cases) {
    assert.equal(inet_ntop(AF_INET6, bytes(h)), want, h);
  }
});

Deno.test("inet_ntop AF_INET and round trips", () => {
  assert.equal(inet_ntop(AF_INET, new Uint8Array([1, 2, 3, 4])), "1.2.3.4");
  assert.equal(inet_ntop(AF_INET, new Uint8Array([0, 0, 0, 0])), "0.0.0.0");
  assert.equal(
    inet_ntop(AF_INET, new Uint8Array([192, 168, 1, 1]).buffer),
    "192.168.1.1",
  );
  for (
    const s of [
      "::",
      "::1",
      "2001:db8::1",
      "::ffff:1.2.3.4",
      "1:2:3:4:5:6:7:8",
      "fe80::1:2",
    ]
  ) {
    assert.equal(inet_ntop(AF_INET6, inet_pton(AF_INET6, s)), s);
  }
  // inet_pton accepts more spellings than inet_ntop prints.
  assert.equal(
    inet_ntop(AF_INET6, inet_pton(AF_INET6, "0:0:0:0:0:0:0:1")),
    "::1",
  );
  assert.equal(
    inet_ntop(AF_INET6, inet_pton(AF_INET6, "::FFFF:102:304")),
    "::ffff:1.2.3.4",
  );
  for (let i = 0; i < 256; i++) {
    const s = `${i}.${255 - i}.${i ^ 0x5a}.${(i * 7) & 0xff}`;
    assert.equal(inet_ntop(AF_INET, inet_pton(AF_INET, s)), s);
    assert.equal(inet_ntoa(inet_aton(s)), s);
  }
});

Deno.test("inet_ntop errors", () => {
  for (
    const [af, n] of [
      [AF_INET, 3],
      [AF_INET, 16],
      [AF_INET6, 4],
      [AF_INET6, 15],
      [AF_INET6, 17],
    ] satisfies Array<[number, number]>
  ) {
    throwsClass(
      () => inet_ntop(af, new Uint8Array(n)),
      RangeError,
      "invalid length of packed IP address string",
    );
  }
  throwsClass(
    () => inet_ntop(AF_UNIX, new Uint8Array(4)),
    RangeError,
    "unknown address family 1",
  );
  throwsClass(
    () => inet_ntop(99, new Uint8Array(4)),
    RangeError,
    "unknown address family 99",
  );
  const call = inet_ntop as (af: unknown, b: unknown) => string;
  throwsClass(
    () => call(AF_INET, "abcd"),
    TypeError,
    "a bytes-like object is required, not 'str'",
  );
  throwsClass(
    () => call(AF_INET, null),
    TypeError,
    "a bytes-like object is required, not 'NoneType'",
  );
  throwsClass(
    () => call("2", new Uint8Array(4)),
    TypeError,
    "'str' object cannot be interpreted as an integer",
  );
  throwsClass(
    () => call(2 ** 31, new Uint8Array(4)),
    RangeError,
    "signed integer is greater than maximum",
  );
});

Deno.test("results are independent, also across the shared buffer's refills", () => {
  const kept: [Uint8Array, string][] = [];
  for (let i = 0; i < 5000; i++) {
    const v4 = `${i & 0xff}.${i >> 8}.1.2`;
    const v6 = `${i.toString(16)}::${(i * 7).toString(16)}:1`;
    const fromAton = inet_aton(v4);
    const fromPton6 = inet_pton(AF_INET6, v6);
    const fromPton4 = inet_pton(AF_INET, v4);
    for (const packed of [fromAton, fromPton6, fromPton4]) {
      kept.push([packed, hex(packed)]);
    }
    assert.equal(inet_ntoa(fromPton4), v4);
    // A failed conversion leaves nothing behind for the next one.
    assert.throws(() => inet_pton(AF_INET6, "1:2:3:4:5:6:7:8:9"));
    assert.throws(() => inet_pton(AF_INET, "1.2.3.999"));
  }
  assert.equal(hex(inet_pton(AF_INET6, "::")), "0".repeat(32));
  assert.equal(hex(inet_pton(AF_INET, "0.0.0.0")), "00000000");
  // No later result wrote over an earlier one.
  for (const [packed, atCreation] of kept) {
    assert.equal(hex(packed), atCreation);
  }
  const a = inet_aton("1.2.3.4");
  const b = inet_aton("1.2.3.4");
  a[0] = 99;
  assert.equal(b[0], 1);
  // A copy stands alone.
  const copy = inet_aton("10.0.0.1").slice();
  assert.equal(copy.buffer.byteLength, 4);
});
