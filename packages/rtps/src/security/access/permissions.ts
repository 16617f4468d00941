// The permissions document (DDS-Security 1.1 §9.4.1.3): grants, each for one certificate subject, valid
// between two dates, holding allow and deny rules in document order (the first that applies decides) and a
// default. A rule covers domains and lists publish / subscribe / relay criteria: topic expressions and,
// optionally, partition expressions.
import { SecurityError } from '../errors.js';
import { parseDomains, type DomainRange } from './domains.js';
import { child, childText, children, parseXml, type XmlElement, type XmlLimits } from './xml.js';

export interface Criteria {
  topics: string[];
  /** Partition expressions; empty when the criteria names none (then only the default partition matches). */
  partitions: string[];
}

export interface Rule {
  kind: 'allow' | 'deny';
  domains: DomainRange[];
  publish: Criteria[];
  subscribe: Criteria[];
  relay: Criteria[];
}

export interface Grant {
  name: string;
  subjectName: string;
  notBefore: Date;
  notAfter: Date;
  rules: Rule[];
  default: 'ALLOW' | 'DENY';
}

export interface Permissions {
  grants: Grant[];
}

const MAX_EXPRESSION = 512;

function expressions(el: XmlElement | undefined, item: string, what: string): string[] {
  if (!el) return [];
  return children(el, item).map((c) => {
    const t = c.text.trim();
    if (t.length > MAX_EXPRESSION) throw new SecurityError('bad-xml', `${what}: a <${item}> longer than ${MAX_EXPRESSION} characters`);
    return t;
  });
}

function criteria(el: XmlElement, name: string, what: string): Criteria[] {
  return children(el, name).map((c) => ({ topics: expressions(child(c, 'topics'), 'topic', what), partitions: expressions(child(c, 'partitions'), 'partition', what) }));
}

/** xs:dateTime; without a zone it is taken as UTC (as Cyclone DDS and Fast DDS do). */
function dateTime(text: string, what: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  const d = m ? new Date(`${m[1]}${m[2] ?? 'Z'}`) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new SecurityError('bad-xml', `${what}: '${text}' is not an xs:dateTime`);
  return d;
}

/** Parses a permissions document (the XML inside permissions.p7s). */
export function parsePermissions(xml: string, what = 'permissions', limits?: XmlLimits): Permissions {
  const root = parseXml(xml, what, limits);
  const perms = root.name === 'dds' ? child(root, 'permissions') : undefined;
  if (!perms) throw new SecurityError('bad-xml', `${what}: expected <dds><permissions>, found <${root.name}>`);
  const grants = children(perms, 'grant').map((g, i): Grant => {
    const at = `${what} grant ${g.attrs.name ? `'${g.attrs.name}'` : i + 1}`;
    const validity = child(g, 'validity');
    if (!validity) throw new SecurityError('bad-xml', `${at}: <validity> is missing`);
    const def = childText(g, 'default', at).toUpperCase();
    if (def !== 'ALLOW' && def !== 'DENY') throw new SecurityError('bad-xml', `${at}: <default> is '${def}', not ALLOW or DENY`);
    const rules = g.children
      .filter((c) => c.name === 'allow_rule' || c.name === 'deny_rule')
      .map((r): Rule => ({
        kind: r.name === 'allow_rule' ? 'allow' : 'deny',
        domains: parseDomains(child(r, 'domains'), at),
        publish: criteria(r, 'publish', at),
        subscribe: criteria(r, 'subscribe', at),
        relay: criteria(r, 'relay', at),
      }));
    return {
      name: g.attrs.name ?? '',
      subjectName: childText(g, 'subject_name', at),
      notBefore: dateTime(childText(validity, 'not_before', at), at),
      notAfter: dateTime(childText(validity, 'not_after', at), at),
      rules,
      default: def,
    };
  });
  if (grants.length === 0) throw new SecurityError('bad-xml', `${what}: no <grant>`);
  return { grants };
}
