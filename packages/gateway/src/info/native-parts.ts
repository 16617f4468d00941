// Which runtime and native parts a medkit process runs on: the Node.js runtime, better-sqlite3's SQLite driver
// (the store cannot do without it) and @medkit/rtps's addon (without it RTPS runs in JavaScript: correct, slower).
// `medkit --version` prints it; a gateway puts it in its ready line, /health (x-medkit-runtime, and a degrading
// warning when a part that is there fails to load) and /metrics (medkit_runtime_info), so a silent fallback is
// visible where operators look (issue 68).
import { createRequire } from 'node:module';
import { openDatabase, warning, type HealthContribution } from '@medkit/kit';
import { rtpsAddonError, rtpsAddonPresent } from '@medkit/rtps/light';

export interface NativeParts {
  runtime: { name: 'Node.js'; version: string; platform: string; arch: string };
  sqlite: { driver: 'better-sqlite3'; driver_version?: string; loaded: boolean; sqlite_version?: string; error?: string };
  /** `addon`: the native addon; `javascript`: the fallback. `present`: its file is there (shipped), loaded or not. */
  rtps: { path: 'addon' | 'javascript'; present: boolean; error?: string };
}

let cached: NativeParts | undefined;

/** The parts of this process (probed once: an in-memory SQLite database is opened and closed). */
export function nativeParts(): NativeParts {
  return (cached ??= {
    runtime: { name: 'Node.js', version: process.version, platform: process.platform, arch: process.arch },
    sqlite: sqliteDriver(),
    rtps: rtpsAddonError === undefined ? { path: 'addon', present: true } : { path: 'javascript', present: rtpsAddonPresent, error: rtpsAddonError },
  });
}

function sqliteDriver(): NativeParts['sqlite'] {
  let driverVersion: string | undefined;
  try {
    driverVersion = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
  } catch {
    // A driver without a readable package.json still says whether it loads, below.
  }
  const base = { driver: 'better-sqlite3' as const, ...(driverVersion ? { driver_version: driverVersion } : {}) };
  try {
    const db = openDatabase(':memory:');
    const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
    db.close();
    return { ...base, loaded: true, sqlite_version: v };
  } catch (err) {
    return { ...base, loaded: false, error: (err as Error).message.split('\n')[0] };
  }
}

/** One line per part, e.g. `sqlite   better-sqlite3 driver loaded (SQLite 3.50.4)`: `medkit --version`'s lines after the first. */
export function nativePartsLines(p: NativeParts = nativeParts()): string[] {
  return [
    `runtime  Node.js ${p.runtime.version} ${p.runtime.platform}-${p.runtime.arch} (${process.execPath})`,
    p.sqlite.loaded ? `sqlite   better-sqlite3 driver loaded (SQLite ${p.sqlite.sqlite_version})` : `sqlite   better-sqlite3 driver NOT loaded: ${p.sqlite.error}`,
    p.rtps.path === 'addon' ? 'rtps     native addon loaded' : `rtps     native addon NOT loaded, JavaScript fallback (${p.rtps.error})`,
  ];
}

/** Lines of `medkit --version` after the first: the runtime, the SQLite driver, the RTPS addon. */
export async function nativePartsReport(): Promise<string[]> {
  return nativePartsLines();
}

/** The ready line's `runtime` row: all three parts in one line. */
export function nativePartsSummary(p: NativeParts = nativeParts()): string {
  const sqlite = p.sqlite.loaded ? `SQLite ${p.sqlite.sqlite_version} (better-sqlite3${p.sqlite.driver_version ? ` ${p.sqlite.driver_version}` : ''})` : `SQLite driver NOT loaded: ${p.sqlite.error}`;
  const rtps = p.rtps.path === 'addon' ? 'RTPS native addon' : `RTPS in JavaScript (addon ${p.rtps.present ? 'NOT loaded' : 'not built'}: ${p.rtps.error})`;
  return `Node.js ${p.runtime.version} ${p.runtime.platform}-${p.runtime.arch}; ${sqlite}; ${rtps}`;
}

/**
 * /health's part: `x-medkit-runtime` (the parts), and a `native_part_not_loaded` warning (which degrades /health)
 * for a part whose file is there but does not load, with the loader's reason. An addon never built (a checkout
 * without a compiler) is information only: nothing shipped failed.
 */
export function nativePartsHealth(p: NativeParts = nativeParts()): HealthContribution {
  const warnings = [];
  if (!p.sqlite.loaded) warnings.push(warning('native_part_not_loaded', `the SQLite driver (better-sqlite3) does not load: ${p.sqlite.error}`));
  if (p.rtps.path === 'javascript' && p.rtps.present) warnings.push(warning('native_part_not_loaded', `the RTPS addon is installed but does not load (${p.rtps.error}): RTPS runs in JavaScript, correct but slower`));
  return { fields: { 'x-medkit-runtime': p }, warnings };
}
