// Access control on the participant (DDS-Security 1.1 §8.4, the builtin DDS:Access:Permissions plugin, §9.4):
// the governance says which builtin endpoints we have and what each topic needs, our permissions which of our
// endpoints may exist, a remote participant's permissions (c.perm, checked once its handshake verified it) which
// of its endpoints are matched. Every refusal of a remote endpoint is kept with the peer (peerStatus()).
import type { X509Certificate } from 'node:crypto';
import { ByteWriter } from '../../byte-writer.js';
import { SECURITY_PID } from '../../discovery-spdp-data.js';
import type { AccessControlPlugin, LocalEndpointRefusal, SpdpParameter } from '../../participant-security.js';
import { AccessControl } from '../access/evaluator.js';
import type { DomainRule, TopicRule } from '../access/governance.js';
import { parsePermissions } from '../access/permissions.js';
import { verifySmime } from '../access/smime.js';
import type { HandshakeResult } from '../auth/handshake.js';
import { permissionsToken } from '../auth/tokens.js';
import { SecurityError } from '../errors.js';
import { statusCopy, type PeerListener, type PeerTable, type SecurePeer } from './peers.js';
import { endpointSecurityInfo, participantSecurityInfo, SecureBuiltinEndpoint, tokenParameter } from './security-info.js';

/** Refused endpoints listed per peer. */
export const MAX_REFUSED_ENDPOINTS_LISTED = 16;
/** Distinct refused endpoints counted per peer (the key set kept to count them is bounded by it). */
export const MAX_REFUSED_ENDPOINTS_COUNTED = 256;

/** The secure builtin endpoints every secure participant has (the secure participant-message pair only where liveliness is protected). */
const BASE_BUILTIN_ENDPOINTS =
  SecureBuiltinEndpoint.PARTICIPANT_STATELESS_MESSAGE_WRITER |
  SecureBuiltinEndpoint.PARTICIPANT_STATELESS_MESSAGE_READER |
  SecureBuiltinEndpoint.PUBLICATIONS_SECURE_WRITER |
  SecureBuiltinEndpoint.PUBLICATIONS_SECURE_READER |
  SecureBuiltinEndpoint.SUBSCRIPTIONS_SECURE_WRITER |
  SecureBuiltinEndpoint.SUBSCRIPTIONS_SECURE_READER |
  SecureBuiltinEndpoint.PARTICIPANT_VOLATILE_MESSAGE_SECURE_WRITER |
  SecureBuiltinEndpoint.PARTICIPANT_VOLATILE_MESSAGE_SECURE_READER |
  // Cyclone DDS counts a participant as secure only when it announces this writer (nothing is sent on it).
  SecureBuiltinEndpoint.PARTICIPANT_SECURE_WRITER;

interface AccessControlOptions {
  /** Our governance and permissions. */
  access: AccessControl;
  domainId: number;
  /** Our identity certificate (our permissions are looked up by its subject). */
  cert: X509Certificate;
  permissionsCa: X509Certificate;
  /** Clock for grant validity. */
  clock: () => Date;
  onPeer?: PeerListener;
}

export class PermissionsAccessControl implements AccessControlPlugin {
  /** The governance's rule for our domain (none: every topic is refused). */
  readonly rule: DomainRule | undefined;
  readonly builtinEndpoints: number;
  readonly livelinessProtected: boolean;

  constructor(
    private readonly opts: AccessControlOptions,
    private readonly peers: PeerTable,
  ) {
    this.rule = opts.access.domainRule(opts.domainId);
    this.livelinessProtected = !!this.rule && this.rule.livelinessProtectionKind !== 'NONE';
    // The secure participant-message endpoints exist where the governance protects liveliness (as in Fast DDS).
    this.builtinEndpoints = this.livelinessProtected
      ? BASE_BUILTIN_ENDPOINTS | SecureBuiltinEndpoint.PARTICIPANT_MESSAGE_SECURE_WRITER | SecureBuiltinEndpoint.PARTICIPANT_MESSAGE_SECURE_READER
      : BASE_BUILTIN_ENDPOINTS;
  }

  /** Governance says unauthenticated participants may join this domain (they are matched without a handshake). */
  get allowUnauthenticated(): boolean {
    return this.rule?.allowUnauthenticatedParticipants ?? false;
  }

  /** The governance's rule for a DDS topic in our domain. */
  topicRule(topic: string): TopicRule | undefined {
    return this.opts.access.topicRule(this.opts.domainId, topic);
  }

  spdpParameters(le: boolean): SpdpParameter[] {
    const info = participantSecurityInfo(this.rule);
    const w = new ByteWriter(8, le);
    w.u32(info.attributes).u32(info.pluginAttributes);
    return [tokenParameter(SECURITY_PID.PERMISSIONS_TOKEN, permissionsToken(this.opts.permissionsCa), le), { pid: SECURITY_PID.PARTICIPANT_SECURITY_INFO, body: w.finish() }];
  }

