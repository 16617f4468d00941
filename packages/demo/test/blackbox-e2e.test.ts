// The black box in the demo, as `npm start` runs it: the launcher starts both gateways, the safety
// island and the robot (ROS domains from this file's offsets, loopback); a person is triggered through
// the main gateway, and PROTECTIVE_STOP's detail — read through the main gateway — lists a recording
// whose full /api/v1 path downloads an MCAP file of the listed size, which @mcap/core reads, with the
// topics of the stop.
import { McapIndexedReader } from '@mcap/core';
import type { IReadable } from '@mcap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import { buildDemo, eventually, freePort, http, launch, type Launched } from '../../../test-support/demo/demo.js';

const DOMAIN = testDomain(202); // the island takes the next one (203)
let demo: Launched;
let base: string;

beforeAll(async () => {
  buildDemo();
  const [port, islandPort] = [await freePort(), await freePort()];
  demo = launch(['--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--speed', '10', '--no-autoplay', '--peer-check-ms', '500']);
  await demo.waitFor(/Press Ctrl-C to stop everything/, 270_000);
  base = `http://127.0.0.1:${port}`;
}, 300_000);

afterAll(async () => {
  if (demo) expect(await demo.stop()).toBe(0);
}, 60_000);

function readable(bytes: Uint8Array): IReadable {
  return {
    size: async () => BigInt(bytes.length),
    read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
  };
}

/** Messages per topic of an MCAP file. */
async function topicCounts(bytes: Uint8Array): Promise<Map<string, number>> {
  const reader = await McapIndexedReader.Initialize({ readable: readable(bytes) });
  const counts = new Map<string, number>();
  for await (const m of reader.readMessages()) {
    const topic = reader.channelsById.get(m.channelId)!.topic;
    counts.set(topic, (counts.get(topic) ?? 0) + 1);
  }
  return counts;
}

