// The incident view's pure parts: the recording decoder on an MCAP written here (ros2msg schemas, CDR
// messages, as the gateway's black box writes them), field flattening, plot defaults, the correlation read
// from the fault list, the dashboard's grouping, and the graph model's neighbourhood and finding targets.
import { describe, expect, it } from 'vitest';
import { McapWriter, type IWritable } from '@mcap/core';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg2-serialization';
import { decodeMcap } from '../src/incident/mcap-decode';
import { flattenMessage } from '../src/incident/field-flatten';
import { defaultFields, pointsAround } from '../src/incident/plot-model';
import { correlationOf } from '../src/incident/incident-model';
import { groupByRootCause, rootCausesOf } from '../src/model/fault-groups';
import { normalizeFaultList } from '../src/model/faults';
import { buildRobotGraph, findingTargets, neighbourhood } from '../src/graph/robot-graph';

const TWIST = `geometry_msgs/Vector3 linear
geometry_msgs/Vector3 angular
================================================================================
MSG: geometry_msgs/Vector3
float64 x
float64 y
float64 z`;
const SCAN = `float32 angle_min
float32 angle_increment
float32[] ranges`;

class Sink implements IWritable {
  chunks: Uint8Array[] = [];
  private pos = 0n;
  async write(b: Uint8Array) {
    this.chunks.push(b.slice());
    this.pos += BigInt(b.byteLength);
  }
  position() {
    return this.pos;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks.flatMap((c) => [...c]));
  }
}

async function recording(): Promise<Uint8Array> {
  const sink = new Sink();
  const w = new McapWriter({ writable: sink, chunkSize: 512 });
  await w.start({ profile: 'ros2', library: 'test' });
  const enc = new TextEncoder();
  const twistSchema = await w.registerSchema({ name: 'geometry_msgs/msg/Twist', encoding: 'ros2msg', data: enc.encode(TWIST) });
  const scanSchema = await w.registerSchema({ name: 'test_msgs/msg/Scan', encoding: 'ros2msg', data: enc.encode(SCAN) });
  const cmd = await w.registerChannel({ schemaId: twistSchema, topic: '/cmd_vel', messageEncoding: 'cdr', metadata: new Map() });
  const scan = await w.registerChannel({ schemaId: scanSchema, topic: '/scan', messageEncoding: 'cdr', metadata: new Map() });
  const twist = new MessageWriter(parse(TWIST, { ros2: true }));
  const scanW = new MessageWriter(parse(SCAN, { ros2: true }));
  const t0 = 1_800_000_000n * 1_000_000_000n;
  for (let i = 0; i < 10; i++) {
    const t = t0 + BigInt(i) * 100_000_000n;
    const vx = i < 5 ? 0.4 : 0;
    await w.addMessage({ channelId: cmd, sequence: i, logTime: t, publishTime: t, data: twist.writeMessage({ linear: { x: vx, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } }) });
    await w.addMessage({ channelId: scan, sequence: i, logTime: t, publishTime: t, data: scanW.writeMessage({ angle_min: -1, angle_increment: 0.5, ranges: new Float32Array([3 - i * 0.25, Infinity, 2]) }) });
  }
  await w.end();
  return sink.bytes();
}

