// A small, bounded XML reader for the two DDS-Security documents (governance and permissions). Their schema
// is fixed and simple (elements and text; attributes only on <grant name=...>), and a permissions document can
// arrive from the network inside a handshake, so this reader accepts only what they need and caps everything:
// total size, element count and nesting depth. No DOCTYPE (so no entity expansion, no external entities), only
// the five predefined entities and character references. Namespace prefixes are dropped from names.
import { SecurityError } from '../errors.js';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside this element (entities decoded, CDATA included), untrimmed. */
  text: string;
}

export interface XmlLimits {
  maxBytes: number;
  maxElements: number;
  maxDepth: number;
}

/** A permissions document listing hundreds of topics is tens of KiB; these leave a wide margin and stay cheap. */
export const XML_LIMITS: XmlLimits = { maxBytes: 1024 * 1024, maxElements: 50_000, maxDepth: 16 };

const NAME = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function fail(message: string, what: string, at: number): never {
  throw new SecurityError('bad-xml', `${what}: ${message} at offset ${at}`);
}

function decode(raw: string, what: string, at: number): string {
  return raw.replace(/&([^;]{0,10});/g, (_, ent: string) => {
    if (ent in ENTITIES) return ENTITIES[ent];
    const code = ent.startsWith('#x') ? parseInt(ent.slice(2), 16) : ent.startsWith('#') ? parseInt(ent.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff) fail(`unknown entity '&${ent};'`, what, at);
    return String.fromCodePoint(code);
  });
}

const localName = (n: string): string => n.slice(n.indexOf(':') + 1);

/** Parses `text` and returns its root element. `what` names the document in errors. */
export function parseXml(text: string, what: string, limits: XmlLimits = XML_LIMITS): XmlElement {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) throw new SecurityError('too-large', `${what}: larger than ${limits.maxBytes} bytes`);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let elements = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const skipMisc = (): boolean => {
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) fail('unterminated processing instruction', what, i);
      i = end + 2;
      return true;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment', what, i);
      i = end + 3;
      return true;
    }
    if (text.startsWith('<!DOCTYPE', i) || text.startsWith('<!ENTITY', i)) fail('a DOCTYPE or entity declaration is not accepted', what, i);
    return false;
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.length > 0) {
      const top = stack.at(-1);
      if (top) top.text += decode(chunk, what, i);
      else if (chunk.trim() !== '') fail('text outside the root element', what, i);
    }
    if (lt < 0) break;
    i = lt;
    if (skipMisc()) continue;
    if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      const top = stack.at(-1);
      if (end < 0 || !top) fail('misplaced or unterminated CDATA', what, i);
      top.text += text.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      const top = stack.pop();
      if (!m || !top || localName(m[0]) !== top.name) fail(`unexpected closing tag${m ? ` </${m[0]}>` : ''}`, what, i);
      i = NAME.lastIndex;
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '>') fail('malformed closing tag', what, i);
      i++;
      continue;
    }
    // A start tag.
    NAME.lastIndex = i + 1;
    const m = NAME.exec(text);
    if (!m) fail('malformed tag', what, i);
    if (root && stack.length === 0) fail('a second root element', what, i);
    if (++elements > limits.maxElements) throw new SecurityError('too-large', `${what}: more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) throw new SecurityError('too-large', `${what}: nested deeper than ${limits.maxDepth} elements`);
    const el: XmlElement = { name: localName(m[0]), attrs: {}, children: [], text: '' };
    i = NAME.lastIndex;
    for (;;) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        break;
      }
      if (text[i] === '>') {
        i++;
        stack.push(el);
        break;
      }
      NAME.lastIndex = i;
      const a = NAME.exec(text);
      if (!a) fail('malformed attribute', what, i);
      i = NAME.lastIndex;
      while (/\s/.test(text[i] ?? '')) i++;
      const q = text[i + 1];
      if (text[i] !== '=' || (q !== '"' && q !== "'")) fail(`attribute '${a[0]}' without a quoted value`, what, i);
      const end = text.indexOf(q, i + 2);
      if (end < 0) fail('unterminated attribute value', what, i);
      el.attrs[localName(a[0])] = decode(text.slice(i + 2, end), what, i);
      i = end + 1;
    }
    const parent = stack.at(el === stack.at(-1) ? -2 : -1);
    if (parent) parent.children.push(el);
    else root = el;
  }
  if (stack.length > 0) fail(`<${stack.at(-1)!.name}> is not closed`, what, text.length);
  if (!root) fail('no root element', what, 0);
  return root;
}

export const children = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);
export const child = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);

/** The trimmed text of the one `name` child; throws naming the path when it is missing. */
export function childText(el: XmlElement, name: string, what: string): string {
  const c = child(el, name);
  if (!c) throw new SecurityError('bad-xml', `${what}: <${el.name}> lacks <${name}>`);
  return c.text.trim();
}