describe('the demo records the protective stop', () => {
  it('lists a recording in the fault detail that downloads as an MCAP of the stop', async () => {
    await eventually(async () => {
      const items = ((await http(`${base}/api/v1/apps`)).body?.items ?? []) as { id: string; 'x-medkit'?: { is_online?: boolean } }[];
      return items.some((a) => a.id === 'safety_gate') && items.find((a) => a.id === 'lidar')?.['x-medkit']?.is_online ? true : undefined;
    }, 'the robot and the safety gate', 60_000);
    // The black box buffers for a moment before the person steps in.
    await new Promise((r) => setTimeout(r, 3000));
    const run = await http(`${base}/api/v1/apps/scenario/operations/trigger_person/executions`, { method: 'POST', json: {} });
    expect(run.status).toBe(200);

    const bag = await eventually(async () => {
      const d = (await http(`${base}/api/v1/apps/safety_gate/faults/PROTECTIVE_STOP`)).body;
      return (d?.environment_data?.snapshots as any[] | undefined)?.find((s) => s.type === 'rosbag');
    }, 'a recording in the PROTECTIVE_STOP detail', 60_000);
    expect(bag).toMatchObject({ format: 'mcap' });
    expect(bag.bulk_data_uri).toMatch(/^\/apps\/safety_gate\/bulk-data\/rosbags\/fault_PROTECTIVE_STOP_\d+$/);
    expect(bag['x-medkit'].captured_at).toMatch(/Z$/);

    const listed = (await http(`${base}/api/v1/apps/safety_gate/bulk-data/rosbags`)).body.items as { id: string; size: number }[];
    const descriptor = listed.find((d) => bag.bulk_data_uri.endsWith(`/${d.id}`))!;
    expect(descriptor).toBeDefined();

    const res = await fetch(`${base}/api/v1${bag.bulk_data_uri}`, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-mcap');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBe(descriptor.size);
    expect(bytes.length).toBe(bag.size_bytes);

    const reader = await McapIndexedReader.Initialize({ readable: readable(bytes) });
    const topics = new Set([...reader.channelsById.values()].map((c) => c.topic));
    for (const t of ['/safety/safety_gate/min_range_m', '/safety/safety_gate/commanded_vx', '/scan', '/cmd_vel_safe', '/safety/protective_stop']) {
      expect(topics, t).toContain(t);
    }
    const counts = await topicCounts(bytes);
    // A window of the gate's inputs around the stop (seconds at 10 Hz), not a single sample; counted
    // loosely, a loaded machine delivers fewer scans.
    expect(counts.get('/safety/safety_gate/min_range_m') ?? 0).toBeGreaterThan(3);
    expect(counts.get('/scan') ?? 0).toBeGreaterThan(3);
    expect(bag.duration_sec).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('records the robot\'s two aborts in one recording named after the island\'s stop, with the stop in it (one recording per incident)', async () => {
    // The person of the first test stopped the robot; its navigation aborts confirmed on the main gateway as symptoms of the stop.
    const rosbagOf = async (app: string, code: string) => {
      const d = (await http(`${base}/api/v1/apps/${app}/faults/${code}`)).body;
      return (d?.environment_data?.snapshots as any[] | undefined)?.find((s) => s.type === 'rosbag');
    };
    const nav = await eventually(() => rosbagOf('bt_navigator', 'NAVIGATION_GOAL_ABORTED'), 'a recording of NAVIGATION_GOAL_ABORTED', 60_000);
    const action = await eventually(() => rosbagOf('bt_navigator', 'ACTION_NAVIGATE_TO_POSE_ABORTED'), 'a recording of ACTION_NAVIGATE_TO_POSE_ABORTED', 60_000);
    expect(nav.bulk_data_uri).toMatch(/\/bulk-data\/rosbags\/fault_PROTECTIVE_STOP_\d+$/);
    expect(action.bulk_data_uri.split('/').pop()).toBe(nav.bulk_data_uri.split('/').pop());
    const res = await fetch(`${base}/api/v1${nav.bulk_data_uri}`, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    const seen = await topicCounts(new Uint8Array(await res.arrayBuffer()));
    expect(seen.get('/safety/protective_stop') ?? 0).toBeGreaterThan(0);
    expect(seen.get('/cmd_vel') ?? 0).toBeGreaterThan(3);
  }, 120_000);

  it('hands the abort\'s incident on as one MCAP file: the recording, the faults with their histories, freeze frames, log lines and the gateway', async () => {
    const res = await fetch(`${base}/api/v1/apps/bt_navigator/faults/NAVIGATION_GOAL_ABORTED/incident`, { signal: AbortSignal.timeout(30_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-mcap');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="incident_NAVIGATION_GOAL_ABORTED_\d+\.mcap"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect((await topicCounts(bytes)).get('/safety/protective_stop') ?? 0).toBeGreaterThan(0);
    const reader = await McapIndexedReader.Initialize({ readable: readable(bytes) });
    const meta = new Map<string, Map<string, string>>();
    for await (const m of reader.readMetadata()) meta.set(m.name, m.metadata);
    const incident = meta.get('medkit_incident')!;
    expect(incident.get('fault_code')).toBe('NAVIGATION_GOAL_ABORTED');
    expect(incident.get('root_cause')).toBe('PROTECTIVE_STOP');
    expect(JSON.parse(incident.get('fault_codes')!)).toEqual(expect.arrayContaining(['NAVIGATION_GOAL_ABORTED', 'ACTION_NAVIGATE_TO_POSE_ABORTED']));
    expect(incident.get('recording_id')).toMatch(/^fault_PROTECTIVE_STOP_\d+$/);
    expect(incident.get('medkit_version')).toMatch(/^\d+\.\d+\.\d+/);
    expect(meta.has('medkit_blackbox')).toBe(true); // the recording's own notes came along
    const attachments = new Map<string, unknown>();
    for await (const a of reader.readAttachments()) attachments.set(a.name, JSON.parse(new TextDecoder().decode(a.data)));
    const faults = attachments.get('faults.json') as { item: { code: string }; 'x-medkit': { status_history: { change: string }[] } }[];
    const nav = faults.find((d) => d.item.code === 'NAVIGATION_GOAL_ABORTED')!;
    expect(nav['x-medkit'].status_history.map((h) => h.change)).toEqual(expect.arrayContaining(['occurred', 'confirmed', 'muted']));
    expect(Object.keys(attachments.get('freeze_frames.json') as object)).toContain('NAVIGATION_GOAL_ABORTED');
    const logs = attachments.get('logs.json') as { items: { message: string; context: { node: string } }[] };
    expect(logs.items.some((l) => l.context.node === 'navigation.bt_navigator' && /aborted/.test(l.message))).toBe(true);
    expect(attachments.get('gateway.json')).toMatchObject({ product: 'medkit' });
  }, 120_000);
});
