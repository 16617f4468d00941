// The storage contract (docs/faults.md): every backend (memory, SQLite on a real file, PostgreSQL on a real
// server started here) behaves identically, and the durable ones hold the same after being opened anew.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import type { FaultRecord } from '../src/model.js';
import { openFaultStore, type FaultRepository, type FaultStore, type RosbagLink, type SnapshotRow } from '../src/storage/index.js';
import { cleanupDirs, harness, openRepo, tmpDir } from '../../../test-support/faults-harness.js';
import { describeWith, POSTGRES } from '../../../test-support/requirements.js';
import { waitFor } from '../../../test-support/processes.js';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';

afterEach(cleanupDirs);

const rec = (code: string, over: Partial<FaultRecord> = {}): FaultRecord => ({
  fault_code: code, severity: 2, description: 'd', first_occurred_ns: 10n, last_occurred_ns: 20n, last_passed_ns: 0n,
  occurrence_count: 1, status: 'CONFIRMED', reporting_sources: ['/a'], debounce_counter: -1, last_failed_ns: 20n, confirmed_at_ns: 20n, ...over,
});
const snap = (code: string, capture_id: number, topic: string, at = 1n): SnapshotRow =>
  ({ fault_code: code, topic, message_type: 'std_msgs/msg/Float64', data: '{"data":1}', captured_at_ns: at, capture_id, history: '' });
const link = (code: string, rec_id: string, at: bigint): RosbagLink =>
  ({ fault_code: code, recording_id: rec_id, file_path: `/bags/${rec_id}`, format: 'mcap', duration_sec: 1.5, size_bytes: 100, created_at_ns: at });

/** A backend under test: a fresh store, and (durable backends) the same store opened anew after its writes. */
interface Subject {
  open(): Promise<FaultRepository>;
  reopen?(repo: FaultRepository): Promise<FaultRepository>;
}

/** Runs `check` on `repo`, and on the store opened anew when the backend is durable. */
async function holds(s: Subject, repo: FaultRepository, check: (r: FaultRepository) => void): Promise<void> {
  check(repo);
  if (s.reopen) check(await s.reopen(repo));
}