describe('recording decoder', () => {
  it('decodes ros2msg/CDR messages into per-topic series, arrays as finite min and mean', async () => {
    const progress: number[] = [];
    const r = decodeMcap(await recording(), (done) => progress.push(done));
    expect(progress.length).toBeGreaterThan(0);
    expect(r.messageCount).toBe(20);
    expect(r.startSec).toBeCloseTo(1_800_000_000, 3);
    expect(r.endSec - r.startSec).toBeCloseTo(0.9, 3);
    const cmd = r.topics.find((t) => t.topic === '/cmd_vel')!;
    expect(cmd.type).toBe('geometry_msgs/msg/Twist');
    expect(cmd.fields.find((f) => f.key === 'linear.x')!.values.slice(4, 6)).toEqual([0.4, 0]);
    expect(defaultFields(cmd)).toEqual(['linear.x']);
    const scan = r.topics.find((t) => t.topic === '/scan')!;
    const min = scan.fields.find((f) => f.key === 'ranges (min)')!;
    const mean = scan.fields.find((f) => f.key === 'ranges (mean)')!;
    expect(min.values[0]).toBeCloseTo(2, 5);
    expect(mean.values[9]).toBeCloseTo((0.75 + 2) / 2, 5); // inf left out
    expect(defaultFields(scan)).toEqual(['ranges (min)', 'ranges (mean)']);
    expect(pointsAround(scan.times, r.startSec + 0.45)).toEqual({ before: 5, after: 5 });
  });

  it('says why a file is not a readable recording', () => {
    expect(() => decodeMcap(new TextEncoder().encode('not an mcap file at all'))).toThrow();
  });

  it('flattens numbers, booleans and arrays, leaving time stamps out', () => {
    expect(flattenMessage({ header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'map' }, ok: true, poses: [{}, {}], v: new Float64Array([1, 3]) })).toEqual([
      { key: 'ok', kind: 'state', value: 1 },
      { key: 'poses (length)', kind: 'length', value: 2 },
      { key: 'v (min)', kind: 'min', value: 1 },
      { key: 'v (mean)', kind: 'mean', value: 2 },
    ]);
  });
});

const LIST = {
  items: [
    { fault_code: 'PROTECTIVE_STOP', entity_id: 'island_link', severity: 3, status: 'HEALED', 'x-medkit': { status: 'HEALED', gateway: 'local' }, last_occurred: 10 },
    { fault_code: 'ACTION_NAVIGATE_TO_POSE_ABORTED', entity_id: 'bt_navigator', severity: 2, 'x-medkit': { status: 'CONFIRMED', gateway: 'local' }, last_occurred: 11 },
    { fault_code: 'NAVIGATION_GOAL_ABORTED', entity_id: 'bt_navigator', severity: 2, 'x-medkit': { status: 'CONFIRMED', gateway: 'local' }, last_occurred: 12 },
    { fault_code: 'BATTERY_LOW', entity_id: 'battery_monitor', severity: 1, 'x-medkit': { status: 'CONFIRMED' }, last_occurred: 13 },
  ],
  'x-medkit': {
    muted_faults: [
      { fault_code: 'ACTION_NAVIGATE_TO_POSE_ABORTED', root_cause_code: 'PROTECTIVE_STOP', rule_id: 'r', delay_ms: 5 },
      { fault_code: 'NAVIGATION_GOAL_ABORTED', root_cause_code: 'PROTECTIVE_STOP', rule_id: 'r', delay_ms: 7 },
    ],
  },
};

