/**
 * The main gateway's scripts directory: a copy of packages/demo/scripts in the run's data directory
 * (uploads land there too, never in the package), with the demo's dist path filled in so the
 * managed scripts can run the demo's helpers, and (--secure) the SROS2 variables of the helper's own
 * enclave: the gateway hands a script only scripts.env_passthrough of its environment.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, SCRIPTS } from '../paths.js';

export function prepareScriptsDir(dataDir: string, env: NodeJS.ProcessEnv = {}): string {
  const exports = Object.entries(env).map(([k, v]) => `export ${k}='${String(v).replace(/'/g, `'\\''`)}'`).join('\n');
  const dir = join(dataDir, 'scripts');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(SCRIPTS)) {
    const text = readFileSync(join(SCRIPTS, f), 'utf8').replaceAll('@DEMO_DIST@', DIST).replace(/^# @ROS_SECURITY_ENV@$/m, exports);
    writeFileSync(join(dir, f), text);
    chmodSync(join(dir, f), 0o755);
  }
  return dir;
}
