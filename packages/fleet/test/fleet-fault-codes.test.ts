// The fleet's view across robots, on real servers (one nats-server without a cluster, as the local fleet demo runs
// it, PostgreSQL and a `medkit fleet` replica), fed with robot events published as a robot's outbox would:
// - /health of a fleet on a single JetStream server has no false warning (the stream there has a leader: the server);
// - GET /x-medkit-fault-codes: per code the robots holding it and those with it active, first and last seen, reports
//   per hour (status-only updates and clears are not reports), filters, and 400 for every bad parameter;
// - GET /components gives each robot's last incident (its newest fault) in the same answer as its active count.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER, POSTGRES } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startPostgres, type PgServer } from '../../../test-support/servers/postgres.mjs';
import { until } from '../../../test-support/fleet/robot-gateway.js';
import { buildGateway } from '../../../test-support/medkit-cli.js';
import { startFleetReplica, type FleetReplica } from '../../../test-support/fleet/fleet-harness.js';

const FLEET = 'codes';
const HOUR = 3_600_000;

interface CodeItem {
  code: string;
  severity: number;
  'x-medkit': { robots: number; active_robots: number; occurrences: number; first_seen: string; last_seen: string; trend: number[] };
}
interface CodePage {
  items: CodeItem[];
  'x-medkit': { total: number; count: number; window: { start: string; end: string; bucket_sec: number }; trend_complete: boolean };
}

