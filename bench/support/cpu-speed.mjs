// How fast each CPU of this machine copies memory right now: 64 KiB into the same buffer (warm, cache-bound: the core's
// speed) and into a fresh buffer each time (cold: the memory behind it, as a reader that allocates each sample does).
// On a VM both move with the host: on the Intel VM of 2026-11-26 the two CPUs' warm rates were up to a quarter apart
// in one invocation, and over two minutes the warm rate ranged 27-36 GB/s and the cold one 2.5-15 GB/s
// (docs/benchmarks.md). A bench that compares a process on one CPU with one on the other inherits that; run this
// before and after it to see how much.
//
//   node bench/support/cpu-speed.mjs [--seconds 2]
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { canPin } from './pin.mjs';

const BLOCK = 65536;

/** GB/s of copying 64 KiB blocks for `seconds`, into one reused buffer (warm) or a fresh one each time (cold). */
function copyRate(seconds, fresh) {
  const src = Buffer.allocUnsafe(BLOCK).fill(7);
  const reused = Buffer.allocUnsafe(BLOCK);
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    const dst = fresh ? Buffer.allocUnsafe(BLOCK) : reused;
    src.copy(dst);
    sink ^= dst[n & (BLOCK - 1)];
    n++;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { gbps: (n * BLOCK) / s / 1e9, sink };
}

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, child: { type: 'boolean' } } });
const seconds = Number(values.seconds);

if (values.child) {
  const warm = copyRate(seconds, false);
  const cold = copyRate(seconds, true);
  console.log(JSON.stringify({ warm: warm.gbps, cold: cold.gbps }));
} else {
  const list = canPin() ? cpus().map((_, i) => i) : [undefined];
  for (const cpu of list) {
    const args = [process.argv[1], '--child', '--seconds', String(seconds)];
    const r = cpu === undefined ? spawnSync(process.execPath, args, { encoding: 'utf8' }) : spawnSync('taskset', ['-c', String(cpu), process.execPath, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cpu-speed child failed: ${r.stderr}`);
    const { warm, cold } = JSON.parse(r.stdout);
    console.log(`${new Date().toISOString()} CPU ${cpu ?? 'any'}: warm copy ${warm.toFixed(1)} GB/s, cold copy ${cold.toFixed(1)} GB/s`);
  }
}
