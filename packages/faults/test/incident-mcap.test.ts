// The incident file (docs/faults.md "Incident export"): a recording split into several MCAP files becomes one file
// with one channel per topic and every message in order, the recording's notes, the medkit_incident metadata and
// the attachments; an incident without a recording is still a valid file. Read back with @mcap/core.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { ManualClock } from '../src/clock.js';
import { sanitizeFaultConfig } from '../src/config.js';
import { BlackBoxRecorder } from '../src/blackbox/recorder.js';
import { topicSelection } from '../src/blackbox/topic-selection.js';
import { mcapFiles } from '../src/blackbox/recordings.js';
import { INCIDENT_RECORD, writeIncidentMcap } from '../src/blackbox/incident-mcap.js';
import type { FaultRecord } from '../src/model.js';
import { cleanupDirs, openRepo, tmpDir } from '../../../test-support/faults-harness.js';

afterEach(cleanupDirs);

const fault: FaultRecord = {
  fault_code: 'STOP', severity: 3, description: '', first_occurred_ns: 1n, last_occurred_ns: 1n, last_passed_ns: 0n, occurrence_count: 1,
  status: 'CONFIRMED', reporting_sources: ['/gate'], debounce_counter: -1, last_failed_ns: 1n, confirmed_at_ns: 1n,
};

/** A CDR std_msgs/String of `n` bytes of text. */
const cdr = (text: string) => {
  const body = Buffer.from(`${text}\0`);
  const out = Buffer.alloc(8 + body.length);
  out.set([0, 1, 0, 0]);
  out.writeUInt32LE(body.length, 4);
  body.copy(out, 8);
  return out;
};

async function open(path: string) {
  const bytes = readFileSync(path);
  return McapIndexedReader.Initialize({ readable: { size: async () => BigInt(bytes.length), read: async (o, l) => bytes.subarray(Number(o), Number(o + l)) } });
}

describe('incident MCAP file', () => {
  it('joins a split recording into one file with one channel per topic, in order, with the notes, the metadata and the attachments', async () => {
    const config = sanitizeFaultConfig({ snapshots: { rosbag: { enabled: true, topics: 'all', duration_sec: 5, duration_after_sec: 1, max_bag_size_mb: 0.002 } } });
    const clock = new ManualClock(1_770_000_000_000_000_000n);
    const repo = openRepo('sqlite');
    const rec = new BlackBoxRecorder({ config: config.snapshots.rosbag, selection: topicSelection(config.snapshots.rosbag, []), repository: repo, clock, storageDir: tmpDir('medkit-bags-') });
    for (let i = 0; i < 60; i++) {
      clock.advance(10);
      rec.onMessage(i % 2 ? '/b' : '/a', 'std_msgs/msg/String', 'string data\n', cdr(`m${i} ${'x'.repeat(40)}`), clock.wallNs());
    }
    await rec.onConfirmed(fault);
    clock.advance(1000);
    await rec.idle();
    const files = mcapFiles(repo.rosbagLinksForFault('STOP')[0]);
    expect(files.length).toBeGreaterThan(1);

    const out = join(tmpDir('medkit-incident-'), 'incident.mcap');
    const data = new TextEncoder().encode('{"a":1}');
    const { messages } = await writeIncidentMcap(out, { recordingFiles: files, metadata: { fault_code: 'STOP', root_cause: 'ESTOP' }, attachments: [{ name: 'faults.json', mediaType: 'application/json', data, logTimeNs: 5n }] });
    expect(messages).toBe(60);
    const reader = await open(out);
    expect([...reader.channelsById.values()].map((c) => c.topic).sort()).toEqual(['/a', '/b']);
    expect(reader.schemasById.size).toBe(1);
    const texts: string[] = [];
    for await (const m of reader.readMessages()) texts.push(Buffer.from(m.data.subarray(8)).toString().split(' ')[0]);
    expect(texts).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`));
    const meta = new Map<string, Map<string, string>>();
    for await (const m of reader.readMetadata()) meta.set(m.name, m.metadata);
    expect(Object.fromEntries(meta.get(INCIDENT_RECORD)!)).toEqual({ fault_code: 'STOP', root_cause: 'ESTOP' });
    expect(meta.has('medkit_blackbox')).toBe(true);
    const attachments = [];
    for await (const a of reader.readAttachments()) attachments.push(a);
    expect(attachments.map((a) => [a.name, a.mediaType, new TextDecoder().decode(a.data)])).toEqual([['faults.json', 'application/json', '{"a":1}']]);
  });

  it('writes an incident without a recording: no messages, the metadata and attachments', async () => {
    const out = join(tmpDir('medkit-incident-'), 'incident.mcap');
    expect(await writeIncidentMcap(out, { recordingFiles: [], metadata: { fault_code: 'X' }, attachments: [] })).toEqual({ messages: 0 });
    const reader = await open(out);
    expect(reader.channelsById.size).toBe(0);
    const names = [];
    for await (const m of reader.readMetadata()) names.push(m.name);
    expect(names).toEqual([INCIDENT_RECORD]);
  });
});
