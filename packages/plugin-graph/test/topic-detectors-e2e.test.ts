// The watchdog's topic detectors against real Cyclone DDS peer processes (graph_peer_cyclone.c) and a real
// gateway (docs/graph.md): GRAPH_TF_STALE for a stale transform and for a frame whose parent's publisher left,
// GRAPH_LATENCY_BUDGET for a chain whose messages arrive too old, value rules from the configuration (an
// expression over two fields with an enable condition) and over REST (a /diagnostics key), each raised with the
// offending names in its description and healed when the peers publish healthy data again; the value-rule routes'
// answers to bad input, and REST rules kept across a gateway restart. Issue 66: a forged GAP and HEARTBEAT in the
// name of the rule's writer leave the rule working, and a rule input that falls silent degrades /health.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RosContext } from '@medkit/ros2';
import { Bytes, gap, header, heartbeat, sn } from '../../../test-support/rtps-fuzz/datagrams.js';
import { FakePeer } from '../../../test-support/rtps-fuzz/fake-peer.js';
import { CYCLONE, describeWith } from '../../../test-support/requirements.js';
import { testDomain } from '../../../test-support/domains.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { buildGraphPeer, killGraphPeers, startGraphPeer, type GraphPeer } from './peers/graph-peer.js';

const DOMAIN = testDomain(57);
const RULES = '/api/v1/x-medkit-watchdog/value-rules';

interface Fault {
  fault_code: string;
  description: string;
  'x-medkit'?: { status?: string };
}

