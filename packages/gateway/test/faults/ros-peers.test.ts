// A reporter node built on Debian's Cyclone DDS or Fast DDS (packages/rtps/test/peers, mode `report`) calls
// ~/report_fault with its vendor's request-id convention, exactly as a C++ node using the reference's
// FaultReporter would; the fault appears over REST with the debounced status. Domains testDomain(42)
// (Cyclone, also the storage-outage block, which runs after the Cyclone block closed its gateway) and
// testDomain(43) (Fast DDS).
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE, FASTDDS, describeAsRoot, describeWith } from '../../../../test-support/requirements.js';
import { fillUp, mountSmallDisk, type SmallDisk } from '../../../../test-support/full-disk.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

function reporterSuite(vendor: PeerVendor, domain: number): void {
  let g: FaultGateway;
  beforeAll(async () => {
    await buildPeer(vendor);
    g = await startFaultGateway({
      flags: { 'ros.enabled': true, 'ros.domain_id': domain, 'ros.localhost_only': true, 'faults.confirmation_threshold': -2 },
    });
  }, 300_000);
  afterAll(async () => {
    await killAllPeers();
    await g?.close();
  });

  it(`accepts ${vendor} reports and confirms the fault after the configured debounce`, async () => {
    const code = `PEER_${vendor.toUpperCase()}_OVERHEAT`;
    const first = await spawnPeer(vendor, 'report', { domain, node: 'battery_monitor', ns: '/base', code, severity: 1, count: 1, timeoutMs: 10_000 });
    expect((await first.waitForLine(/^response seq=1 (accepted=\d)/, 20_000))[1]).toBe('accepted=1');
    expect((await first.exited).code).toBe(0);
    let list = (await g.api('GET', '/apps/battery-monitor/faults')).body;
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ fault_code: code, severity: 1, reporting_sources: ['/base/battery_monitor'], 'x-medkit': { status: 'PREFAILED' } });
    expect(list.items[0].description).toBe(`reported by the ${vendor} peer (1)`);

    const second = await spawnPeer(vendor, 'report', { domain, node: 'battery_monitor', ns: '/base', code, severity: 1, count: 1, timeoutMs: 10_000 });
    expect((await second.waitForLine(/^response seq=1 (accepted=\d)/, 20_000))[1]).toBe('accepted=1');
    await second.exited;
    list = (await g.api('GET', '/apps/battery-monitor/faults?status=confirmed')).body;
    expect(list.items.map((i: { fault_code: string }) => i.fault_code)).toEqual([code]);
    expect(list.items[0].status).toBe('CONFIRMED');
    expect(list.items[0]['x-medkit'].sovd_status).toEqual({ aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' });
  }, 60_000);

  it(`answers accepted=false to a bad ${vendor} report and keeps stored faults`, async () => {
    const before = (await g.api('GET', '/faults?status=all')).body;
    const bad = await spawnPeer(vendor, 'report', { domain, node: 'battery_monitor', ns: '/base', code: 'BAD CODE', count: 1, timeoutMs: 10_000 });
    expect((await bad.waitForLine(/^response seq=1 (accepted=\d)/, 20_000))[1]).toBe('accepted=0');
    const sev = await spawnPeer(vendor, 'report', { domain, node: 'battery_monitor', ns: '/base', code: 'SEVERITY_TOO_HIGH', severity: 9, count: 1, timeoutMs: 10_000 });
    expect((await sev.waitForLine(/^response seq=1 (accepted=\d)/, 20_000))[1]).toBe('accepted=0');
    expect((await g.api('GET', '/faults?status=all')).body).toEqual(before);
  }, 60_000);
}

/** The peer's answer to its one request: `response seq=1 accepted=0|1`, or `timeout seq=1` (no reply in time). */
async function answerTo(code: string, domain: number): Promise<string> {
  const peer = await spawnPeer('cyclone', 'report', { domain, node: 'battery_monitor', ns: '/base', code, severity: 3, count: 1, timeoutMs: 10_000 });
  const answer = (await peer.waitForLine(/^(response seq=1 accepted=\d|timeout seq=1)/, 20_000))[1];
  await peer.exited;
  return answer;
}

/**
 * docs/faults.md "What an outage does", over ROS: while the data dir's file system is full, a Cyclone reporter's
 * ReportFault is answered at once with accepted=false (before, it got no reply and the fault was listed as
 * CONFIRMED, then lost on restart); once space is freed the next report is accepted. A real 3 MB tmpfs.
 */
function outageSuite(domain: number): void {
  let disk: SmallDisk | undefined;
  let g: FaultGateway | undefined;
  beforeAll(async () => {
    await buildPeer('cyclone');
    disk = mountSmallDisk('3m', 'medkit-ros-outage-');
    g = await startFaultGateway({
      flags: { 'ros.enabled': true, 'ros.domain_id': domain, 'ros.localhost_only': true, data_dir: disk.dir, 'faults.store_probe_interval_sec': 0.1 },
    });
  }, 300_000);
  afterAll(async () => {
    await killAllPeers();
    await g?.close();
    disk?.remove();
  });

  it('answers accepted=false at once while the disk is full, lists nothing of it, and accepts again once space is freed', async () => {
    const gw = g!;
    expect(await answerTo('PEER_BEFORE', domain)).toBe('response seq=1 accepted=1');

    // Fill the file system, then report until the store meets it (SQLite may still fit a write or two).
    const filler = join(disk!.dir, 'filler');
    expect(fillUp(filler)).toBeGreaterThan(0);
    let refused = false;
    for (let i = 0; i < 5000 && !refused; i++) refused = !gw.fail(`FILL_${i}`, '/nav/planner', 3, 'x'.repeat(2048)).accepted;
    expect(refused).toBe(true);
    expect((await gw.api('GET', '/health')).body['x-medkit-faults'].store).toMatchObject({ state: 'unavailable', problem: 'disk-full' });

    // A reply, and a refusal: never a timeout, never a false success.
    expect(await answerTo('PEER_DURING', domain)).toBe('response seq=1 accepted=0');
    expect((await gw.api('GET', '/faults/PEER_DURING')).status).toBe(404);
    const during = (await gw.api('GET', '/faults?status=all')).body.items.map((i: { fault_code: string }) => i.fault_code);
    expect(during).toContain('PEER_BEFORE');
    expect(during).not.toContain('PEER_DURING');

    rmSync(filler);
    await until(async () => ((await gw.api('GET', '/health')).body['x-medkit-faults'].store.state === 'ok' ? true : undefined), 'the store to recover');
    expect(await answerTo('PEER_AFTER', domain)).toBe('response seq=1 accepted=1');
    const after = await gw.api('GET', '/faults/PEER_AFTER');
    expect(after.status).toBe(200);
    expect(after.body.item.reporting_sources).toEqual(['/base/battery_monitor']);
    expect((await gw.api('GET', '/faults/PEER_DURING')).status).toBe(404);
  }, 120_000);
}

describeWith(CYCLONE, 'fault reports from a Cyclone DDS reporter node', () => reporterSuite('cyclone', testDomain(42)));
describeWith(CYCLONE, 'fault reports from a Cyclone DDS reporter node during a storage outage', () =>
  describeAsRoot('the data dir on a full tmpfs (real mount)', () => outageSuite(testDomain(42))));
describeWith(FASTDDS, 'fault reports from a Fast DDS reporter node', () => reporterSuite('fastdds', testDomain(43)));
