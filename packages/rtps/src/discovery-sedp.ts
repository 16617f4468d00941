// SEDP and participant-message built-in endpoints: reliable, transient-local writers that carry
// our endpoint announcements (one instance per endpoint), and readers for the peers' ones.

import { decodeEndpointData, decodeKeyPayload, encodeEndpointData, encodeEndpointKey, type EndpointData } from './discovery-sedp-data.js';
import { BuiltinEndpoint } from './discovery-spdp-data.js';
import { EntityId, guidToBytes, type Guid } from './guid.js';
import { encodeInlineQos, parseInlineQos } from './inline-qos.js';
import { encodeParticipantMessage } from './liveliness.js';
import type { MessageBuilder } from './outgoing.js';
import type { ResolvedOptions } from './participant-options.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from './pids.js';
import { resolveQos, type QoS } from './qos.js';
import type { ReassemblyBudget } from './fragment-reassembly.js';
import { ReliableReader, type ReceivedChange } from './reliable-reader.js';
import { ReliableWriter } from './reliable-writer.js';
import { nowTime } from './time.js';

const BUILTIN_QOS: QoS = resolveQos({ reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 1 } });

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

/** The secure SEDP pairs (DDS-Security builtin endpoint bits 16-19), linked only by a participant with security. */
export const SECURE_BUILTIN_PAIRS = [
  { bit: 1 << 16, remote: EntityId.SEDP_PUBLICATIONS_SECURE_WRITER, local: EntityId.SEDP_PUBLICATIONS_SECURE_READER, remoteIsWriter: true },
  { bit: 1 << 18, remote: EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER, local: EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER, remoteIsWriter: true },
  { bit: 1 << 17, remote: EntityId.SEDP_PUBLICATIONS_SECURE_READER, local: EntityId.SEDP_PUBLICATIONS_SECURE_WRITER, remoteIsWriter: false },
  { bit: 1 << 19, remote: EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER, local: EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER, remoteIsWriter: false },
] as const;

export type BuiltinPair = (typeof BUILTIN_PAIRS)[number] | (typeof SECURE_BUILTIN_PAIRS)[number];

export interface SedpHandlers {
  /** `secure`: it came over the secure SEDP endpoints. */
  onEndpoint(data: EndpointData, secure: boolean): void;
  onEndpointGone(guid: Guid): void;
  onLiveliness(prefixHex: string): void;
}

export class SedpBuiltins {
  readonly pubWriter: ReliableWriter;
  readonly subWriter: ReliableWriter;
  readonly msgWriter: ReliableWriter;
  readonly pubReader: ReliableReader;
  readonly subReader: ReliableReader;
  readonly msgReader: ReliableReader;
  /** The secure SEDP endpoints, only with DDS-Security. */
  readonly secure?: { pubWriter: ReliableWriter; subWriter: ReliableWriter; pubReader: ReliableReader; subReader: ReliableReader };
  private readonly prefix: Buffer;

  constructor(
    prefixHex: string,
    opts: ResolvedOptions,
    out: MessageBuilder,
    budget: ReassemblyBudget,
    handlers: SedpHandlers,
    secure = false,
    protect?: (entityId: number) => ((submessage: Buffer) => Buffer) | undefined,
  ) {
    this.prefix = Buffer.from(prefixHex, 'hex');
    type Protect = ((submessage: Buffer) => Buffer) | undefined;
    const w = (entityId: number, prot?: Protect) =>
      new ReliableWriter({ entityId, prefixHex, qos: BUILTIN_QOS, fragmentSize: opts.fragmentSize, maxSamples: opts.limits.maxSamples, heartbeatPeriodMs: opts.heartbeatPeriodMs, protect: prot }, out);
    const r = (entityId: number, prot?: Protect) =>
      new ReliableReader(
        {
          entityId,
          prefixHex,
          qos: BUILTIN_QOS,
          maxPendingPerWriter: opts.limits.maxPendingPerWriter,
          reassembly: { maxSampleSize: 1024 * 1024, maxPerWriter: opts.limits.maxReassembliesPerWriter, timeoutMs: opts.limits.reassemblyTimeoutMs },
          budget,
          protect: prot,
        },
        out,
      );
    this.pubWriter = w(EntityId.SEDP_PUBLICATIONS_WRITER);
    this.subWriter = w(EntityId.SEDP_SUBSCRIPTIONS_WRITER);
    this.msgWriter = w(EntityId.PARTICIPANT_MESSAGE_WRITER);
    this.pubReader = r(EntityId.SEDP_PUBLICATIONS_READER);
    this.subReader = r(EntityId.SEDP_SUBSCRIPTIONS_READER);
    this.msgReader = r(EntityId.PARTICIPANT_MESSAGE_READER);
    this.pubReader.deliver = (c) => this.onSedp(c, 'writer', handlers, false);
    this.subReader.deliver = (c) => this.onSedp(c, 'reader', handlers, false);
    if (secure) {
      const s = {
        pubWriter: w(EntityId.SEDP_PUBLICATIONS_SECURE_WRITER, protect?.(EntityId.SEDP_PUBLICATIONS_SECURE_WRITER)),
        subWriter: w(EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER, protect?.(EntityId.SEDP_SUBSCRIPTIONS_SECURE_WRITER)),
        pubReader: r(EntityId.SEDP_PUBLICATIONS_SECURE_READER, protect?.(EntityId.SEDP_PUBLICATIONS_SECURE_READER)),
        subReader: r(EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER, protect?.(EntityId.SEDP_SUBSCRIPTIONS_SECURE_READER)),
      };
      s.pubReader.deliver = (c) => this.onSedp(c, 'writer', handlers, true);
      s.subReader.deliver = (c) => this.onSedp(c, 'reader', handlers, true);
      this.secure = s;
    }
    this.msgReader.deliver = (c) => {
      if (c.payload && c.payload.length >= 16) handlers.onLiveliness(c.payload.toString('hex', 4, 16));
    };
  }

  writers(): ReliableWriter[] {
    return this.secure ? [this.pubWriter, this.subWriter, this.msgWriter, this.secure.pubWriter, this.secure.subWriter] : [this.pubWriter, this.subWriter, this.msgWriter];
  }

  readers(): ReliableReader[] {
    return this.secure ? [this.pubReader, this.subReader, this.msgReader, this.secure.pubReader, this.secure.subReader] : [this.pubReader, this.subReader, this.msgReader];
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
      if (guid) h.onEndpointGone(guid);
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

  /** Writes an automatic liveliness assertion. */
  assertLiveliness(): void {
    this.msgWriter.writeChange({ payload: encodeParticipantMessage(this.prefix), key: false, timestamp: nowTime(), instance: 'auto' });
  }
}