describeWith(CYCLONE, 'topic detectors against Cyclone DDS peers', () => {
  let g: TestGateway;
  let dir: string;
  let base: GraphPeer;
  let map: GraphPeer;
  let pipe: GraphPeer;
  let timer: NodeJS.Timeout | undefined;
  /** What the peers publish on every round; the tests change it. */
  const traffic = { tfAgeMs: 5, mapOn: false, latencyMs: 10, x: 0, y: 0, rejected: 0, pipeOn: true };

  const flags = (storage: string) => ({
    'ros.enabled': true,
    'ros.domain_id': DOMAIN,
    'ros.localhost_only': true,
    'discovery.mode': 'runtime_only',
    'faults.healing_enabled': true,
    'faults.healing_threshold': 0,
    plugins: ['graph_watchdog'],
    'plugins.graph_watchdog.tick_interval_ms': 200,
    'plugins.graph_watchdog.warmup_cycles': 0,
    'plugins.graph_watchdog.detectors.tf_stale.pairs': [{ parent: 'odom', child: 'laser', budget_ms: 1000 }],
    'plugins.graph_watchdog.detectors.latency_budget.chains': [{ name: 'perception', topics: ['/pipe/in', '/pipe/out'], budget_ms: 100 }],
    'plugins.graph_watchdog.detectors.latency_budget.window_ms': 2000,
    'plugins.graph_watchdog.detectors.latency_budget.min_samples': 3,
    'plugins.graph_watchdog.detectors.value.storage_path': storage,
    'plugins.graph_watchdog.detectors.value.rules': [
      { id: 'lateral', fault_code: 'PIPE_DRIFT', sources: { x: '/pipe/out.point.x', y: '/pipe/out.point.y' }, value: 'x - y', enable: 'abs(x) > 0.1', stat: 'max', op: '>', threshold: 5, window_ms: 1000 },
    ],
  });

  async function fault(code: string): Promise<Fault | undefined> {
    const items = (await http(`${g.url}/api/v1/faults?status=all`)).body?.items as Fault[] | undefined;
    return items?.find((f) => f.fault_code === code);
  }
  const inStatus = (code: string, status: string, text = '') =>
    eventually(async () => {
      const f = await fault(code);
      return f?.['x-medkit']?.status === status && f.description.includes(text) ? f : undefined;
    }, `${code} ${status}${text ? ` mentioning '${text}'` : ''}`, 60_000);
  const watchdog = async () => (await http(`${g.url}/api/v1/x-medkit-watchdog`)).body;

  beforeAll(async () => {
    await buildGraphPeer();
    dir = mkdtempSync(join(tmpdir(), 'medkit-topic-detectors-'));
    g = await startTestGateway({ defaults: true, flags: flags(join(dir, 'value-rules.json')) });
    [base, map, pipe] = await Promise.all([startGraphPeer(DOMAIN), startGraphPeer(DOMAIN), startGraphPeer(DOMAIN)]);
    await base.send('static base_link laser');
    let busy = false;
    // One round of traffic every 100 ms; a round still being written skips the next.
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const t = traffic;
      void Promise.all([
        base.send(`tf odom base_link ${t.tfAgeMs}`),
        t.mapOn ? map.send('tf map odom 5') : undefined,
        t.pipeOn ? pipe.send(`point pipe/out ${t.latencyMs} ${t.x} ${t.y}`) : undefined,
        pipe.send(`diag gps_gate rejected ${t.rejected}`),
      ])
        .catch(() => undefined)
        .finally(() => (busy = false));
    }, 100);
  }, 300_000);

  afterAll(async () => {
    if (timer) clearInterval(timer);
    await g?.close();
    await Promise.all([base, map, pipe].map((p) => p?.stop()));
    killGraphPeers();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('GRAPH_TF_STALE: a stale transform between a configured pair raises naming the frames, and heals when fresh', async () => {
    await eventually(async () => (await watchdog())?.detectors?.tf_stale?.frames === 2, 'odom → base_link and the static base_link → laser in the tree', 60_000);
    // Nothing is stale while the peers publish fresh transforms.
    await eventually(async () => (await watchdog()).detectors.tf_stale.pairs[0]?.age_ms !== null, 'the pair measured', 30_000);
    expect((await watchdog()).detectors.tf_stale.pairs).toEqual([expect.objectContaining({ parent: 'odom', child: 'laser', stale: false })]);
    expect(await fault('GRAPH_TF_STALE')).toBeUndefined();
    traffic.tfAgeMs = 3000;
    const f = await inStatus('GRAPH_TF_STALE', 'CONFIRMED', 'transform odom → laser is');
    expect(f.description).toMatch(/transform odom → laser is \d+\.\d ms old \(budget 1000 ms; oldest link odom → base_link\)/);
    expect((await watchdog()).detectors.tf_stale).toMatchObject({ static_frames: 1, pairs: [{ parent: 'odom', child: 'laser', stale: true }] });
    traffic.tfAgeMs = 5;
    await inStatus('GRAPH_TF_STALE', 'HEALED');
  }, 120_000);

  it('GRAPH_TF_STALE: a frame whose parent left with its publisher raises naming both, and heals when it is back', async () => {
    traffic.mapOn = true;
    await eventually(async () => (await watchdog())?.detectors?.tf_stale?.frames === 3, 'map → odom in the tree', 60_000);
    traffic.mapOn = false;
    await map.send('drop tf');
    const f = await inStatus('GRAPH_TF_STALE', 'CONFIRMED', 'vanished');
    expect(f.description).toContain('frame base_link: its parent odom vanished (the transform map → odom left with its publisher)');
    traffic.mapOn = true;
    await inStatus('GRAPH_TF_STALE', 'HEALED');
  }, 120_000);

  it('GRAPH_LATENCY_BUDGET: a chain whose messages arrive too old raises with its name, p50 and p99, and heals', async () => {
    traffic.latencyMs = 400;
    const f = await inStatus('GRAPH_LATENCY_BUDGET', 'CONFIRMED', 'chain perception');
    expect(f.description).toMatch(/chain perception \(\/pipe\/in → \/pipe\/out\): p99 \d+\.\d ms over budget 100 ms \(p50 \d+\.\d ms, p99 \d+\.\d ms, \d+ messages? in 2000 ms\)/);
    expect((await watchdog()).detectors.latency_budget.chains[0]).toMatchObject({ name: 'perception', measured_topics: ['/pipe/out'], over_budget: true, budget_ms: 100 });
    traffic.latencyMs = 10;
    await inStatus('GRAPH_LATENCY_BUDGET', 'HEALED');
  }, 120_000);

  it('a configured value rule: an expression over two fields, counted while its enable condition holds', async () => {
    traffic.x = 10;
    traffic.y = 1;
    const f = await inStatus('PIPE_DRIFT', 'CONFIRMED');
    expect(f.description).toMatch(/rule lateral: max of x - y over 1000 ms is 9 \(> 5; \d+ samples?\)/);
    // Disabled (|x| ≤ 0.1): samples stop counting, the window drains and the fault heals.
    traffic.x = 0;
    await inStatus('PIPE_DRIFT', 'HEALED');
  }, 120_000);

  it("a forged GAP (1 to 2^40) and HEARTBEAT (first = last = 2^40) in the name of the rule's writer change nothing: the rule still raises and heals (issue 66)", async () => {
    // An observer on the domain learns what an attacker would: the writer's GUID, the gateway's reader and its port.
    const observer = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
    const attacker = await FakePeer.open();
    try {
      const found = await eventually(async () => {
        const eps = observer.participant.endpoints().filter((e) => e.topicName === 'rt/pipe/out');
        const writer = eps.find((e) => e.kind === 'writer');
        const gateways = observer.participant.participants().filter((p) => p.vendorId === observer.participant.vendorId);
        const reader = eps.find((e) => e.kind === 'reader' && gateways.some((p) => p.guidPrefix === e.participantGuidPrefix));
        const gw = gateways.find((p) => p.guidPrefix === reader?.participantGuidPrefix);
        const port = reader?.unicastLocators[0]?.port ?? gw?.defaultUnicastLocators[0]?.port;
        return writer && reader && port ? { writer, reader, port } : undefined;
      }, "the /pipe/out writer and the gateway's reader of it", 30_000);
      const prefix = Buffer.from(found.writer.guid.slice(0, 24), 'hex');
      const ids = { readerId: parseInt(found.reader.guid.slice(24), 16), writerId: parseInt(found.writer.guid.slice(24), 16) };
      const forged = header(new Bytes(), prefix, 0x0110);
      gap(forged, { ...ids, start: sn(1n), base: sn(2n ** 40n), numBits: 0, words: [] });
      heartbeat(forged, { ...ids, first: sn(2n ** 40n), last: sn(2n ** 40n), count: 0x7fffffff });
      await attacker.send(forged.done(), found.port);
      // Before issue 66 the stream stopped for good here, and the rule never raised.
      traffic.x = 10;
      traffic.y = 1;
      await inStatus('PIPE_DRIFT', 'CONFIRMED');
      traffic.x = 0;
      await inStatus('PIPE_DRIFT', 'HEALED');
      const health = (await http(`${g.url}/api/v1/health`)).body;
      expect(health.warnings.map((w: { code: string }) => w.code)).not.toContain('ros_stream_stuck');
    } finally {
      attacker.close();
      await observer.close();
    }
  }, 120_000);

  it("a rule input that falls silent while its publisher lives degrades /health naming rule and topic, until it flows again (issue 66)", async () => {
    const silent = (h: { warnings: { code: string; message: string }[] }) => h.warnings.find((w) => w.code === 'graph_watchdog.value_rule_input_silent');
    traffic.pipeOn = false;
    try {
      const health = await eventually(async () => {
        const h = (await http(`${g.url}/api/v1/health`)).body;
        return silent(h) ? h : undefined;
      }, 'the silent input on /health', 60_000);
      expect(health.status).toBe('degraded');
      expect(silent(health)!.message).toMatch(/rule lateral: nothing on \/pipe\/out for \d+(\.\d)? s \(it came every \d+ ms\) although \S+ still publishes it/);
      expect((await watchdog()).detectors.value.silent_inputs).toContainEqual(expect.objectContaining({ rule: 'lateral', input: '/pipe/out' }));
    } finally {
      traffic.pipeOn = true;
    }
    await eventually(async () => !silent((await http(`${g.url}/api/v1/health`)).body), 'the warning gone once /pipe/out flows', 30_000);
  }, 120_000);

  it('a value rule over REST on a /diagnostics key raises under the watchdog App and heals; deleting it clears the fault', async () => {
    const created = await http(`${g.url}${RULES}`, { method: 'POST', json: { fault_code: 'GPS_GATE_REJECTING', sources: { r: 'diag:gps_gate/rejected' }, stat: 'mean', op: '>', threshold: 0.5, window_ms: 1000, description: 'the GPS gate rejects every fix' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'vr_1', origin: 'rest', severity: 'ERROR', min_samples: 1 });
    expect((await http(`${g.url}${RULES}/vr_1`)).body).toEqual(created.body);
    expect((await http(`${g.url}${RULES}`)).body.items.map((r: { id: string }) => r.id)).toEqual(['lateral', 'vr_1']);
    traffic.rejected = 1;
    const f = await inStatus('GPS_GATE_REJECTING', 'CONFIRMED');
    // The window may still hold a 0 from before the switch (a busy box: 3 of 4 samples at 1 is 0.75): above 0.5 it is.
    const mean = /rule vr_1: mean of diag:gps_gate\/rejected over 1000 ms is (1|0\.\d+) \(> 0\.5;/.exec(f.description);
    expect(mean, f.description).not.toBeNull();
    expect(Number(mean![1])).toBeGreaterThan(0.5);
    expect(f.description).toContain('the GPS gate rejects every fix');
    const listed = (await http(`${g.url}/api/v1/apps/graph_watchdog/faults`)).body.items as Fault[];
    expect(listed.map((x) => x.fault_code)).toContain('GPS_GATE_REJECTING');
    traffic.rejected = 0;
    await inStatus('GPS_GATE_REJECTING', 'HEALED');
    traffic.rejected = 1;
    await inStatus('GPS_GATE_REJECTING', 'CONFIRMED');
    expect((await http(`${g.url}${RULES}/vr_1`, { method: 'DELETE' })).status).toBe(204);
    await inStatus('GPS_GATE_REJECTING', 'CLEARED');
    expect((await http(`${g.url}${RULES}/vr_1`)).status).toBe(404);
  }, 120_000);

  it('bad value-rule requests get a SOVD 4xx naming the problem, never a 500', async () => {
    const post = (json: unknown) => http(`${g.url}${RULES}`, { method: 'POST', json });
    const ok = { fault_code: 'X_RULE', sources: { v: '/pipe/out.point.x' }, stat: 'min', op: '<', threshold: 0 };
    for (const [body, field] of [
      [{ ...ok, op: '=>' }, 'op'],
      [{ ...ok, value: `${'(v+'.repeat(20)}1${')'.repeat(20)}` }, 'value'],
      [{ ...ok, value: 'v'.repeat(300) }, 'value'],
      [{ ...ok, sources: { v: 'pipe/out' } }, 'sources.v'],
      [{ ...ok, enable: 'process.exit(1)' }, 'enable'],
      [{ ...ok, window_ms: 1e15 }, 'window_ms'],
      [{ ...ok, extra: 1 }, 'extra'],
      [{ ...ok, fault_code: '../etc' }, 'fault_code'],
      [[1, 2], 'rule'],
      ['text', 'rule'],
    ] as const) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body).toMatchObject({ error_code: 'invalid-parameter', parameters: { field } });
    }
    expect((await post({ ...ok, fault_code: 'PIPE_DRIFT' })).status).toBe(409);
    expect((await post({ ...ok, fault_code: 'GRAPH_ORPHAN' })).status).toBe(409);
    const raw = await fetch(`${g.url}${RULES}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fault_code": ' });
    expect(raw.status).toBe(400);
    expect((await http(`${g.url}${RULES}/lateral`, { method: 'DELETE' })).body).toMatchObject({ error_code: 'precondition-not-fulfilled' });
    expect((await http(`${g.url}${RULES}/nope`)).status).toBe(404);
    expect((await http(`${g.url}${RULES}/${'x'.repeat(100)}`)).status).toBe(400);
  }, 60_000);

  it('rules created over REST are there again after a restart, with their ids', async () => {
    const created = (await http(`${g.url}${RULES}`, { method: 'POST', json: { fault_code: 'KEPT_RULE', sources: { v: '/pipe/out.point.y' }, stat: 'stuck', window_ms: 3000 } })).body;
    expect(created.id).toBe('vr_2');
    await g.close();
    g = await startTestGateway({ defaults: true, flags: flags(join(dir, 'value-rules.json')) });
    const items = (await http(`${g.url}${RULES}`)).body.items;
    expect(items).toEqual([expect.objectContaining({ id: 'lateral', origin: 'config' }), created]);
    expect((await http(`${g.url}${RULES}`, { method: 'POST', json: { fault_code: 'NEXT_RULE', sources: { v: '/pipe/out.point.y' }, stat: 'max', op: '>', threshold: 1 } })).body.id).toBe('vr_3');
  }, 60_000);

  it('a rule on a topic nobody publishes: 201 with a warning, and /health says so until it appears (issue 54)', async () => {
    const r = await http(`${g.url}${RULES}`, { method: 'POST', json: { fault_code: 'NOBODY_RULE', sources: { v: '/nobody/here.x' }, stat: 'max', op: '>', threshold: 1 } });
    expect(r.status).toBe(201);
    expect(r.body.warnings).toEqual(['no node publishes /nobody/here yet: the rule waits for it']);
    const health = (await http(`${g.url}/api/v1/health`)).body;
    expect(health.warnings).toContainEqual(expect.objectContaining({ code: 'graph_watchdog.value_rule_topic_unknown', message: expect.stringContaining('/nobody/here') }));
  }, 60_000);
});
