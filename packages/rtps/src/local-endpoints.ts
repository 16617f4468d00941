// Our endpoints: the user writers and readers the participant creates (entity ids, their reliable cores, SEDP
// announcement and dispose, matching, DDS-Security's say on each), and the reliable cores of the builtin ones, by
// entity id, as the receive path and the matcher look them up.
import type { EndpointData } from './discovery-sedp-data.js';
import type { SedpBuiltins } from './discovery-sedp.js';
import type { EndpointMatcher, LocalEndpoint } from './endpoint-matching.js';
import type { ReassemblyBudget } from './fragment-reassembly.js';
import { EntityId, EntityKind, guidEntityId, makeGuid, type Guid } from './guid.js';
import type { MessageBuilder } from './outgoing.js';
import type { ResolvedOptions } from './participant-options.js';
import { EndpointRefusedError, type ParticipantSecurity } from './participant-security.js';
import { resolveQos } from './qos.js';
import { ReliableReader } from './reliable-reader.js';
import type { ConflictingStream } from './sample-digests.js';
import { ReliableWriter } from './reliable-writer.js';
import type { StuckStream } from './stuck-streams.js';
import { Reader, type ReaderConfig } from './topic-reader.js';
import { Writer, type WriterConfig } from './topic-writer.js';

/** The entity key is 3 bytes: the highest our counter may reach. */
const MAX_ENTITY_KEY = 0xfffffe;

/** What our endpoints need of the participant. */
interface LocalEndpointsHost {
  readonly guidPrefix: string;
  readonly vendorId: number;
  readonly opts: ResolvedOptions;
  readonly budget: ReassemblyBudget;
  readonly matcher: EndpointMatcher;
  readonly security: ParticipantSecurity | undefined;
  /** The message builder and SEDP (they exist once the transport is open). */
  out(): MessageBuilder;
  sedp(): SedpBuiltins;
  closed(): boolean;
  /** Our user writers changed (their liveliness leases decide how often we assert liveliness). */
  writersChanged(): void;
}

/** The built-in readers' topics, as DDS names them (stuck or conflicting streams of discovery). */
const BUILTIN_TOPICS = new Map<number, string>([
  [EntityId.SEDP_PUBLICATIONS_READER, 'DCPSPublication'],
  [EntityId.SEDP_SUBSCRIPTIONS_READER, 'DCPSSubscription'],
  [EntityId.PARTICIPANT_MESSAGE_READER, 'DCPSParticipantMessage'],
  [EntityId.SEDP_PUBLICATIONS_SECURE_READER, 'DCPSPublicationsSecure'],
  [EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER, 'DCPSSubscriptionsSecure'],
  [EntityId.PARTICIPANT_MESSAGE_SECURE_READER, 'DCPSParticipantMessageSecure'],
]);

export class LocalEndpoints {
  /** Reliable writers and readers by entity id: the builtin ones and our user endpoints' cores. */
  readonly writers = new Map<number, ReliableWriter>();
  readonly readers = new Map<number, ReliableReader>();
  /** Our user endpoints by GUID. */
  readonly user = new Map<Guid, LocalEndpoint>();
  private entityCounter = 0;
  /** Conflicts counted by readers closed since (so the total never goes back). */
  private closedReadersConflicts = 0;

  constructor(private readonly host: LocalEndpointsHost) {}

  /** Every stream of our readers, user and built-in, that is stuck (stuck-streams.ts); at most `max`, oldest first. */
  stuckStreams(now: number, max: number): StuckStream[] {
    const topicOfReader = this.readerTopics();
    const out: StuckStream[] = [];
    for (const [entityId, reader] of this.readers) {
      for (const { proxy, since } of reader.stuckWriters(now)) {
        out.push({ topic: topicOfReader(entityId, reader), writerGuid: proxy.guid, since, nextExpected: proxy.nextExpected, owedHigh: proxy.owedHigh });
      }
    }
    return out.sort((a, b) => a.since - b.since).slice(0, max);
  }

