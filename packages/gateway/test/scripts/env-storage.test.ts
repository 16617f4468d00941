// Issue 42: a script's env values live in its metadata.json (0600) alone, never in medkit.db. Real gateway, real
// uploads and executions, real SQLite files read as bytes (the database and its -wal), across restarts on the same
// data dir, and a row as an older version wrote it (values in the database) moved out at start-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createScriptsFeature } from '../../src/scripts/index.js';
import { json, startExecution, uploadOk, waitFinished } from './helpers.js';

const COMP = 'components/main-computer';
const KEY = 'sk-live-9d2e41aa-vendor-secret';
/** Long enough for SQLite to keep it on overflow pages, which an update frees rather than rewrites. */
const OLD_KEY = `sk-legacy-77c3b0e1-${'older-version-'.repeat(400)}`;
/** Prints the length of $VENDOR_API_KEY as the execution's JSON result (the value itself never goes to output). */
const SCRIPT = 'printf \'{"len": %s}\\n\' "${#VENDOR_API_KEY}"\n';

describe('script env values: stored only in metadata.json', () => {
  let work: string;
  let dataDir: string;
  let g: TestGateway | undefined;

  const start = async () => {
    g = await startTestGateway({
      dataDir,
      features: [fixtureEntitiesFeature(), createScriptsFeature()],
      flags: { 'scripts.scripts_dir': join(work, 'scripts'), 'scripts.sandbox.mode': 'off' },
    });
    return g;
  };
  const stop = async () => {
    await g?.close();
    g = undefined;
  };
  /** Every SQLite file of the data dir (the database, its -wal and -shm), as raw bytes. */
  const dbBytes = () => ['medkit.db', 'medkit.db-wal', 'medkit.db-shm'].map((f) => join(dataDir, f)).filter(existsSync).map((f) => ({ f, bytes: readFileSync(f) }));
  /** Pieces of `secret` to look for: a value spread over several pages is found by any of its 40-byte pieces. */
  const pieces = (secret: string) => Array.from({ length: Math.ceil(secret.length / 40) }, (_, i) => Buffer.from(secret.slice(i * 40, i * 40 + 40))).filter((b) => b.length === 40);
  const inDb = (secret: string) => dbBytes().filter(({ bytes }) => pieces(secret).some((p) => bytes.includes(p))).map(({ f }) => f);
  const expectNotInDb = (secret: string) => {
    expect(dbBytes().length).toBeGreaterThan(0);
    expect(inDb(secret), 'files holding the secret').toEqual([]);
  };
  const runLen = async (id: string) => (await waitFinished(g!.url, (await startExecution(g!.url, COMP, id)).headers.get('location')!)).parameters as unknown;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'medkit-script-env-'));
    dataDir = join(work, 'data');
  });
  afterAll(async () => {
    await stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps the value out of medkit.db and its -wal after upload and after a restart; the script still gets it', async () => {
    await start();
    const id = await uploadOk(g!.url, COMP, 'vendor.sh', SCRIPT, { env: { VENDOR_API_KEY: KEY } });
    expect(await runLen(id)).toEqual({ len: KEY.length });
    expectNotInDb(KEY);
    // The one place it is: the script's metadata.json, the gateway user's alone.
    const meta = join(work, 'scripts', 'main-computer', id, 'metadata.json');
    expect(readFileSync(meta, 'utf8')).toContain(KEY);
    expect(statSync(meta).mode & 0o777).toBe(0o600);
    // The script detail still names nothing secret.
    expect(JSON.stringify(await json(await fetch(`${g!.url}/api/v1/${COMP}/scripts/${id}`)))).not.toContain(KEY);

    await stop();
    expectNotInDb(KEY);
    await start();
    expect(await runLen(id)).toEqual({ len: KEY.length });
    expectNotInDb(KEY);
  });

  it('moves the values a row of an older version holds to metadata.json at start-up and leaves no copy in the database files', async () => {
    await start();
    const id = await uploadOk(g!.url, COMP, 'legacy.sh', SCRIPT, { env: { REGION: 'eu' } });
    await stop();
    // What an older version left: the value in the row (and, here, not in metadata.json, so only a move can keep it).
    const db = new Database(join(dataDir, 'medkit.db'));
    db.prepare('UPDATE scripts SET env = ? WHERE id = ?').run(JSON.stringify({ REGION: 'eu', VENDOR_API_KEY: OLD_KEY }), id);
    db.close();
    // The grep does see a value that is there.
    expect(inDb(OLD_KEY).length).toBeGreaterThan(0);
    const meta = join(work, 'scripts', 'main-computer', id, 'metadata.json');
    writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), env: { REGION: 'eu' } }), { mode: 0o600 });

    await start();
    expectNotInDb(OLD_KEY);
    expect(await runLen(id)).toEqual({ len: OLD_KEY.length });
    expect(JSON.parse(readFileSync(meta, 'utf8')).env).toEqual({ REGION: 'eu', VENDOR_API_KEY: OLD_KEY });
    expect(statSync(meta).mode & 0o777).toBe(0o600);
    // The row keeps the names.
    await stop();
    const after = new Database(join(dataDir, 'medkit.db'), { readonly: true });
    expect(JSON.parse((after.prepare('SELECT env FROM scripts WHERE id = ?').get(id) as { env: string }).env)).toEqual(['REGION', 'VENDOR_API_KEY']);
    after.close();
    expectNotInDb(OLD_KEY);
  });
});
