// The storage contract (docs/faults.md): both backends behave identically; SQLite survives reopen.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { FaultRecord } from '../src/model.js';
import type { RosbagLink, SnapshotRow } from '../src/storage/index.js';
import { BACKENDS, cleanupDirs, harness, openRepo, tmpDir } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const rec = (code: string, over: Partial<FaultRecord> = {}): FaultRecord => ({
  fault_code: code, severity: 2, description: 'd', first_occurred_ns: 10n, last_occurred_ns: 20n, last_passed_ns: 0n,
  occurrence_count: 1, status: 'CONFIRMED', reporting_sources: ['/a'], debounce_counter: -1, last_failed_ns: 20n, confirmed_at_ns: 20n, ...over,
});
const snap = (code: string, capture_id: number, topic: string, at = 1n): SnapshotRow =>
  ({ fault_code: code, topic, message_type: 'std_msgs/msg/Float64', data: '{"data":1}', captured_at_ns: at, capture_id, history: '' });
const link = (code: string, rec_id: string, at: bigint): RosbagLink =>
  ({ fault_code: code, recording_id: rec_id, file_path: `/bags/${rec_id}`, format: 'mcap', duration_sec: 1.5, size_bytes: 100, created_at_ns: at });

describe.each(BACKENDS)('fault repository (%s)', (backend) => {
  it('round-trips exact int64 nanosecond values and sorted sources', () => {
    const repo = openRepo(backend);
    repo.putFault(rec('X', { first_occurred_ns: 1735312456123456789n, reporting_sources: ['/a', '/b'] }));
    expect(repo.getFault('X')!.first_occurred_ns).toBe(1735312456123456789n);
    expect(repo.getFault('X')!.reporting_sources).toEqual(['/a', '/b']);
  });

  it('counts records by status and severity, following writes and deletes', () => {
    const repo = openRepo(backend);
    repo.putFaults([rec('A'), rec('B'), rec('C', { severity: 3 }), rec('D', { status: 'PREFAILED', severity: 1 })]);
    repo.putFault(rec('B', { status: 'HEALED' }));
    repo.deleteFault('A');
    const counts = repo.statusSeverityCounts().sort((a, b) => `${a.status}${a.severity}`.localeCompare(`${b.status}${b.severity}`));
    expect(counts).toEqual([
      { status: 'CONFIRMED', severity: 3, count: 1 },
      { status: 'HEALED', severity: 2, count: 1 },
      { status: 'PREFAILED', severity: 1, count: 1 },
    ]);
  });

  it('evicts whole oldest capture sets beyond max_per_fault but never tears the newest set', () => {
    const repo = openRepo(backend);
    repo.insertCaptureSet([snap('X', 1, '/a'), snap('X', 1, '/b')], 3);
    repo.insertCaptureSet([snap('X', 2, '/a'), snap('X', 2, '/b')], 3);
    expect(repo.snapshotRows('X').map((r) => r.capture_id)).toEqual([2, 2]);
    repo.insertCaptureSet([snap('X', 3, '/a'), snap('X', 3, '/b'), snap('X', 3, '/c'), snap('X', 3, '/d')], 3);
    expect(repo.snapshotRows('X').map((r) => r.capture_id)).toEqual([3, 3, 3, 3]);
    expect(repo.maxCaptureId()).toBe(3);
  });

  it('bounds near misses per code, oldest first, and trims with a smaller bound', () => {
    const h = harness(backend, { config: { confirmation_threshold: -100, near_miss: { max_per_fault: 3 } } });
    for (let i = 0; i < 5; i++) h.F('X');
    expect(h.repo.nearMisses('X').map((m) => m.debounce_counter)).toEqual([-3, -4, -5]);
    expect(h.repo.trimNearMisses(1)).toBe(2);
    expect(h.repo.nearMisses('X').map((m) => m.debounce_counter)).toEqual([-5]);
  });

  it('orders rosbag links newest first, ties by insertion, and updates a re-stored link in place', () => {
    const repo = openRepo(backend);
    repo.addRosbagLinks([link('X', 'r1', 5n), link('X', 'r2', 5n), link('Y', 'r2', 5n)]);
    expect(repo.rosbagLinksForFault('X').map((l) => l.recording_id)).toEqual(['r2', 'r1']);
    repo.addRosbagLinks([{ ...link('X', 'r1', 5n), size_bytes: 999 }]);
    expect(repo.rosbagLinksForFault('X').map((l) => [l.recording_id, l.size_bytes])).toEqual([['r2', 100], ['r1', 999]]);
    expect(repo.linksForRecording('r2').map((l) => l.fault_code).sort()).toEqual(['X', 'Y']);
    repo.deleteRecording('r2');
    expect(repo.allRosbagLinks().map((l) => l.recording_id)).toEqual(['r1']);
  });

  it('keeps the compact freeze frame in place', () => {
    const repo = openRepo(backend);
    repo.putFreezeFrame({ fault_code: 'X', data: '{"/a":1}', captured_at_ns: 1n });
    repo.putFreezeFrame({ fault_code: 'X', data: '{"/a":2}', captured_at_ns: 2n });
    expect(repo.freezeFrame('X')).toEqual({ fault_code: 'X', data: '{"/a":2}', captured_at_ns: 2n });
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
