// GET …/faults/{code}/incident over real HTTP (docs/faults.md "Incident export") on a gateway without ROS: a fault
// without a recording still yields a valid MCAP with its metadata, its detail and history, and the log lines of
// its node in the window; unknown, out-of-scope and malformed codes are refused with the right 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McapIndexedReader } from '@mcap/core';
import { LOGS_SERVICE } from '@medkit/gateway';
import { startFaultGateway, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const BATTERY = '/base/battery_monitor';

describe('incident export over REST', () => {
  let g: FaultGateway;
  beforeAll(async () => {
    g = await startFaultGateway();
  });
  afterAll(async () => g?.close());

  it('answers an MCAP with the medkit_incident metadata, the fault with its history and the log lines of its node', async () => {
    const now = Date.now();
    const stamp = { sec: Math.floor(now / 1000), nanosec: (now % 1000) * 1e6 };
    const logs = g.gateway.ctx.services.get(LOGS_SERVICE);
    logs.ingestRosout({ stamp, level: 30, name: 'base.battery_monitor', node: BATTERY, msg: 'cell 3 below 3.1 V', file: 'monitor.cpp', function: 'check', line: 42 });
    logs.ingestRosout({ stamp, level: 20, name: 'base.motor_driver', node: '/base/motor_driver', msg: 'not this node', file: '', function: '', line: 0 });
    g.fail('BATTERY_LOW', BATTERY, 3, 'Battery below 15 %');
    const res = await fetch(`${g.url}/api/v1/apps/battery-monitor/faults/BATTERY_LOW/incident`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-mcap');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    const reader = await McapIndexedReader.Initialize({ readable: { size: async () => BigInt(bytes.length), read: async (o, l) => bytes.subarray(Number(o), Number(o + l)) } });
    expect(reader.channelsById.size).toBe(0);
    const meta = new Map<string, Map<string, string>>();
    for await (const m of reader.readMetadata()) meta.set(m.name, m.metadata);
    expect(Object.fromEntries(meta.get('medkit_incident')!)).toMatchObject({ fault_code: 'BATTERY_LOW', recording_id: '', fault_codes: '["BATTERY_LOW"]', product: 'medkit' });
    const attachments = new Map<string, any>();
    for await (const a of reader.readAttachments()) attachments.set(a.name, JSON.parse(new TextDecoder().decode(a.data)));
    expect([...attachments.keys()]).toEqual(['faults.json', 'freeze_frames.json', 'logs.json', 'gateway.json']);
    expect(attachments.get('faults.json')[0]['x-medkit'].status_history.map((h: { change: string }) => h.change)).toEqual(['occurred', 'confirmed']);
    expect(attachments.get('logs.json').items.map((l: { message: string; context: { line?: number } }) => [l.message, l.context.line])).toEqual([['cell 3 below 3.1 V', 42]]);
  });

  it('refuses an unknown, out-of-scope or malformed code with a SOVD 4xx, never a 500', async () => {
    const get = (path: string) => fetch(`${g.url}/api/v1${path}`);
    const unknown = await get('/faults/NO_SUCH/incident');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'NO_SUCH' } });
    expect((await get('/apps/motor-driver/faults/BATTERY_LOW/incident')).status).toBe(404);
    expect((await get(`/faults/${'X'.repeat(257)}/incident`)).status).toBe(400);
    expect((await get('/faults/BAD%20CODE/incident')).status).toBe(404); // a code no report can have: not found, as GET /faults/{code}
    expect((await get('/apps/no-such-app/faults/BATTERY_LOW/incident')).status).toBe(404);
  });
});
