// The fault manager on a real ROS graph (RTPS over UDP on 127.0.0.1, domain testDomain(40)): another participant reports
// through ~/report_fault exactly as a reporter node does, the fault appears over REST with the debounced
// status, ~/events carries FaultEvent messages, the query services answer, and /diagnostics, /rosout and an
// aborted action goal become faults through the bridges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosContext, type RosNode } from '@medkit/ros2';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';
import { testDomain } from '../../../../test-support/domains.js';
import { Bytes, data, gap, header, heartbeat, sn } from '../../../../test-support/rtps-fuzz/datagrams.js';
import { logFaultCode } from '@medkit/faults';
import { FakePeer } from '../../../../test-support/rtps-fuzz/fake-peer.js';

const DOMAIN = testDomain(40);

describe('fault manager over ROS 2', () => {
  let g: FaultGateway;
  let peer: RosContext;
  let node: RosNode;
  beforeAll(async () => {
    g = await startFaultGateway({
      flags: { 'ros.enabled': true, 'ros.domain_id': DOMAIN, 'ros.localhost_only': true, 'faults.confirmation_threshold': -2, 'fault_manager.namespace': 'robot1/' },
      extra: [],
    });
    peer = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
    node = peer.createNode('battery_monitor', '/base');
  }, 30_000);
  afterAll(async () => {
    await peer?.close();
    await g?.close();
  });

  const call = async (service: string, type: string, req: unknown) => {
    const c = node.createClient(`/robot1/fault_manager/${service}`, `ros2_medkit_msgs/srv/${type}`);
    try {
      await c.waitForService({ timeoutMs: 10_000 });
      return await c.call(req, { timeoutMs: 5000 });
    } finally {
      c.close();
    }
  };

  it('accepts reports on ~/report_fault, debounces them and shows them over REST; rejects bad ones', async () => {
    const events: Record<string, unknown>[] = [];
    const sub = node.createSubscription('/robot1/fault_manager/events', 'ros2_medkit_msgs/msg/FaultEvent', (m) => events.push(m), { reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 100 } });
    await sub.waitForPublishers(1, 10_000);
    const report = { fault_code: 'BATTERY_LOW', event_type: 0, severity: 1, description: 'Battery below 15 %', source_id: '/base/battery_monitor' };
    expect(await call('report_fault', 'ReportFault', report)).toEqual({ accepted: true });
    let item = (await g.api('GET', '/apps/battery-monitor/faults')).body.items[0];
    expect(item).toMatchObject({ fault_code: 'BATTERY_LOW', 'x-medkit': { status: 'PREFAILED' } });
    expect(await call('report_fault', 'ReportFault', report)).toEqual({ accepted: true });
    item = (await g.api('GET', '/apps/battery-monitor/faults?status=confirmed')).body.items[0];
    expect(item).toMatchObject({ fault_code: 'BATTERY_LOW', status: 'CONFIRMED', entity_id: 'battery-monitor' });
    expect(await call('report_fault', 'ReportFault', { ...report, fault_code: 'bad code' })).toEqual({ accepted: false });
    expect(await call('report_fault', 'ReportFault', { ...report, severity: 9 })).toEqual({ accepted: false });
    expect(g.faults.manager.getFault('BATTERY_LOW')?.occurrence_count).toBe(1);
    const ev = await until(() => events.find((e) => e.event_type === 'fault_confirmed'), 'fault_confirmed on ~/events');
    expect(ev).toMatchObject({ event_type: 'fault_confirmed', fault: { fault_code: 'BATTERY_LOW', severity: 1, status: 'CONFIRMED', reporting_sources: ['/base/battery_monitor'] }, auto_cleared_codes: [] });
    expect((ev.fault as { first_occurred: { sec: number } }).first_occurred.sec).toBeGreaterThan(1_700_000_000);
    sub.close();
  });

  it('refuses a report whose source_id is not a ROS node name (a Cyrillic homoglyph, relative, ~, {}, empty or digit tokens): accepted false, nothing stored, counted (issue 66)', async () => {
    const before = g.faults.manager.health().rejected_reports;
    const hostile = ['/base/batt\u0435ry_monitor', 'battery_monitor', '~/battery_monitor', '/base/{node}', '/base//battery_monitor', '/base/1battery', '/base/battery_monitor/', '/base/battery\nmonitor'];
    for (const source_id of hostile) {
      expect(await call('report_fault', 'ReportFault', { fault_code: 'SPOOFED_SOURCE', event_type: 0, severity: 3, description: 'forged', source_id })).toEqual({ accepted: false });
    }
    expect(g.faults.manager.getFault('SPOOFED_SOURCE')).toBeUndefined();
    const health = (await g.api('GET', '/health')).body as { 'x-medkit-faults': { rejected_reports: number } };
    expect(health['x-medkit-faults'].rejected_reports - before).toBe(hostile.length);
  });

  it('answers list_faults, get_fault, list_faults_for_entity and clear_fault', async () => {
    const list = await call('list_faults', 'ListFaults', { filter_by_severity: false, severity: 0, statuses: [], include_muted: false, include_clusters: false });
    expect((list.faults as { fault_code: string }[]).map((f) => f.fault_code)).toEqual(['BATTERY_LOW']);
    const got = await call('get_fault', 'GetFault', { fault_code: 'BATTERY_LOW' });
    expect(got).toMatchObject({ success: true, fault: { fault_code: 'BATTERY_LOW', status: 'CONFIRMED', occurrence_count: 1 } });
    expect((got.environment_data as { extended_data_records: { first_occurrence_ns: unknown } }).extended_data_records.first_occurrence_ns).not.toBe(0);
    expect(await call('get_fault', 'GetFault', { fault_code: 'NOPE' })).toMatchObject({ success: false, error_message: 'Fault not found: NOPE' });
    expect((await call('list_faults_for_entity', 'ListFaultsForEntity', { entity_id: 'battery_monitor' })).faults).toHaveLength(1);
    expect(await call('clear_fault', 'ClearFault', { fault_code: 'BATTERY_LOW', skip_correlation_auto_clear: false })).toEqual({ success: true, message: 'Fault cleared: BATTERY_LOW', auto_cleared_codes: [] });
    expect(g.faults.manager.getFault('BATTERY_LOW')?.status).toBe('CLEARED');
  });

  it('turns /diagnostics, /rosout and aborted action goals into faults', async () => {
    const diag = node.createPublisher('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray');
    await until(() => (g.faults.manager && peer.graph.subscribersOf('/diagnostics').length > 0 ? true : undefined), '/diagnostics subscriber');
    diag.publish({ header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, status: [{ level: 2, name: 'motor temp', message: 'too hot', hardware_id: '', values: [] }] });
    const f = await until(() => g.faults.manager.getFault('MOTOR_TEMP'), 'MOTOR_TEMP from /diagnostics');
    expect(f).toMatchObject({ severity: 2, description: 'too hot', reporting_sources: ['/robot1/fault_manager'] });

    const rosout = node.createPublisher('/rosout', 'rcl_interfaces/msg/Log', 'rosout');
    await until(() => (peer.graph.subscribersOf('/rosout').some((e) => e.guid.length > 0) ? true : undefined), '/rosout subscriber');
    // The event a sample needs (issue 58: not a sleep): our writer has matched the gateway's reader.
    expect(await rosout.waitForSubscribers(1, 10_000)).toBe(true);
    rosout.publish({ stamp: { sec: 0, nanosec: 0 }, level: 40, name: 'ctrl', msg: 'oops 42', file: 'x.cpp', function: 'f', line: 1 });
    const log = await until(() => g.faults.manager.getFault('LOG_CTRL_0bf0b26e'), 'LOG_CTRL_0bf0b26e from /rosout');
    expect(log).toMatchObject({ severity: 2, reporting_sources: ['/ctrl'] });

    const status = node.createPublisher('/navigate_to_pose/_action/status', 'action_msgs/msg/GoalStatusArray', 'actionStatus');
    await until(() => (peer.graph.subscribersOf('/navigate_to_pose/_action/status').length > 0 ? true : undefined), 'action status subscriber');
    expect(await status.waitForSubscribers(1, 10_000)).toBe(true);
    status.publish({ status_list: [{ goal_info: { goal_id: { uuid: new Array(16).fill(1) }, stamp: { sec: 0, nanosec: 0 } }, status: 6 }] });
    // One FAILED from the bridge; this gateway confirms at -2, so the fault is pending.
    const aborted = await until(() => g.faults.manager.getFault('ACTION_NAVIGATE_TO_POSE_ABORTED'), 'aborted goal fault');
    expect(aborted).toMatchObject({ severity: 2, status: 'PREFAILED', reporting_sources: ['/base/battery_monitor'] });
  }, 30_000);

  it("a forged GAP (1 to 2^40) and HEARTBEAT (first = last = 2^40) in the name of a node's report_fault request writer lose none of its later reports (issue 66)", async () => {
    const c = node.createClient('/robot1/fault_manager/report_fault', 'ros2_medkit_msgs/srv/ReportFault');
    const attacker = await FakePeer.open();
    try {
      await c.waitForService({ timeoutMs: 10_000 });
      const report = { fault_code: 'FORGED_GAP_PROBE', event_type: 0, severity: 1, description: 'before', source_id: '/base/battery_monitor' };
      expect(await c.call(report, { timeoutMs: 5000 })).toEqual({ accepted: true });
      // What an attacker reads from discovery: the client's writer GUID, the gateway's request reader and its port.
      const [readerGuid] = [...c.requestWriter.matches.keys()];
      const gateway = peer.participant.participants().find((p) => p.guidPrefix === readerGuid.slice(0, 24));
      const port = gateway!.defaultUnicastLocators[0].port;
      const writerGuid = c.requestWriter.guid;
      const ids = { readerId: parseInt(readerGuid.slice(24), 16), writerId: parseInt(writerGuid.slice(24), 16) };
      const forged = header(new Bytes(), Buffer.from(writerGuid.slice(0, 24), 'hex'), 0x0110);
      gap(forged, { ...ids, start: sn(1n), base: sn(2n ** 40n), numBits: 0, words: [] });
      heartbeat(forged, { ...ids, first: sn(2n ** 40n), last: sn(2n ** 40n), count: 0x7fffffff });
      await attacker.send(forged.done(), port);
      // Before issue 66 every later report of this node timed out: its faults were lost.
      for (let i = 0; i < 3; i++) expect(await c.call({ ...report, description: `after ${i}` }, { timeoutMs: 5000 })).toEqual({ accepted: true });
      expect(g.faults.manager.getFault('FORGED_GAP_PROBE')?.description).toBe('after 2');
    } finally {
      attacker.close();
      c.close();
    }
  });

  it("a /rosout sample in a node's name at the SN its writer uses next, then the writer's own: the gateway reads the writer again, gets the real log, and /health names the conflict (ros_samples_conflicting)", async () => {
    const logger = peer.createNode('forged_logger', '/base');
    const rosout = logger.createPublisher('/rosout', 'rcl_interfaces/msg/Log', 'rosout');
    const attacker = await FakePeer.open();
    const log = (msg: string) => peer.types.serialize('rcl_interfaces/msg/Log', { stamp: { sec: 0, nanosec: 0 }, level: 40, name: 'forged_logger', msg, file: 'x.cpp', function: 'f', line: 1 });
    const faultOf = (msg: string) => g.faults.manager.getFault(logFaultCode('LOG', '/forged_logger', msg));
    try {
      expect(await rosout.waitForSubscribers(1, 10_000)).toBe(true);
      const first = rosout.writer.write(log('real one'));
      await until(() => faultOf('real one'), 'the first log as a fault');
      // What an attacker reads from discovery: the writer's GUID, the gateway's reader and its port.
      const [readerGuid] = [...rosout.writer.matches.keys()];
      const gateway = peer.participant.participants().find((p) => p.guidPrefix === readerGuid.slice(0, 24));
      const conflictsSeen = async (): Promise<number> => (await g.api('GET', '/health')).body['x-medkit-ros']?.conflicting_samples?.total ?? 0;
      // Up to three rounds, each at the writer's next SN. The node's own DATA goes out once: the gateway acknowledged
      // the forged sample at that SN, so the writer never sends it again, and a datagram lost on a loaded box leaves
      // nothing to compare. A round may only end that way (the gateway saw no conflict at all); any other miss fails.
      let next = first.sequenceNumber;
      for (const word of ['two', 'three', 'four']) {
        next++;
        const before = await conflictsSeen();
        const forged = header(new Bytes(), Buffer.from(rosout.guid.slice(0, 24), 'hex'), 0x0110);
        data(forged, { readerId: 0, writerId: parseInt(rosout.guid.slice(24), 16), sn: sn(BigInt(next)), payload: log(`forged ${word}`) });
        await attacker.send(forged.done(), gateway!.defaultUnicastLocators[0].port);
        await until(() => faultOf(`forged ${word}`), 'the forged log taken (without SROS2 it cannot be told from the node\'s)');
        // The node's own sample at that SN: before, dropped as a repeat of the forged one; now the two disagree.
        expect(rosout.writer.write(log(`real ${word}`)).sequenceNumber).toBe(next);
        const read = await until(() => faultOf(`real ${word}`), "the node's own log, read again").catch((e: Error) => e);
        if (!(read instanceof Error)) break;
        const after = await conflictsSeen();
        if (after > before || word === 'four') throw new Error(`${read.message} (conflicts on /health ${before} -> ${after}, round '${word}')`);
      }
      const h = await until(async () => {
        const body = (await g.api('GET', '/health')).body;
        return body.warnings.some((w: { code: string }) => w.code === 'ros_samples_conflicting') ? body : undefined;
      }, '/health naming the conflict');
      const w = h.warnings.find((x: { code: string }) => x.code === 'ros_samples_conflicting');
      expect(w.message).toMatch(/\/rosout from \/base\/forged_logger/);
      expect(w.ros_node_fqns).toEqual(['/base/forged_logger']);
      expect(h['x-medkit-ros'].conflicting_samples.streams).toContainEqual(expect.objectContaining({ topic: '/rosout', writer_guid: rosout.guid, node: '/base/forged_logger', last_sequence_number: next }));
      expect(h['x-medkit-ros'].conflicting_samples.total).toBeGreaterThanOrEqual(1);
    } finally {
      attacker.close();
      rosout.close();
    }
  });
});

