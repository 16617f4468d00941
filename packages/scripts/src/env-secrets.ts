// Where a stored script's env values live (docs/scripts.md, "Its env values stay secret"): only in the script's
// metadata.json (0600, in the 0700 scripts_dir). The scripts row of medkit.db keeps the variable names alone, so a
// copy of the database (a backup, a support bundle) carries no credentials. Rows written by older versions held the
// values; moveEnvValuesOut() moves them to metadata.json at start-up and overwrites the old bytes in the database.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger, SqliteDatabase } from '@medkit/kit';

const PRIVATE_FILE = 0o600;

/** What the scripts row's `env` column holds: the names, sorted (a JSON array). */
export function envNamesColumn(env: Record<string, string> | undefined): string {
  return JSON.stringify(Object.keys(env && typeof env === 'object' ? env : {}).sort());
}

/** The metadata.json next to a script file. */
export function metadataPath(scriptFile: string): string {
  return join(dirname(scriptFile), 'metadata.json');
}

/** The env values metadata.json holds (strings only); {} when the file is absent or unreadable. */
export function readEnvValues(metadataFile: string, log?: Logger): Record<string, string> {
  try {
    if (!existsSync(metadataFile)) return {};
    const env = (JSON.parse(readFileSync(metadataFile, 'utf8')) as { env?: unknown }).env;
    if (!env || typeof env !== 'object' || Array.isArray(env)) return {};
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch (err) {
    log?.warn({ err, file: metadataFile }, 'unreadable metadata.json; the script runs without its env values');
    return {};
  }
}

/** Rewrites metadata.json with `env` merged in, through a 0600 temporary file (never a half-written file). */
function writeEnvValues(metadataFile: string, env: Record<string, string>): void {
  let meta: Record<string, unknown> = {};
  if (existsSync(metadataFile)) meta = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  const current = meta.env && typeof meta.env === 'object' && !Array.isArray(meta.env) ? (meta.env as Record<string, unknown>) : {};
  meta.env = { ...current, ...env };
  const tmp = `${metadataFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(meta, null, 2)}\n`, { mode: PRIVATE_FILE });
  renameSync(tmp, metadataFile);
}

/**
 * Start-up migration of rows an older version wrote (`env` a JSON object of values): the values go to the script's
 * metadata.json (the row's win over the file's, as the row was what ran), the row keeps the names. Deleted bytes are
 * zeroed (secure_delete) and the WAL is checkpointed and truncated, so no copy of a value stays in medkit.db or its
 * -wal. A row whose metadata.json cannot be written keeps its values and is named in a warning; the next start tries
 * again. Returns how many rows were moved.
 */
export function moveEnvValuesOut(db: SqliteDatabase, scriptsDir: string, log?: Logger): number {
  const rows = db.prepare(`SELECT id, rel_path, env FROM scripts WHERE env LIKE '{%'`).all() as { id: string; rel_path: string; env: string }[];
  if (rows.length === 0) return 0;
  const wasSecure = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  const blank = db.prepare('UPDATE scripts SET env = ? WHERE id = ?');
  let moved = 0;
  try {
    for (const r of rows) {
      let env: Record<string, string>;
      try {
        const parsed = JSON.parse(r.env) as unknown;
        env = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
        writeEnvValues(metadataPath(join(scriptsDir, r.rel_path)), env);
      } catch (err) {
        log?.warn({ err, script_id: r.id }, 'cannot move the script\'s env values from medkit.db to its metadata.json; they stay in the database until the next start');
        continue;
      }
      blank.run(envNamesColumn(env), r.id);
      moved++;
    }
  } finally {
    db.pragma(`secure_delete = ${wasSecure ? 'ON' : 'OFF'}`);
  }
  // The WAL still holds the pages as they were before: copy the new ones into the file and empty it.
  db.pragma('wal_checkpoint(TRUNCATE)');
  log?.info({ scripts: moved }, 'script env values moved from medkit.db to metadata.json');
  return moved;
}
