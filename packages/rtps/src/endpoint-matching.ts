// Endpoint matching: pairs our readers and writers with the remote endpoints known through SEDP
// (same topic, compatible type and QoS), and a remote participant's built-in endpoints with ours.
// Which remote participants exist is proxy-participants.ts's job; this module only links them.

import { BUILTIN_PAIRS, SECURE_BUILTIN_PAIRS, type BuiltinPair } from './discovery-sedp.js';
import { sameEndpointData, type EndpointData } from './discovery-sedp-data.js';
import { GroupIndex } from './group-index.js';
import { EntityId, guidEntityId, isKeyedEntity, makeGuid, topicKind, type Guid } from './guid.js';
import { reachableLocators } from './locator-select.js';
import type { Locator } from './locator.js';
import { qosIncompatibility } from './qos-match.js';
import type { ReliableReader } from './reliable-reader.js';
import type { ReliableWriter } from './reliable-writer.js';
import type { RemoteEndpoint, RemoteParticipant } from './remote-entities.js';
import type { Reader } from './topic-reader.js';
import type { Writer } from './topic-writer.js';

/** One of our user endpoints. */
export type LocalEndpoint = { kind: 'writer'; w: Writer } | { kind: 'reader'; r: Reader };

/** A remote endpoint appeared, changed or went away (SEDP). */
interface EndpointChange {
  type: 'added' | 'changed' | 'removed';
  endpoint: EndpointData;
}

interface EndpointMatcherOptions {
  localhostOnly: boolean;
  maxEndpointsPerParticipant: number;
  /** Our built-in reader / writer with this entity id (always present). */
  builtinReader(entityId: number): ReliableReader;
  builtinWriter(entityId: number): ReliableWriter;
  onChange(ev: EndpointChange): void;
  /** A remote endpoint was refused because its participant has too many. */
  onRefused(): void;
  /** Also pair the secure SEDP endpoints (DDS-Security). */
  secure?: boolean;
  /** Where a matched remote endpoint will be sent to (the send budget must know: send-budget.ts). */
  sendsTo?(r: RemoteParticipant, locators: Locator[]): void;
}

function topicOf(local: LocalEndpoint): string {
  return local.kind === 'writer' ? local.w.topic : local.r.topic;
}

export class EndpointMatcher {
  private readonly opts: EndpointMatcherOptions;
  /** Our user endpoints and the remote endpoints known through SEDP, by topic (matching candidates). */
  private readonly localsByTopic = new GroupIndex<LocalEndpoint>();
  private readonly remotesByTopic = new GroupIndex<RemoteEndpoint>();

  private readonly pairs: readonly BuiltinPair[];

  constructor(opts: EndpointMatcherOptions) {
    this.opts = opts;
    this.pairs = opts.secure ? [...BUILTIN_PAIRS, ...SECURE_BUILTIN_PAIRS] : BUILTIN_PAIRS;
  }

  // ---- built-in endpoints -----------------------------------------------------------------

  /**
   * Matches the built-in endpoints a participant announces with ours. `readersOnly`: only its
   * writers with our readers (we hear its SEDP and liveliness, but send it nothing periodic).
   */
  linkBuiltins(r: RemoteParticipant, now: number, readersOnly = false): void {
    const bits = r.data.builtinEndpoints;
    for (const pair of this.pairs) {
      if ((bits & pair.bit) === 0 || (readersOnly && !pair.remoteIsWriter)) continue;
      const guid = makeGuid(r.prefixHex, pair.remote);
      const ep: RemoteEndpoint = r.endpoints.get(pair.remote) ?? { guid, owner: r, entityId: pair.remote, isWriter: pair.remoteIsWriter, readerLinks: [] };
      r.endpoints.set(pair.remote, ep);
      if (pair.remoteIsWriter) {
        const reader = this.opts.builtinReader(pair.local);
        const proxy = reader.matchWriter({ guid, prefix: r.prefix, entityId: pair.remote, vendorId: r.data.vendorId, locators: r.metaLocators, reliable: true, writerTransientLocal: true });
        if (!ep.readerLinks.some((l) => l.reader === reader)) ep.readerLinks.push({ reader, proxy });
      } else {
        this.opts.builtinWriter(pair.local).matchReader({ guid, prefix: r.prefix, entityId: pair.remote, locators: r.metaLocators, reliable: true }, false, now);
      }
    }
  }