describe('black box fed from the ROS graph', () => {
  let g: FaultGateway;
  let peer: RosContext;
  beforeAll(async () => {
    g = await startFaultGateway({
      flags: {
        'ros.enabled': true, 'ros.domain_id': testDomain(41), 'ros.localhost_only': true,
        'faults.snapshots.rosbag.enabled': true, 'faults.snapshots.rosbag.topics': 'all', 'faults.snapshots.rosbag.duration_after_sec': 0.3,
      },
    });
    peer = await RosContext.create({ domainId: testDomain(41), localhostOnly: true });
  }, 30_000);
  afterAll(async () => {
    await peer?.close();
    await g?.close();
  });

  it('records subscribed topics around a confirmed fault into an MCAP with full ros2msg schemas, and captures freeze frames', async () => {
    const { McapIndexedReader } = await import('@mcap/core');
    const node = peer.createNode('battery_monitor', '/base');
    const state = node.createPublisher('/base/battery_state', 'std_msgs/msg/String');
    const cmd = node.createPublisher('/base/cmd_vel', 'geometry_msgs/msg/Twist');
    let n = 0;
    const timer = setInterval(() => {
      state.publish({ data: `level ${n++}` });
      cmd.publish({ linear: { x: 0.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } });
    }, 50);
    try {
      await until(() => (n > 20 && g.faults.system.blackbox!.bufferedMessages > 10 ? true : undefined), 'buffered messages');
      g.fail('BATTERY_DEAD', '/base/battery_monitor', 3);
      const d = await until(async () => (await g.api('GET', '/apps/battery-monitor/bulk-data/rosbags')).body.items[0], 'the recording');
      const bytes = new Uint8Array(await (await fetch(`${g.url}/api/v1/apps/battery-monitor/bulk-data/rosbags/${d.id}`)).arrayBuffer());
      // ~/get_snapshots over ROS names that same download as the bag's download_url (docs/faults.md).
      const client = node.createClient('/fault_manager/get_snapshots', 'ros2_medkit_msgs/srv/GetSnapshots');
      try {
        await client.waitForService({ timeoutMs: 10_000 });
        const res = (await client.call({ fault_code: 'BATTERY_DEAD', topic: '' }, { timeoutMs: 5000 })) as { success: boolean; data: string };
        expect(res.success).toBe(true);
        expect(JSON.parse(res.data).rosbag).toMatchObject({ available: true, format: 'mcap', download_url: `/api/v1/apps/battery-monitor/bulk-data/rosbags/${d.id}` });
      } finally {
        client.close();
      }
      // GetRosbag by recording id (tried before the code) and ListRosbags' recording_ids (the reference's 0.7.0 messages, #620).
      const rosbag = node.createClient('/fault_manager/get_rosbag', 'ros2_medkit_msgs/srv/GetRosbag');
      const list = node.createClient('/fault_manager/list_rosbags', 'ros2_medkit_msgs/srv/ListRosbags');
      try {
        await rosbag.waitForService({ timeoutMs: 10_000 });
        const byId = (await rosbag.call({ fault_code: 'NOT_THIS_ONE', recording_id: d.id }, { timeoutMs: 5000 })) as Record<string, unknown>;
        expect(byId).toMatchObject({ success: true, recording_id: d.id, fault_codes: ['BATTERY_DEAD'], format: 'mcap' });
        await list.waitForService({ timeoutMs: 10_000 });
        const listed = (await list.call({ entity_fqn: '/base/battery_monitor' }, { timeoutMs: 5000 })) as { success: boolean; recording_ids: string[]; fault_codes: string[] };
        expect(listed.success).toBe(true);
        expect(listed.recording_ids).toContain(d.id);
        expect(listed.fault_codes[listed.recording_ids.indexOf(d.id)]).toBe('BATTERY_DEAD');
      } finally {
        rosbag.close();
        list.close();
      }
      const reader = await McapIndexedReader.Initialize({ readable: { size: async () => BigInt(bytes.byteLength), read: async (o, s) => bytes.subarray(Number(o), Number(o + s)) } });
      const topics = new Map<string, number>();
      for await (const m of reader.readMessages()) {
        const t = reader.channelsById.get(m.channelId)!.topic;
        topics.set(t, (topics.get(t) ?? 0) + 1);
      }
      expect(topics.get('/base/battery_state')).toBeGreaterThan(5);
      expect(topics.get('/base/cmd_vel')).toBeGreaterThan(5);
      const schemas = new Map([...reader.schemasById.values()].map((s) => [s.name, new TextDecoder().decode(s.data)]));
      expect(schemas.get('std_msgs/msg/String')).toContain('string data');
      expect(schemas.get('geometry_msgs/msg/Twist')).toMatch(/Vector3 +linear[\s\S]*={80}\nMSG: geometry_msgs\/Vector3\n[\s\S]*float64 +x/);
      expect([...reader.schemasById.values()].every((s) => s.encoding === 'ros2msg')).toBe(true);
      // Freeze frames came from the live graph too: the reporting node's published topics, sampled once.
      const frames = await until(async () => {
        const snaps = (await g.api('GET', '/apps/battery-monitor/faults/BATTERY_DEAD')).body.environment_data.snapshots as { type: string; data: unknown; 'x-medkit'?: { topic?: string } }[];
        const ff = snaps.filter((x) => x.type === 'freeze_frame' && x['x-medkit']?.topic);
        return ff.length >= 2 ? ff : undefined;
      }, 'freeze frames');
      const byTopic = new Map(frames.map((f) => [f['x-medkit']!.topic, f]));
      expect(byTopic.get('/base/battery_state')!.data).toMatch(/^level \d+$/);
      expect(byTopic.get('/base/cmd_vel')!.data).toEqual({ x: 0.5, y: 0, z: 0 });
    } finally {
      clearInterval(timer);
    }
  }, 30_000);
});
