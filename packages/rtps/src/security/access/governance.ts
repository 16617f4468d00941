// The governance document (DDS-Security 1.1 §9.4.1.2): per domain, whether unauthenticated participants may
// join, whether joining needs permissions, how discovery, liveliness and whole RTPS messages are protected, and
// per topic expression whether discovery/liveliness are protected, reads/writes access-controlled and metadata
// and data signed or encrypted. Rules are taken in document order; the first that matches applies.
import { SecurityError } from '../errors.js';
import { inDomains, parseDomains, type DomainRange } from './domains.js';
import { fnmatch } from './fnmatch.js';
import { child, childText, children, parseXml, type XmlLimits } from './xml.js';

export type ProtectionKind = 'NONE' | 'SIGN' | 'ENCRYPT' | 'SIGN_WITH_ORIGIN_AUTHENTICATION' | 'ENCRYPT_WITH_ORIGIN_AUTHENTICATION';
export type BasicProtectionKind = 'NONE' | 'SIGN' | 'ENCRYPT';

export interface TopicRule {
  topicExpression: string;
  enableDiscoveryProtection: boolean;
  enableLivelinessProtection: boolean;
  enableReadAccessControl: boolean;
  enableWriteAccessControl: boolean;
  metadataProtectionKind: ProtectionKind;
  dataProtectionKind: BasicProtectionKind;
}

export interface DomainRule {
  domains: DomainRange[];
  allowUnauthenticatedParticipants: boolean;
  enableJoinAccessControl: boolean;
  discoveryProtectionKind: ProtectionKind;
  livelinessProtectionKind: ProtectionKind;
  rtpsProtectionKind: ProtectionKind;
  topicRules: TopicRule[];
}

export interface Governance {
  domainRules: DomainRule[];
}

const PROTECTION: readonly ProtectionKind[] = ['NONE', 'SIGN', 'ENCRYPT', 'SIGN_WITH_ORIGIN_AUTHENTICATION', 'ENCRYPT_WITH_ORIGIN_AUTHENTICATION'];
const BASIC: readonly BasicProtectionKind[] = ['NONE', 'SIGN', 'ENCRYPT'];
/** Longest topic expression accepted (DDS topic names are at most 256 characters). */
const MAX_EXPRESSION = 512;

function bool(el: Parameters<typeof childText>[0], name: string, what: string): boolean {
  const t = childText(el, name, what).toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new SecurityError('bad-xml', `${what}: <${name}> is '${t}', not a boolean`);
}

function kind<K extends string>(el: Parameters<typeof childText>[0], name: string, allowed: readonly K[], what: string): K {
  const t = childText(el, name, what).toUpperCase();
  if (!allowed.includes(t as K)) throw new SecurityError('bad-xml', `${what}: <${name}> is '${t}', not one of ${allowed.join(', ')}`);
  return t as K;
}

/** Parses a governance document (the XML inside governance.p7s). */
export function parseGovernance(xml: string, what = 'governance', limits?: XmlLimits): Governance {
  const root = parseXml(xml, what, limits);
  const rules = root.name === 'dds' ? child(root, 'domain_access_rules') : undefined;
  if (!rules) throw new SecurityError('bad-xml', `${what}: expected <dds><domain_access_rules>, found <${root.name}>`);
  const domainRules = children(rules, 'domain_rule').map((r, i): DomainRule => {
    const at = `${what} domain_rule ${i + 1}`;
    const topics = child(r, 'topic_access_rules');
    return {
      domains: parseDomains(child(r, 'domains'), at),
      allowUnauthenticatedParticipants: bool(r, 'allow_unauthenticated_participants', at),
      enableJoinAccessControl: bool(r, 'enable_join_access_control', at),
      discoveryProtectionKind: kind(r, 'discovery_protection_kind', PROTECTION, at),
      livelinessProtectionKind: kind(r, 'liveliness_protection_kind', PROTECTION, at),
      rtpsProtectionKind: kind(r, 'rtps_protection_kind', PROTECTION, at),
      topicRules: (topics ? children(topics, 'topic_rule') : []).map((t, j): TopicRule => {
        const tat = `${at} topic_rule ${j + 1}`;
        const topicExpression = childText(t, 'topic_expression', tat);
        if (topicExpression.length === 0 || topicExpression.length > MAX_EXPRESSION) throw new SecurityError('bad-xml', `${tat}: topic_expression must be 1..${MAX_EXPRESSION} characters`);
        return {
          topicExpression,
          enableDiscoveryProtection: bool(t, 'enable_discovery_protection', tat),
          enableLivelinessProtection: bool(t, 'enable_liveliness_protection', tat),
          enableReadAccessControl: bool(t, 'enable_read_access_control', tat),
          enableWriteAccessControl: bool(t, 'enable_write_access_control', tat),
          metadataProtectionKind: kind(t, 'metadata_protection_kind', PROTECTION, tat),
          dataProtectionKind: kind(t, 'data_protection_kind', BASIC, tat),
        };
      }),
    };
  });
  if (domainRules.length === 0) throw new SecurityError('bad-xml', `${what}: no <domain_rule>`);
  return { domainRules };
}

/** The first domain rule that covers `domain`. */
export const domainRuleFor = (g: Governance, domain: number): DomainRule | undefined => g.domainRules.find((r) => inDomains(r.domains, domain));

/** The first topic rule of `rule` whose expression matches the DDS topic name. */
export const topicRuleFor = (rule: DomainRule, topic: string): TopicRule | undefined => rule.topicRules.find((t) => fnmatch(t.topicExpression, topic));