  /**
   * Why a topic's protection is one medkit cannot give (signed payloads, origin authentication), or undefined:
   * such endpoints are refused rather than run unprotected.
   */
  private protection(topic: string): string | undefined {
    const t = this.topicRule(topic);
    if (!t) return `governance has no topic_rule for it in domain ${this.opts.domainId}`;
    // Encrypted payloads and protected submessages both ways (keys in datawriter / datareader crypto tokens);
    // signed payloads and origin authentication are not done.
    const payloadOk = t.dataProtectionKind === 'ENCRYPT';
    const metadataOk = t.metadataProtectionKind === 'ENCRYPT' || t.metadataProtectionKind === 'SIGN';
    // Secure SEDP with discovery_protection_kind NONE, SIGN or ENCRYPT. Liveliness is asserted per participant
    // only (automatic): on the secure participant-message writer, protected per liveliness_protection_kind, when
    // that is not NONE; origin authentication is not done.
    const rule = this.rule!;
    const discoveryOk = rule.discoveryProtectionKind === 'NONE' || rule.discoveryProtectionKind === 'ENCRYPT' || rule.discoveryProtectionKind === 'SIGN';
    const livelinessOk = !rule.livelinessProtectionKind.endsWith('ORIGIN_AUTHENTICATION');
    const asks = [
      rule.rtpsProtectionKind.endsWith('ORIGIN_AUTHENTICATION') && `rtps_protection_kind ${rule.rtpsProtectionKind} (origin authentication)`,
      t.enableDiscoveryProtection && !discoveryOk && `discovery protection (discovery_protection_kind ${rule.discoveryProtectionKind})`,
      t.enableLivelinessProtection && !livelinessOk && `liveliness protection`,
      t.metadataProtectionKind !== 'NONE' && !metadataOk && `metadata ${t.metadataProtectionKind}`,
      t.dataProtectionKind !== 'NONE' && !payloadOk && `data ${t.dataProtectionKind}`,
    ].filter(Boolean);
    return asks.length > 0 ? `governance topic_rule '${t.topicExpression}' asks for ${asks.join(', ')}, which medkit does not implement yet` : undefined;
  }

  checkLocalEndpoint(kind: 'writer' | 'reader', topic: string): LocalEndpointRefusal | undefined {
    if (!this.topicRule(topic)) return { cause: 'denied', reason: `governance has no topic_rule for it in domain ${this.opts.domainId}` };
    const protectedBy = this.protection(topic);
    if (protectedBy) return { cause: 'unsupported', reason: protectedBy };
    const d = this.opts.access.check(this.opts.cert.subject, kind === 'writer' ? 'publish' : 'subscribe', topic, this.opts.domainId, { now: this.opts.clock() });
    return d.allowed ? undefined : { cause: 'denied', reason: `our permissions: ${d.reason}` };
  }

  endpointSecurityInfo(topic: string): { attributes: number; pluginAttributes: number } | undefined {
    const t = this.topicRule(topic);
    return t ? endpointSecurityInfo(t) : undefined;
  }

  discoveryProtected(topic: string): boolean {
    return this.topicRule(topic)?.enableDiscoveryProtection ?? false;
  }

  checkRemoteEndpoint(prefixHex: string, kind: 'writer' | 'reader', topic: string, secure: boolean): boolean {
    const p = this.peers.get(prefixHex);
    const refusal = this.remoteEndpointRefusal(p, kind, topic, secure);
    if (refusal !== undefined && p) this.recordRefusal(p, kind, topic, refusal);
    return refusal === undefined;
  }

  /** Why a remote endpoint may not be matched, or undefined when it may. */
  private remoteEndpointRefusal(p: SecurePeer | undefined, kind: 'writer' | 'reader', topic: string, secure: boolean): string | undefined {
    // An endpoint of a discovery-protected topic announced over plain SEDP is a downgrade (or a forgery).
    if (this.discoveryProtected(topic) && !secure) return 'announced over plain SEDP, but the governance protects the discovery of this topic';
    // Matched at all only when authenticated, or unauthenticated where governance allows it (then no
    // permissions are known and only unprotected topics whose access is not controlled may match).
    const protectedBy = this.protection(topic);
    if (protectedBy) return protectedBy;
    const action = kind === 'writer' ? 'publish' : 'subscribe';
    const theirs = p?.access.permissions;
    if (theirs) {
      const d = theirs.access.check(theirs.cert.subject, action, topic, this.opts.domainId, { now: this.opts.clock() });
      return d.allowed ? undefined : `its permissions do not let it ${action} '${topic}': ${d.reason}`;
    }
    const rule = this.topicRule(topic)!;
    const open = this.allowUnauthenticated && !(action === 'publish' ? rule.enableWriteAccessControl : rule.enableReadAccessControl);
    return open ? undefined : `not authenticated, and the governance controls ${action === 'publish' ? 'writing' : 'reading'} '${topic}'`;
  }

  /** Keeps a refused endpoint for peerStatus() (SEDP re-announcements are not counted again). */
  private recordRefusal(p: SecurePeer, kind: 'writer' | 'reader', topic: string, reason: string): void {
    const key = `${kind} ${topic}`;
    const keys = p.access.refusedKeys;
    if (keys.has(key) || keys.size >= MAX_REFUSED_ENDPOINTS_COUNTED) return;
    keys.add(key);
    const listed = p.status.refusedEndpoints ?? [];
    if (listed.length < MAX_REFUSED_ENDPOINTS_LISTED) listed.push({ kind, topic: topic.slice(0, 256), reason: reason.slice(0, 500) });
    p.status.refusedEndpoints = listed;
    p.status.refusedEndpointCount = keys.size;
    this.opts.onPeer?.(statusCopy(p));
  }

  /**
   * A remote participant's permissions (c.perm of its handshake): S/MIME-verified with our permissions CA, a valid
   * grant for its certificate's subject, and the governance's join rule. Rejects with the reason otherwise.
   */
  async validateRemotePermissions(result: HandshakeResult): Promise<AccessControl> {
    const now = this.opts.clock();
    const signed = await verifySmime(result.peerPermissions, this.opts.permissionsCa, 'remote permissions (c.perm)', { now });
    const permissions = parsePermissions(signed.content, 'remote permissions (c.perm)');
    const subject = result.peerCert.subject;
    const access = new AccessControl(this.opts.access.governance, permissions);
    const decision = access.mayJoin(subject, this.opts.domainId, now);
    if (!decision.allowed) throw new SecurityError('no-grant', `remote permissions: ${decision.reason}`);
    return access;
  }
}