function contract(s: Subject): void {
  it('round-trips exact int64 nanosecond values and sorted sources', async () => {
    const repo = await s.open();
    repo.putFault(rec('X', { first_occurred_ns: 1735312456123456789n, reporting_sources: ['/a', '/b'] }));
    await holds(s, repo, (r) => {
      expect(r.getFault('X')).toEqual(rec('X', { first_occurred_ns: 1735312456123456789n, reporting_sources: ['/a', '/b'] }));
    });
  });

  it('counts records by status and severity, following writes and deletes', async () => {
    const repo = await s.open();
    repo.putFaults([rec('A'), rec('B'), rec('C', { severity: 3 }), rec('D', { status: 'PREFAILED', severity: 1 })]);
    repo.putFault(rec('B', { status: 'HEALED' }));
    repo.deleteFault('A');
    await holds(s, repo, (r) => {
      const counts = r.statusSeverityCounts().sort((a, b) => `${a.status}${a.severity}`.localeCompare(`${b.status}${b.severity}`));
      expect(counts).toEqual([
        { status: 'CONFIRMED', severity: 3, count: 1 },
        { status: 'HEALED', severity: 2, count: 1 },
        { status: 'PREFAILED', severity: 1, count: 1 },
      ]);
      expect(r.faultCount()).toBe(3);
    });
  });

  it('evicts whole oldest capture sets beyond max_per_fault but never tears the newest set', async () => {
    const repo = await s.open();
    repo.insertCaptureSet([snap('X', 1, '/a'), snap('X', 1, '/b')], 3);
    repo.insertCaptureSet([snap('X', 2, '/a'), snap('X', 2, '/b')], 3);
    expect(repo.snapshotRows('X').map((r) => r.capture_id)).toEqual([2, 2]);
    // The occurrence that took a set is kept with it (issue 67).
    repo.insertCaptureSet([snap('X', 3, '/a'), snap('X', 3, '/b'), snap('X', 3, '/c'), snap('X', 3, '/d')].map((x) => ({ ...x, occurrence: 7 })), 3);
    repo.insertCaptureSet([snap('Y', 1, '/a'), snap('Y', 2, '/a'), snap('Y', 3, '/a')], 0);
    expect(repo.applySnapshotCap(1)).toBe(2);
    await holds(s, repo, (r) => {
      expect(r.snapshotRows('X').map((x) => [x.capture_id, x.occurrence])).toEqual([[3, 7], [3, 7], [3, 7], [3, 7]]);
      expect(r.snapshotRows('Y').map((x) => x.capture_id)).toEqual([3]);
      expect(r.maxCaptureId()).toBe(3);
    });
  });

  it('keeps the status history per code, oldest first, bounded to the newest entries, and drops it with the record', async () => {
    const repo = await s.open();
    const h = (code: string, i: number) => ({ fault_code: code, at_ns: 1735312456123456789n + BigInt(i), change: 'confirmed' as const, status: 'CONFIRMED' as const, occurrence: i, source: `/s${i}`, note: i % 2 ? 'n' : '' });
    repo.putFaults([rec('X'), rec('Y')]);
    for (let i = 1; i <= 5; i++) repo.appendHistory(h('X', i), 3);
    repo.atomically(() => repo.appendHistory({ ...h('Y', 1), change: 'acknowledged', note: 'on it' }, 0));
    repo.putFault(rec('Z'));
    repo.appendHistory(h('Z', 1), 0);
    repo.deleteFault('Z');
    await holds(s, repo, (r) => {
      const x = r.history('X');
      expect(x.map((e) => e.occurrence)).toEqual([3, 4, 5]);
      expect(x[2]).toMatchObject({ fault_code: 'X', at_ns: 1735312456123456794n, change: 'confirmed', status: 'CONFIRMED', source: '/s5', note: 'n' });
      expect(x[0].id! < x[1].id! && x[1].id! < x[2].id!).toBe(true);
      expect(r.history('Y')).toMatchObject([{ change: 'acknowledged', note: 'on it' }]);
      expect(r.history('Z')).toEqual([]);
    });
  });

  it('bounds near misses per code, oldest first, and trims with a smaller bound', async () => {
    const h = harness('memory', { repo: await s.open(), config: { confirmation_threshold: -100, near_miss: { max_per_fault: 3 } } });
    for (let i = 0; i < 5; i++) h.F('X');
    for (let i = 0; i < 2; i++) h.F('Y');
    expect(h.repo.nearMisses('X').map((m) => m.debounce_counter)).toEqual([-3, -4, -5]);
    expect(h.repo.trimNearMisses(1)).toBe(3);
    await holds(s, h.repo, (r) => {
      expect(r.nearMisses('X').map((m) => m.debounce_counter)).toEqual([-5]);
      expect(r.nearMisses('Y').map((m) => m.debounce_counter)).toEqual([-2]);
    });
  });

  it('orders rosbag links newest first, ties by insertion, and updates a re-stored link in place', async () => {
    const repo = await s.open();
    repo.addRosbagLinks([link('X', 'r1', 5n), link('X', 'r2', 5n), link('Y', 'r2', 5n), link('Y', 'r3', 6n)]);
    expect(repo.rosbagLinksForFault('X').map((l) => l.recording_id)).toEqual(['r2', 'r1']);
    repo.addRosbagLinks([{ ...link('X', 'r1', 5n), size_bytes: 999 }]);
    expect(repo.linksForRecording('r2').map((l) => l.fault_code).sort()).toEqual(['X', 'Y']);
    repo.deleteRecording('r2');
    repo.deleteRosbagLink('Y', 'r3');
    await holds(s, repo, (r) => {
      expect(r.rosbagLinksForFault('X').map((l) => [l.recording_id, l.size_bytes])).toEqual([['r1', 999]]);
      expect(r.allRosbagLinks().map((l) => l.recording_id)).toEqual(['r1']);
    });
  });

  it('keeps the compact freeze frame in place and deletes a fault with what is attached', async () => {
    const repo = await s.open();
    repo.putFreezeFrame({ fault_code: 'X', data: '{"/a":1}', captured_at_ns: 1n });
    repo.putFreezeFrame({ fault_code: 'X', data: '{"/a":2}', captured_at_ns: 2n });
    repo.putFault(rec('Z'));
    repo.insertCaptureSet([snap('Z', 1, '/a')], 0);
    repo.putFreezeFrame({ fault_code: 'Z', data: '{}', captured_at_ns: 1n });
    repo.deleteFault('Z');
    await holds(s, repo, (r) => {
      expect(r.freezeFrame('X')).toEqual({ fault_code: 'X', data: '{"/a":2}', captured_at_ns: 2n });
      expect([r.getFault('Z'), r.freezeFrame('Z'), r.snapshotRows('Z')]).toEqual([undefined, undefined, []]);
    });
  });

  it('commits what runs atomically together', async () => {
    const repo = await s.open();
    repo.atomically(() => {
      repo.putFault(rec('A'), { fault_code: 'A', occurred_at_ns: 1n, debounce_counter: -1, confirmation_threshold: -3, severity: 2, source_id: '/a', resulting_status: 'PREFAILED' }, 10);
      repo.putFaults([rec('B'), rec('C')]);
    });
    await holds(s, repo, (r) => {
      expect(r.allFaults().map((f) => f.fault_code).sort()).toEqual(['A', 'B', 'C']);
      expect(r.nearMisses('A')).toHaveLength(1);
    });
  });
}

