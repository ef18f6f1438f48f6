// Yardstick: CPython 3.11 test_socket.py FileObjectClassTestCase and its
// subclasses (Unbuffered, LineBuffered, SmallBuffered, UnicodeRead,
// UnicodeWrite, UnicodeReadWrite), as pysocket tests: each of the ten base
// cases runs once per subclass, with that subclass's modes and buffer size,
// plus the Unbuffered class's own cases. The file is reached through the
// API contract's makefile(mode, buffering, encoding, errors, newline).

import assert from "node:assert/strict";
import {
  cpythonCase,
  rejectsErrno,
  rejectsWith,
  socket,
  type TcpPair,
  tcpPair,
} from "./_util.ts";

const { errno } = socket;

/** The file object of the API contract, as these tests use it. */
interface PyFile {
  readonly mode: string;
  readonly closed: boolean;
  readonly name: number;
  read(size?: number): Promise<string | Uint8Array | null>;
  readinto(buffer: Uint8Array): Promise<number | null>;
  readline(limit?: number): Promise<string | Uint8Array>;
  write(data: string | Uint8Array): Promise<number | null>;
  flush(): Promise<void>;
  close(): Promise<void>;
  fileno(): number;
}

type MakeFile = (
  mode: string,
  buffering: number,
  encoding?: string,
  errors?: string,
  newline?: string | null,
) => PyFile;

function makefile(
  s: socket.Socket,
  mode: string,
  bufsize: number,
  newline: string | null,
): PyFile {
  const mk = s.makefile as unknown as MakeFile;
  return mode.includes("b")
    ? mk.call(s, mode, bufsize)
    : mk.call(s, mode, bufsize, "utf-8", "strict", newline);
}

// CPython's MSG is a bytes literal, in which "\u1234" stays six characters.
const MSG_TEXT = "Michael Gilfix was here\\u1234\r\n";
const MSG = new TextEncoder().encode(MSG_TEXT);

interface Variant {
  readonly cls: string;
  readonly bufsize: number;
  readonly readMode: string;
  readonly writeMode: string;
  readonly newline: string | null;
}

const VARIANTS: readonly Variant[] = [
  {
    cls: "FileObjectClassTestCase",
    bufsize: -1,
    readMode: "rb",
    writeMode: "wb",
    newline: null,
  },
  {
    cls: "UnbufferedFileObjectClassTestCase",
    bufsize: 0,
    readMode: "rb",
    writeMode: "wb",
    newline: null,
  },
  {
    cls: "LineBufferedFileObjectClassTestCase",
    bufsize: 1,
    readMode: "rb",
    writeMode: "wb",
    newline: null,
  },
  {
    cls: "SmallBufferedFileObjectClassTestCase",
    bufsize: 2,
    readMode: "rb",
    writeMode: "wb",
    newline: null,
  },
  {
    cls: "UnicodeReadFileObjectClassTestCase",
    bufsize: -1,
    readMode: "r",
    writeMode: "wb",
    newline: "",
  },
  {
    cls: "UnicodeWriteFileObjectClassTestCase",
    bufsize: -1,
    readMode: "rb",
    writeMode: "w",
    newline: "",
  },
  {
    cls: "UnicodeReadWriteFileObjectClassTestCase",
    bufsize: -1,
    readMode: "r",
    writeMode: "w",
    newline: "",
  },
];

/** CPython's fixture: read_file on the accepted socket, write_file on the client. */
interface Files extends AsyncDisposable {
  readonly p: TcpPair;
  readonly readFile: PyFile;
  readonly writeFile: PyFile;
  /** The message as the read file gives it. */
  readonly readMsg: string | Uint8Array;
  /** `n` of the message as the write file takes it. */
  writeMsg(start?: number, end?: number): string | Uint8Array;
  /** Joins what the read file gave. */
  join(parts: Array<string | Uint8Array>): string | Uint8Array;
}

