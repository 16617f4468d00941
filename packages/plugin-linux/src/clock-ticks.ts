// The kernel's clock tick rate (USER_HZ) that /proc/<pid>/stat counts in. Node has no sysconf, so ask
// `getconf CLK_TCK` once, with a deadline; 100 (every mainstream Linux architecture) when that fails.
import { execFile } from 'node:child_process';

const DEFAULT_CLOCK_TICKS = 100;

let cached: Promise<number> | undefined;

export function clockTicksPerSecond(): Promise<number> {
  cached ??= new Promise((resolve) => {
    execFile('getconf', ['CLK_TCK'], { timeout: 2000, maxBuffer: 64 }, (err, stdout) => {
      const n = Number(String(stdout).trim());
      resolve(!err && Number.isInteger(n) && n > 0 && n <= 100_000 ? n : DEFAULT_CLOCK_TICKS);
    });
  });
  return cached;
}
