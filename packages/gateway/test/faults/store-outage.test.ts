// Fault store outages (docs/faults.md "Storage outages") on a real gateway over a real SQLite file: the data dir
// on a 3 MB tmpfs filled mid-run under a load of reports and REST reads, the database file replaced by a
// directory, and its pages overwritten with garbage. A report the store cannot take is refused at once with
// the reason and never shown; routes the store cannot answer get 503 naming its state; /health and /metrics
// show it; the rest keeps serving; what was stored survives a restart; the store recovers by itself once
// space or the file is back. The same through a gateway on PostgreSQL (a real server stopped and started).
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_KEYS } from '@medkit/cli';
import { describeAsRoot, describeWith, POSTGRES } from '../../../../test-support/requirements.js';
import { startPostgres, type PgServer } from '../../../../test-support/servers/postgres.mjs';
import { fillUp, mountSmallDisk, type SmallDisk } from '../../../../test-support/full-disk.js';
import { loadConfig } from '../../src/config/index.js';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const FLAGS = { 'faults.store_probe_interval_sec': 0.1 };
/** A description that makes each new fault cost the store a few KB. */
const BULK = 'x'.repeat(2048);

async function storeOf(g: FaultGateway) {
  const h = await g.api('GET', '/health');
  return { store: h.body['x-medkit-faults'].store, warnings: (h.body.warnings ?? []) as { code: string; message: string }[] };
}