async function files(v: Variant): Promise<Files> {
  const p = await tcpPair();
  const readFile = makefile(p.conn, v.readMode, v.bufsize, v.newline);
  const writeFile = makefile(p.cli, v.writeMode, v.bufsize, v.newline);
  const readText = !v.readMode.includes("b");
  const writeText = !v.writeMode.includes("b");
  return {
    p,
    readFile,
    writeFile,
    readMsg: readText ? MSG_TEXT : MSG,
    writeMsg: (start = 0, end = MSG.length) =>
      writeText ? MSG_TEXT.slice(start, end) : MSG.slice(start, end),
    join(parts) {
      if (readText) return parts.join("");
      const out = new Uint8Array(
        parts.reduce((n, x) => n + (x as Uint8Array).length, 0),
      );
      let off = 0;
      for (const x of parts) {
        out.set(x as Uint8Array, off);
        off += (x as Uint8Array).length;
      }
      return out;
    },
    async [Symbol.asyncDispose]() {
      await readFile.close();
      assert.ok(readFile.closed);
      await writeFile.close();
      assert.ok(writeFile.closed);
      await p[Symbol.asyncDispose]();
    },
  };
}

function nonNull<T>(x: T | null): T {
  assert.notEqual(x, null);
  return x as T;
}

/** `cpythonCase(cls)`, each case failing after 10 s instead of hanging. */
function guarded(
  cls: string,
): (method: string, what: string, fn: () => Promise<void>) => void {
  const t = cpythonCase(cls);
  return (method, what, fn) =>
    t(method, what, async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("hung for 10 s")),
          10_000,
        );
      });
      try {
        await Promise.race([fn(), limit]);
      } finally {
        clearTimeout(timer);
      }
    });
}

for (const v of VARIANTS) {
  const t = guarded(v.cls);

  t("testReadAfterTimeout", "a read after a timed-out read", async () => {
    await using f = await files(v);
    await f.writeFile.write(f.writeMsg(0, 3));
    await f.writeFile.flush();
    f.p.conn.settimeout(0.3);
    await f.readFile.read(3);
    await rejectsWith(() => f.readFile.read(1), socket.timeout);
    // As CPython, the file then refuses further reads.
    await assert.rejects(() => f.readFile.read(1), {
      name: "OSError",
      message: "cannot read from timed out object",
    });
  });

  t("testSmallRead", "two reads make the message", async () => {
    await using f = await files(v);
    await f.writeFile.write(f.writeMsg());
    await f.writeFile.flush();
    const first = nonNull(await f.readFile.read(f.readMsg.length - 3));
    const second = nonNull(await f.readFile.read(3));
    assert.deepEqual(f.join([first, second]), f.readMsg);
  });

  t("testFullRead", "read() to the end", async () => {
    await using f = await files(v);
    await f.writeFile.write(f.writeMsg());
    await f.writeFile.close();
    f.p.cli.close();
    assert.deepEqual(await f.readFile.read(), f.readMsg);
  });

  t("testUnbufferedRead", "read(1) until empty", async () => {
    await using f = await files(v);
    await f.writeFile.write(f.writeMsg());
    await f.writeFile.flush();
    await f.writeFile.close();
    f.p.cli.close();
    const parts: Array<string | Uint8Array> = [];
    for (;;) {
      const c = nonNull(await f.readFile.read(1));
      if (c.length === 0) break;
      parts.push(c);
    }
    assert.deepEqual(f.join(parts), f.readMsg);
  });

  t("testReadline", "readline gives the line", async () => {
    await using f = await files(v);
    await f.writeFile.write(f.writeMsg());
    await f.writeFile.flush();
    assert.deepEqual(await f.readFile.readline(), f.readMsg);
  });

  t("testCloseAfterMakefile", "the file reads after sock.close()", async () => {
    await using f = await files(v);
    await f.writeFile.write(f.writeMsg());
    await f.writeFile.flush();
    await f.writeFile.close();
    f.p.cli.close();
    f.p.conn.close();
    assert.deepEqual(await f.readFile.read(), f.readMsg);
  });

  t(
    "testMakefileAfterMakefileClose",
    "recv after the file is closed",
    async () => {
      await using f = await files(v);
      await f.writeFile.write(f.writeMsg());
      await f.writeFile.flush();
      await f.readFile.close();
      const got: Uint8Array[] = [];
      let n = 0;
      while (n < MSG.length) {
        const chunk = await f.p.conn.recv(MSG.length - n);
        if (chunk.length === 0) break;
        got.push(chunk);
        n += chunk.length;
      }
      const all = new Uint8Array(n);
      let off = 0;
      for (const c of got) {
        all.set(c, off);
        off += c.length;
      }
      assert.deepEqual(all, MSG);
    },
  );

  t("testClosedAttr", "closed is false while open", async () => {
    await using f = await files(v);
    assert.equal(f.readFile.closed, false);
    assert.equal(f.writeFile.closed, false);
  });

  t("testAttributes", "mode and name", async () => {
    await using f = await files(v);
    assert.equal(f.readFile.mode, v.readMode);
    assert.equal(f.readFile.name, f.p.conn.fileno());
    assert.equal(f.writeFile.mode, v.writeMode);
    assert.equal(f.writeFile.name, f.p.cli.fileno());
  });

  t("testRealClose", "closing file and socket closes for real", async () => {
    await using f = await files(v);
    await f.readFile.close();
    assert.throws(() => f.readFile.fileno(), RangeError);
    f.p.conn.close();
    assert.throws(() => f.p.conn.getsockname(), socket.error);
  });
}

