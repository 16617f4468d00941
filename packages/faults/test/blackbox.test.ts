// Black box (docs/faults.md): ring buffer, topic selection, state machine, rosbag2 MCAP files read back with
// @mcap/core, retention and the bulk-data descriptors — on real files in a temp dir.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, openSync, readSync, fstatSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import type { IReadable } from '@mcap/core';
import { parse as parseYaml } from 'yaml';
import { ManualClock } from '../src/clock.js';
import { sanitizeFaultConfig } from '../src/config.js';
import { FaultCapture } from '../src/capture.js';
import { BlackBoxRecorder, recordingIdOf } from '../src/blackbox/recorder.js';
import { MAX_RECORDING_ID_LENGTH, validateRecordingId } from '@medkit/sovd';
import { MAX_HELD_STATE_BYTES, MAX_HELD_STATES_BYTES, RingBuffer } from '../src/blackbox/ring-buffer.js';
import { topicSelection } from '../src/blackbox/topic-selection.js';
import { TransportLosses } from '../src/blackbox/transport-losses.js';
import { getRosbag, listRosbagDescriptors, resolveRosbagFile } from '../src/blackbox/recordings.js';
import { parseSnapshotTopicConfig } from '../src/snapshots/topic-config.js';
import type { TopicGraph } from '../src/snapshots/sampler.js';
import type { FaultRecord } from '../src/model.js';
import { sourceMatcher } from '../src/query/list.js';
import { environmentData } from '../src/query/environment.js';
import { restSnapshots } from '../src/query/rest-views.js';
import { MemoryLogger } from '../src/log.js';
import { cleanupDirs, harness, openRepo, tmpDir } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const STRING_DEF = 'string data\n';
const TWIST_DEF = 'Vector3 linear\nVector3 angular\n================================================================================\nMSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n';

/** CDR (little-endian) std_msgs/String. */
function cdrString(s: string): Uint8Array {
  const body = Buffer.from(s + '\0', 'utf8');
  const out = Buffer.alloc(8 + body.length);
  out.set([0, 1, 0, 0]);
  out.writeUInt32LE(body.length, 4);
  body.copy(out, 8);
  return out;
}

class FileReadable implements IReadable {
  private readonly fd: number;
  constructor(path: string) { this.fd = openSync(path, 'r'); }
  async size() { return BigInt(fstatSync(this.fd).size); }
  async read(offset: bigint, size: bigint) {
    const buf = Buffer.alloc(Number(size));
    readSync(this.fd, buf, 0, Number(size), Number(offset));
    return buf;
  }
  close() { closeSync(this.fd); }
}

async function readBag(file: string) {
  const readable = new FileReadable(file);
  const reader = await McapIndexedReader.Initialize({ readable });
  const messages: { topic: string; logTime: bigint; text: string }[] = [];
  for await (const m of reader.readMessages()) {
    const ch = reader.channelsById.get(m.channelId)!;
    messages.push({ topic: ch.topic, logTime: m.logTime, text: Buffer.from(m.data.subarray(8)).toString('utf8').replace(/\0$/, '') });
  }
  readable.close();
  return { reader, messages };
}

/** The black box's notes on how a recording was made (the `medkit_blackbox` metadata record). */
async function readNotes(file: string): Promise<Record<string, string>> {
  const readable = new FileReadable(file);
  try {
    const reader = await McapIndexedReader.Initialize({ readable });
    for await (const m of reader.readMetadata({ name: 'medkit_blackbox' })) return Object.fromEntries(m.metadata);
    return {};
  } finally {
    readable.close();
  }
}

const fault = (code: string, sources = ['/talker']): FaultRecord => ({
  fault_code: code, severity: 2, description: '', first_occurred_ns: 1n, last_occurred_ns: 1n, last_passed_ns: 0n, occurrence_count: 1,
  status: 'CONFIRMED', reporting_sources: sources, debounce_counter: -1, last_failed_ns: 1n, confirmed_at_ns: 1n,
});