describe('fault repository (memory)', () => contract({ open: async () => openRepo('memory') }));

describe('fault repository (sqlite, a real file)', () => {
  const dirs = new WeakMap<FaultRepository, string>();
  contract({
    async open() {
      const dir = tmpDir();
      const repo = openRepo('sqlite', dir);
      dirs.set(repo, dir);
      return repo;
    },
    async reopen(repo) {
      return openRepo('sqlite', dirs.get(repo));
    },
  });
});

describeWith(POSTGRES, 'fault repository (postgresql, a real server)', () => {
  let pgs: PgServer;
  let admin: pg.Pool;
  let n = 0;
  const stores: FaultStore[] = [];
  const schemas = new WeakMap<FaultRepository, string>();
  /** A store in its own schema (the connection string's search_path), loaded and ready. */
  async function openPg(schema: string, o: { queryTimeoutMs?: number; maxPendingWrites?: number } = {}): Promise<FaultStore> {
    const url = `${pgs.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const store = openFaultStore({
      storageType: 'postgresql',
      postgresql: { url, poolSize: 2, queryTimeoutMs: o.queryTimeoutMs ?? 5000, reconnectMaxMs: 500, maxPendingWrites: o.maxPendingWrites ?? 10_000 },
    });
    stores.push(store);
    await new Promise<void>((resolve) => store.repository.whenReady!(resolve));
    return store;
  }

  beforeAll(async () => {
    pgs = await startPostgres();
    admin = new pg.Pool({ connectionString: pgs.url, max: 1 });
    // The server is paused on purpose below: its idle connection dropping is expected.
    admin.on('error', () => undefined);
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) s.repository.close();
    await admin?.end();
    pgs?.stop();
  });

  contract({
    async open() {
      const schema = `contract_${++n}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      const store = await openPg(schema);
      schemas.set(store.repository, schema);
      return store.repository;
    },
    async reopen(repo) {
      // Everything accepted reaches the server; the new store reads only what the server holds.
      await repo.drain!(10_000);
      const again = await openPg(schemas.get(repo)!);
      return again.repository;
    },
  });

  it('refuses new writes while the server is down, keeps the accepted ones pending and writes them once it is back', async () => {
    await admin.query('CREATE SCHEMA outage');
    const store = await openPg('outage', { queryTimeoutMs: 1000 });
    const repo = store.repository;
    repo.putFault(rec('BEFORE'));
    await repo.drain!(10_000);
    expect(store.status.report()).toMatchObject({ backend: 'postgresql', state: 'ok', connected: true, pending_writes: 0 });

    pgs.pause();
    // Accepted while the store still looked healthy: held in memory, pending, written later.
    repo.putFault(rec('PENDING'));
    const refused: string[] = [];
    // One write per poll until one is refused: the event the outage is seen by (issue 58).
    let i = 0;
    await waitFor(() => {
      try {
        repo.putFault(rec(`DURING_${i}`));
      } catch (err) {
        expect((err as Error).name).toBe('FaultStoreUnavailable');
        refused.push(`DURING_${i}`);
      }
      i++;
      return refused.length > 0 ? true : undefined;
    }, 'a refused write while PostgreSQL is down', 60_000);
    const accepted = repo.allFaults().map((f) => f.fault_code).filter((c) => c !== 'BEFORE');
    const down = store.status.report();
    expect(down).toMatchObject({ state: 'unavailable', connected: false });
    expect(down.problem).toMatch(/unreachable|timeout/);
    expect(down.pending_writes).toBeGreaterThan(0);
    expect(repo.getFault(refused[0])).toBeUndefined();

    pgs.resume();
    await repo.drain!(30_000);
    expect(store.status.report()).toMatchObject({ state: 'ok', connected: true, pending_writes: 0 });
    const again = (await openPg('outage')).repository;
    expect(again.allFaults().map((f) => f.fault_code).sort()).toEqual(['BEFORE', ...accepted].sort());
  }, 120_000);

  it('starts while the server is down as connecting (reads and writes refused), and loads once it answers', async () => {
    await admin.query('CREATE SCHEMA late');
    (await openPg('late')).repository.putFault(rec('STORED'));
    await stores[stores.length - 1].repository.drain!(10_000);
    pgs.pause();
    const url = `${pgs.url}?options=${encodeURIComponent('-c search_path=late')}`;
    const store = openFaultStore({ storageType: 'postgresql', postgresql: { url, poolSize: 1, queryTimeoutMs: 1000, reconnectMaxMs: 300, maxPendingWrites: 100 } });
    stores.push(store);
    expect(store.status.report()).toMatchObject({ state: 'connecting', connected: false });
    expect(() => store.repository.allFaults()).toThrow(/fault store unavailable \(postgresql: /);
    expect(() => store.repository.putFault(rec('EARLY'))).toThrow(/fault store unavailable/);
    pgs.resume();
    await new Promise<void>((resolve) => store.repository.whenReady!(resolve));
    expect(store.repository.allFaults().map((f) => f.fault_code)).toEqual(['STORED']);
  }, 120_000);
});

