// A reader whose timeout keeps firing while a writer sends in bursts with
// pauses: every byte arrives, in order.

import assert from "node:assert/strict";
import * as socket from "../../mod.ts";
import { itemAt } from "../_assert.ts";
import { FAMILIES, pair, sleep } from "./_helpers.ts";

const TOTAL = 8 * 1024 * 1024;
// The reader's request sizes, in turn.
const SIZES = [1, 100, 4096, 65536, 1 << 20];

for (const fc of FAMILIES) {
  Deno.test(`${fc.name}: 8 MiB through a reader that keeps timing out`, async () => {
    await using p = await pair(fc);
    const data = new Uint8Array(TOTAL);
    for (let i = 0; i < TOTAL; i++) data[i] = (i * 7 + (i >>> 8)) & 0xff;
    const writer = (async () => {
      let off = 0;
      let burst = 0;
      while (off < TOTAL) {
        const size = Math.min(TOTAL - off, 1 + ((burst * 7919) % (512 * 1024)));
        await p.client.sendall(data.subarray(off, off + size));
        off += size;
        burst++;
        if (burst % 4 === 0) await sleep(15);
      }
      p.client.shutdown(socket.SHUT_WR);
    })();
    p.conn.settimeout(0.01);
    const got = new Uint8Array(TOTAL);
    let off = 0;
    let timeouts = 0;
    let i = 0;
    for (;;) {
      try {
        const want = itemAt(SIZES, i++ % SIZES.length, "size");
        const n = i % 2
          ? await p.conn.recv_into(
            got.subarray(off, Math.min(off + want, TOTAL)),
          )
          : await p.conn.recv(Math.min(want, TOTAL - off || 1)).then((c) => {
            got.set(c, off);
            return c.length;
          });
        if (n === 0) break;
        off += n;
      } catch (e) {
        assert.ok(e instanceof socket.timeout, String(e));
        timeouts++;
      }
    }
    await writer;
    assert.equal(off, TOTAL);
    assert.ok(timeouts > 0, "the timeout fired at least once");
    assert.deepEqual(got, data);
  });
}