async function metric(g: FaultGateway, line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${g.url}/metrics`)).text();
  return text.split('\n').find((l) => line.test(l));
}

/** Codes the gateway lists (every status). */
async function listed(g: FaultGateway): Promise<Set<string>> {
  const r = await g.api('GET', '/faults?status=all');
  expect(r.status).toBe(200);
  return new Set((r.body.items as { fault_code: string }[]).map((i) => i.fault_code));
}

describeAsRoot('fault store outage: the data dir on a full tmpfs (real mount, real SQLite)', () => {
  let disk: SmallDisk | undefined;
  let g: FaultGateway | undefined;

  beforeAll(() => {
    disk = mountSmallDisk('3m', 'medkit-outage-');
  });
  afterAll(async () => {
    await g?.close();
    disk?.remove();
  });

  it('refuses what it cannot store, answers 503 naming the state, keeps serving, recovers, and loses nothing across a restart', async () => {
    const mnt = disk!.dir;
    const flags = { ...FLAGS, data_dir: mnt, 'metrics.enabled': true };
    g = await startFaultGateway({ flags });
    const stored: string[] = [];
    for (let i = 0; i < 20; i++) {
      expect(g.fail(`BEFORE_${i}`, '/nav/planner', 3, BULK).accepted).toBe(true);
      stored.push(`BEFORE_${i}`);
    }

    const filler = join(mnt, 'filler');
    expect(fillUp(filler)).toBeGreaterThan(0);

    // Under load: reports keep coming and REST reads run alongside, until the store refuses one.
    const refused: { code: string; reason: string }[] = [];
    const reads: Promise<number>[] = [];
    for (let i = 0; i < 5000 && refused.length < 20; i++) {
      const code = `DURING_${i}`;
      const out = g.fail(code, '/nav/planner', 3, BULK);
      if (out.accepted) stored.push(code);
      else refused.push({ code, reason: out.reason ?? '' });
      if (i % 10 === 0) reads.push(g.api('GET', '/faults').then((r) => r.status));
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(await Promise.all(reads))).toEqual(new Set([200]));
    for (const r of refused) expect(r.reason).toMatch(/fault store unavailable \(sqlite: disk-full\)/);

    // Never shown as stored: not listed, not found; everything acknowledged is listed.
    const shown = await listed(g);
    for (const r of refused) expect(shown.has(r.code)).toBe(false);
    for (const c of stored) expect(shown.has(c)).toBe(true);
    expect((await g.api('GET', `/faults/${refused[0].code}`)).status).toBe(404);

    // A route that must write answers 503 naming the store's state.
    const del = await g.api('DELETE', `/faults/${stored[0]}`);
    expect(del.status).toBe(503);
    expect(del.body).toMatchObject({ error_code: 'service-unavailable', parameters: { store: 'faults', backend: 'sqlite', state: 'unavailable', problem: 'disk-full' } });
    expect(del.headers.get('retry-after')).toBe('5');

    const during = await storeOf(g);
    expect(during.store).toMatchObject({ backend: 'sqlite', state: 'unavailable', problem: 'disk-full', pending_writes: 0 });
    expect(during.store.last_error).toMatch(/full/i);
    expect(during.store.failed_writes).toBeGreaterThanOrEqual(refused.length);
    expect(during.warnings.map((w) => w.code)).toContain('fault_store_unavailable');
    expect(await metric(g, /^medkit_fault_store_up\{backend="sqlite"\}/)).toMatch(/ 0$/);
    expect(await metric(g, /^medkit_fault_reports_total\{result="store_unavailable"\}/)).toMatch(new RegExp(` ${refused.length}$`));

    // Everything else keeps serving.
    expect((await g.api('GET', '/apps')).status).toBe(200);
    expect((await g.api('GET', `/faults/${stored[0]}`)).status).toBe(200);

    // Space comes back: the store recovers by itself and takes reports again.
    rmSync(filler);
    await until(async () => ((await storeOf(g!)).store.state === 'ok' ? true : undefined), 'the store to recover');
    expect(g.fail('AFTER', '/nav/planner', 3).accepted).toBe(true);
    stored.push('AFTER');
    expect((await g.api('DELETE', `/faults/${stored[0]}`)).status).toBe(204);
    expect(await metric(g, /^medkit_fault_store_up\{backend="sqlite"\}/)).toMatch(/ 1$/);

    // A restart finds every acknowledged fault and none of the refused ones.
    await g.close();
    g = await startFaultGateway({ flags });
    const again = await listed(g);
    for (const c of stored) expect(again.has(c)).toBe(true);
    for (const r of refused) expect(again.has(r.code)).toBe(false);
    expect((await g.api('GET', '/faults/AFTER')).status).toBe(200);
  }, 120_000);
});

describe('fault store outage: the database file replaced by a directory (real SQLite)', () => {
  let g: FaultGateway | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('refuses writes that would go to the removed file, keeps serving what it holds, and recovers when the file is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-outage-dir-'));
    const flags = { ...FLAGS, data_dir: dir };
    try {
      g = await startFaultGateway({ flags });
      expect(g.fail('KEPT', '/nav/planner', 3).accepted).toBe(true);
      const db = join(dir, 'medkit.db');
      renameSync(db, `${db}.aside`);
      mkdirSync(db);

      const out = g.fail('LOST', '/nav/planner', 3);
      expect(out).toMatchObject({ accepted: false, storeUnavailable: true });
      expect(out.reason).toMatch(/file-missing.*no longer a file/);
      expect((await g.api('GET', '/faults/LOST')).status).toBe(404);
      expect((await g.api('GET', '/faults/KEPT')).status).toBe(200);
      const del = await g.api('DELETE', '/faults/KEPT');
      expect(del.status).toBe(503);
      expect(del.body.parameters).toMatchObject({ state: 'unavailable', problem: 'file-missing' });
      const during = await storeOf(g);
      expect(during.store).toMatchObject({ state: 'unavailable', problem: 'file-missing', connected: false });
      expect(during.warnings.map((w) => w.code)).toContain('fault_store_unavailable');

      rmdirSync(db);
      renameSync(`${db}.aside`, db);
      await until(async () => ((await storeOf(g!)).store.state === 'ok' ? true : undefined), 'the store to recover');
      expect(g.fail('BACK', '/nav/planner', 3).accepted).toBe(true);

      await g.close();
      g = await startFaultGateway({ flags });
      const again = await listed(g);
      expect([...again].filter((c) => ['KEPT', 'LOST', 'BACK'].includes(c)).sort()).toEqual(['BACK', 'KEPT']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * Checkpoints the WAL of `db` from a second connection, keeps a copy of the file (what an operator would
 * restore: everything acknowledged so far), then overwrites every page after the first with garbage (the
 * header and schema stay, every table's b-tree is gone). The TRUNCATE checkpoint rewrites the WAL header, so
 * the gateway's connection drops its page cache at its next transaction and reads the damaged pages: the
 * damage is met on the next write, not whenever a page happens to leave the cache. Synchronous, so no gateway
 * write slips in between (the gateway runs on this thread).
 */
function corruptAfterCheckpoint(db: string): { good: Buffer; pages: number } {
  const other = new Database(db);
  try {
    expect(other.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
  } finally {
    other.close();
  }
  const good = readFileSync(db);
  const raw = good.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = good.length / pageSize;
  const fd = openSync(db, 'r+');
  try {
    const garbage = Buffer.alloc(pageSize, 0xa5);
    for (let p = 1; p < pages; p++) writeSync(fd, garbage, 0, pageSize, p * pageSize);
  } finally {
    closeSync(fd);
  }
  return { good, pages: pages - 1 };
}

describe('fault store outage: the database file corrupted mid-run (real SQLite)', () => {
  let g: FaultGateway | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('refuses reports, answers 503 naming the corruption, keeps serving, and recovers once a good copy is back in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-outage-corrupt-'));
    const flags = { ...FLAGS, data_dir: dir, 'metrics.enabled': true };
    try {
      g = await startFaultGateway({ flags });
      const stored: string[] = [];
      for (let i = 0; i < 50; i++) {
        expect(g.fail(`BEFORE_${i}`, '/nav/planner', 3, BULK).accepted).toBe(true);
        stored.push(`BEFORE_${i}`);
      }
      const db = join(dir, 'medkit.db');
      const { good, pages } = corruptAfterCheckpoint(db);
      expect(pages).toBeGreaterThan(5);

      // Reports keep coming with REST reads alongside: every one is refused with the reason, none is shown.
      const refused: { code: string; reason: string }[] = [];
      const reads: Promise<number>[] = [];
      for (let i = 0; i < 200; i++) {
        const out = g.fail(`DURING_${i}`, '/nav/planner', 3, BULK);
        expect(out).toMatchObject({ accepted: false, storeUnavailable: true });
        refused.push({ code: `DURING_${i}`, reason: out.reason ?? '' });
        if (i % 10 === 0) reads.push(g.api('GET', '/faults').then((r) => r.status));
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(new Set(await Promise.all(reads))).toEqual(new Set([200]));
      expect(refused[0].reason).toMatch(/fault store unavailable \(sqlite: corrupt\)/);
      const shown = await listed(g);
      for (const r of refused) expect(shown.has(r.code)).toBe(false);
      for (const c of stored) expect(shown.has(c)).toBe(true);
      expect((await g.api('GET', '/faults/DURING_0')).status).toBe(404);
      // The list comes from the store's memory; evidence it cannot read is left out and said to be.
      const list = await g.api('GET', '/faults');
      expect(list.body.items.length).toBeGreaterThan(0);
      for (const item of list.body.items) {
        expect(item.environment_data).toBeUndefined();
        expect(item['x-medkit'].environment_data_unavailable).toBe(true);
      }
      // A detail is its evidence: 503 naming the state.
      const detail = await g.api('GET', `/faults/${stored[0]}`);
      expect(detail.status).toBe(503);
      expect(detail.body.parameters).toMatchObject({ state: 'unavailable', problem: 'corrupt' });

      const del = await g.api('DELETE', `/faults/${stored[0]}`);
      expect(del.status).toBe(503);
      expect(del.body).toMatchObject({ error_code: 'service-unavailable', parameters: { store: 'faults', backend: 'sqlite', state: 'unavailable', problem: 'corrupt' } });
      expect(del.body.parameters.last_error).toMatch(/malformed|corrupt|not a database|integrity check/i);
      const during = await storeOf(g);
      expect(during.store).toMatchObject({ backend: 'sqlite', state: 'unavailable', problem: 'corrupt' });
      expect(during.warnings.map((w) => w.code)).toContain('fault_store_unavailable');
      expect(await metric(g, /^medkit_fault_store_up\{backend="sqlite"\}/)).toMatch(/ 0$/);
      expect((await g.api('GET', '/apps')).status).toBe(200);

      // The probe keeps finding the damage (it re-reads the file) until a good copy is written back in place.
      writeFileSync(db, good);
      await until(async () => ((await storeOf(g!)).store.state === 'ok' ? true : undefined), 'the store to recover');
      expect((await g.api('GET', '/faults')).body.items[0]).not.toHaveProperty(['x-medkit', 'environment_data_unavailable']);
      expect(g.fail('AFTER', '/nav/planner', 3).accepted).toBe(true);
      stored.push('AFTER');
      expect((await g.api('DELETE', `/faults/${stored[0]}`)).status).toBe(204);

      // Nothing acknowledged before the corruption is lost, nothing refused appears.
      await g.close();
      g = await startFaultGateway({ flags });
      const again = await listed(g);
      for (const c of stored) expect(again.has(c)).toBe(true);
      for (const r of refused) expect(again.has(r.code)).toBe(false);
      // The clear made after recovery was stored too.
      expect((await g.api('GET', `/faults/${stored[0]}`)).body.item.status).toMatchObject({ aggregatedStatus: 'cleared' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describeWith(POSTGRES, 'fault store outage: PostgreSQL stopped under a running gateway (a real server)', () => {
  let pgs: PgServer | undefined;
  let g: FaultGateway | undefined;
  afterAll(async () => {
    await g?.close();
    pgs?.stop();
  });

  it('keeps what it accepted, refuses new reports while the server is down, writes the backlog once it is back, and reads it all after a restart', async () => {
    pgs = await startPostgres();
    const flags = {
      ...FLAGS, data_dir: mkdtempSync(join(tmpdir(), 'medkit-outage-pg-')), 'metrics.enabled': true,
      'faults.storage_type': 'postgresql', 'faults.postgresql.url': pgs.url, 'faults.postgresql.query_timeout_ms': 1000, 'faults.postgresql.reconnect_max_ms': 500,
    };
    try {
      g = await startFaultGateway({ flags });
      const settled = async () => {
        const { store } = await storeOf(g!);
        return store.state === 'ok' && store.pending_writes === 0 ? store : undefined;
      };
      await until(settled, 'the store to load');
      expect(g.fail('PG_KEPT', '/nav/planner', 3).accepted).toBe(true);
      expect(await until(settled, 'the report to reach PostgreSQL')).toMatchObject({ backend: 'postgresql', connected: true });

      // The server stops: the first writes may be accepted (queued); from the first failed transaction on, reports are refused.
      pgs.pause();
      const accepted: string[] = [];
      let refused: { code: string; reason: string } | undefined;
      // One report per poll (50 ms apart) until one is refused: the event the outage is seen by (issue 58).
      let i = 0;
      const gw = g;
      await until(() => {
        const out = gw.fail(`PG_DURING_${i}`, '/nav/planner', 3);
        if (out.accepted) accepted.push(`PG_DURING_${i}`);
        else refused = { code: `PG_DURING_${i}`, reason: out.reason ?? '' };
        i++;
        return refused;
      }, 'a report refused while PostgreSQL is down', 10_000).catch(() => undefined);
      expect(refused, 'a report refused while PostgreSQL is down').toBeDefined();
      expect(refused!.reason).toMatch(/fault store unavailable \(postgresql: (unreachable|timeout)\)/);
      expect((await g.api('GET', `/faults/${refused!.code}`)).status).toBe(404);
      const del = await g.api('DELETE', '/faults/PG_KEPT');
      expect(del.status).toBe(503);
      expect(del.body.parameters).toMatchObject({ store: 'faults', backend: 'postgresql', state: 'unavailable' });
      expect((await storeOf(g)).warnings.map((w) => w.code)).toContain('fault_store_unavailable');
      expect(await metric(g, /^medkit_fault_store_up\{backend="postgresql"\}/)).toMatch(/ 0$/);
      // Everything else keeps serving, and what was stored is still read.
      expect((await g.api('GET', '/apps')).status).toBe(200);
      expect((await g.api('GET', '/faults/PG_KEPT')).status).toBe(200);

      // Back: the backlog is written by itself and reports are taken again.
      pgs.resume();
      await until(settled, 'the store to write its backlog', 30_000);
      expect(g.fail('PG_AFTER', '/nav/planner', 3).accepted).toBe(true);
      await until(settled, 'the last report to reach PostgreSQL');

      await g.close();
      g = await startFaultGateway({ flags });
      await until(settled, 'the store to load again');
      const again = await listed(g);
      for (const c of ['PG_KEPT', ...accepted, 'PG_AFTER']) expect(again.has(c), c).toBe(true);
      expect(again.has(refused!.code)).toBe(false);
    } finally {
      rmSync(flags.data_dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('fault store choice', () => {
  it('an unknown faults.storage_type stops start-up naming the known backends (no fallback to memory)', () => {
    expect(() => loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'faults.storage_type': 'postgres' } }))
      .toThrow('faults.storage_type="postgres" (command line) is invalid: allowed values are sqlite, memory, postgresql; refusing to start');
  });
});