function setup(rosbag: Record<string, unknown> = {}, graph?: TopicGraph) {
  const log = new MemoryLogger();
  const config = sanitizeFaultConfig({ snapshots: { rosbag: { enabled: true, topics: 'all', duration_sec: 5, duration_after_sec: 1, ...rosbag } } }, log);
  const clock = new ManualClock(1_770_000_000_000_000_000n);
  const repo = openRepo('sqlite');
  const dir = tmpDir('medkit-bags-');
  const rec = new BlackBoxRecorder({ config: config.snapshots.rosbag, selection: topicSelection(config.snapshots.rosbag, []), repository: repo, clock, storageDir: dir, graph, log });
  /** Publishes one String message on `topic` after advancing `ms`; returns its timestamp. */
  const pub = (topic: string, text: string, ms = 100): bigint => {
    clock.advance(ms);
    const ts = clock.wallNs();
    rec.onMessage(topic, 'std_msgs/msg/String', STRING_DEF, cdrString(text), ts);
    return ts;
  };
  return { rec, repo, clock, dir, pub, log, config };
}

describe('ring buffer (docs/faults.md)', () => {
  const m = (monoMs: number, bytes = 10) => ({ topic: '/a', typeName: 't', definition: '', data: new Uint8Array(bytes), timestampNs: BigInt(monoMs), monoMs });
  it('drops messages older than the window and beyond the byte cap, keeping at least one', () => {
    const rb = new RingBuffer(1000, 25);
    rb.push(m(0)); rb.push(m(500));
    expect(rb.size).toBe(2);
    rb.push(m(1600));
    expect(rb.drain().map((x) => x.monoMs)).toEqual([1600]);
    rb.push(m(0, 100));
    expect(rb.size).toBe(1);
    rb.push(m(1, 10)); rb.push(m(2, 10));
    expect(rb.drain().map((x) => x.monoMs)).toEqual([1, 2]);
  });

  it('holds each topic\'s state before the window within bounds a peer with many or huge topics cannot grow', () => {
    const rb = new RingBuffer(10, 1 << 30);
    const msg = (topic: string, monoMs: number, bytes: number) => ({ topic, typeName: 't', definition: '', data: new Uint8Array(bytes), timestampNs: BigInt(monoMs), monoMs });
    // 5,000 topics of 60 KiB each fall out of the window: at most 1 MiB of them stays held, the newest.
    for (let i = 0; i < 5000; i++) rb.push(msg(`/t${i}`, i * 20, 60 * 1024));
    expect(rb.heldStateBytes).toBeLessThanOrEqual(MAX_HELD_STATES_BYTES);
    const held = rb.statesBefore().map((x) => x.topic);
    expect(held.length).toBe(Math.floor(MAX_HELD_STATES_BYTES / (60 * 1024)));
    expect(held.at(-1)).toBe('/t4998');
    // A message over MAX_HELD_STATE_BYTES is not held (and drops its topic's older state).
    rb.push(msg('/t4998', 200_000, MAX_HELD_STATE_BYTES + 1));
    rb.push(msg('/x', 300_000, 1));
    expect(rb.statesBefore().map((x) => x.topic)).not.toContain('/t4998');
  });
});

describe('topic selection (docs/faults.md)', () => {
  const base = sanitizeFaultConfig({}).snapshots.rosbag;
  const graphTopics = ['/a', '/rosout', '/parameter_events', '/camera/image_raw', '/lidar/points', '/b', '/fault_manager/events'];
  it('broad modes drop rosout, parameter events and sensor topics; include/exclude apply', () => {
    const sel = topicSelection({ ...base, topics: 'all', exclude_topics: ['/b'], include_topics: ['/camera/image_raw'] }, []);
    expect(sel.select(graphTopics)).toEqual(['/a', '/camera/image_raw', '/fault_manager/events']);
    expect(sel.accepts('/lidar/points')).toBe(false);
    expect(topicSelection({ ...base, topics: 'auto', exclude_sensor_topics: false }, []).select(graphTopics)).toContain('/lidar/points');
  });
  it('config, explicit and list modes use fixed sets', () => {
    expect(topicSelection({ ...base, topics: 'config', include_topics: ['/x'] }, ['/odom']).select(graphTopics)).toEqual(['/odom', '/x']);
    expect(topicSelection({ ...base, topics: 'explicit', include_topics: ['/x'] }, ['/odom']).select([])).toEqual(['/x']);
    expect(topicSelection({ ...base, topics: ' /p , /q ', exclude_topics: ['/q'] }, []).select([])).toEqual(['/p']);
  });
});

