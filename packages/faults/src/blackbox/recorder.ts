// The black-box recorder (docs/faults.md): buffers selected topics, and on a confirmation writes the
// buffer plus a post-fault window into one bag per burst (single writer), then records the (fault,
// recording) links and applies retention. It is fed by the ROS layer through `TopicTap.onMessage`.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { MAX_RECORDING_ID_LENGTH } from '@medkit/sovd';
import { join } from 'node:path';
import type { FaultClock, TimerHandle } from '../clock.js';
import type { RosbagConfig } from '../config.js';
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import type { FaultRecord } from '../model.js';
import type { TopicGraph } from '../snapshots/sampler.js';
import type { FaultRepository, RosbagLink } from '../storage/repository.js';
import { McapBagWriter, preloadMcap, type RecordingNotes } from './mcap-bag.js';
import type { TapMessage } from './ring-buffer.js';
import { RingBuffer } from './ring-buffer.js';
import { BagWriteQueue } from './write-queue.js';
import { TransportLosses } from './transport-losses.js';
import type { TopicSelection } from './topic-selection.js';
import { entityScope } from './topic-selection.js';

/** What the ROS layer calls for every message of a subscribed topic. */
export interface TopicTap {
  onMessage(topic: string, typeName: string, definitionText: string, cdrBytes: Uint8Array, timestampNs: bigint): void;
  /** `count` messages of `topic` were published but will never arrive (the DDS reader's lost samples). */
  onLost?(topic: string, count: number): void;
}

export const MAX_ATTACHED_FAULTS = 32;
const MB = 1024 * 1024;

/** What the black box holds and did (GET /health, /metrics, the soak benchmark). */
export interface BlackBoxStats {
  running: boolean;
  recording: boolean;
  /** Messages and bytes in the pre-fault buffer. */
  buffered_messages: number;
  buffered_bytes: number;
  /** Bytes of recorded messages waiting for the disk (some may be in the buffer too: the buffer keeps what a recording took). */
  queued_bytes: number;
  /** Bytes the black box holds: the buffer and the write queues, a message in both counted once. What the budget bounds. */
  held_bytes: number;
  /** What the buffer and the write queue may hold together: max_buffer_mb + max_write_queue_mb. */
  budget_bytes: number;
  /** Messages pruned from the pre-fault buffer by age or by its byte limit (by design, not lost). */
  evicted_messages: number;
  /** Messages of a post-fault window that did not fit the write queue: lost to the recording. */
  dropped_messages: number;
  /** Messages written into recordings. */
  written_messages: number;
  /**
   * Messages of recorded topics that never reached the black box: the publisher no longer had them when the DDS
   * reader asked for them again (a KEEP_LAST history overwrote them first). Each recording's notes say its own.
   */
  lost_in_transport_messages: number;
  recordings: number;
  /** Recordings abandoned because a write failed. */
  failed_recordings: number;
  /** Faults that joined an open recording (one recording per incident) instead of opening their own. */
  joined_faults: number;
  /** Faults that confirmed while a recording already covered MAX_ATTACHED_FAULTS others: recorded in it, not linked to it. */
  unlinked_faults: number;
  /** Recordings whose post-fault window stopped growing at max_incident_sec. */
  capped_recordings: number;
}

/** What the manager knows about a confirmation when it hands it to the recorder. */
export interface ConfirmContext {
  /** The root cause the fault confirmed as a symptom of (correlation, local or a peer's): the incident's name. */
  rootCause?: string;
}

interface OpenRecording {
  id: string;
  dir: string;
  writer: Promise<McapBagWriter>;
  queue: BagWriteQueue;
  primary: string;
  attached: Set<string>;
  /** Codes attached beyond the limit: widen the filter, get no row. */
  unlinked: Set<string>;
  cleared: Set<string>;
  /** null = write every topic. */
  filter: Set<string> | null;
  startMono: number;
  /** When the recording opened, and when its post-fault window closes now (monotonic ms). */
  openedMono: number;
  closesMono: number;
  capped: boolean;
  createdAtNs: bigint;
  /** Messages of this recording's topics lost before the recorder (TopicTap.onLost), by topic. */
  lost: Map<string, number>;
  timer?: TimerHandle;
}

interface BlackBoxOptions {
  config: RosbagConfig;
  selection: TopicSelection;
  repository: FaultRepository;
  clock: FaultClock;
  /** Resolved bag directory. */
  storageDir: string;
  graph?: TopicGraph;
  log?: FaultLogger;
}