describe('correlation', () => {
  it('reads a root cause with its symptoms, and a symptom with its root cause', () => {
    const root = correlationOf(LIST, 'PROTECTIVE_STOP');
    expect(root.rootCause).toBeUndefined();
    expect(root.symptoms.map((s) => [s.code, s.entityId])).toEqual([
      ['ACTION_NAVIGATE_TO_POSE_ABORTED', 'bt_navigator'],
      ['NAVIGATION_GOAL_ABORTED', 'bt_navigator'],
    ]);
    expect(correlationOf(LIST, 'NAVIGATION_GOAL_ABORTED').rootCause).toEqual([{ code: 'PROTECTIVE_STOP', entityId: 'island_link', status: 'HEALED', gateway: 'local' }]);
    expect(correlationOf(LIST, 'BATTERY_LOW')).toMatchObject({ symptoms: [], rootCause: undefined });
  });

  it('shows every status of the page as the fault store has it now: the root cause beside its symptoms, the fault with its count', async () => {
    const { liveFault, withLiveState, withLiveStatuses } = await import('../src/incident/incident-model');
    // The list said the root cause HEALED; the stream has since confirmed it again (occurrence 3).
    const store = [
      { code: 'PROTECTIVE_STOP', entityId: 'island_link', rawStatus: 'CONFIRMED', occurrences: 3 },
      { code: 'NAVIGATION_GOAL_ABORTED', entityId: 'bt_navigator', rawStatus: 'CONFIRMED', occurrences: 1 },
    ];
    const c = withLiveStatuses(correlationOf(LIST, 'NAVIGATION_GOAL_ABORTED'), store);
    expect(c.rootCause?.map((r) => r.status)).toEqual(['CONFIRMED']);
    // Status and count change together; a fault the store does not have keeps what the read said.
    expect(withLiveState({ rawStatus: 'HEALED', occurrences: 2, code: 'PROTECTIVE_STOP' }, liveFault(store, 'PROTECTIVE_STOP', 'island_link'))).toEqual({ rawStatus: 'CONFIRMED', occurrences: 3, code: 'PROTECTIVE_STOP' });
    expect(liveFault(store, 'PROTECTIVE_STOP', 'other_entity')).toBeUndefined();
    expect(withLiveState({ rawStatus: 'HEALED', occurrences: 2 }, undefined)).toEqual({ rawStatus: 'HEALED', occurrences: 2 });
  });

  it("adds the roots muted symptoms' events named after the list was read", () => {
    const later = new Map([
      ['NAVIGATION_GOAL_ABORTED', 'PROTECTIVE_STOP'],
      ['LOCALIZATION_LOST', 'PROTECTIVE_STOP'],
    ]);
    expect(correlationOf(LIST, 'PROTECTIVE_STOP', later).symptoms.map((s) => [s.code, s.entityId])).toEqual([
      ['ACTION_NAVIGATE_TO_POSE_ABORTED', 'bt_navigator'],
      ['NAVIGATION_GOAL_ABORTED', 'bt_navigator'],
      ['LOCALIZATION_LOST', undefined],
    ]);
    expect(correlationOf(LIST, 'LOCALIZATION_LOST', later).rootCause).toEqual([{ code: 'PROTECTIVE_STOP', entityId: 'island_link', status: 'HEALED', gateway: 'local' }]);
  });

  it('groups symptoms under their root cause on the dashboard, keeping a healed root that no filter lists', () => {
    const all = normalizeFaultList(LIST);
    const active = all.filter((f) => f.rawStatus === 'CONFIRMED');
    const rows = groupByRootCause(active, all, rootCausesOf(LIST));
    expect(rows.map((r) => [r.fault.code, r.depth, r.keptForSymptoms ?? false])).toEqual([
      ['PROTECTIVE_STOP', 0, true],
      ['ACTION_NAVIGATE_TO_POSE_ABORTED', 1, false],
      ['NAVIGATION_GOAL_ABORTED', 1, false],
      ['BATTERY_LOW', 0, false],
    ]);
    expect(groupByRootCause(active, all, new Map()).map((r) => r.depth)).toEqual([0, 0, 0]);
  });
});

describe('robot graph', () => {
  const g = buildRobotGraph([
    { appId: 'scan_filter', fqn: '/perception/scan_filter', online: true, topics: [{ name: '/scan', direction: 'subscribe' }, { name: '/perception/scan_stats', direction: 'publish' }, { name: '/rosout', direction: 'publish' }], services: ['/perception/scan_filter/get_state'] },
    { appId: 'local_costmap', fqn: '/navigation/local_costmap', online: true, topics: [{ name: '/perception/scan_stats', direction: 'subscribe' }], services: ['/clear_costmap'] },
    { appId: 'lidar', fqn: '/sensors/lidar', online: true, topics: [{ name: '/scan', direction: 'publish' }], services: [] },
    { appId: 'battery', fqn: '/base/battery', online: true, topics: [{ name: '/battery', direction: 'publish' }], services: [] },
  ]);

  it('draws nodes, topics and services as rqt_graph does, without /rosout and lifecycle services', () => {
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['node:battery', 'node:lidar', 'node:local_costmap', 'node:scan_filter', 'service:/clear_costmap', 'topic:/battery', 'topic:/perception/scan_stats', 'topic:/scan']);
    expect(g.edges).toContainEqual({ from: 'topic:/perception/scan_stats', to: 'node:local_costmap' });
  });

  it("puts a QoS finding on its topic → subscriber edge and keeps a node's neighbourhood", () => {
    const t = findingTargets({ code: 'GRAPH_QOS_MISMATCH', severity: 2, subject: '/perception/scan_stats|/navigation/local_costmap', text: '' }, g);
    expect(t.edge).toEqual({ from: 'topic:/perception/scan_stats', to: 'node:local_costmap' });
    const n = neighbourhood(g, 'local_costmap');
    expect(n.nodes.map((x) => x.id).sort()).toEqual(['node:local_costmap', 'node:scan_filter', 'service:/clear_costmap', 'topic:/perception/scan_stats']);
  });
});

