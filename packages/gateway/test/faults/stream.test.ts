// GET /faults/stream over real HTTP (docs/faults.md): named events with id lines, exact Last-Event-ID replay,
// the documented behaviour when the replay buffer no longer holds the missed events, keep-alives, the SSE
// cap, hundreds of concurrent clients, and the symptoms cleared with a root cause (auto_cleared_codes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const BATTERY = '/base/battery_monitor';

describe('fault event stream', () => {
  let g: FaultGateway;
  const open: SseClient[] = [];
  const connect = async (headers: Record<string, string> = {}) => {
    const c = await openSse(`${g.url}/api/v1/faults/stream`, headers);
    open.push(c);
    return c;
  };
  beforeAll(async () => {
    g = await startFaultGateway({ flags: { 'faults.event_replay_buffer': 5, 'sse.max_clients': 400 }, feature: { keepaliveMs: 300 } });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await g?.close();
  });

  it('sends named events with ids, the list-item fault and the entity of the first source', async () => {
    const c = await connect();
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toBe('text/event-stream');
    g.fail('STREAM_A', BATTERY, 2, 'first');
    g.fail('STREAM_A', BATTERY, 2, 'again');
    g.faults.manager.clear('STREAM_A');
    const msgs = [await c.next(), await c.next(), await c.next()];
    expect(msgs.map((m) => m.event)).toEqual(['fault_confirmed', 'fault_updated', 'fault_cleared']);
    const ids = msgs.map((m) => Number(m.id));
    expect(ids[1]).toBe(ids[0] + 1);
    expect(ids[2]).toBe(ids[0] + 2);
    const data = JSON.parse(msgs[0].data);
    expect(data).toMatchObject({
      event_type: 'fault_confirmed', 'x-medkit': { entity_type: 'apps', entity_id: 'battery-monitor' },
      fault: { fault_code: 'STREAM_A', severity: 2, severity_label: 'error', status: 'CONFIRMED', reporting_sources: [BATTERY], entity_id: 'battery-monitor', 'x-medkit': { status: 'CONFIRMED', sovd_status: { aggregatedStatus: 'active' } } },
    });
    expect(typeof data.timestamp).toBe('number');
    expect(JSON.parse(msgs[2].data).fault['x-medkit'].status).toBe('CLEARED');
    c.close();
  });

  it('replays exactly the missed events after Last-Event-ID, then continues live', async () => {
    const c = await connect();
    g.fail('STREAM_B', BATTERY, 3);
    const seen = await c.next();
    c.close();
    // Something new (a description), so an event: a re-report with nothing new has none (docs/faults.md D4).
    g.fail('STREAM_B', BATTERY, 3, 'worse');
    g.fail('STREAM_C', '/base/motor_driver', 3);
    g.faults.manager.clear('STREAM_B');
    const again = await connect({ 'Last-Event-ID': seen.id! });
    const replay = [await again.next(), await again.next(), await again.next()];
    expect(replay.map((m) => Number(m.id))).toEqual([Number(seen.id) + 1, Number(seen.id) + 2, Number(seen.id) + 3]);
    expect(replay.map((m) => m.event)).toEqual(['fault_updated', 'fault_confirmed', 'fault_cleared']);
    expect(JSON.parse(replay[1].data)['x-medkit']).toEqual({ entity_type: 'apps', entity_id: 'motor-driver' });
    g.fail('STREAM_D', BATTERY, 3);
    const live = await again.next();
    expect(Number(live.id)).toBe(Number(seen.id) + 4);
    expect(again.buffered()).toEqual([]);
    // An up-to-date id replays nothing.
    const current = await connect({ 'Last-Event-ID': live.id! });
    g.fail('STREAM_D', BATTERY, 3, 'again');
    expect(Number((await current.next()).id)).toBe(Number(live.id) + 1);
    again.close();
    current.close();
  });

  it('says when the replay buffer lost events, then sends every buffered event', async () => {
    const c = await connect();
    g.fail('STREAM_E', BATTERY, 3);
    const seen = await c.next();
    c.close();
    for (let i = 0; i < 8; i++) g.fail('STREAM_E', BATTERY, 3, `report ${i}`); // each new: each an event
    const again = await connect({ 'Last-Event-ID': seen.id! });
    const first = await again.next();
    expect(first.event).toBe('replay_truncated');
    const last = Number(seen.id) + 8;
    expect(JSON.parse(first.data)).toEqual({ requested_id: Number(seen.id), first_id: last - 4, last_id: last });
    const rest = [];
    for (let i = 0; i < 5; i++) rest.push(Number((await again.next()).id));
    expect(rest).toEqual([last - 4, last - 3, last - 2, last - 1, last]);
    // An id from the future (an earlier gateway run) is too old as well.
    const future = await connect({ 'Last-Event-ID': String(last + 1000) });
    expect((await future.next()).event).toBe('replay_truncated');
    again.close();
    future.close();
  });

  it('sends keep-alive comments when idle', async () => {
    const c = await connect();
    const isKeepalive = (x: string) => x.startsWith(':keepalive') || x.startsWith('keepalive');
    // The first keep-alive, within three of its 300 ms periods (an event with a deadline, not a sleep: issue 58).
    await until(() => (c.comments.some(isKeepalive) ? true : undefined), 'a keep-alive comment', 900).catch(() => undefined);
    expect(c.comments.some((x) => x.startsWith(':keepalive') || x.startsWith('keepalive'))).toBe(true);
    c.close();
  });

  it('delivers one event to 300 concurrent clients', async () => {
    const clients = await Promise.all(Array.from({ length: 300 }, () => connect()));
    expect(clients.every((c) => c.status === 200)).toBe(true);
    g.fail('STREAM_FANOUT', BATTERY, 3);
    const got = await Promise.all(clients.map((c) => c.next(10_000)));
    expect(new Set(got.map((m) => m.id)).size).toBe(1);
    expect(got.every((m) => JSON.parse(m.data).fault.fault_code === 'STREAM_FANOUT')).toBe(true);
    for (const c of clients) c.close();
  });
});