  /**
   * Every writer, of our readers user and built-in, whose samples conflicted with one delivered under the same SN
   * (sample-digests.ts): someone sent a DATA in its name. At most `max`, the latest conflict first; a writer no longer
   * matched (gone: lease, dispose) is not listed.
   */
  conflictingStreams(max: number): ConflictingStream[] {
    const topicOfReader = this.readerTopics();
    const out: ConflictingStream[] = [];
    for (const [entityId, reader] of this.readers) {
      if (reader.conflicts.total === 0) continue;
      for (const [writerGuid, c] of reader.conflicts.matched(reader.writers)) {
        out.push({ topic: topicOfReader(entityId, reader), writerGuid, ...c });
      }
    }
    return out.sort((a, b) => b.lastAt - a.lastAt).slice(0, max);
  }

  /** Samples of all our readers, closed ones included, that conflicted with one delivered under the same SN. */
  samplesConflicting(): number {
    let n = this.closedReadersConflicts;
    for (const r of this.readers.values()) n += r.conflicts.total;
    return n;
  }

  /** Names a reader's topic: a user reader's, a built-in one's DDS name, else its entity id. */
  private readerTopics(): (entityId: number, reader: ReliableReader) => string {
    const topics = new Map<ReliableReader, string>();
    for (const l of this.user.values()) if (l.kind === 'reader') topics.set(l.r.core, l.r.topic);
    return (entityId, reader) => topics.get(reader) ?? BUILTIN_TOPICS.get(entityId) ?? `entity ${entityId.toString(16)}`;
  }

  /** Creates a writer and announces it through SEDP. */
  createWriter(cfg: WriterConfig): Writer {
    const h = this.host;
    this.assertSecurityAllows('writer', cfg.topic);
    const qos = resolveQos(cfg.qos);
    const entityId = this.nextEntityId(cfg.key ? EntityKind.USER_WRITER_WITH_KEY : EntityKind.USER_WRITER_NO_KEY);
    const writerGuid = makeGuid(h.guidPrefix, entityId);
    const crypto = h.security?.cryptography;
    const transforms = crypto?.writerTransforms(writerGuid, cfg.topic);
    const o = h.opts;
    const core = new ReliableWriter({ entityId, prefixHex: h.guidPrefix, qos, fragmentSize: o.fragmentSize, maxSamples: o.limits.maxSamples, heartbeatPeriodMs: o.heartbeatPeriodMs, ...transforms }, h.out());
    const w = new Writer(core, cfg, (x) => this.close(x.guid), (x) => {
      const l = this.user.get(x.guid);
      if (l) h.matcher.refreshLocal(l);
    });
    // A protected writer's key goes to each reader it matches (its datawriter crypto token).
    if (transforms) w.on('matched', (e) => crypto!.writerMatched(writerGuid, e.remoteGuid));
    this.writers.set(entityId, core);
    const local: LocalEndpoint = { kind: 'writer', w };
    this.user.set(w.guid, local);
    h.writersChanged();
    this.announce(this.endpointData('writer', w.guid, cfg, qos));
    h.matcher.addLocal(local);
    return w;
  }

  /** Creates a reader and announces it through SEDP. */
  createReader(cfg: ReaderConfig): Reader {
    const h = this.host;
    if (cfg.lendPayloads && cfg.keepHistory) throw new Error(`reader of ${cfg.topic}: lendPayloads and keepHistory exclude each other (a kept sample's payload would be overwritten)`);
    this.assertSecurityAllows('reader', cfg.topic);
    const qos = resolveQos(cfg.qos);
    const entityId = this.nextEntityId(cfg.key ? EntityKind.USER_READER_WITH_KEY : EntityKind.USER_READER_NO_KEY);
    const l = h.opts.limits;
    const maxSampleSize = readerMaxSampleSize(cfg, l.maxSampleSize);
    const crypto = h.security?.cryptography;
    const core = new ReliableReader(
      {
        entityId,
        prefixHex: h.guidPrefix,
        qos,
        maxPendingPerWriter: l.maxPendingPerWriter,
        reassembly: { maxSampleSize, maxPerWriter: l.maxReassembliesPerWriter, maxBytesPerWriter: l.maxReassemblyBytesPerWriter, timeoutMs: l.reassemblyTimeoutMs },
        budget: h.budget,
        protect: crypto ? (sm) => crypto.protectReaderSubmessage(makeGuid(h.guidPrefix, entityId), cfg.topic, sm) : undefined,
        lendPayloads: cfg.lendPayloads === true,
      },
      h.out(),
    );
    const r = new Reader(core, { ...cfg, maxSampleSize }, l.maxSamples, (x) => this.close(x.guid), (x, writer) => h.matcher.rereadWriter(x, writer));
    this.readers.set(entityId, core);
    const local: LocalEndpoint = { kind: 'reader', r };
    this.user.set(r.guid, local);
    this.announce(this.endpointData('reader', r.guid, cfg, qos));
    h.matcher.addLocal(local);
    return r;
  }