export class BlackBoxRecorder implements TopicTap {
  private readonly buffer: RingBuffer;
  private running: boolean;
  private readonly startedMono: number;
  private open: OpenRecording | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly seen = new Set<string>();
  private readonly log: FaultLogger;
  private lastIdMs = 0;
  /** The recording being finished (its queue still drains after the window closed), for the shared byte budget. */
  private closing: OpenRecording | undefined;
  private readonly totals = { dropped: 0, written: 0, recordings: 0, failed: 0, lostInTransport: 0, joined: 0, unlinked: 0, capped: 0 };
  /** Losses while only buffering, charged to the next recording when they fall in its pre-fault window. */
  private readonly losses: TransportLosses;

  constructor(private readonly o: BlackBoxOptions) {
    this.log = o.log ?? silentLogger;
    // The ring buffer and the write queues share one budget: the buffer gives way to bytes still waiting for the disk.
    this.buffer = new RingBuffer(o.config.duration_sec * 1000, o.config.max_buffer_mb * MB, () => this.queuedBytes());
    this.losses = new TransportLosses(o.config.duration_sec * 1000);
    this.running = o.config.enabled && !o.config.lazy_start;
    if (this.running) preloadMcap();
    this.startedMono = o.clock.monoMs();
  }

  /** Whether messages are being buffered (false before a lazy start). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Whether the tap subscribes with a QoS matching the publishers (`qos_match`) rather than best effort. */
  get qosMatch(): boolean {
    return this.o.config.qos_match;
  }

  /** Whether a post-fault window is open. */
  get recording(): boolean {
    return this.open !== undefined;
  }

  get bufferedMessages(): number {
    return this.buffer.size;
  }

  private queuedBytes(): number {
    return (this.open?.queue.queuedBytes ?? 0) + (this.closing?.queue.queuedBytes ?? 0);
  }

  /** The buffer's bytes and the queues', a message held by both counted once (stats only: linear in what is held). */
  private heldBytes(live: OpenRecording[]): number {
    const queued = new Set<TapMessage>();
    for (const r of live) for (const m of r.queue.pending()) queued.add(m);
    let shared = 0;
    for (const m of this.buffer.snapshot()) if (queued.has(m)) shared += m.data.byteLength;
    return this.buffer.byteSize + this.queuedBytes() - shared;
  }

  stats(): BlackBoxStats {
    const live = [this.open, this.closing].filter((r): r is OpenRecording => r !== undefined);
    return {
      running: this.running,
      recording: this.open !== undefined,
      buffered_messages: this.buffer.size,
      buffered_bytes: this.buffer.byteSize,
      queued_bytes: this.queuedBytes(),
      held_bytes: this.heldBytes(live),
      budget_bytes: (this.o.config.max_buffer_mb + this.o.config.max_write_queue_mb) * MB,
      evicted_messages: this.buffer.evicted,
      dropped_messages: this.totals.dropped + live.reduce((n, r) => n + r.queue.droppedCount, 0),
      written_messages: this.totals.written + live.reduce((n, r) => n + r.queue.written, 0),
      recordings: this.totals.recordings,
      failed_recordings: this.totals.failed,
      lost_in_transport_messages: this.totals.lostInTransport,
      joined_faults: this.totals.joined,
      unlinked_faults: this.totals.unlinked,
      capped_recordings: this.totals.capped,
    };
  }

  /** Topics the ROS layer should subscribe to, given the graph's topic names (re-evaluated every 500 ms). */
  topicsToSubscribe(graphTopics: readonly string[]): string[] {
    return this.o.config.enabled ? this.o.selection.select(graphTopics) : [];
  }

  /** Lazy start (docs/faults.md): the first PREFAILED starts the buffer, which then runs until shutdown. */
  onPrefailed(): void {
    if (this.o.config.enabled && !this.running) {
      this.running = true;
      preloadMcap();
      this.log.info('black box: lazy start on first PREFAILED fault');
    }
  }

  onMessage(topic: string, typeName: string, definitionText: string, cdrBytes: Uint8Array, timestampNs: bigint): void {
    if (!this.running || !this.o.selection.accepts(topic)) return;
    this.seen.add(topic);
    const m: TapMessage = { topic, typeName, definition: definitionText, data: cdrBytes, timestampNs, monoMs: this.o.clock.monoMs() };
    const rec = this.open;
    // During a post-fault window messages go into the open bag's queue (dropped and counted when it is full), and
    // stay in the ring buffer too: a fault confirming after this recording closed gets its whole pre-fault window.
    if (rec && (rec.filter === null || rec.filter.has(topic))) rec.queue.offer(m);
    this.buffer.push(m);
  }

