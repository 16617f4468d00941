// Writes a rosbag2-compatible MCAP bag (docs/faults.md): profile `ros2`, schemas `ros2msg` with the full
// concatenated definition text, messages `cdr`, files split at `max_bag_size_mb`, plus a metadata.yaml so
// `ros2 bag info/play` understand the directory.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { IWritable, McapWriter } from '@mcap/core';
import { stringify as toYaml } from 'yaml';
import type { TapMessage } from './ring-buffer.js';

/**
 * File sink for McapWriter. Writes are asynchronous (the thread pool), so the event loop keeps receiving while a
 * chunk goes to disk; McapWriter awaits each one before it reuses the buffer it passed.
 */
export class FileWritable implements IWritable {
  private pos = 0n;
  constructor(readonly file: FileHandle) {}
  async write(buffer: Uint8Array): Promise<void> {
    let off = 0;
    while (off < buffer.byteLength) off += (await this.file.write(buffer, off, buffer.byteLength - off)).bytesWritten;
    this.pos += BigInt(buffer.byteLength);
  }
  position(): bigint {
    return this.pos;
  }
}

interface FileStats { path: string; count: number; startNs: bigint; endNs: bigint }
interface TopicStats { type: string; count: number }

interface BagSummary {
  files: string[];
  messageCount: number;
}

/** Facts about how a recording was made, stored with it (an MCAP metadata record and metadata.yaml `custom_data`). */
export type RecordingNotes = Record<string, string>;

/** The name of the MCAP metadata record that carries the RecordingNotes. */
const NOTES_RECORD = 'medkit_blackbox';

/**
 * Loads the MCAP library ahead of the first recording: evaluating it holds the event loop for 0.2–0.5 s, and at a
 * confirmation that is when 50 MB/s of heavy topics must keep flowing (a KEEP_LAST publisher overwrites what the
 * gateway is late for). A gateway whose black box never runs never loads it.
 */
export function preloadMcap(): void {
  void import('@mcap/core').catch(() => undefined); // a failure shows at the first recording
}

export class McapBagWriter {
  private writer!: McapWriter;
  private sink!: FileWritable;
  private schemas = new Map<string, number>();
  private channels = new Map<string, number>();
  private seq = new Map<number, number>();
  private readonly files: FileStats[] = [];
  private readonly topics = new Map<string, TopicStats>();

  private constructor(readonly dir: string, private readonly baseName: string, private readonly maxFileBytes: number) {}

  /** Creates `dir` and the first file `<baseName>_0.mcap`. */
  static async open(dir: string, baseName: string, maxFileBytes: number): Promise<McapBagWriter> {
    mkdirSync(dir, { recursive: true });
    const w = new McapBagWriter(dir, baseName, maxFileBytes);
    await w.startFile();
    return w;
  }

  private async startFile(): Promise<void> {
    // The MCAP library is loaded once the black box runs (preloadMcap), else here, before anything below changes
    // this writer's state.
    const { McapWriter: Writer } = await import('@mcap/core');
    const name = `${this.baseName}_${this.files.length}.mcap`;
    this.sink = new FileWritable(await openFile(join(this.dir, name), 'w'));
    // Chunks reach the file only when full, so a chunk must be well below the split size for splitting to
    // happen near `max_bag_size_mb`.
    const chunkSize = this.maxFileBytes > 0 ? Math.max(1024, Math.min(1 << 20, Math.floor(this.maxFileBytes / 8))) : 1 << 20;
    this.writer = new Writer({ writable: this.sink, chunkSize });
    this.schemas = new Map();
    this.channels = new Map();
    this.seq = new Map();
    this.files.push({ path: name, count: 0, startNs: 0n, endNs: 0n });
    await this.writer.start({ profile: 'ros2', library: 'medkit' });
  }

  private async endFile(): Promise<void> {
    await this.writer.end();
    await this.sink.file.close();
  }

  private async channelFor(m: TapMessage): Promise<number> {
    let ch = this.channels.get(m.topic);
    if (ch !== undefined) return ch;
    let schemaId = this.schemas.get(m.typeName);
    if (schemaId === undefined) {
      schemaId = await this.writer.registerSchema({ name: m.typeName, encoding: 'ros2msg', data: new TextEncoder().encode(m.definition) });
      this.schemas.set(m.typeName, schemaId);
    }
    ch = await this.writer.registerChannel({
      schemaId, topic: m.topic, messageEncoding: 'cdr', metadata: new Map([['offered_qos_profiles', ''], ['topic_type_hash', '']]),
    });
    this.channels.set(m.topic, ch);
    return ch;
  }

  /** Appends one message; starts the next file first when the current one reached the split size. */
  async write(m: TapMessage): Promise<void> {
    if (this.maxFileBytes > 0 && Number(this.sink.position()) >= this.maxFileBytes && this.files.at(-1)!.count > 0) {
      await this.endFile();
      await this.startFile();
    }
    const channelId = await this.channelFor(m);
    const sequence = (this.seq.get(channelId) ?? 0) + 1;
    this.seq.set(channelId, sequence);
    await this.writer.addMessage({ channelId, sequence, logTime: m.timestampNs, publishTime: m.publishTimeNs ?? m.timestampNs, data: m.data });
    const f = this.files.at(-1)!;
    if (f.count === 0 || m.timestampNs < f.startNs) f.startNs = m.timestampNs;
    if (m.timestampNs > f.endNs) f.endNs = m.timestampNs;
    f.count++;
    const t = this.topics.get(m.topic) ?? { type: m.typeName, count: 0 };
    t.count++;
    this.topics.set(m.topic, t);
  }

  /** Finishes the last file (with `notes` as a metadata record) and writes metadata.yaml. */
  async close(notes: RecordingNotes = {}): Promise<BagSummary> {
    if (Object.keys(notes).length > 0) await this.writer.addMetadata({ name: NOTES_RECORD, metadata: new Map(Object.entries(notes)) });
    await this.endFile();
    const used = this.files.filter((f) => f.count > 0);
    const start = used.length > 0 ? used.reduce((a, f) => (f.startNs < a ? f.startNs : a), used[0].startNs) : 0n;
    const end = used.reduce((a, f) => (f.endNs > a ? f.endNs : a), 0n);
    const messageCount = this.files.reduce((n, f) => n + f.count, 0);
    const info = {
      rosbag2_bagfile_information: {
        version: 5,
        storage_identifier: 'mcap',
        duration: { nanoseconds: Number(end - start) },
        starting_time: { nanoseconds_since_epoch: start },
        message_count: messageCount,
        topics_with_message_count: [...this.topics].map(([name, t]) => ({
          topic_metadata: { name, type: t.type, serialization_format: 'cdr', offered_qos_profiles: '' },
          message_count: t.count,
        })),
        compression_format: '',
        compression_mode: '',
        custom_data: notes,
        relative_file_paths: this.files.map((f) => f.path),
        files: this.files.map((f) => ({
          path: f.path,
          starting_time: { nanoseconds_since_epoch: f.startNs },
          duration: { nanoseconds: Number(f.endNs - f.startNs) },
          message_count: f.count,
        })),
      },
    };
    writeFileSync(join(this.dir, 'metadata.yaml'), toYaml(info));
    return { files: this.files.map((f) => join(this.dir, f.path)), messageCount };
  }

  /** Gives up: closes what is open and removes the directory (no partial bags are left, docs/faults.md step 5). */
  async abort(): Promise<void> {
    try {
      await this.sink.file.close();
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
