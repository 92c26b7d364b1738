// Wire codec throughput: parse + flow key + rewrite + emit of a TCP frame.
//   node --import tsx bench/dataplane/wire-bench.ts
import { applyFlowKeyToFrame, emitFrame, fillFlowKey, parseFrame } from '../../src/dataplane/wire/index.js';
import { emptyFlowKey } from '../../src/dataplane/flow-key.js';
import { hex, TCP_SYN_HEX, UDP_DNS_HEX } from '../../src/dataplane/wire/testdata/fixtures.js';

const frames = [hex(TCP_SYN_HEX), hex(UDP_DNS_HEX)];
const key = emptyFlowKey();
function run(n: number, rewrite: boolean): number {
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const r = parseFrame(frames[i & 1]!);
    if (!r.ok) throw new Error('parse');
    fillFlowKey(key, r.value, 1);
    if (rewrite) {
      key.nwDst = 0xac190503;
      applyFlowKeyToFrame(r.value, key);
      bytes += emitFrame(r.value).length;
    }
  }
  if (rewrite && bytes === 0) throw new Error('nothing emitted');
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}
run(200_000, true);
const f = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`parse + flow key             ${f(run(1_000_000, false))} frames/s`);
console.log(`parse + key + rewrite + emit ${f(run(1_000_000, true))} frames/s`);
