/**
 * The main gateway's scripts directory: a copy of packages/demo/scripts in the run's data directory
 * (uploads land there too, never in the package), with the demo's dist path filled in so the
 * managed scripts can run the demo's helpers.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, SCRIPTS } from '../paths.js';

export function prepareScriptsDir(dataDir: string): string {
  const dir = join(dataDir, 'scripts');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(SCRIPTS)) {
    const text = readFileSync(join(SCRIPTS, f), 'utf8').replaceAll('@DEMO_DIST@', DIST);
    writeFileSync(join(dir, f), text);
    chmodSync(join(dir, f), 0o755);
  }
  return dir;
}