describeWith([...NATS_SERVER, ...POSTGRES], 'fleet fault codes across robots, last incidents and /health on a single nats-server', () => {
  let nats: NatsCluster;
  let pgs: PgServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let fleet: FleetReplica;
  const seqs = new Map<string, number>();
  const t0 = Date.now() - 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Publishes one fault event of `robot` (its next seq) stamped `time` (the robot's wall time). */
  const fault = (robot: string, code: string, o: { event?: string; status?: string; lo: number; first?: number; count?: number; severity?: number; time?: number }) => {
    const seq = (seqs.get(robot) ?? 0) + 1;
    seqs.set(robot, seq);
    const body = { event_type: o.event ?? 'fault_updated', fault_code: code, severity: o.severity ?? 2, status: o.status ?? 'CONFIRMED', description: `${code} on ${robot}`, occurrence_count: o.count ?? 1, reporting_sources: ['/n'], first_occurred: iso(o.first ?? o.lo), last_occurred: iso(o.lo) };
    const env = { v: 1, robot_id: robot, seq, event_id: `${robot}:${seq}`, time: iso(o.time ?? o.lo), kind: 'faults', body };
    return js.publish(`medkit.${FLEET}.${robot}.faults`, JSON.stringify(env), { msgID: env.event_id, timeout: 10_000 });
  };
  const codes = (query = '') => fleet.getJson<CodePage>(`/api/v1/x-medkit-fault-codes${query}`);
  const item = (p: CodePage, code: string) => p.items.find((i) => i.code === code);
  /** The trend's bucket holding `ms`, from the window the answer states (so an hour turning over mid-test is no trap). */
  const bucket = (p: CodePage, ms: number) => Math.floor((ms - Date.parse(p['x-medkit'].window.start)) / HOUR);

  beforeAll(async () => {
    buildGateway();
    [nats, pgs] = await Promise.all([startNatsCluster(1), startPostgres()]);
    fleet = await startFleetReplica({ nats: nats.urls, database: pgs.url, fleet: FLEET });
    nc = await connect({ servers: nats.urls, timeout: 5000 });
    js = jetstream(nc);
    await until(async () => ((await fleet.getJson<{ 'x-medkit-fleet': { stream_replicas: unknown } }>('/api/v1/health'))['x-medkit-fleet'].stream_replicas ? true : undefined), 'the fleet stream read by /health', 30_000);
    // SHARED: r1 reports it twice (and once more without a new report: a status-only update), r2 once, then clears it.
    await fault('r1', 'SHARED', { event: 'fault_confirmed', lo: t0, first: t0 });
    await fault('r1', 'SHARED', { lo: t0, first: t0 });
    await fault('r1', 'SHARED', { lo: t0 + 1000, first: t0, count: 2 });
    await fault('r2', 'SHARED', { event: 'fault_confirmed', lo: t0 + 2000, severity: 3 });
    await fault('r2', 'SHARED', { event: 'fault_cleared', status: 'CLEARED', lo: t0 + 2000, severity: 3, time: t0 + 3000 });
    // OLD: one report two hours ago; OTHER: r1's newest fault.
    await fault('r3', 'OLD', { event: 'fault_confirmed', lo: t0 - 2 * HOUR, severity: 1 });
    await fault('r1', 'OTHER', { event: 'fault_confirmed', lo: t0 + 5000, severity: 1 });
    await until(async () => {
      const p = await codes();
      return p['x-medkit'].total === 3 && item(p, 'SHARED')?.['x-medkit'].active_robots === 1 ? true : undefined;
    }, 'the events stored', 30_000);
  });

  afterAll(async () => {
    await nc?.close();
    await fleet?.kill();
    await nats?.stop();
    pgs?.stop();
  });

  it('answers /health healthy without a warning on a single JetStream server, which leads the fleet stream', async () => {
    const h = await until(async () => {
      const x = await fleet.getJson<{ status: string; warnings: { code: string }[]; 'x-medkit-fleet': { stream_replicas: { leader: string | null; current: number } } }>('/api/v1/health');
      return x['x-medkit-fleet'].stream_replicas?.current === 1 ? x : undefined;
    }, 'the stream read with its leader', 30_000);
    expect(h.warnings.map((w) => w.code)).toEqual([]);
    expect(h.status).toBe('healthy');
    expect(h['x-medkit-fleet'].stream_replicas.leader).toEqual(expect.any(String));
  });

  it('lists each code with the robots holding it, those with it active, first and last seen, and reports per hour', async () => {
    const p = await codes();
    expect(p['x-medkit']).toMatchObject({ total: 3, count: 3, trend_complete: true, window: { bucket_sec: 3600 } });
    expect(Date.parse(p['x-medkit'].window.end) - Date.parse(p['x-medkit'].window.start)).toBe(24 * HOUR);
    // Most active robots first, then the newest.
    expect(p.items.map((i) => i.code)).toEqual(['OTHER', 'SHARED', 'OLD']);
    const shared = item(p, 'SHARED')!;
    expect(shared.severity).toBe(3);
    expect(shared['x-medkit']).toMatchObject({ robots: 2, active_robots: 1, occurrences: 3, first_seen: iso(t0), last_seen: iso(t0 + 2000) });
    // Three reports (r1 twice, r2 once): the status-only update and the clear are not reports.
    const expected = new Array<number>(24).fill(0);
    for (const t of [t0, t0 + 1000, t0 + 2000]) expected[bucket(p, t)]++;
    expect(shared['x-medkit'].trend).toEqual(expected);
    const old = item(p, 'OLD')!['x-medkit'].trend;
    expect(old[bucket(p, t0 - 2 * HOUR)]).toBe(1);
    expect(old.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('narrows by status, code glob and robot, sizes the window by hours, and pages by limit', async () => {
    const active = await codes('?status=active');
    expect(item(active, 'SHARED')!['x-medkit'].robots).toBe(1);
    expect((await codes('?fault_code=SH*')).items.map((i) => i.code)).toEqual(['SHARED']);
    const r2 = await codes('?robot=r2');
    expect(r2.items.map((i) => i.code)).toEqual(['SHARED']);
    expect(r2.items[0]['x-medkit'].trend.reduce((a, b) => a + b, 0)).toBe(1);
    const three = await codes('?hours=3');
    expect(item(three, 'OLD')!['x-medkit'].trend).toHaveLength(3);
    expect(item(three, 'OLD')!['x-medkit'].trend[bucket(three, t0 - 2 * HOUR)]).toBe(1);
    const one = await codes('?limit=1');
    expect(one['x-medkit']).toMatchObject({ total: 3, count: 1 });
  });

  it('answers 400 invalid-parameter naming the parameter for every bad value', async () => {
    const bad: [string, string][] = [
      ['hours=0', 'hours'],
      ['hours=169', 'hours'],
      ['hours=1.5', 'hours'],
      ['hours=abc', 'hours'],
      ['hours=1&hours=2', 'hours'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['status=broken', 'status'],
      ['robot=not%20a%20robot', 'robot'],
      [`fault_code=${'X'.repeat(300)}`, 'fault_code'],
    ];
    for (const [q, parameter] of bad) {
      const res = await fetch(`${fleet.url}/api/v1/x-medkit-fault-codes?${q}`);
      const body = (await res.json()) as { error_code: string; parameters?: { parameter?: string } };
      expect([q, res.status, body.error_code, body.parameters?.parameter]).toEqual([q, 400, 'invalid-parameter', parameter]);
    }
  });

  it('gives every robot its last incident (its newest fault, any status) with its active count', async () => {
    const list = await fleet.getJson<{ items: { id: string; 'x-medkit': { active_faults: number; last_fault: { fault_code: string; status: string } | null } }[] }>('/api/v1/components');
    const of = (id: string) => list.items.find((r) => r.id === id)!['x-medkit'];
    expect(of('r1')).toMatchObject({ active_faults: 2, last_fault: { fault_code: 'OTHER', status: 'CONFIRMED' } });
    // A cleared fault is still the robot's last incident.
    expect(of('r2')).toMatchObject({ active_faults: 0, last_fault: { fault_code: 'SHARED', status: 'CLEARED' } });
    expect(of('r3').last_fault?.fault_code).toBe('OLD');
  });
});