  onLost(topic: string, count: number): void {
    if (!this.running || !this.o.selection.accepts(topic) || !(count > 0)) return;
    this.totals.lostInTransport += count;
    const rec = this.open;
    if (rec) {
      if (rec.filter === null || rec.filter.has(topic)) rec.lost.set(topic, (rec.lost.get(topic) ?? 0) + count);
      return;
    }
    this.losses.note(topic, count, this.o.clock.monoMs());
  }

  /** Serialises the rosbag part of capture jobs (single writer, docs/faults.md). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** The confirmation step of the state machine (docs/faults.md). Resolves once the bag is open (or nothing was done). */
  onConfirmed(fault: FaultRecord, context: ConfirmContext = {}): Promise<void> {
    return this.serial(() => this.confirm(fault, context));
  }

  private scopeOf(fault: FaultRecord): Set<string> | null {
    return entityScope(fault.reporting_sources, this.o.graph, this.seen);
  }

  private async confirm(fault: FaultRecord, context: ConfirmContext): Promise<void> {
    if (!this.o.config.enabled || !this.running) return;
    const code = fault.fault_code;
    const rec = this.open;
    if (rec) {
      this.totals.joined++;
      this.extend(rec);
      if (rec.primary === code) return;
      if (!rec.attached.has(code)) {
        if (rec.attached.size < MAX_ATTACHED_FAULTS) rec.attached.add(code);
        else if (!rec.unlinked.has(code)) {
          rec.unlinked.add(code);
          this.totals.unlinked++;
          this.log.warn(`black box: recording ${rec.id} already covers ${MAX_ATTACHED_FAULTS} extra faults; '${code}' is in it but gets no link`);
        }
        rec.cleared.delete(code);
      }
      if (this.o.selection.entityScoped && rec.filter) {
        const scope = this.scopeOf(fault);
        if (scope === null) rec.filter = null;
        else scope.forEach((t) => rec.filter!.add(t));
      }
      return;
    }
    const after = this.o.config.duration_after_sec;
    if (this.buffer.size === 0 && after <= 0) {
      this.log.warn(`black box: nothing buffered for fault '${code}' and no post-fault window; no recording`);
      return;
    }
    if (this.buffer.size === 0) this.log.info(`No pre-fault data buffered for fault '${code}' - recording post-fault window only`);
    const filter = this.o.selection.entityScoped ? this.scopeOf(fault) : null;
    const id = this.newRecordingId(context.rootCause || code);
    const dir = join(this.o.storageDir, id);
    const now = this.o.clock.monoMs();
    // From the drain to `this.open` nothing awaits: every message is either in the pre-fault backlog or arrives
    // after the recording is open (while the bag file is still being created it waits in the queue).
    const inWindow = this.buffer.snapshot().filter((m) => filter === null || filter.has(m.topic));
    // A topic published only on change (a Bool stop flag) has its value in force written at the window's start; its
    // publish time stays when it was sent.
    const windowStart = inWindow[0]?.timestampNs;
    const firstIn = new Map<string, bigint>();
    for (const m of inWindow) if (!firstIn.has(m.topic)) firstIn.set(m.topic, m.timestampNs);
    // Only where the topic's own first message in the window comes after its start (else that one is in force).
    const states = windowStart === undefined ? [] : this.buffer.statesBefore()
      .filter((m) => (filter === null || filter.has(m.topic)) && (firstIn.get(m.topic) ?? windowStart + 1n) > windowStart)
      .map((m) => ({ ...m, publishTimeNs: m.timestampNs, timestampNs: windowStart, monoMs: inWindow[0].monoMs }));
    const written = [...states, ...inWindow];
    const writer = McapBagWriter.open(dir, id, this.o.config.max_bag_size_mb * MB);
    // The recording's span starts at its oldest written message, bounded by the recorder's uptime.
    const startMono = inWindow.length > 0 ? Math.max(inWindow[0].monoMs, this.startedMono) : now;
    const queue = new BagWriteQueue(writer, (this.o.config.max_buffer_mb + this.o.config.max_write_queue_mb) * MB);
    const lost = this.losses.take(startMono);
    if (filter !== null) for (const t of lost.keys()) if (!filter.has(t)) lost.delete(t);
    const r: OpenRecording = {
      id, dir, writer, queue, primary: code, attached: new Set(), unlinked: new Set(), cleared: new Set(), filter, startMono,
      openedMono: now, closesMono: now + after * 1000, capped: false, createdAtNs: this.o.clock.wallNs(), lost,
    };
    this.open = r;
    queue.backlog(written);
    try {
      await writer;
    } catch (err) {
      this.log.error(`black box: cannot create bag ${dir}: ${(err as Error).message}`);
      this.open = undefined;
      this.totals.failed++;
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    if (after > 0) this.closeAt(r, r.closesMono);
    else await this.finalize();
  }

  /** (Re)arms the end of `r`'s post-fault window at monotonic `atMs`. */
  private closeAt(r: OpenRecording, atMs: number): void {
    this.o.clock.clear(r.timer);
    r.closesMono = atMs;
    r.timer = this.o.clock.setTimeout(() => { void this.serial(() => this.finalize()); }, Math.max(0, atMs - this.o.clock.monoMs()));
  }

  /** A fault joined `r`: its window now ends duration_after_sec after this one, at most max_incident_sec after it opened. */
  private extend(r: OpenRecording): void {
    const after = this.o.config.duration_after_sec * 1000;
    if (after <= 0 || !r.timer) return;
    const wanted = this.o.clock.monoMs() + after;
    const limit = r.openedMono + this.o.config.max_incident_sec * 1000;
    if (wanted > limit && !r.capped) {
      r.capped = true;
      this.totals.capped++;
      this.log.warn(`black box: recording ${r.id} reached max_incident_sec (${this.o.config.max_incident_sec} s); faults confirming after it closes open a new recording`);
    }
    const end = Math.min(wanted, Math.max(limit, r.closesMono));
    if (end > r.closesMono) this.closeAt(r, end);
  }

  private newRecordingId(code: string): string {
    // Unix ms of the wall clock; bumped when two recordings would share a name.
    let ms = Number(this.o.clock.wallNs() / 1_000_000n);
    if (ms <= this.lastIdMs) ms = this.lastIdMs + 1;
    this.lastIdMs = ms;
    return recordingIdOf(code, ms);
  }

  /** Closes the open recording, stores its links atomically, then applies retention (docs/faults.md step 6–7). */
  private async finalize(): Promise<void> {
    const r = this.open;
    if (!r) return;
    this.o.clock.clear(r.timer);
    this.open = undefined;
    // New messages go to the ring buffer again; what this recording still has queued keeps counting against the budget.
    this.closing = r;
    const durationSec = Math.max(0, (this.o.clock.monoMs() - r.startMono) / 1000);
    let writer: McapBagWriter | undefined;
    try {
      writer = await r.writer;
      await r.queue.drained();
      await writer.close(recordingNotes(r, this.o.config));
    } catch (err) {
      this.log.error(`black box: writing ${r.id} failed: ${(err as Error).message}`);
      this.totals.failed++;
      await writer?.abort();
      return;
    } finally {
      this.closing = undefined;
      this.totals.dropped += r.queue.droppedCount;
      this.totals.written += r.queue.written;
    }
    if (r.queue.droppedCount > 0) this.log.warn(`black box: recording ${r.id} lost ${r.queue.droppedCount} messages: the write queue was full (max_write_queue_mb)`);
    const lostInTransport = sum(r.lost);
    if (lostInTransport > 0) this.log.warn(`black box: recording ${r.id} misses ${lostInTransport} messages its publishers no longer had when asked again (lost before the recorder: ${JSON.stringify(Object.fromEntries(r.lost))})`);
    this.totals.recordings++;
    const size = dirSize(r.dir);
    const codes = [r.primary, ...r.attached].filter((c) => !r.cleared.has(c));
    const links: RosbagLink[] = codes.map((c) => ({
      fault_code: c, recording_id: r.id, file_path: r.dir, format: 'mcap', duration_sec: durationSec, size_bytes: size, created_at_ns: r.createdAtNs,
    }));
    try {
      if (links.length === 0) throw new Error('every covered fault was cleared during the window');
      this.o.repository.addRosbagLinks(links);
    } catch (err) {
      this.log.warn(`black box: recording ${r.id} dropped: ${(err as Error).message}`);
      rmSync(r.dir, { recursive: true, force: true });
      return;
    }
    try {
      this.applyRetention(codes);
    } catch (err) {
      this.log.error(`black box: retention sweep failed: ${(err as Error).message}`);
    }
  }

  /** Per-fault cap, then the global quota (oldest recording first). */
  private applyRetention(codes: readonly string[]): void {
    const repo = this.o.repository;
    const cap = this.o.config.max_bags_per_fault;
    const touched = new Set<string>();
    if (cap > 0) {
      for (const code of codes) {
        for (const old of repo.rosbagLinksForFault(code).slice(cap)) {
          repo.deleteRosbagLink(code, old.recording_id);
          touched.add(old.recording_id);
        }
      }
    }
    for (const id of touched) this.deleteIfUnreferenced(id);
    const limit = this.o.config.max_total_storage_mb * MB;
    for (;;) {
      const byRec = new Map<string, RosbagLink>();
      for (const l of repo.allRosbagLinks()) byRec.set(l.recording_id, l); // newest first → last write is oldest
      let total = 0;
      for (const l of byRec.values()) total += l.size_bytes;
      if (total <= limit || byRec.size === 0) break;
      const oldest = [...byRec.values()].sort((a, b) => (a.created_at_ns < b.created_at_ns ? -1 : a.created_at_ns > b.created_at_ns ? 1 : (a.id ?? 0) - (b.id ?? 0)))[0];
      this.log.info(`black box: storage quota exceeded; deleting recording ${oldest.recording_id}`);
      this.deleteRecording(oldest.recording_id);
    }
  }

  private deleteIfUnreferenced(recordingId: string): void {
    if (this.o.repository.linksForRecording(recordingId).length > 0) return;
    rmSync(join(this.o.storageDir, recordingId), { recursive: true, force: true });
  }

  /** Removes a recording: rows first, files after the commit. */
  deleteRecording(recordingId: string): void {
    const links = this.o.repository.linksForRecording(recordingId);
    this.o.repository.deleteRecording(recordingId);
    const dirs = new Set([join(this.o.storageDir, recordingId), ...links.map((l) => l.file_path)]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }

  /**
   * Clear hook (docs/faults.md): with `auto_cleanup` and `max_bags_per_fault == 1`, drop the codes' links and unreferenced
   * bags; a code cleared during an open window is dropped from that recording.
   */
  onCleared(codes: readonly string[]): void {
    if (!this.o.config.enabled) return;
    if (this.open) for (const c of codes) if (c === this.open.primary || this.open.attached.has(c)) this.open.cleared.add(c);
    if (!this.o.config.auto_cleanup || this.o.config.max_bags_per_fault !== 1) return;
    for (const code of codes) {
      for (const l of this.o.repository.rosbagLinksForFault(code)) {
        this.o.repository.deleteRosbagLink(code, l.recording_id);
        this.deleteIfUnreferenced(l.recording_id);
      }
    }
  }

  /** Shutdown: finalises an open window now. */
  async stop(): Promise<void> {
    await this.serial(() => this.finalize());
    this.running = false;
  }

  /** Waits for queued rosbag work (tests). */
  async idle(): Promise<void> {
    await this.lock;
  }
}

/** `size_bytes` = sum of regular files in the directory (docs/faults.md). */
function dirSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile()) total += statSync(join(dir, e.name)).size;
  }
  return total;
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * What a recording says about how it was made: the limits it ran under and what it lost, by topic: dropped by the
 * recorder (its write queue was full), and lost before it (published, never received: see TopicTap.onLost).
 */
function recordingNotes(r: OpenRecording, config: RosbagConfig): RecordingNotes {
  const queue = r.queue;
  return {
    dropped_messages: String(queue.droppedCount),
    dropped_by_topic: JSON.stringify(Object.fromEntries(queue.dropped)),
    lost_in_transport_messages: String(sum(r.lost)),
    lost_in_transport_by_topic: JSON.stringify(Object.fromEntries(r.lost)),
    max_buffer_mb: String(config.max_buffer_mb),
    max_write_queue_mb: String(config.max_write_queue_mb),
  };
}

/**
 * `fault_<code>_<ms>`; a code too long for a recording id (and a file name) is cut and a digest of the whole
 * code keeps the id unique (the reference's 0.7.0: a 256-character code no longer costs the recording).
 */
export function recordingIdOf(code: string, ms: number): string {
  const id = `fault_${code}_${ms}`;
  if (id.length <= MAX_RECORDING_ID_LENGTH) return id;
  const digest = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const room = MAX_RECORDING_ID_LENGTH - `fault___${digest}_${ms}`.length;
  return `fault_${code.slice(0, room)}_${digest}_${ms}`;
}