  /** Points the built-in proxies of a participant at its new metatraffic locators. */
  relinkBuiltins(r: RemoteParticipant): void {
    for (const pair of this.pairs) {
      const guid = makeGuid(r.prefixHex, pair.remote);
      const proxy = pair.remoteIsWriter ? this.opts.builtinReader(pair.local).writers.get(guid) : this.opts.builtinWriter(pair.local).readers.get(guid);
      if (proxy) proxy.locators = r.metaLocators;
    }
  }

  /**
   * Sends each built-in reader of `r` matched with our writers a HEARTBEAT that asks for an ACKNACK (a live
   * participant answers within a round trip: participant-leave.ts). False when none is matched; `dryRun` sends nothing.
   */
  probeBuiltins(r: RemoteParticipant, now: number, dryRun = false): boolean {
    let probed = false;
    for (const pair of this.pairs) {
      if (pair.remoteIsWriter) continue;
      const w = this.opts.builtinWriter(pair.local);
      const proxy = w.readers.get(makeGuid(r.prefixHex, pair.remote));
      if (!proxy || !proxy.reliable) continue;
      if (!dryRun) w.heartbeat(proxy, false, now);
      probed = true;
    }
    return probed;
  }

  /** Unmatches our built-in writers from a participant's built-in readers (they stop heartbeating it). */
  unlinkBuiltinWriters(r: RemoteParticipant): void {
    for (const pair of this.pairs) {
      if (pair.remoteIsWriter) continue;
      this.opts.builtinWriter(pair.local).unmatchReader(makeGuid(r.prefixHex, pair.remote));
      r.endpoints.delete(pair.remote);
    }
  }

  /** Unmatches everything of a participant that is going away (its endpoints, then its built-ins). */
  dropParticipant(r: RemoteParticipant): void {
    for (const ep of [...r.endpoints.values()]) this.dropRemote(r, ep, ep.data !== undefined);
    for (const pair of this.pairs) {
      const guid = makeGuid(r.prefixHex, pair.remote);
      if (pair.remoteIsWriter) this.opts.builtinReader(pair.local).unmatchWriter(guid);
      else this.opts.builtinWriter(pair.local).unmatchReader(guid);
    }
  }

  // ---- remote endpoints (SEDP) ------------------------------------------------------------

  /**
   * Reads a participant's SEDP again from its first sequence number: fresh proxies of its plain publications and
   * subscriptions writers (sedp-disposals.ts). The announcements of endpoints we have, unchanged, change nothing.
   */
  rereadSedp(r: RemoteParticipant): void {
    for (const pair of this.pairs) {
      if (!pair.remoteIsWriter || (pair.remote !== EntityId.SEDP_PUBLICATIONS_WRITER && pair.remote !== EntityId.SEDP_SUBSCRIPTIONS_WRITER)) continue;
      const ep = r.endpoints.get(pair.remote);
      const reader = this.opts.builtinReader(pair.local);
      const guid = makeGuid(r.prefixHex, pair.remote);
      if (!ep || !reader.unmatchWriter(guid)) continue;
      const proxy = reader.matchWriter({ guid, prefix: r.prefix, entityId: pair.remote, vendorId: r.data.vendorId, locators: r.metaLocators, reliable: true, writerTransientLocal: true });
      ep.readerLinks = ep.readerLinks.map((l) => (l.reader === reader ? { reader, proxy } : l));
    }
  }

