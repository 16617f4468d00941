// Peers' fault events on this gateway's own /faults/stream (docs/faults.md, docs/aggregation.md; docs/aggregation.md), between
// real default gateways: a fault reported on the peer arrives on the local stream marked with the peer's
// name, local and relayed events share one id sequence, and a Last-Event-ID reconnect replays exactly the
// missed events of both kinds. (The loop guard, x-medkit.via, is exercised by mutual.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, SseReader } from './support.js';
import type { SseMessage } from '@medkit/sovd';

type Json = Record<string, unknown>;

const faultsOf = (g: { gateway: TestGateway['gateway'] }) => g.gateway.ctx.services.get(FAULTS_SERVICE);
const fail = (g: { gateway: TestGateway['gateway'] }, code: string, source: string) =>
  faultsOf(g).report({ fault_code: code, event_type: 0, severity: 2, description: `${code} happened`, source_id: source });
const codeOf = (m: SseMessage) => ((JSON.parse(m.data) as Json).fault as Json).fault_code as string;
const xm = (m: SseMessage) => (JSON.parse(m.data) as Json)['x-medkit'] as Json | undefined;

describe('peer fault events on the local /faults/stream', () => {
  let island: TestGateway;
  let main: TestGateway;
  const readers: SseReader[] = [];
  const read = async (g: TestGateway, headers: Record<string, string> = {}) => {
    const r = new SseReader(`${g.url}/api/v1/faults/stream`, headers);
    readers.push(r);
    await r.opened;
    return r;
  };

  beforeAll(async () => {
    island = await startTestGateway({ defaults: true });
    main = await startTestGateway({
      defaults: true,
      flags: {
        'aggregation.enabled': true,
        'aggregation.peer_names': ['island'],
        'aggregation.peer_urls': [island.url],
        'aggregation.health_check_interval_ms': 200,
      },
    });
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await main?.close();
    await island?.close();
  });

  it("shows the peer's fault on the local stream, marked with the peer, after the local events of the same sequence", async () => {
    const live = await read(main);
    // The relay connects once the first health check passed: report on the island until one event arrives.
    let n = 0;
    const first = await eventually(async () => {
      fail(island, `ISLAND_WARMUP_${n++}`, '/safety/safety_gate');
      return live.messages.find((m) => codeOf(m).startsWith('ISLAND_WARMUP_'));
    }, 100, 100);
    expect(first.event).toBe('fault_confirmed');
    expect(xm(first)).toMatchObject({ gateway: 'island' });
    expect(Array.isArray(xm(first)!.via)).toBe(true);

    fail(main, 'MAIN_LOCAL', '/navigation/bt_navigator');
    const local = await live.next((m) => codeOf(m) === 'MAIN_LOCAL');
    fail(island, 'PROTECTIVE_STOP', '/safety/safety_gate');
    const relayed = await live.next((m) => codeOf(m) === 'PROTECTIVE_STOP');
    expect(relayed.event).toBe('fault_confirmed');
    const data = JSON.parse(relayed.data) as Json;
    expect(data).toMatchObject({ event_type: 'fault_confirmed', fault: { fault_code: 'PROTECTIVE_STOP', reporting_sources: ['/safety/safety_gate'] }, 'x-medkit': { gateway: 'island' } });
    expect(xm(local)?.gateway).toBeUndefined();
    // One id sequence: every event this client got has the next id.
    const ids = live.messages.map((m) => Number(m.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    expect(Number(relayed.id)).toBeGreaterThan(Number(local.id));
    // /health counts what the stream took from peers.
    const health = (await (await fetch(`${main.url}/api/v1/health`)).json()) as Json;
    expect((health['x-medkit-faults'] as Json).peer_events_relayed).toBeGreaterThanOrEqual(2);
  });

  it('replays exactly the missed local and relayed events after Last-Event-ID', async () => {
    // `watch` stays connected and sees what the reconnecting client misses.
    const watch = await read(main);
    const gone = await read(main);
    fail(main, 'BEFORE_DISCONNECT', '/navigation/bt_navigator');
    const seen = await gone.next((m) => codeOf(m) === 'BEFORE_DISCONNECT');
    gone.close();

    fail(main, 'MISSED_LOCAL_1', '/navigation/bt_navigator');
    fail(island, 'MISSED_RELAYED', '/safety/safety_gate');
    await watch.next((m) => codeOf(m) === 'MISSED_RELAYED');
    fail(main, 'MISSED_LOCAL_2', '/navigation/bt_navigator');
    await watch.next((m) => codeOf(m) === 'MISSED_LOCAL_2');
    const missed = watch.messages.filter((m) => Number(m.id) > Number(seen.id));
    expect(missed.map(codeOf)).toEqual(['MISSED_LOCAL_1', 'MISSED_RELAYED', 'MISSED_LOCAL_2']);

    const again = await read(main, { 'Last-Event-ID': seen.id! });
    await again.next((m) => codeOf(m) === 'MISSED_LOCAL_2');
    expect(again.messages.map((m) => ({ id: m.id, event: m.event, data: m.data }))).toEqual(missed.map((m) => ({ id: m.id, event: m.event, data: m.data })));
    expect(xm(again.messages[1])).toMatchObject({ gateway: 'island' });

    // Live again: the next relayed event follows with the next id.
    fail(island, 'AFTER_RECONNECT', '/safety/safety_gate');
    const next = await again.next((m) => codeOf(m) === 'AFTER_RECONNECT');
    expect(Number(next.id)).toBe(Number(missed[2].id) + 1);
  });
});