describe('fault store registry', () => {
  it('opens the three backends by name and refuses any other naming them', () => {
    expect(() => openFaultStore({ storageType: 'postgres' })).toThrow("faults.storage_type 'postgres' is unknown; known: sqlite, memory, postgresql");
    expect(() => openFaultStore({ storageType: 'postgresql' })).toThrow(/needs faults.postgresql.url/);
    expect(openFaultStore({ storageType: 'memory' }).repository.kind).toBe('memory');
    expect(openFaultStore({ storageType: 'sqlite', dataDir: tmpDir() }).status.report()).toMatchObject({ backend: 'sqlite', state: 'ok', connected: true });
  });
});

describe('SQLite restart behaviour', () => {
  it('reopens with every fault, repairs last_occurred and back-fills recording ids', () => {
    const dir = tmpDir();
    const repo = openRepo('sqlite', dir);
    repo.putFault(rec('X', { last_occurred_ns: 50n, last_failed_ns: 30n }));
    repo.putFault(rec('Y', { status: 'PREFAILED', debounce_counter: -2 }));
    // An older layout left a link without recording id.
    const raw = new Database(join(dir, 'medkit.db'));
    raw.prepare("INSERT INTO rosbag_files (fault_code, recording_id, file_path, format, duration_sec, size_bytes, created_at_ns) VALUES ('X', '', '/b/fault_X_1/fault_X_1_0.mcap', 'mcap', 1, 1, 1)").run();
    raw.close();
    const again = openRepo('sqlite', dir);
    expect(again.getFault('X')!.last_occurred_ns).toBe(30n);
    expect(again.getFault('Y')).toEqual(rec('Y', { status: 'PREFAILED', debounce_counter: -2 }));
    expect(again.rosbagLinksForFault('X')[0].recording_id).toBe('fault_X_1');
  });

  it("adds each capture's occurrence to an older store, keeping its captures (read without one) (issue 67)", () => {
    const dir = tmpDir();
    openRepo('sqlite', dir).close();
    // The layout before faults-004: no occurrence column, one capture stored.
    const raw = new Database(join(dir, 'medkit.db'));
    raw.exec("ALTER TABLE snapshots DROP COLUMN occurrence; DELETE FROM schema_migrations WHERE id = 'faults-004-snapshot-occurrence'");
    raw.prepare("INSERT INTO snapshots (fault_code, topic, message_type, data, captured_at_ns, capture_id, history) VALUES ('X', '/t', 'std_msgs/msg/Float64', '{\"data\":1}', 5, 1, '')").run();
    raw.close();
    const again = openRepo('sqlite', dir);
    expect(again.snapshotRows('X')).toEqual([{ ...snap('X', 1, '/t', 5n), id: 1 }]);
    again.insertCaptureSet([{ ...snap('X', 2, '/t', 6n), occurrence: 2 }], 0);
    expect(again.snapshotRows('X').map((r) => [r.capture_id, r.occurrence])).toEqual([[2, 2], [1, undefined]]);
    again.close();
  });

  it('picks up persisted PREFAILED faults in the auto-confirm scan after a restart', () => {
    const dir = tmpDir();
    const h1 = harness('sqlite', { repo: openRepo('sqlite', dir), config: { confirmation_threshold: -3, auto_confirm_after_sec: 10 } });
    h1.F('X');
    h1.mgr.stop();
    const h2 = harness('sqlite', { repo: openRepo('sqlite', dir), clock: h1.clock, config: { confirmation_threshold: -3, auto_confirm_after_sec: 10 } });
    h2.clock.advance(11_000);
    expect(h2.state('X')![0]).toBe('CONFIRMED');
    expect(h2.takeEvents()).toEqual(['fault_confirmed']);
  });
});
