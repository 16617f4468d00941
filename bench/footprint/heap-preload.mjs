// Preloaded into the measured gateway with NODE_OPTIONS=--import=<this file> (bench/footprint/run.mjs does it).
// On SIGUSR2 it writes process.memoryUsage() and v8.getHeapStatistics() of this process as JSON to
// $BENCH_FOOTPRINT_DIR/<pid>.json (written to a temporary name, then renamed, so a reader never sees half a
// file). Does nothing else: no timer, and a signal listener does not keep the process alive. Processes the
// gateway starts inherit NODE_OPTIONS and so load it too; they only write when signalled.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';

const dir = process.env.BENCH_FOOTPRINT_DIR;
if (dir) {
  process.on('SIGUSR2', () => {
    const file = join(dir, `${process.pid}.json`);
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, at: Date.now(), memory: process.memoryUsage(), heap: v8.getHeapStatistics() }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The bench reports the heap as unknown.
    }
  });
}