  /** Our AUTOMATIC writers' liveliness leases (s). */
  automaticLivelinessLeases(): number[] {
    const leases: number[] = [];
    for (const e of this.user.values()) if (e.kind === 'writer' && e.w.qos.liveliness.kind === 'automatic') leases.push(e.w.qos.liveliness.leaseSec);
    return leases;
  }

  /** SEDP dispose of every user endpoint (the participant closes). */
  disposeAll(): void {
    for (const [guid, local] of this.user) this.host.sedp().dispose(local.kind, guid, this.secureDiscovery(topicOf(local)));
  }

  private close(guid: Guid): void {
    const h = this.host;
    const local = this.user.get(guid);
    if (!local) return;
    h.matcher.removeLocal(local);
    this.user.delete(guid);
    const entityId = guidEntityId(guid);
    if (local.kind === 'writer') this.writers.delete(entityId);
    else {
      this.closedReadersConflicts += local.r.core.conflicts.total;
      this.readers.delete(entityId);
    }
    h.writersChanged();
    h.security?.cryptography.localEndpointClosed(guid);
    if (!h.closed()) h.sedp().dispose(local.kind, guid, this.secureDiscovery(topicOf(local)));
  }

  private nextEntityId(kind: number): number {
    if (++this.entityCounter > MAX_ENTITY_KEY) throw new Error('entity ids exhausted');
    return ((this.entityCounter << 8) | kind) >>> 0;
  }

  private endpointData(kind: 'writer' | 'reader', guid: Guid, cfg: WriterConfig | ReaderConfig, qos: EndpointData['qos']): EndpointData {
    return {
      kind,
      guid,
      participantGuidPrefix: this.host.guidPrefix,
      topicName: cfg.topic,
      typeName: cfg.typeName,
      qos,
      userData: cfg.userData === undefined ? Buffer.alloc(0) : Buffer.from(cfg.userData as string),
      unicastLocators: [],
      multicastLocators: [],
      expectsInlineQos: false,
      vendorId: this.host.vendorId,
      ...(this.host.security ? { securityInfo: this.host.security.accessControl.endpointSecurityInfo(cfg.topic) } : {}),
    };
  }

  private announce(d: EndpointData): void {
    this.host.sedp().announce(d, this.secureDiscovery(d.topicName));
  }

  /** Under DDS-Security: governance and our permissions must allow the endpoint, and it must need no protection we lack. */
  private assertSecurityAllows(kind: 'writer' | 'reader', topic: string): void {
    const refused = this.host.security?.accessControl.checkLocalEndpoint(kind, topic);
    if (refused !== undefined) throw new EndpointRefusedError(kind, topic, refused.cause, refused.reason);
  }

  /** DDS-Security: the topic's endpoints are announced over the secure SEDP endpoints. */
  private secureDiscovery(topic: string): boolean {
    return this.host.security?.accessControl.discoveryProtected(topic) ?? false;
  }
}

const topicOf = (local: LocalEndpoint): string => (local.kind === 'writer' ? local.w.topic : local.r.topic);

/** A reader's sample size bound: its own `maxSampleSize`, never above the participant's (ReaderConfig.maxSampleSize). */
function readerMaxSampleSize(cfg: ReaderConfig, participantMax: number): number {
  const own = cfg.maxSampleSize;
  if (own === undefined) return participantMax;
  if (!Number.isInteger(own) || own < 1) throw new RangeError(`reader of ${cfg.topic}: maxSampleSize ${own} is not a positive integer`);
  return Math.min(own, participantMax);
}