describe('occurrences of a fault', async () => {
  const { occurrencesOf, pickOccurrence, recordingDue, recordingToOpen } = await import('../src/incident/occurrences');
  const { parseRoute, routeHash } = await import('../src/model/route');
  const frame = (ms: number) => ({ name: 'f', kind: 'signals' as const, capturedAtMs: ms, data: {}, signals: [], charts: [] });
  const rec = (ms: number, capturedAtMs?: number) => ({ name: `r${ms}`, path: `/apps/a/bulk-data/rosbags/fault_X_${ms}`, capturedAtMs });

  it('joins each recording to the capture it was made for, newest first; a recording without a capture is one too', () => {
    const [a, b, c, d] = [0, 600_000, 1_200_000, 3_600_000].map((dt) => 1_774_232_400_000 + dt);
    // a's recording is listed with its write time; b's only by its name (fault_<CODE>_<ms>).
    const list = occurrencesOf([frame(a), frame(a), frame(b), frame(c)], [rec(a, a + 2_500), rec(b), rec(d)]);
    expect(list.map((o) => [o.atMs, o.captureMs, o.recording?.name])).toEqual([
      [d, undefined, `r${d}`],
      [c, c, undefined],
      [b, b, `r${b}`],
      [a, a, `r${a}`],
    ]);
    expect(pickOccurrence(list, b)?.recording?.name).toBe(`r${b}`);
    expect(pickOccurrence(list, 42)?.atMs).toBe(d);
    expect(pickOccurrence([], undefined)).toBeUndefined();
  });

  it('expects a recording for a newest occurrence younger than its writing takes, when the gateway records', () => {
    const [a, b] = [1_774_232_400_000, 1_774_232_460_000];
    const list = occurrencesOf([frame(a), frame(b)], [rec(a, a + 2_000)]);
    expect(list[0].atMs).toBe(b);
    expect(recordingDue(list[0], list, b + 3_000)).toBe(true);
    // Too old to be still written, or no occurrence has a recording (the gateway does not record).
    expect(recordingDue(list[0], list, b + 30_000)).toBe(false);
    expect(recordingDue(list[0], occurrencesOf([frame(a), frame(b)], []), b + 3_000)).toBe(false);
    // The older one has its recording.
    expect(recordingDue(list[1], list, b + 3_000)).toBe(false);
  });

  it('gives each recording to one occurrence of the stored history, also when two occurrences are under a second apart', () => {
    const h = (occurrence: number, change: string, atMs: number) => ({ status: change, change, atMs, occurrence, origin: 'gateway' as const });
    const t0 = 1_774_232_400_000;
    // CI's timing: the second confirmation came 955 ms after the first; each recording is stamped at its confirmation.
    const [c1, c2] = [t0 + 40, t0 + 995];
    const history = [h(1, 'occurred', t0), h(1, 'confirmed', c1), h(1, 'healed', t0 + 700), h(2, 'occurred', t0 + 960), h(2, 'confirmed', c2)];
    const list = occurrencesOf([frame(c1), frame(c2)], [rec(c1, c1), rec(c2, c2)], history);
    expect(list.map((o) => [o.number, o.atMs, o.captureMs, o.recording?.name])).toEqual([
      [2, c2, c2, `r${c2}`],
      [1, c1, c1, `r${c1}`],
    ]);
    // Evidence stamped just before the first change still counts, up to a second when the occurrences are far apart.
    const far = [h(1, 'occurred', t0), h(2, 'occurred', t0 + 60_000)];
    expect(occurrencesOf([], [rec(t0 + 59_200, t0 + 59_200)], far).map((o) => o.recording?.name)).toEqual([`r${t0 + 59_200}`, undefined]);
  });

  it('names the recording the view opens from the raw answers, either of them alone', () => {
    const detail = { item: { code: 'X' }, environment_data: { snapshots: [{ type: 'rosbag', name: 'r', bulk_data_uri: '/api/v1/apps/a/bulk-data/rosbags/fault_X_1774232402000', 'x-medkit': { captured_at: '2026-03-23T02:20:02.000Z' } }] } };
    const listing = { items: [{ id: 'fault_X_1774232402000', name: 'r', creation_date: '2026-03-23T02:20:02.000Z', 'x-medkit': { fault_codes: ['X'] } }, { id: 'fault_Y_1', 'x-medkit': { fault_codes: ['Y'] } }] };
    const path = '/apps/a/bulk-data/rosbags/fault_X_1774232402000';
    expect(recordingToOpen(detail, undefined, '/apps/a', 'X', undefined)?.path).toBe(path);
    expect(recordingToOpen(undefined, listing, '/apps/a', 'X', undefined)?.path).toBe(path);
    expect(recordingToOpen(detail, listing, '/apps/a', 'X', undefined)?.path).toBe(path);
    expect(recordingToOpen(undefined, listing, '/apps/a', 'Z', undefined)).toBeUndefined();
  });

  it("gives each panel only the chosen occurrence's evidence, and names the nearest occurrence that has what it lacks", async () => {
    const { framesOf, nearestWith, occurrenceName, occurrenceWindow, durationMs, evidenceText } = await import('../src/incident/occurrence-evidence');
    const h = (occurrence: number, change: string, atMs: number) => ({ status: change, change, atMs, occurrence, origin: 'gateway' as const });
    const t0 = 1_774_232_400_000;
    // Three stops: #1 captured and recorded, #2 (healed after 4 s) with nothing of its own, #3 (active) captured only.
    const history = [h(1, 'confirmed', t0), h(1, 'healed', t0 + 2_000), h(2, 'confirmed', t0 + 60_000), h(2, 'healed', t0 + 64_000), h(3, 'confirmed', t0 + 240_000)];
    const list = occurrencesOf([frame(t0), frame(t0 + 240_000)], [rec(t0, t0)], history);
    const [n3, n2, n1] = list;
    expect([n3.number, n2.number, n1.number]).toEqual([3, 2, 1]);
    expect([durationMs(n1), durationMs(n2), durationMs(n3)]).toEqual([2_000, 4_000, undefined]);
    expect(list.map(evidenceText)).toEqual(['freeze frame', 'no freeze frame, no recording', 'freeze frame and recording']);
    // #2 shows no frame of #3's (the one captured after it) and no window of #1's.
    expect(framesOf([frame(t0), frame(t0 + 240_000)], n2).frames).toEqual([]);
    expect(framesOf([frame(t0), frame(t0 + 240_000)], n3).frames.map((f) => f.capturedAtMs)).toEqual([t0 + 240_000]);
    const [a, b] = occurrenceWindow(n2);
    expect(a).toBeLessThan((t0 + 60_000) / 1000);
    expect(b).toBeGreaterThan((t0 + 64_000) / 1000);
    expect(a).toBeGreaterThan(t0 / 1000);
    // The nearest with a freeze frame is #1 (60 s away), not #3 (180 s away); the nearest recording is #1's.
    expect(nearestWith(list, n2, (o) => o.captureMs !== undefined)?.number).toBe(1);
    expect(nearestWith(list, n3, (o) => !!o.recording)?.number).toBe(1);
    expect(nearestWith(list, n1, (o) => !!o.recording)).toBeUndefined();
    expect(occurrenceName(n2)).toMatch(/^#2 \(.+\)$/);
    // Frames without a capture time cannot be matched: all are shown, and said to be unmatched.
    const untimed = { ...frame(0), capturedAtMs: undefined };
    expect(framesOf([untimed], n2)).toEqual({ frames: [untimed], unattributed: true });
  });

  it("places a capture by the occurrence number it carries, though a slow topic's newest message predates that occurrence (issue 67)", async () => {
    const { framesOf } = await import('../src/incident/occurrence-evidence');
    const { normalizeFaultDetail } = await import('../src/model/fault-detail');
    const iso = (ms: number) => new Date(ms).toISOString();
    const t0 = 1_774_232_400_000;
    // #1 at t0, healed; #2 a minute later. The topic's last message came 30 s before #2, so #2's capture is stamped
    // inside #1's span: by time alone it would be #1's second capture and #2 would have none.
    const topicFrame = (occurrence: number | undefined, at: number) => ({ type: 'freeze_frame', name: 'voltage', data: 20, 'x-medkit': { topic: '/v', message_type: 'std_msgs/msg/Float64', full_data: { data: 20 }, captured_at: iso(at), ...(occurrence ? { occurrence } : {}) } });
    const history = [
      { change: 'confirmed', status: 'CONFIRMED', at: iso(t0), occurrence: 1 },
      { change: 'healed', status: 'HEALED', at: iso(t0 + 5_000), occurrence: 1 },
      { change: 'confirmed', status: 'CONFIRMED', at: iso(t0 + 60_000), occurrence: 2 },
    ];
    const body = (o1?: number, o2?: number) => ({
      item: { code: 'X' },
      environment_data: { snapshots: [topicFrame(o2, t0 + 30_000), topicFrame(o1, t0 - 500)] },
      'x-medkit': { status_history: history },
    });
    const d = normalizeFaultDetail(body(1, 2), 'X');
    expect(d.history?.length).toBe(3);
    const [n2, n1] = occurrencesOf(d.frames, [], d.history);
    expect([n2.number, n2.captureMs, n1.number, n1.captureMs]).toEqual([2, t0 + 30_000, 1, t0 - 500]);
    expect(framesOf(d.frames, n2).frames.map((f) => f.capturedAtMs)).toContain(t0 + 30_000);
    expect(framesOf(d.frames, n2).frames.map((f) => f.capturedAtMs)).not.toContain(t0 - 500);
    expect(framesOf(d.frames, n1).frames.map((f) => f.capturedAtMs)).not.toContain(t0 + 30_000);
    // A gateway that stored no numbers: placed by time, as before (the slow capture then lands in #1's span).
    const old = normalizeFaultDetail(body(undefined, undefined), 'X');
    const [o2, o1] = occurrencesOf(old.frames, [], old.history);
    expect([o2.captureMs, o1.captureMs]).toEqual([undefined, t0 - 500]);
  });

  it('pages the occurrence list, opening on the page of the chosen occurrence', async () => {
    const { occurrencePage } = await import('../src/incident/occurrence-evidence');
    const t0 = 1_774_232_400_000;
    const history = Array.from({ length: 2_500 }, (_, i) => ({ status: 'CONFIRMED', change: 'confirmed', atMs: t0 + i * 1_000, occurrence: i + 1, origin: 'gateway' as const }));
    const list = occurrencesOf([], [], history);
    expect(list).toHaveLength(2_500);
    const first = occurrencePage(list, list[0], 20);
    expect([first.page, first.count, first.items.length, first.items[0].number]).toEqual([0, 125, 20, 2_500]);
    // #46 is the 2455th newest: page 123 (0-based 122).
    const p46 = occurrencePage(list, list.find((o) => o.number === 46), 20);
    expect(p46.page).toBe(122);
    expect(p46.items.map((o) => o.number)).toContain(46);
    expect(occurrencePage(list, list[0], 20, 999).page).toBe(124);
    expect(occurrencePage(list, list[0], 20, 124).items.at(-1)?.number).toBe(1);
  });

  it('carries the occurrence in the incident URL', () => {
    const r = { view: 'incident' as const, type: 'app' as const, id: 'safety_gate', code: 'PROTECTIVE_STOP', at: 1774232400100 };
    expect(routeHash(r)).toBe('#/incident/apps/safety_gate/PROTECTIVE_STOP/1774232400100');
    expect(parseRoute(routeHash(r))).toEqual(r);
    expect(parseRoute('#/incident/apps/safety_gate/PROTECTIVE_STOP')).toEqual({ view: 'incident', type: 'app', id: 'safety_gate', code: 'PROTECTIVE_STOP' });
    // The fault detail carries it the same way.
    const f = { view: 'fault' as const, type: 'app' as const, id: 'safety_gate', code: 'PROTECTIVE_STOP', at: 1774232400100 };
    expect(routeHash(f)).toBe('#/fault/apps/safety_gate/PROTECTIVE_STOP/1774232400100');
    expect(parseRoute(routeHash(f))).toEqual(f);
  });
});
