// SEDP and participant-message built-in endpoints: reliable, transient-local writers that carry
// our endpoint announcements (one instance per endpoint), and readers for the peers' ones.

import { decodeEndpointData, decodeKeyPayload, encodeEndpointData, encodeEndpointKey, type EndpointData } from './discovery-sedp-data.js';
import { BuiltinEndpoint, SecureBuiltinEndpoint } from './discovery-spdp-data.js';
import { EntityId, guidToBytes, type Guid } from './guid.js';
import { encodeInlineQos, parseInlineQos } from './inline-qos.js';
import { encodeParticipantMessage } from './liveliness.js';
import type { Locator } from './locator.js';
import type { MessageBuilder } from './outgoing.js';
import type { ResolvedOptions } from './participant-options.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { resolveQos, type QoS } from './qos.js';
import type { ReassemblyBudget } from './fragment-reassembly.js';
import { ReliableReader } from './reliable-reader.js';
import type { ReceivedChange } from './writer-proxy.js';
import { ReliableWriter } from './reliable-writer.js';
import { nowTime } from './time.js';

export const BUILTIN_QOS: QoS = resolveQos({ reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 1 } });

/** Which of a remote participant's built-in endpoints pair with which of ours. */
export const BUILTIN_PAIRS = [
  // [remote writer bit, remote writer id, our reader id]
  { bit: BuiltinEndpoint.PUBLICATIONS_ANNOUNCER, remote: EntityId.SEDP_PUBLICATIONS_WRITER, local: EntityId.SEDP_PUBLICATIONS_READER, remoteIsWriter: true },
  { bit: BuiltinEndpoint.SUBSCRIPTIONS_ANNOUNCER, remote: EntityId.SEDP_SUBSCRIPTIONS_WRITER, local: EntityId.SEDP_SUBSCRIPTIONS_READER, remoteIsWriter: true },
  { bit: BuiltinEndpoint.PARTICIPANT_MESSAGE_WRITER, remote: EntityId.PARTICIPANT_MESSAGE_WRITER, local: EntityId.PARTICIPANT_MESSAGE_READER, remoteIsWriter: true },
  { bit: BuiltinEndpoint.PUBLICATIONS_DETECTOR, remote: EntityId.SEDP_PUBLICATIONS_READER, local: EntityId.SEDP_PUBLICATIONS_WRITER, remoteIsWriter: false },
  { bit: BuiltinEndpoint.SUBSCRIPTIONS_DETECTOR, remote: EntityId.SEDP_SUBSCRIPTIONS_READER, local: EntityId.SEDP_SUBSCRIPTIONS_WRITER, remoteIsWriter: false },
  { bit: BuiltinEndpoint.PARTICIPANT_MESSAGE_READER, remote: EntityId.PARTICIPANT_MESSAGE_READER, local: EntityId.PARTICIPANT_MESSAGE_WRITER, remoteIsWriter: false },
] as const;

/**
 * The secure SEDP pairs (DDS-Security builtin endpoint bits 16-19) and the secure participant-message
 * (liveliness) pairs (bits 20-21, DDS-Security 1.1 §7.4.7), linked only by a participant with security, and
 * only after the peer authenticated.
 */
export const SECURE_BUILTIN_PAIRS = [
  { bit: SecureBuiltinEndpoint.PUBLICATIONS_SECURE_WRITER, remote: EntityId.SEDP_PUBLICATIONS_SECURE_WRITER, local: EntityId.SEDP_PUBLICATIONS_SECURE_READER, remoteIsWriter: true },
  { bit: SecureBuiltinEndpoint.SUBSCRIPTIONS_SECURE_WRITER, remote: EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER, local: EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER, remoteIsWriter: true },
  { bit: SecureBuiltinEndpoint.PARTICIPANT_MESSAGE_SECURE_WRITER, remote: EntityId.PARTICIPANT_MESSAGE_SECURE_WRITER, local: EntityId.PARTICIPANT_MESSAGE_SECURE_READER, remoteIsWriter: true },
  { bit: SecureBuiltinEndpoint.PUBLICATIONS_SECURE_READER, remote: EntityId.SEDP_PUBLICATIONS_SECURE_READER, local: EntityId.SEDP_PUBLICATIONS_SECURE_WRITER, remoteIsWriter: false },
  { bit: SecureBuiltinEndpoint.SUBSCRIPTIONS_SECURE_READER, remote: EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER, local: EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER, remoteIsWriter: false },
  { bit: SecureBuiltinEndpoint.PARTICIPANT_MESSAGE_SECURE_READER, remote: EntityId.PARTICIPANT_MESSAGE_SECURE_READER, local: EntityId.PARTICIPANT_MESSAGE_SECURE_WRITER, remoteIsWriter: false },
] as const;

export type BuiltinPair = (typeof BUILTIN_PAIRS)[number] | (typeof SECURE_BUILTIN_PAIRS)[number];

