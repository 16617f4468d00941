// The fault REST bodies against their schemas (issue 58, "a REST body's shape is written once"): real views built
// by this package from a fault manager with captured evidence must pass the schema the gateway serves, and carry no
// field the schema does not list (the response serialiser would drop it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { FaultCapture } from '../src/capture.js';
import type { SampledMessage, TopicSampler, HistoryPoint } from '../src/snapshots/sampler.js';
import { parseSnapshotTopicConfig } from '../src/snapshots/topic-config.js';
import { environmentData } from '../src/query/environment.js';
import { queryFaults } from '../src/query/list.js';
import { faultSnapshots } from '../src/query/ros-services.js';
import { listRosbagDescriptors } from '../src/blackbox/recordings.js';
import { entityFrameSnapshot, faultDetail, faultListEnvelope, faultListItem, restSnapshots } from '../src/query/rest-views.js';
import {
  BulkDataDescriptorSchema, FaultAcknowledgementSchema, FaultDetailSchema, FaultListItemSchema, FaultListSchema, FaultSnapshotSchema, FaultSnapshotsSchema,
  SovdFaultStatusSchema,
} from '../src/query/rest-schemas.js';
import { cleanupDirs, harness, tmpDir } from '../../../test-support/faults-harness.js';
import { shapeProblems } from '../../../test-support/rest-shape.js';

afterEach(cleanupDirs);

const REFS: TSchema[] = [SovdFaultStatusSchema, FaultSnapshotSchema, FaultAcknowledgementSchema, FaultListItemSchema];

class Sampler implements TopicSampler {
  constructor(private readonly messages: Record<string, SampledMessage>, private readonly histories: Record<string, HistoryPoint[]> = {}) {}
  async sample(topic: string): Promise<SampledMessage | null> {
    return this.messages[topic] ?? null;
  }
  history(topic: string): HistoryPoint[] {
    return this.histories[topic] ?? [];
  }
}
const msg = (type: string, value: unknown): SampledMessage => ({ type, value, timestamp_ns: 1_770_000_000_123_000_000n, size_bytes: 16 });

/** A fault manager whose MOTOR fault has a topic frame and a recording, and STOP a signal-window frame. */
async function evidence() {
  const h = harness('sqlite');
  const sampler = new Sampler(
    { '/motor/temperature': msg('sensor_msgs/msg/Temperature', { temperature: 85.5 }), '/safety/range': msg('std_msgs/msg/Float64', { data: 0.1 }) },
    { '/safety/range': [{ timestamp_ns: 1_770_000_000_000_000_001n, value: 0.3 }] },
  );
  const topics = parseSnapshotTopicConfig('fault_specific:\n  MOTOR: [/motor/temperature]\n  STOP: [/safety/range]\n', []);
  const capture = new FaultCapture({ config: h.mgr.config, repository: h.repo, clock: h.clock, topics, sampler, graph: { publishedTopics: () => [] }, log: h.log });
  h.mgr.setCaptureHooks(capture);
  h.F('MOTOR', 2, '/motor', 'Motor too hot');
  h.F('STOP', 3, '/safety');
  await capture.idle();
  const dir = join(tmpDir(), 'rec1');
  mkdirSync(dir);
  writeFileSync(join(dir, 'rec1_0.mcap'), 'x');
  h.repo.addRosbagLinks([{ fault_code: 'MOTOR', recording_id: 'rec1', file_path: dir, format: 'mcap', duration_sec: 6, size_bytes: 1, created_at_ns: 1_770_000_000_000_000_000n }]);
  h.mgr.acknowledge('MOTOR', 'alice', 'on it');
  return h;
}

describe('fault REST bodies match their schemas (issue 58)', () => {
  it('list items, with and without evidence and acknowledgement, and the list envelope', async () => {
    const h = await evidence();
    const motor = h.repo.getFault('MOTOR')!;
    const env = environmentData(h.repo, 'MOTOR', false)!;
    const items = [
      faultListItem(motor),
      faultListItem(motor, { entity_type: 'apps', entity_id: 'motor' }, restSnapshots(env, '/apps/motor', { latest: true }), h.mgr.acknowledgement(motor)),
      faultListItem(h.repo.getFault('STOP')!, undefined, restSnapshots(environmentData(h.repo, 'STOP', false)!)),
    ];
    for (const item of items) expect(shapeProblems(FaultListItemSchema, REFS, item)).toEqual([]);
    const list = faultListEnvelope(queryFaults(h.mgr, { statuses: ['CONFIRMED'] }), items, { includeMuted: true, includeClusters: true });
    expect(shapeProblems(FaultListSchema, REFS, list)).toEqual([]);
  });

  it('details with topic, signal-window, entity and rosbag entries, history and acknowledgement', async () => {
    const h = await evidence();
    const motor = h.repo.getFault('MOTOR')!;
    const frame = entityFrameSnapshot({ fault_code: 'MOTOR', entity_id: 'plc', data: { temp: 1 }, captured_at_ns: 1n, capture_origin: 'startup', connected: true, occurrence_ns: motor.first_occurred_ns,
    });
    const detail = faultDetail(motor, environmentData(h.repo, 'MOTOR', false)!, {
      entity: { entity_type: 'apps', entity_id: 'motor' }, entityPath: '/apps/motor', extraFrames: [frame],
      history: h.mgr.history('MOTOR'), acknowledgement: h.mgr.acknowledgement(motor),
    });
    expect(detail.environment_data.snapshots.map((s) => s.type)).toEqual(['freeze_frame', 'freeze_frame', 'rosbag']);
    expect(detail['x-medkit'].status_history.length).toBeGreaterThan(0);
    expect(shapeProblems(FaultDetailSchema, REFS, detail)).toEqual([]);
    const stop = faultDetail(h.repo.getFault('STOP')!, environmentData(h.repo, 'STOP', false)!);
    expect(shapeProblems(FaultDetailSchema, REFS, stop)).toEqual([]);
  });

  it('the snapshot document and the rosbag bulk-data descriptors', async () => {
    const h = await evidence();
    const doc = faultSnapshots(h.mgr, h.repo.getFault('MOTOR')!, '', () => '/apps/motor');
    expect(doc.rosbag.download_url).toBeDefined();
    expect(shapeProblems(FaultSnapshotsSchema, REFS, doc)).toEqual([]);
    const descriptors = listRosbagDescriptors(h.repo);
    expect(descriptors).toHaveLength(1);
    for (const d of descriptors) expect(shapeProblems(BulkDataDescriptorSchema, REFS, d)).toEqual([]);
  });

  it('reports a field the schema does not list', () => {
    const item = { ...faultListItem(harnessFault()), surplus: 1 };
    expect(shapeProblems(FaultListItemSchema, REFS, item)).toEqual(['/surplus: not in the schema (the response would drop it)']);
  });
});

function harnessFault() {
  const h = harness('memory');
  h.F('X');
  return h.repo.getFault('X')!;
}