describe('faults as a trigger source', () => {
  it('fires a trigger on an area when a member app reports a fault (faults sampler + change push)', async () => {
    const g = await startFaultGateway();
    let c: SseClient | undefined;
    try {
      const t = await g.api('POST', '/areas/base/triggers', { body: { resource: '/api/v1/areas/base/faults', trigger_condition: { condition_type: 'OnChange' }, multishot: true } });
      expect(t.status).toBe(201);
      c = await openSse(`${g.url}${t.body.event_source}`);
      g.fail('TRIGGERED', '/base/motor_driver', 3, 'motor stalled');
      const ev = await c.nextJson<{ payload: { fault_code: string; entity_id: string } }>(10_000);
      // The native fault item plus event_type (docs/triggers.md).
      expect(ev.payload).toMatchObject({ fault_code: 'TRIGGERED', entity_id: 'motor-driver', event_type: 'fault_confirmed' });
      // Cyclic subscriptions read the collection through the same sampler, as the fault manager's list (docs/subscriptions.md).
      const sub = await g.api('POST', '/apps/motor-driver/cyclic-subscriptions', { body: { resource: '/api/v1/apps/motor-driver/faults', interval: 'fast', duration: 10 } });
      expect(sub.status).toBe(201);
      const cyc = await openSse(`${g.url}${sub.body.event_source}`);
      try {
        const tick = await cyc.nextJson<{ payload: { faults: { fault_code: string }[]; count: number; items?: unknown } }>(10_000);
        expect(tick.payload).toMatchObject({ faults: [{ fault_code: 'TRIGGERED' }], count: 1 });
        expect(tick.payload.items).toBeUndefined();
      } finally {
        cyc.close();
      }
    } finally {
      c?.close();
      await g.close();
    }
  }, 30_000);
});

describe('fault event stream capacity', () => {
  it('answers 503 above sse.max_clients', async () => {
    const g = await startFaultGateway({ flags: { 'sse.max_clients': 2 } });
    const clients: SseClient[] = [];
    try {
      clients.push(await openSse(`${g.url}/api/v1/faults/stream`), await openSse(`${g.url}/api/v1/faults/stream`));
      const third = await openSse(`${g.url}/api/v1/faults/stream`);
      clients.push(third);
      expect(third.status).toBe(503);
      expect(third.errorBody).toMatchObject({ error_code: 'service-unavailable' });
    } finally {
      for (const c of clients) c.close();
      await g.close();
    }
  });
});

describe('fault event stream with correlation (the reference 0.7.0, #573)', () => {
  let g: FaultGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-stream-corr-'));
    const rules = join(dir, 'correlation.yaml');
    writeFileSync(rules, `correlation:\n  enabled: true\n  rules:\n    - id: estop_cascade\n      root_cause: { codes: ["ESTOP_001"] }\n      symptoms: [ {codes: ["DRIVE_*"]} ]\n      window_ms: 5000\n`);
    g = await startFaultGateway({ flags: { 'faults.correlation.config_file': rules } });
  });
  afterAll(async () => {
    await g?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the symptoms cleared with their root cause in auto_cleared_codes of the fault_cleared event', async () => {
    const c = await openSse(`${g.url}/api/v1/faults/stream`);
    g.fail('ESTOP_001', BATTERY, 3);
    g.fail('DRIVE_LEFT', BATTERY, 2);
    g.fail('DRIVE_RIGHT', BATTERY, 2);
    const del = await g.api('DELETE', '/faults/ESTOP_001');
    expect(del.status).toBe(204);
    let cleared;
    for (;;) {
      const m = await c.next();
      if (m.event === 'fault_cleared') {
        cleared = JSON.parse(m.data);
        break;
      }
    }
    c.close();
    expect(cleared.fault.fault_code).toBe('ESTOP_001');
    expect([...cleared.auto_cleared_codes].sort()).toEqual(['DRIVE_LEFT', 'DRIVE_RIGHT']);
    expect(g.faults.manager.getFault('DRIVE_LEFT')?.status).toBe('CLEARED');
  });
});
