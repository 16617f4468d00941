// Aggregation against the real faults feature: GET /faults from two gateways on one timeline, and a peer's
// /faults/stream events relayed into this gateway's peer fault-event hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultsFeature } from '../../src/faults/feature.js';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { PEER_FAULT_EVENTS_SERVICE, type RelayedFaultEvent } from '../../src/aggregation/index.js';
import { eventually, http, startPeer, type TestPeer } from './support.js';

type Json = Record<string, unknown>;

describe('aggregation with the real faults feature', () => {
  let safety: TestPeer;
  let main: TestPeer;
  const faultsOf = (g: TestPeer) => g.gateway.ctx.services.get(FAULTS_SERVICE);
  const fail = (g: TestPeer, code: string, source: string) =>
    faultsOf(g).report({ fault_code: code, event_type: 0, severity: 2, description: `${code} happened`, source_id: source });

  beforeAll(async () => {
    safety = await startPeer({ name: 'safety', manifest: 'mobile.yaml', features: [createFaultsFeature()] });
    main = await startPeer({ name: 'main', manifest: 'main.yaml', features: [createFaultsFeature()], peers: [{ name: 'safety', url: safety.url }] });
    // A read can miss its deadline on a loaded machine: check until the peer's tree is merged.
    await eventually(async () => {
      await main.aggregation!.checkNow();
      return main.aggregation!.peer('safety')?.status === 'online' && main.aggregation!.peer('safety')?.tree;
    });
  });
  afterAll(async () => {
    await main?.close();
    await safety?.close();
  });

  it('puts faults of both gateways on one timeline, newest first, each tagged with its gateway', async () => {
    // Each gateway anchors its wall clock to Date.now() (ms) at start, so two gateways in one process can
    // disagree by up to a millisecond, like two NTP-synced hosts: space the reports wider than that.
    const gap = () => new Promise((r) => setTimeout(r, 20));
    fail(safety, 'BRAKE_WORN', '/base/drive');
    await gap();
    fail(main, 'NAVIGATION_GOAL_ABORTED', '/nav/planner');
    await gap();
    fail(safety, 'PROTECTIVE_STOP', '/base/drive');
    const r = await http(`${main.url}/api/v1/faults`);
    expect(r.status).toBe(200);
    const items = r.body.items as Json[];
    expect(items.map((f) => [f.fault_code, (f['x-medkit'] as Json).gateway])).toEqual([
      ['PROTECTIVE_STOP', 'safety'],
      ['NAVIGATION_GOAL_ABORTED', 'local'],
      ['BRAKE_WORN', 'safety'],
    ]);
    const times = items.map((f) => f.last_occurred as number);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((r.body['x-medkit'] as Json).count).toBe(3);
    // The peer itself, asked the way a fan-out asks, answers with its own faults only.
    const own = await http(`${safety.url}/api/v1/faults`, { headers: { 'x-medkit-no-fan-out': '1' } });
    expect((own.body.items as Json[]).map((f) => f.fault_code).sort()).toEqual(['BRAKE_WORN', 'PROTECTIVE_STOP']);
  });

  it("relays the peer's /faults/stream events, marked with the peer name", async () => {
    const hub = main.gateway.ctx.services.get(PEER_FAULT_EVENTS_SERVICE);
    const got: RelayedFaultEvent[] = [];
    const off = hub.subscribe((e) => got.push(e));
    let n = 0;
    // The relay may still be connecting: report until one arrives.
    const e = await eventually(async () => {
      fail(safety, `ESTOP_${n++}`, '/base/drive');
      return got.find((x) => String((x.data.fault as Json | undefined)?.fault_code).startsWith('ESTOP_'));
    }, 60, 100);
    off();
    expect(e.peer).toBe('safety');
    expect(e.event).toBe('fault_confirmed');
    expect(e.data).toMatchObject({ event_type: 'fault_confirmed', 'x-medkit': { gateway: 'safety' } });
    expect(typeof e.peer_event_id).toBe('string');
  });
});
