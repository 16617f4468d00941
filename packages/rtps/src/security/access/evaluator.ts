// Answers the access-control questions of DDS-Security 1.1 §9.4.1 for one verified governance and one verified
// permissions document: may the participant with certificate subject S join domain D, publish or subscribe
// topic T there, now? Topic names are DDS names (ROS 2 mangles them: rt/<topic>, rq/<service>Request,
// rr/<service>Reply); @medkit/ros2 asks in ROS terms on top of this. Every answer carries the reason.
import { domainRuleFor, topicRuleFor, type DomainRule, type Governance, type TopicRule } from './governance.js';
import { inDomains } from './domains.js';
import { fnmatch } from './fnmatch.js';
import type { Criteria, Grant, Permissions, Rule } from './permissions.js';
import { sameSubject } from './subject-name.js';

export type Action = 'publish' | 'subscribe';

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface CheckOptions {
  now?: Date;
  /** Partitions the endpoint uses; none = the default partition "" (ROS 2 uses no partitions). */
  partitions?: readonly string[];
}

const allow = (reason: string): Decision => ({ allowed: true, reason });
const deny = (reason: string): Decision => ({ allowed: false, reason });

/**
 * Whether `criteria` covers the topic and the partitions. An allow rule needs every partition covered; a deny
 * rule applies when any is (packages/rtps/README.md). A criteria without <partitions> covers only the default partition.
 */
function covers(c: Criteria, topic: string, partitions: readonly string[], kind: Rule['kind']): boolean {
  if (!c.topics.some((t) => fnmatch(t, topic))) return false;
  const exprs = c.partitions.length > 0 ? c.partitions : [''];
  const hit = (p: string) => exprs.some((e) => (e === '' ? p === '' : fnmatch(e, p)));
  return kind === 'allow' ? partitions.every(hit) : partitions.some(hit);
}

export class AccessControl {
  constructor(
    readonly governance: Governance,
    readonly permissions: Permissions,
  ) {}

  domainRule(domain: number): DomainRule | undefined {
    return domainRuleFor(this.governance, domain);
  }

  topicRule(domain: number, topic: string): TopicRule | undefined {
    const rule = this.domainRule(domain);
    return rule ? topicRuleFor(rule, topic) : undefined;
  }

  grantFor(subject: string): Grant | undefined {
    return this.permissions.grants.find((g) => sameSubject(g.subjectName, subject));
  }

  private validGrant(subject: string, now: Date): Grant | Decision {
    const grant = this.grantFor(subject);
    if (!grant) return deny(`permissions hold no grant for subject '${subject}'`);
    if (now < grant.notBefore) return deny(`grant '${grant.name}' is not valid before ${grant.notBefore.toISOString()}`);
    if (now > grant.notAfter) return deny(`grant '${grant.name}' expired ${grant.notAfter.toISOString()}`);
    return grant;
  }

  /** May the participant join the domain (check_create_participant / check_remote_participant)? */
  mayJoin(subject: string, domain: number, now = new Date()): Decision {
    const rule = this.domainRule(domain);
    if (!rule) return deny(`governance has no domain_rule for domain ${domain}`);
    if (!rule.enableJoinAccessControl) return allow(`domain ${domain} does not control joining`);
    const grant = this.validGrant(subject, now);
    if ('allowed' in grant) return grant;
    if (grant.rules.some((r) => r.kind === 'allow' && inDomains(r.domains, domain))) return allow(`grant '${grant.name}' has an allow_rule for domain ${domain}`);
    return grant.default === 'ALLOW' ? allow(`grant '${grant.name}' allows by default`) : deny(`grant '${grant.name}' has no allow_rule for domain ${domain}`);
  }

  /** May the participant publish (or subscribe to) the DDS topic in the domain? */
  check(subject: string, action: Action, topic: string, domain: number, opts: CheckOptions = {}): Decision {
    const now = opts.now ?? new Date();
    const partitions = opts.partitions && opts.partitions.length > 0 ? opts.partitions : [''];
    const rule = this.domainRule(domain);
    if (!rule) return deny(`governance has no domain_rule for domain ${domain}`);
    const topicRule = topicRuleFor(rule, topic);
    if (!topicRule) return deny(`governance has no topic_rule matching '${topic}' in domain ${domain}`);
    const controlled = action === 'publish' ? topicRule.enableWriteAccessControl : topicRule.enableReadAccessControl;
    if (!controlled) return allow(`governance topic_rule '${topicRule.topicExpression}' does not control ${action === 'publish' ? 'writing' : 'reading'}`);
    const grant = this.validGrant(subject, now);
    if ('allowed' in grant) return grant;
    for (const [i, r] of grant.rules.entries()) {
      if (!inDomains(r.domains, domain)) continue;
      if (r[action].some((c) => covers(c, topic, partitions, r.kind))) {
        const which = `${r.kind}_rule ${i + 1} of grant '${grant.name}'`;
        return r.kind === 'allow' ? allow(`${which} allows ${action} '${topic}'`) : deny(`${which} denies ${action} '${topic}'`);
      }
    }
    return grant.default === 'ALLOW' ? allow(`no rule names '${topic}'; grant '${grant.name}' allows by default`) : deny(`no rule allows ${action} '${topic}'; grant '${grant.name}' denies by default`);
  }
}
