// A V8 CPU profile of a bench's measured window (what `node --cpu-prof` writes, for one stretch only), via the
// inspector. Open the file in Chrome DevTools or VS Code. Seen once on Node 20.20 (2026-11-26): the process hung for good
// in Profiler.start, V8's code logging waiting on a lock inside a garbage collection; `perf record` with
// `node --perf-basic-prof` is the other way to see where a reader's time goes (docs/benchmarks.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';

/** Starts profiling when `dir` is set; the returned stop() writes `<dir>/<name>-<time>.cpuprofile` (a no-op without `dir`). */
export async function startCpuProfile(dir, name) {
  if (!dir) return async () => {};
  // Made before the window, so that a missing directory does not throw away the profile at its end.
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    const file = join(dir, `${name}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.error(`cpu profile: ${file}`);
    session.disconnect();
  };
}
