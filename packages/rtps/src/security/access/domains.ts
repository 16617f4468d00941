// <domains> as both documents write it: <id>n</id> and <id_range><min>a</min><max>b</max></id_range> (max
// omitted = no upper bound), in any number and order.
import { SecurityError } from '../errors.js';
import { child, type XmlElement } from './xml.js';

export interface DomainRange {
  min: number;
  max: number;
}

const MAX_DOMAIN_ID = 0x7fffffff;

function domainId(text: string, what: string): number {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t) || Number(t) > MAX_DOMAIN_ID) throw new SecurityError('bad-xml', `${what}: '${t}' is not a domain id`);
  return Number(t);
}

export function parseDomains(el: XmlElement | undefined, what: string): DomainRange[] {
  if (!el) throw new SecurityError('bad-xml', `${what}: <domains> is missing`);
  const out: DomainRange[] = [];
  for (const c of el.children) {
    if (c.name === 'id') {
      const id = domainId(c.text, what);
      out.push({ min: id, max: id });
    } else if (c.name === 'id_range') {
      const min = child(c, 'min');
      const max = child(c, 'max');
      if (!min) throw new SecurityError('bad-xml', `${what}: <id_range> lacks <min>`);
      const range = { min: domainId(min.text, what), max: max ? domainId(max.text, what) : MAX_DOMAIN_ID };
      if (range.max < range.min) throw new SecurityError('bad-xml', `${what}: <id_range> max ${range.max} is below min ${range.min}`);
      out.push(range);
    }
  }
  if (out.length === 0) throw new SecurityError('bad-xml', `${what}: <domains> names no domain`);
  return out;
}

export const inDomains = (ranges: readonly DomainRange[], domain: number): boolean => ranges.some((r) => domain >= r.min && domain <= r.max);
