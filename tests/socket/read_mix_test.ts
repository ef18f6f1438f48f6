// Every way of reading one connection, mixed at random on one stream while
// a writer sends bursts of random sizes: recv, recv_into, MSG_PEEK, a
// readline of the socket's file, a select() that arms a read and is then
// answered, and a reader with a timeout that keeps firing. Every byte
// arrives once and in order. The reads fill the receive store's free space
// directly, so this is the test that the store never moves under a read in
// flight.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { select } from "../../select/mod.ts";
import { FAMILIES, pair, sleep } from "./_helpers.ts";

const TOTAL = 2 * 1024 * 1024;

// A small deterministic generator, so that a failure can be replayed.
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

for (const fc of FAMILIES) {
  for (const seed of [1, 2, 3]) {
    Deno.test(`${fc.name}: reads of every kind mixed on one connection lose and reorder nothing (seed ${seed})`, async () => {
      await using p = await pair(fc);
      const data = new Uint8Array(TOTAL);
      // Newlines now and then, for readline.
      for (let i = 0; i < TOTAL; i++) {
        data[i] = i % 97 === 96 ? 0x0a : (i * 31 + (i >>> 9)) & 0x7f;
      }
      const rand = rng(0x5eed * seed + fc.name.length);
      const writer = (async () => {
        let off = 0;
        let burst = 0;
        while (off < TOTAL) {
          const size = Math.min(TOTAL - off, 1 + Math.floor(rand() * 20000));
          await p.client.sendall(data.subarray(off, off + size));
          off += size;
          if (++burst % 16 === 0) await sleep(2);
        }
        p.client.shutdown(socket.SHUT_WR);
      })();
      const f = p.conn.makefile("rb", 0);
      const got = new Uint8Array(TOTAL);
      let off = 0;
      const take = (bytes: Uint8Array): void => {
        assert.ok(off + bytes.length <= TOTAL, "more bytes than were sent");
        got.set(bytes, off);
        off += bytes.length;
      };
      for (let step = 0; off < TOTAL; step++) {
        const kind = Math.floor(rand() * 6);
        const want = 1 + Math.floor(rand() * 9000);
        if (kind === 0) {
          take(await p.conn.recv(want));
        } else if (kind === 1) {
          const buf = new Uint8Array(want);
          const n = await p.conn.recv_into(buf);
          take(buf.subarray(0, n));
        } else if (kind === 2) {
          // A peek shows the next bytes without taking them.
          const peeked = await p.conn.recv(want, socket.MSG_PEEK);
          const after = await p.conn.recv(peeked.length);
          assert.deepEqual(after, peeked, `peek at ${off}`);
          take(after);
        } else if (kind === 3) {
          take(await f.readline(want));
        } else if (kind === 4) {
          // select arms a read of the store, then a recv answers it.
          const [r] = await select([p.conn], [], [], 5);
          assert.equal(r.length, 1, `select at ${off}`);
          take(await p.conn.recv(want));
        } else {
          p.conn.settimeout(0.001);
          try {
            take(await p.conn.recv(want));
          } catch (e) {
            assert.ok(e instanceof socket.timeout, String(e));
          } finally {
            p.conn.settimeout(null);
          }
        }
        assert.ok(step < 1_000_000, "no progress");
      }
      await writer;
      assert.equal((await p.conn.recv(10)).length, 0, "the end of the stream");
      await f.close();
      assert.equal(off, TOTAL);
      for (let i = 0; i < TOTAL; i += 65536) {
        assert.deepEqual(
          got.subarray(i, i + 65536),
          data.subarray(i, i + 65536),
          `bytes ${i}..${i + 65536}`,
        );
      }
    });
  }
}
