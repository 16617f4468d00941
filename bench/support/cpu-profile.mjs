// A V8 CPU profile of a bench's measured window (what `node --cpu-prof` writes, for one stretch only), via the
// inspector. Open the file in Chrome DevTools or VS Code.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';

/** Starts profiling when `dir` is set; the returned stop() writes `<dir>/<name>-<time>.cpuprofile` (a no-op without `dir`). */
export async function startCpuProfile(dir, name) {
  if (!dir) return async () => {};
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