interface SedpHandlers {
  /** `secure`: it came over the secure SEDP endpoints. */
  onEndpoint(data: EndpointData, secure: boolean): void;
  /** `secure`: the dispose came over the secure SEDP endpoints. */
  onEndpointGone(guid: Guid, secure: boolean): void;
  /** A participant-message liveliness assertion; `secure`: it came over the secure participant-message reader. */
  onLiveliness(prefixHex: string, secure: boolean): void;
  /** A plain SEDP writer's SN came again with other bytes than the announcement taken for it (sample-digests.ts). */
  onConflict?(writerGuid: Guid): void;
}

export class SedpBuiltins {
  readonly pubWriter: ReliableWriter;
  readonly subWriter: ReliableWriter;
  readonly msgWriter: ReliableWriter;
  readonly pubReader: ReliableReader;
  readonly subReader: ReliableReader;
  readonly msgReader: ReliableReader;
  /** The secure SEDP and participant-message endpoints, only with DDS-Security. */
  readonly secure?: { pubWriter: ReliableWriter; subWriter: ReliableWriter; msgWriter: ReliableWriter; pubReader: ReliableReader; subReader: ReliableReader; msgReader: ReliableReader };
  private readonly prefix: Buffer;
  private readonly out: MessageBuilder;
  /** Our liveliness goes on the secure participant-message writer (governance liveliness_protection_kind not NONE). */
  private readonly secureLiveliness: boolean;

  constructor(
    prefixHex: string,
    opts: ResolvedOptions,
    out: MessageBuilder,
    budget: ReassemblyBudget,
    handlers: SedpHandlers,
    secure = false,
    protect?: (entityId: number) => ((submessage: Buffer) => Buffer) | undefined,
    secureLiveliness = false,
    /** The first SN of the plain built-in writers (reachability-proof.ts). */
    firstSn = 1,
  ) {
    this.prefix = Buffer.from(prefixHex, 'hex');
    this.secureLiveliness = secure && secureLiveliness;
    type Protect = ((submessage: Buffer) => Buffer) | undefined;
    const w = (entityId: number, prot?: Protect, first?: number) =>
      new ReliableWriter({ entityId, prefixHex, qos: BUILTIN_QOS, fragmentSize: opts.fragmentSize, maxSamples: opts.limits.maxSamples, heartbeatPeriodMs: opts.heartbeatPeriodMs, protect: prot, firstSn: first }, out);
    const r = (entityId: number, prot?: Protect) =>
      new ReliableReader(
        {
          entityId,
          prefixHex,
          qos: BUILTIN_QOS,
          maxPendingPerWriter: opts.limits.maxPendingPerWriter,
          // Discovery samples are a few KB: one at most this large is reassembled at a time per writer.
          reassembly: { maxSampleSize: 1024 * 1024, maxPerWriter: opts.limits.maxReassembliesPerWriter, maxBytesPerWriter: 1024 * 1024, timeoutMs: opts.limits.reassemblyTimeoutMs },
          budget,
          protect: prot,
        },
        out,
      );
    this.out = out;
    this.pubWriter = w(EntityId.SEDP_PUBLICATIONS_WRITER, undefined, firstSn);
    this.subWriter = w(EntityId.SEDP_SUBSCRIPTIONS_WRITER, undefined, firstSn);
    this.msgWriter = w(EntityId.PARTICIPANT_MESSAGE_WRITER, undefined, firstSn);
    this.pubReader = r(EntityId.SEDP_PUBLICATIONS_READER);
    this.subReader = r(EntityId.SEDP_SUBSCRIPTIONS_READER);
    this.msgReader = r(EntityId.PARTICIPANT_MESSAGE_READER);
    this.pubReader.deliver = (c) => this.onSedp(c, 'writer', handlers, false);
    this.subReader.deliver = (c) => this.onSedp(c, 'reader', handlers, false);
    this.pubReader.onConflict = this.subReader.onConflict = (g) => handlers.onConflict?.(g);
    // Each secure endpoint gets its protection (and key) from the security plugin: discovery_protection_kind for
    // secure SEDP, liveliness_protection_kind for the participant-message pair.
    const sw = (entityId: number) => w(entityId, protect?.(entityId));
    const sr = (entityId: number) => r(entityId, protect?.(entityId));
    if (secure) {
      const s = {
        pubWriter: sw(EntityId.SEDP_PUBLICATIONS_SECURE_WRITER),
        subWriter: sw(EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER),
        msgWriter: sw(EntityId.PARTICIPANT_MESSAGE_SECURE_WRITER),
        pubReader: sr(EntityId.SEDP_PUBLICATIONS_SECURE_READER),
        subReader: sr(EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER),
        msgReader: sr(EntityId.PARTICIPANT_MESSAGE_SECURE_READER),
      };
      s.pubReader.deliver = (c) => this.onSedp(c, 'writer', handlers, true);
      s.subReader.deliver = (c) => this.onSedp(c, 'reader', handlers, true);
      s.msgReader.deliver = (c) => this.onParticipantMessage(c, handlers, true);
      this.secure = s;
    }
    this.msgReader.deliver = (c) => this.onParticipantMessage(c, handlers, false);
  }

