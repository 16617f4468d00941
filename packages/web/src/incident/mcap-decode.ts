// Decodes a black-box recording (rosbag2 MCAP: `ros2msg` schemas, `cdr` messages; docs/faults.md "Black box")
// into plottable series. Runs in the worker (mcap-worker.ts); pure apart from the progress callback.
import { McapStreamReader } from '@mcap/core';
import { parse as parseMsgDefinition } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { flattenMessage, type FieldKind } from './field-flatten';
import type { DecodedRecording, FieldSeries, TopicSeries } from './recording-types';

/** Bytes handed to the MCAP reader at a time (progress is reported after each slice). */
const SLICE = 1 << 20;
/** Points kept per topic for plotting; above it every k-th message is kept. */
const MAX_POINTS_PER_TOPIC = 20_000;

interface Channel {
  topic: string;
  type: string;
  reader?: MessageReader;
  error?: string;
  times: number[];
  fields: Map<string, { kind: FieldKind; values: (number | null)[] }>;
  count: number;
}

function channelFor(schema: { name: string; encoding: string; data: Uint8Array } | undefined, messageEncoding: string, topic: string): Channel {
  const ch: Channel = { topic, type: schema?.name ?? '?', times: [], fields: new Map(), count: 0 };
  if (!schema) ch.error = 'the recording has no schema for this topic';
  else if (schema.encoding !== 'ros2msg') ch.error = `schema encoding ${schema.encoding || '(none)'} is not ros2msg`;
  else if (messageEncoding !== 'cdr') ch.error = `message encoding ${messageEncoding} is not cdr`;
  else {
    try {
      ch.reader = new MessageReader(parseMsgDefinition(new TextDecoder().decode(schema.data), { ros2: true }));
    } catch (err) {
      ch.error = `schema ${schema.name} could not be parsed: ${(err as Error).message}`;
    }
  }
  return ch;
}

function addMessage(ch: Channel, timeSec: number, data: Uint8Array): void {
  ch.count++;
  if (!ch.reader) return;
  let msg: unknown;
  try {
    msg = ch.reader.readMessage(data);
  } catch (err) {
    ch.error ??= `a message could not be decoded: ${(err as Error).message}`;
    return;
  }
  const index = ch.times.length;
  ch.times.push(timeSec);
  for (const f of flattenMessage(msg)) {
    let s = ch.fields.get(f.key);
    if (!s) {
      s = { kind: f.kind, values: new Array<number | null>(index).fill(null) };
      ch.fields.set(f.key, s);
    }
    s.values.push(Number.isFinite(f.value) ? f.value : null);
  }
  for (const s of ch.fields.values()) if (s.values.length < index + 1) s.values.push(null);
}

function thin<T>(a: T[], step: number): T[] {
  return step <= 1 ? a : a.filter((_, i) => i % step === 0);
}

function finish(ch: Channel): TopicSeries {
  const step = Math.ceil(ch.times.length / MAX_POINTS_PER_TOPIC);
  const fields: FieldSeries[] = [...ch.fields].map(([key, s]) => {
    const values = thin(s.values, step);
    const first = values.find((v) => v !== null);
    return { key, kind: s.kind, values, varies: values.some((v) => v !== null && v !== first) };
  });
  return { topic: ch.topic, type: ch.type, count: ch.count, times: thin(ch.times, step), fields, ...(ch.error ? { error: ch.error } : {}) };
}

/** Decodes the whole file; throws with a readable message when it is not a readable MCAP. */
export function decodeMcap(bytes: Uint8Array, onProgress: (done: number, total: number) => void = () => {}): DecodedRecording {
  const reader = new McapStreamReader({ validateCrcs: false });
  const schemas = new Map<number, { name: string; encoding: string; data: Uint8Array }>();
  const channels = new Map<number, Channel>();
  let start = Infinity;
  let end = -Infinity;
  let messageCount = 0;
  for (let off = 0; off < bytes.length; off += SLICE) {
    reader.append(bytes.subarray(off, Math.min(bytes.length, off + SLICE)));
    for (let rec = reader.nextRecord(); rec; rec = reader.nextRecord()) {
      if (rec.type === 'Schema') schemas.set(rec.id, { name: rec.name, encoding: rec.encoding, data: rec.data });
      else if (rec.type === 'Channel') {
        if (!channels.has(rec.id)) channels.set(rec.id, channelFor(schemas.get(rec.schemaId), rec.messageEncoding, rec.topic));
      } else if (rec.type === 'Message') {
        const ch = channels.get(rec.channelId);
        if (!ch) continue;
        const t = Number(rec.logTime) / 1e9;
        if (t < start) start = t;
        if (t > end) end = t;
        messageCount++;
        addMessage(ch, t, rec.data);
      }
    }
    onProgress(Math.min(bytes.length, off + SLICE), bytes.length);
  }
  if (!reader.done() && channels.size === 0) throw new Error('not a complete MCAP file');
  const topics = [...channels.values()].map(finish).sort((a, b) => a.topic.localeCompare(b.topic));
  return { startSec: Number.isFinite(start) ? start : 0, endSec: Number.isFinite(end) ? end : 0, messageCount, topics };
}