  /** A remote endpoint announced (or re-announced) through SEDP by participant `r`; `secure`: through protected discovery. */
  onRemote(r: RemoteParticipant, d: EndpointData, secure = false): void {
    const entityId = parseInt(d.guid.slice(24), 16) >>> 0;
    const existing = r.endpoints.get(entityId);
    if (existing?.data) {
      if (secure) existing.announcedSecurely = true;
      if (sameEndpointData(existing.data, d)) {
        // A repeat (its SEDP read again, a resend): every match stays; what is not matched yet is tried again.
        for (const local of this.localsByTopic.list(d.topicName)) {
          if (!(local.kind === 'writer' ? local.w.matches : local.r.matches).has(d.guid)) this.tryMatch(local, r, existing);
        }
        return;
      }
      const before = existing.data.topicName;
      // Unmatch under the old data (its topic may have changed), then match under the new.
      for (const local of this.localsByTopic.list(before)) this.unmatch(local, existing, false);
      existing.data = d;
      if (d.topicName !== before) {
        this.remotesByTopic.delete(before, existing);
        this.remotesByTopic.add(d.topicName, existing);
      }
      this.opts.onChange({ type: 'changed', endpoint: d });
      for (const local of this.localsByTopic.list(d.topicName)) {
        this.unmatch(local, existing, false);
        this.tryMatch(local, r, existing);
      }
      return;
    }
    if (r.endpoints.size >= this.opts.maxEndpointsPerParticipant) {
      this.opts.onRefused();
      return;
    }
    const ep: RemoteEndpoint = { guid: d.guid, owner: r, entityId, isWriter: d.kind === 'writer', data: d, readerLinks: [], ...(secure ? { announcedSecurely: true } : {}) };
    r.endpoints.set(entityId, ep);
    this.remotesByTopic.add(d.topicName, ep);
    this.opts.onChange({ type: 'added', endpoint: d });
    for (const local of this.localsByTopic.list(d.topicName)) this.tryMatch(local, r, ep);
  }

  /**
   * A remote endpoint disposed through SEDP (`secure`: through protected discovery); false when nothing was removed:
   * an unknown endpoint, or a plain dispose of one announced through protected discovery (anyone can send that).
   */
  onRemoteGone(r: RemoteParticipant, guid: Guid, secure = false): boolean {
    const ep = r.endpoints.get(parseInt(guid.slice(24), 16) >>> 0);
    if (!ep || !ep.data || (ep.announcedSecurely && !secure)) return false;
    this.dropRemote(r, ep, true);
    return true;
  }

  private dropRemote(r: RemoteParticipant, ep: RemoteEndpoint, announce: boolean): void {
    if (ep.data) {
      this.remotesByTopic.delete(ep.data.topicName, ep);
      for (const local of this.localsByTopic.list(ep.data.topicName)) this.unmatch(local, ep, true);
    }
    r.endpoints.delete(ep.entityId);
    if (announce && ep.data) this.opts.onChange({ type: 'removed', endpoint: ep.data });
  }

  // ---- our endpoints ----------------------------------------------------------------------

  /** A new local endpoint: matches it against the remote endpoints on its topic. */
  addLocal(local: LocalEndpoint): void {
    const topic = topicOf(local);
    this.localsByTopic.add(topic, local);
    for (const ep of this.remotesByTopic.list(topic)) this.tryMatch(local, ep.owner, ep);
  }

  /**
   * Asks a writer's reader filter again: remote readers it now declines are unmatched, those it now
   * accepts are matched (the others keep their state).
   */
  refreshLocal(local: LocalEndpoint): void {
    if (local.kind !== 'writer' || !local.w.acceptReader) return;
    for (const ep of this.remotesByTopic.list(local.w.topic)) {
      const d = ep.data;
      if (!d || ep.isWriter) continue;
      const accepted = local.w.acceptReader(d);
      if (local.w.matches.has(d.guid)) {
        if (!accepted) this.unmatch(local, ep, true);
      } else if (accepted) this.tryMatch(local, ep.owner, ep);
    }
  }

  /** A local endpoint closed: unmatches it (silently; it is gone). */
  removeLocal(local: LocalEndpoint): void {
    // Only remote endpoints on our topic can be matched to us.
    const topic = topicOf(local);
    for (const ep of this.remotesByTopic.list(topic)) this.unmatch(local, ep, false);
    this.localsByTopic.delete(topic, local);
  }

  // ---- matching -----------------------------------------------------------------------------