  writers(): ReliableWriter[] {
    const plain = [this.pubWriter, this.subWriter, this.msgWriter];
    return this.secure ? [...plain, this.secure.pubWriter, this.secure.subWriter, this.secure.msgWriter] : plain;
  }

  /**
   * One datagram with a HEARTBEAT of each plain built-in writer to a participant we have not linked (on probation):
   * its readers' answer echoes our first SN, which proves it (reachability-proof.ts).
   */
  probe(prefix: Buffer, locators: Locator[]): void {
    this.out.begin(prefix);
    this.pubWriter.appendProbe(EntityId.SEDP_PUBLICATIONS_READER);
    this.subWriter.appendProbe(EntityId.SEDP_SUBSCRIPTIONS_READER);
    this.msgWriter.appendProbe(EntityId.PARTICIPANT_MESSAGE_READER);
    this.out.send(locators);
  }

  /** One of the plain (not DDS-Security) built-in writers, by entity id. */
  plainWriter(entityId: number): ReliableWriter | undefined {
    // Asked for every ACKNACK we receive (reachability-proof.ts): no array per call.
    if (entityId === EntityId.SEDP_PUBLICATIONS_WRITER) return this.pubWriter;
    if (entityId === EntityId.SEDP_SUBSCRIPTIONS_WRITER) return this.subWriter;
    return entityId === EntityId.PARTICIPANT_MESSAGE_WRITER ? this.msgWriter : undefined;
  }

  readers(): ReliableReader[] {
    const plain = [this.pubReader, this.subReader, this.msgReader];
    return this.secure ? [...plain, this.secure.pubReader, this.secure.subReader, this.secure.msgReader] : plain;
  }

  private onParticipantMessage(c: ReceivedChange, h: SedpHandlers, secure: boolean): void {
    if (c.payload && c.payload.length >= 16) h.onLiveliness(c.payload.toString('hex', 4, 16), secure);
  }

  private onSedp(c: ReceivedChange, kind: 'writer' | 'reader', h: SedpHandlers, secure: boolean): void {
    let status = 0;
    let keyHash: string | undefined;
    if (c.inlineQos) {
      const q = parseInlineQos(c.inlineQos, c.inlineLe, c.vendorId);
      status = q.statusInfo ?? 0;
      keyHash = q.keyHash;
    }
    if ((status & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)) !== 0 || c.key) {
      const guid = keyHash ?? (c.payload ? decodeKeyPayload(c.payload) : undefined);
      if (guid) h.onEndpointGone(guid, secure);
      return;
    }
    if (!c.payload) return;
    const d = decodeEndpointData(c.payload, kind, c.writerGuid.slice(0, 24), c.vendorId);
    if (d) h.onEndpoint(d, secure);
  }

  /** The SEDP writer for an endpoint kind: the secure one for a topic with discovery protection. */
  private writerFor(kind: 'writer' | 'reader', secure: boolean): ReliableWriter {
    const s = secure ? this.secure : undefined;
    if (secure && !s) throw new Error('secure SEDP needs a participant with DDS-Security');
    return kind === 'writer' ? (s?.pubWriter ?? this.pubWriter) : (s?.subWriter ?? this.subWriter);
  }

  /** Announces (or re-announces after a change) one of our endpoints. */
  announce(d: EndpointData, secure = false): void {
    const writer = this.writerFor(d.kind, secure);
    writer.writeChange({ payload: encodeEndpointData(d), key: false, inlineQos: encodeInlineQos({ keyHash: guidToBytes(d.guid) }), timestamp: nowTime(), instance: d.guid });
  }

  /** Announces the removal of one of our endpoints. */
  dispose(kind: 'writer' | 'reader', guid: Guid, secure = false): void {
    const writer = this.writerFor(kind, secure);
    writer.writeChange({
      payload: encodeEndpointKey(guid),
      key: true,
      inlineQos: encodeInlineQos({ keyHash: guidToBytes(guid), statusInfo: STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED }),
      timestamp: nowTime(),
      instance: guid,
    });
  }

  /**
   * Writes an automatic liveliness assertion: on the secure participant-message writer when the governance
   * protects liveliness (as Fast DDS does: then nothing goes on the plain one), else on the plain one.
   */
  assertLiveliness(): void {
    const writer = this.secureLiveliness && this.secure ? this.secure.msgWriter : this.msgWriter;
    writer.writeChange({ payload: encodeParticipantMessage(this.prefix), key: false, timestamp: nowTime(), instance: 'auto' });
  }
}