describe('black-box recording (docs/faults.md)', () => {
  it('writes the pre-fault buffer and the post-fault window into a rosbag2 MCAP file', async () => {
    const { rec, repo, clock, dir, pub } = setup();
    pub('/chatter', 'too old', 0);
    clock.advance(6000);
    const pre = [pub('/chatter', 'pre 1'), pub('/chatter', 'pre 2')];
    clock.advance(10);
    rec.onMessage('/cmd_vel', 'geometry_msgs/msg/Twist', TWIST_DEF, new Uint8Array(52), clock.wallNs());
    const twistAt = clock.wallNs();
    await rec.onConfirmed(fault('NAV_FAIL'));
    expect(rec.recording).toBe(true);
    const post = [pub('/chatter', 'post 1', 300), pub('/chatter', 'post 2', 300)];
    clock.advance(500); // the 1 s window closes here
    await rec.idle();
    expect(rec.recording).toBe(false);
    pub('/chatter', 'after window');

    const links = repo.rosbagLinksForFault('NAV_FAIL');
    expect(links).toHaveLength(1);
    const id = links[0].recording_id;
    expect(id).toMatch(/^fault_NAV_FAIL_\d+$/);
    expect(links[0].file_path).toBe(join(dir, id));
    expect(links[0].duration_sec).toBeGreaterThan(1);
    const file = join(dir, id, `${id}_0.mcap`);
    expect(links[0].size_bytes).toBeGreaterThan(readFileSync(file).length);
    const { reader, messages } = await readBag(file);
    expect(reader.header.profile).toBe('ros2');
    const channels = [...reader.channelsById.values()];
    expect(channels.map((c) => [c.topic, c.messageEncoding]).sort()).toEqual([['/chatter', 'cdr'], ['/cmd_vel', 'cdr']]);
    const schemas = [...reader.schemasById.values()].map((s) => [s.name, s.encoding, new TextDecoder().decode(s.data)]).sort();
    expect(schemas).toEqual([['geometry_msgs/msg/Twist', 'ros2msg', TWIST_DEF], ['std_msgs/msg/String', 'ros2msg', STRING_DEF]]);
    expect(messages.filter((m) => m.topic === '/chatter').map((m) => [m.text, m.logTime])).toEqual([
      ['pre 1', pre[0]], ['pre 2', pre[1]], ['post 1', post[0]], ['post 2', post[1]],
    ]);
    expect(messages.filter((m) => m.topic === '/cmd_vel').map((m) => m.logTime)).toEqual([twistAt]);
    const meta = parseYaml(readFileSync(join(dir, id, 'metadata.yaml'), 'utf8')).rosbag2_bagfile_information;
    expect(meta.storage_identifier).toBe('mcap');
    expect(meta.message_count).toBe(5);
    expect(meta.relative_file_paths).toEqual([`${id}_0.mcap`]);
  });

  it('loses nothing while the bag file is being created: messages arriving meanwhile are in the recording, in order', async () => {
    const { rec, repo, clock, dir, pub } = setup({ duration_after_sec: 1 });
    const sent = ['m0', 'm1', 'm2'];
    for (const t of sent) pub('/chatter', t);
    const confirmed = rec.onConfirmed(fault('OPENING'));
    // Creating the directory and the file takes several turns of the event loop; publish on each of them.
    for (let i = 3; i < 40; i++) {
      await new Promise((r) => setImmediate(r));
      sent.push(`m${i}`);
      pub('/chatter', `m${i}`, 10);
    }
    await confirmed;
    clock.advance(1000);
    await rec.idle();
    const id = repo.rosbagLinksForFault('OPENING')[0].recording_id;
    const { messages } = await readBag(join(dir, id, `${id}_0.mcap`));
    expect(messages.map((m) => m.text)).toEqual(sent);
    expect(rec.stats()).toMatchObject({ dropped_messages: 0, written_messages: sent.length, recordings: 1, queued_bytes: 0 });
  });

  it('holds at most max_buffer_mb + max_write_queue_mb: post-fault messages beyond it are dropped, counted in the recording and the stats', async () => {
    // 4 KiB of budget; 1 KiB messages arriving faster than anything can reach the disk (one synchronous burst).
    const { rec, repo, clock, dir, pub } = setup({ duration_after_sec: 1, max_buffer_mb: 2 / 1024, max_write_queue_mb: 2 / 1024 });
    for (let i = 0; i < 10; i++) pub('/chatter', `pre ${i}`.padEnd(1000, '.'), 1);
    // The ring buffer kept what fits its 2 KiB.
    expect(rec.stats().buffered_bytes).toBeLessThanOrEqual(2048);
    await rec.onConfirmed(fault('FLOOD'));
    const burst = 30;
    let peak = 0;
    // Right after the confirmation the buffer and the queue hold the same pre-fault messages: counted once.
    const after = rec.stats();
    expect(after.held_bytes).toBeLessThan(after.buffered_bytes + after.queued_bytes);
    expect(after.held_bytes).toBe(Math.max(after.buffered_bytes, after.queued_bytes));
    let heldPeak = 0;
    for (let i = 0; i < burst; i++) {
      rec.onMessage('/flood', 'std_msgs/msg/String', STRING_DEF, cdrString(`post ${i}`.padEnd(1000, '.')), clock.wallNs());
      peak = Math.max(peak, rec.stats().queued_bytes);
      heldPeak = Math.max(heldPeak, rec.stats().held_bytes);
    }
    expect(peak).toBeLessThanOrEqual(rec.stats().budget_bytes + 1100);
    expect(heldPeak).toBeLessThanOrEqual(rec.stats().budget_bytes + 1100);
    const dropped = rec.stats().dropped_messages;
    expect(dropped).toBeGreaterThan(0);
    clock.advance(1000);
    await rec.idle();
    const id = repo.rosbagLinksForFault('FLOOD')[0].recording_id;
    const file = join(dir, id, `${id}_0.mcap`);
    const { reader, messages } = await readBag(file);
    const flood = messages.filter((m) => m.topic === '/flood');
    expect(flood.length + dropped).toBe(burst);
    // What was kept is a prefix: the queue refuses new messages, it never loses ones it took.
    expect(flood.map((m) => m.text.replace(/\.+$/, ''))).toEqual(Array.from({ length: flood.length }, (_, i) => `post ${i}`));
    expect(reader.header.profile).toBe('ros2');
    expect(await readNotes(file)).toMatchObject({ dropped_messages: String(dropped), dropped_by_topic: JSON.stringify({ '/flood': dropped }) });
    const meta = parseYaml(readFileSync(join(dir, id, 'metadata.yaml'), 'utf8')).rosbag2_bagfile_information;
    expect(meta.custom_data).toMatchObject({ dropped_messages: String(dropped), max_write_queue_mb: String(2 / 1024) });
    expect(rec.stats()).toMatchObject({ dropped_messages: dropped, queued_bytes: 0 });
  });

  it('messages lost before the recorder (a KEEP_LAST publisher overwrote them) are charged to the recording whose window they fall in: notes and stats', async () => {
    const { rec, repo, clock, dir, pub } = setup({ duration_sec: 5, duration_after_sec: 1, topics: '/chatter,/other' });
    rec.onLost('/chatter', 7); // before the pre-fault window of the recording below: nobody's
    clock.advance(6000);
    pub('/chatter', 'a');
    rec.onLost('/chatter', 2);
    rec.onLost('/other', 1);
    rec.onLost('/not-selected', 50); // not a recorded topic: ignored
    pub('/chatter', 'b');
    await rec.onConfirmed(fault('LOSSY'));
    rec.onLost('/chatter', 3); // during the post-fault window
    pub('/chatter', 'c');
    clock.advance(1000);
    await rec.idle();
    const id = repo.rosbagLinksForFault('LOSSY')[0].recording_id;
    const notes = await readNotes(join(dir, id, `${id}_0.mcap`));
    expect(notes).toMatchObject({ lost_in_transport_messages: '6', lost_in_transport_by_topic: JSON.stringify({ '/chatter': 5, '/other': 1 }), dropped_messages: '0' });
    expect(rec.stats().lost_in_transport_messages).toBe(13);
    // The next recording starts from nothing.
    pub('/chatter', 'd');
    await rec.onConfirmed(fault('CLEAN'));
    clock.advance(1000);
    await rec.idle();
    const next = repo.rosbagLinksForFault('CLEAN')[0].recording_id;
    expect(await readNotes(join(dir, next, `${next}_0.mcap`))).toMatchObject({ lost_in_transport_messages: '0' });
  });

  it('keeps losses in a bounded log: a storm of loss reports from many instants still counts every message', () => {
    const losses = new TransportLosses(10_000);
    for (let i = 0; i < 5000; i++) losses.note(i % 2 ? '/a' : '/b', 1, i);
    const got = losses.take(0);
    expect((got.get('/a') ?? 0) + (got.get('/b') ?? 0)).toBe(5000);
    expect(losses.take(0).size).toBe(0);
    // Older than the window when the next loss comes: forgotten.
    losses.note('/a', 4, 0);
    losses.note('/a', 1, 20_000);
    expect(losses.take(0).get('/a')).toBe(1);
  });

  it('splits a recording into several valid MCAP files at max_bag_size_mb', async () => {
    const { rec, repo, pub, dir } = setup({ duration_after_sec: 0, max_bag_size_mb: 0.01 });
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) { const text = `m${i} ${'z'.repeat(500)}`; sent.push(text); pub('/chatter', text, 10); }
    await rec.onConfirmed(fault('BIG'));
    const id = repo.rosbagLinksForFault('BIG')[0].recording_id;
    const meta = parseYaml(readFileSync(join(dir, id, 'metadata.yaml'), 'utf8')).rosbag2_bagfile_information;
    expect(meta.relative_file_paths.length).toBeGreaterThan(1);
    const texts: string[] = [];
    for (const f of meta.relative_file_paths as string[]) texts.push(...(await readBag(join(dir, id, f))).messages.map((m) => m.text));
    expect(texts).toEqual(sent);
    expect(resolveRosbagFile(repo, id)!.path).toBe(join(dir, id, `${id}_0.mcap`));
  });

  it('attaches faults confirming inside the open window to the same recording', async () => {
    const { rec, repo, pub, clock } = setup();
    pub('/chatter', 'x');
    await rec.onConfirmed(fault('A'));
    await rec.onConfirmed(fault('B'));
    await rec.onConfirmed(fault('A'));
    clock.advance(1000);
    await rec.idle();
    const ids = repo.allRosbagLinks().map((l) => [l.fault_code, l.recording_id]);
    expect(ids).toHaveLength(2);
    expect(ids[0][1]).toBe(ids[1][1]);
    const d = listRosbagDescriptors(repo);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ id: ids[0][1], mimetype: 'application/x-mcap', 'x-medkit': { fault_codes: ['A', 'B'], recording_id: ids[0][1], format: 'mcap' } });
    expect(d[0].name).toBe(`${ids[0][1]} recording ${d[0].creation_date}`);
  });

  it('one recording per incident: each joining fault keeps it open duration_after_sec longer, named after the root cause', async () => {
    const { rec, repo, pub, clock } = setup({ duration_after_sec: 1, max_incident_sec: 30 });
    pub('/chatter', 'before');
    await rec.onConfirmed(fault('GOAL_ABORTED'), { rootCause: 'PROTECTIVE_STOP' });
    pub('/chatter', 'at 0.1 s', 100);
    clock.advance(800);
    await rec.onConfirmed(fault('ACTION_ABORTED')); // 0.9 s after the first: the window now ends 1 s after this one
    pub('/chatter', 'at 1.5 s', 600);
    clock.advance(300);
    expect(rec.recording).toBe(true); // the first fault's window (1 s) alone would have closed
    pub('/chatter', 'at 1.85 s', 50);
    clock.advance(100);
    await rec.idle();
    expect(rec.recording).toBe(false);
    const links = repo.allRosbagLinks();
    expect(new Set(links.map((l) => l.recording_id)).size).toBe(1);
    expect(links[0].recording_id).toMatch(/^fault_PROTECTIVE_STOP_\d+$/);
    expect(links.map((l) => l.fault_code).sort()).toEqual(['ACTION_ABORTED', 'GOAL_ABORTED']);
    expect(links[0].duration_sec).toBeCloseTo(1.95, 1); // from the oldest message written to the end of the window
    const file = resolveRosbagFile(repo, 'ACTION_ABORTED')!;
    expect((await readBag(file.path)).messages.map((m) => m.text)).toEqual(['before', 'at 0.1 s', 'at 1.5 s', 'at 1.85 s']);
    expect(rec.stats()).toMatchObject({ recordings: 1, joined_faults: 1, capped_recordings: 0 });
  });

  it('a fault confirming after the recording closed gets its whole pre-fault window again, the first fault included', async () => {
    const { rec, repo, pub, clock } = setup({ duration_sec: 5, duration_after_sec: 1 });
    pub('/chatter', 'stop begins');
    await rec.onConfirmed(fault('GOAL_ABORTED'));
    pub('/chatter', 'during the first window', 500);
    clock.advance(600);
    await rec.idle();
    pub('/chatter', 'after it', 900);
    await rec.onConfirmed(fault('RE_ABORTED'));
    clock.advance(1000);
    await rec.idle();
    const second = resolveRosbagFile(repo, 'RE_ABORTED')!;
    expect((await readBag(second.path)).messages.map((m) => m.text)).toEqual(['stop begins', 'during the first window', 'after it']);
    expect(repo.rosbagLinksForFault('RE_ABORTED')[0].duration_sec).toBeGreaterThanOrEqual(2.4);
  });

  it('a burst of 50 faults in 2 s: bounded recordings (max_incident_sec, counted), 32 linked per recording and the rest counted, none silently', async () => {
    const { rec, repo, pub, clock, log } = setup({ duration_after_sec: 1, max_incident_sec: 1.5 });
    pub('/chatter', 'x');
    for (let i = 0; i < 50; i++) {
      await rec.onConfirmed(fault(`BURST_${i}`));
      clock.advance(40);
    }
    clock.advance(1000);
    await rec.idle();
    expect(rec.recording).toBe(false);
    // The first recording is kept open 1.5 s (faults 0..37: 33 linked, 5 counted as unlinked); the faults after it open the second.
    const byRecording = new Map<string, string[]>();
    for (const l of repo.allRosbagLinks()) byRecording.set(l.recording_id, [...(byRecording.get(l.recording_id) ?? []), l.fault_code]);
    expect([...byRecording.values()].map((codes) => codes.length).sort((a, b) => a - b)).toEqual([12, 33]);
    expect(rec.stats()).toMatchObject({ recordings: 2, joined_faults: 48, unlinked_faults: 5, capped_recordings: 1 });
    expect(log.at('warn').filter((w) => w.includes('max_incident_sec'))).toHaveLength(1);
    expect(log.at('warn').filter((w) => w.includes('gets no link'))).toHaveLength(5);
  });

  it('a topic published only on change has its value in force written at the window\'s start (publish time kept)', async () => {
    const { rec, repo, pub, clock } = setup({ duration_sec: 2, duration_after_sec: 0.5 });
    const stateTs = pub('/safety/protective_stop', 'false'); // once, long before
    for (let i = 0; i < 50; i++) pub('/scan', `scan ${i}`, 100); // 5 s of scans: the stop flag falls out of the 2 s window
    pub('/safety/protective_stop', 'true', 10);
    await rec.onConfirmed(fault('STOP'));
    clock.advance(500);
    await rec.idle();
    const file = resolveRosbagFile(repo, 'STOP')!;
    const readable = new FileReadable(file.path);
    const reader = await McapIndexedReader.Initialize({ readable });
    const stops: { text: string; logTime: bigint; publishTime: bigint }[] = [];
    let firstScan: bigint | undefined;
    for await (const m of reader.readMessages()) {
      const topic = reader.channelsById.get(m.channelId)!.topic;
      if (topic === '/scan') firstScan ??= m.logTime;
      if (topic === '/safety/protective_stop') stops.push({ text: Buffer.from(m.data.subarray(8)).toString().replace(/\0$/, ''), logTime: m.logTime, publishTime: m.publishTime });
    }
    readable.close();
    expect(stops.map((s) => s.text)).toEqual(['false', 'true']);
    expect(stops[0].logTime).toBe(firstScan);
    expect(stops[0].publishTime).toBe(stateTs);
    expect(repo.rosbagLinksForFault('STOP')[0].duration_sec).toBeLessThan(3);
  });

  it('records a post-fault-only bag when nothing was buffered, and nothing without a post window', async () => {
    const a = setup();
    await a.rec.onConfirmed(fault('A'));
    a.pub('/chatter', 'post');
    a.clock.advance(1000);
    await a.rec.idle();
    expect(a.log.at('info')).toContain("No pre-fault data buffered for fault 'A' - recording post-fault window only");
    const file = resolveRosbagFile(a.repo, 'A')!;
    expect((await readBag(file.path)).messages.map((m) => m.text)).toEqual(['post']);
    expect(file.filename).toBe(`${file.recording_id}.mcap`);

    const b = setup({ duration_after_sec: 0 });
    await b.rec.onConfirmed(fault('A'));
    expect(b.repo.allRosbagLinks()).toEqual([]);
    expect(b.log.at('warn').length).toBe(1);
  });

  it('with lazy_start buffers nothing until a fault becomes PREFAILED', async () => {
    const { rec, repo, pub, clock } = setup({ lazy_start: true, duration_after_sec: 0 });
    pub('/chatter', 'ignored');
    expect(rec.bufferedMessages).toBe(0);
    await rec.onConfirmed(fault('CRIT'));
    expect(repo.allRosbagLinks()).toEqual([]);
    rec.onPrefailed();
    pub('/chatter', 'kept');
    await rec.onConfirmed(fault('LATER'));
    clock.advance(10);
    expect(repo.rosbagLinksForFault('LATER')).toHaveLength(1);
  });

  it('in entity mode keeps only the fault node\'s topics (plus /tf)', async () => {
    const graph: TopicGraph = { publishedTopics: (n) => (n === '/talker' ? ['/chatter'] : []), subscribedTopics: () => [] };
    const { rec, repo, pub, clock } = setup({ topics: 'entity', duration_after_sec: 0 }, graph);
    pub('/chatter', 'mine');
    pub('/other', 'not mine');
    pub('/tf', 'tf');
    await rec.onConfirmed(fault('TALK', ['/talker']));
    clock.advance(1);
    const file = resolveRosbagFile(repo, 'TALK')!;
    expect((await readBag(file.path)).messages.map((m) => m.topic).sort()).toEqual(['/chatter', '/tf']);
  });

  it('keeps max_bags_per_fault recordings per fault and deletes evicted directories', async () => {
    const { rec, repo, pub, clock } = setup({ duration_after_sec: 0 });
    pub('/chatter', 'one');
    await rec.onConfirmed(fault('A'));
    const first = repo.rosbagLinksForFault('A')[0];
    clock.advance(5);
    pub('/chatter', 'two');
    await rec.onConfirmed(fault('A'));
    const links = repo.rosbagLinksForFault('A');
    expect(links).toHaveLength(1);
    expect(links[0].recording_id).not.toBe(first.recording_id);
    expect(existsSync(first.file_path)).toBe(false);
  });

  it('deletes the oldest recording when the storage quota is exceeded', async () => {
    const { rec, repo, pub } = setup({ duration_after_sec: 0, max_total_storage_mb: 0.004 });
    pub('/chatter', 'x'.repeat(1000));
    await rec.onConfirmed(fault('A'));
    pub('/chatter', 'y'.repeat(1000));
    await rec.onConfirmed(fault('B'));
    expect(repo.allRosbagLinks().map((l) => l.fault_code)).toEqual(['B']);
  });

  it('auto_cleanup removes a cleared fault\'s recording; a vanished bag is dropped lazily', async () => {
    const { rec, repo, pub } = setup({ duration_after_sec: 0 });
    pub('/chatter', 'x');
    await rec.onConfirmed(fault('A'));
    const dir = repo.rosbagLinksForFault('A')[0].file_path;
    rec.onCleared(['A']);
    expect(repo.rosbagLinksForFault('A')).toEqual([]);
    expect(existsSync(dir)).toBe(false);

    pub('/chatter', 'y');
    await rec.onConfirmed(fault('B'));
    const link = repo.rosbagLinksForFault('B')[0];
    rmSync(link.file_path, { recursive: true });
    expect(listRosbagDescriptors(repo)).toEqual([]);
    expect(repo.allRosbagLinks()).toEqual([]);
  });
});