  private tryMatch(local: LocalEndpoint, r: RemoteParticipant, ep: RemoteEndpoint): void {
    const d = ep.data;
    if (!d) return;
    const mine = local.kind === 'writer' ? local.w : local.r;
    if (d.topicName !== mine.topic) return;
    if ((local.kind === 'writer') === ep.isWriter) return;
    // Held back by the writer's own filter: not a conflict, asked again on rematch().
    if (local.kind === 'writer' && local.w.acceptReader && !local.w.acceptReader(d)) return;
    let reason: string | null = null;
    if (d.typeName !== mine.typeName) reason = `type: ours is ${mine.typeName}, theirs is ${d.typeName}`;
    // A NO_KEY endpoint and a WITH_KEY one never exchange data (Cyclone matches and sends nothing, Fast DDS refuses): say so.
    else if (isKeyedEntity(guidEntityId(d.guid)) !== isKeyedEntity(guidEntityId(mine.guid))) reason = `topic kind: ours is ${topicKind(mine.guid)}, theirs is ${topicKind(d.guid)} (set \`key\` for keyed topics)`;
    else reason = local.kind === 'writer' ? qosIncompatibility(mine.qos, d.qos) : qosIncompatibility(d.qos, mine.qos);
    if (reason) {
      (mine as Writer).emit('incompatible', { remoteGuid: d.guid, reason, endpoint: d });
      return;
    }
    const locators = d.unicastLocators.length > 0 ? reachableLocators(d.unicastLocators, this.opts.localhostOnly) : r.userLocators;
    const reliable = mine.qos.reliability === 'reliable' && d.qos.reliability === 'reliable';
    this.opts.sendsTo?.(r, locators);
    if (local.kind === 'writer') {
      local.w.core.matchReader({ guid: d.guid, prefix: r.prefix, entityId: ep.entityId, locators, reliable }, d.qos.durability === 'volatile', Date.now());
      local.w.matches.set(d.guid, d);
      local.w.emit('matched', { remoteGuid: d.guid, endpoint: d });
    } else {
      const proxy = local.r.core.matchWriter(writerProxyOf(r, ep, d, locators, reliable));
      if (!ep.readerLinks.some((l) => l.reader === local.r.core)) ep.readerLinks.push({ reader: local.r.core, proxy });
      local.r.matches.set(d.guid, d);
      local.r.emit('matched', { remoteGuid: d.guid, endpoint: d });
    }
  }

  /**
   * Reads a matched remote writer again from its first SN through a fresh proxy of it (the match stays, no event): for
   * a writer whose next SN a forged DATA may have taken (Reader.readAgain). False when `reader` has no such match.
   */
  rereadWriter(reader: Reader, writerGuid: Guid): boolean {
    const ep = this.remotesByTopic.list(reader.topic).find((e) => e.isWriter && e.data?.guid === writerGuid);
    const old = ep?.readerLinks.find((l) => l.reader === reader.core)?.proxy;
    // Matched means linked (tryMatch): the fresh proxy takes the old one's locators and reliability.
    if (!ep?.data || !old || !reader.core.unmatchWriter(writerGuid)) return false;
    const proxy = reader.core.matchWriter(writerProxyOf(ep.owner, ep, ep.data, old.locators, old.reliable));
    ep.readerLinks = ep.readerLinks.map((l) => (l.reader === reader.core ? { reader: reader.core, proxy } : l));
    return true;
  }

  private unmatch(local: LocalEndpoint, ep: RemoteEndpoint, notify: boolean): void {
    const d = ep.data;
    if (!d) return;
    if (local.kind === 'writer') {
      if (!local.w.matches.delete(d.guid)) return;
      local.w.core.unmatchReader(d.guid);
      if (notify) local.w.emit('unmatched', { remoteGuid: d.guid, endpoint: d });
    } else {
      if (!local.r.matches.delete(d.guid)) return;
      local.r.core.unmatchWriter(d.guid);
      ep.readerLinks = ep.readerLinks.filter((l) => l.reader !== local.r.core);
      if (notify) local.r.emit('unmatched', { remoteGuid: d.guid, endpoint: d });
    }
  }
}

/** What a reader's proxy of remote writer `ep` is made from. */
function writerProxyOf(r: RemoteParticipant, ep: RemoteEndpoint, d: EndpointData, locators: Locator[], reliable: boolean) {
  return { guid: d.guid, prefix: r.prefix, entityId: ep.entityId, vendorId: d.vendorId, locators, reliable, writerTransientLocal: d.qos.durability !== 'volatile' };
}