const u = guarded("UnbufferedFileObjectClassTestCase");
const UNBUF = VARIANTS[1] as Variant;

u(
  "testUnbufferedReadline",
  "a second unbuffered file loses nothing",
  async () => {
    await using f = await files(UNBUF);
    const a = new TextEncoder().encode("A. " + MSG_TEXT);
    const b = new TextEncoder().encode("B. " + MSG_TEXT);
    await f.writeFile.write(a);
    await f.writeFile.write(b);
    await f.writeFile.flush();
    assert.deepEqual(await f.readFile.readline(), a);
    const second = makefile(f.p.conn, "rb", 0, null);
    assert.deepEqual(await second.readline(), b);
    await second.close();
  },
);

u("testMakefileClose", "the socket lives until the file closes", async () => {
  await using f = await files(UNBUF);
  await f.writeFile.write(MSG);
  await f.writeFile.flush();
  f.p.conn.close();
  assert.deepEqual(await f.p.conn.recv(1024), MSG);
  await f.readFile.close();
  await rejectsErrno(() => f.p.conn.recv(1024), errno.EBADF);
});

u(
  "testSmallReadNonBlocking",
  "non-blocking readinto/read give null when empty",
  async () => {
    await using f = await files(UNBUF);
    f.p.conn.setblocking(false);
    assert.equal(await f.readFile.readinto(new Uint8Array(10)), null);
    assert.equal(await f.readFile.read(MSG.length - 3), null);
    await f.writeFile.write(MSG);
    await f.writeFile.flush();
    let first: string | Uint8Array | null = null;
    for (let i = 0; i < 50 && first === null; i++) {
      first = await f.readFile.read(MSG.length - 3);
      if (first === null) await new Promise((r) => setTimeout(r, 20));
    }
    const buf = new Uint8Array(10);
    const n = await f.readFile.readinto(buf);
    assert.equal(n, 3);
    assert.deepEqual(f.join([nonNull(first), buf.slice(0, 3)]), MSG);
    assert.equal(await f.readFile.readinto(new Uint8Array(16)), null);
    assert.equal(await f.readFile.read(1), null);
  },
);

u(
  "testWriteNonBlocking",
  "non-blocking writes take some, then null when full",
  async () => {
    await using f = await files(UNBUF);
    f.p.cli.setblocking(false);
    const BIG = new Uint8Array(1 << 20).fill(0x78);
    const first = await f.writeFile.write(BIG);
    assert.ok(first !== null && first > 0, `first write: ${first}`);
    let full = false;
    for (let i = 0; i < 10; i++) {
      const n = await f.writeFile.write(BIG);
      if (n === null) {
        full = true;
        break;
      }
      assert.ok(n > 0);
    }
    assert.ok(full, "failed to saturate the socket buffer");
    f.p.cli.setblocking(true);
  },
);