/** A fault manager whose confirmations are recorded by a black box that holds one /chatter message. */
function recordingManager() {
  const h = harness('sqlite', { config: { snapshots: { rosbag: { enabled: true, topics: 'all', duration_after_sec: 0 } } } });
  const rec = new BlackBoxRecorder({ config: h.mgr.config.snapshots.rosbag, selection: topicSelection(h.mgr.config.snapshots.rosbag, []), repository: h.repo, clock: h.clock, storageDir: tmpDir('medkit-bags-') });
  const capture = new FaultCapture({ config: h.mgr.config, repository: h.repo, clock: h.clock, topics: parseSnapshotTopicConfig(undefined), blackbox: rec });
  h.mgr.setCaptureHooks(capture);
  rec.onMessage('/chatter', 'std_msgs/msg/String', STRING_DEF, cdrString('hello'), h.clock.wallNs());
  return { h, capture };
}

describe('black box through the fault manager', () => {
  it('records on confirmation, exposes the recording in the fault detail, scope and GetRosbag', async () => {
    const { h, capture } = recordingManager();
    h.F('BATTERY_LOW', 2, '/power/battery_monitor');
    await capture.idle();
    const env = environmentData(h.repo, 'BATTERY_LOW', false)!;
    const snaps = restSnapshots(env, '/apps/battery_monitor');
    const id = h.repo.rosbagLinksForFault('BATTERY_LOW')[0].recording_id;
    expect(snaps).toEqual([{
      type: 'rosbag', name: `rosbag_${id}`, bulk_data_uri: `/apps/battery_monitor/bulk-data/rosbags/${id}`,
      size_bytes: expect.any(Number), duration_sec: expect.any(Number), format: 'mcap', 'x-medkit': { captured_at: expect.stringMatching(/Z$/) },
    }]);
    expect(listRosbagDescriptors(h.repo, sourceMatcher(['/power/battery_monitor']))).toHaveLength(1);
    expect(listRosbagDescriptors(h.repo, sourceMatcher(['/other']))).toHaveLength(0);
    expect(resolveRosbagFile(h.repo, id, sourceMatcher(['/other']))).toBeNull();
    const got = getRosbag(h.repo, 'BATTERY_LOW', '');
    expect(got).toMatchObject({ success: true, recording_id: id, fault_codes: ['BATTERY_LOW'], format: 'mcap' });
    expect(getRosbag(h.repo, '', 'bad id!').success).toBe(false);
    expect(getRosbag(h.repo, 'NOPE', '').error_message).toBe('Fault not found: NOPE');
  });

  it('records a fault whose code has the full 256 characters: its recording id is cut with a digest (the reference 0.7.0, #591)', async () => {
    const code = `LONG_${'X'.repeat(251)}`;
    expect(code).toHaveLength(256);
    const a = recordingIdOf(code, 1774232073512);
    expect(a.length).toBeLessThanOrEqual(MAX_RECORDING_ID_LENGTH);
    expect(validateRecordingId(a)).toBeNull();
    expect(recordingIdOf(`${code.slice(0, 255)}Y`, 1774232073512)).not.toBe(a);
    expect(recordingIdOf('SHORT', 5)).toBe('fault_SHORT_5');

    const { h, capture } = recordingManager();
    expect(h.mgr.report({ fault_code: code, event_type: 0, severity: 2, description: '', source_id: '/power/battery_monitor' }).accepted).toBe(true);
    await capture.idle();
    const got = getRosbag(h.repo, code, '');
    expect(got).toMatchObject({ success: true, fault_codes: [code], format: 'mcap' });
    expect(existsSync(got.file_path)).toBe(true);
    expect(resolveRosbagFile(h.repo, got.recording_id, sourceMatcher(['/power/battery_monitor']))).not.toBeNull();
  });
});
