// A reporter node built on Debian's Cyclone DDS or Fast DDS (packages/rtps/test/peers, mode `report`) calls
// ~/report_fault with its vendor's request-id convention, exactly as a C++ node using the reference's
// FaultReporter would; the fault appears over REST with the debounced status. Domains 111 (Cyclone),
// 112 (Fast DDS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE, FASTDDS, describeWith } from '../../../../test-support/requirements.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';
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

describeWith(CYCLONE, 'fault reports from a Cyclone DDS reporter node', () => reporterSuite('cyclone', testDomain(42)));
describeWith(FASTDDS, 'fault reports from a Fast DDS reporter node', () => reporterSuite('fastdds', testDomain(43)));
