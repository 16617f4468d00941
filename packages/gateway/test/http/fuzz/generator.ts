// Hostile requests generated from the gateway's own OpenAPI document: for every operation, a request
// that is valid as far as the document says, then variants that break one thing each (a path
// parameter, a query parameter, a body field, the body as a whole, the content type, a body on a
// method that takes none). Seeded, so a failure names a request that can be replayed.

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded as sent (malformed encodings included on purpose). */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What was broken, for the failure report. */
  label: string;
  /** The route answers text/event-stream: read the headers, then hang up. */
  sse: boolean;
}

type Schema = Record<string, unknown> & { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; $ref?: string; examples?: unknown[] };
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
export interface OpenApiDoc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzOptions {
  seed: number;
  /** Variants kept per operation (the valid request and the method checks are always kept). */
  perOperation: number;
  /** Real values for path parameters by name (`app_id` → an app that exists), so requests reach the handlers. */
  pathValues: Record<string, string[]>;
}

// One seeded PRNG for every fuzzer of the project (mulberry32), re-exported for the tests that import it from here.
export { prng } from '../../../../../test-support/rtps-fuzz/prng.js';
import { prng } from '../../../../../test-support/rtps-fuzz/prng.js';

const HUGE = 'x'.repeat(100_000);
/** Values that are wrong for most fields: other types, extreme numbers, hostile strings. */
export const HOSTILE_VALUES: unknown[] = [
  'str',
  -1,
  0,
  true,
  false,
  null,
  1.5,
  1e308,
  -1e308,
  8_640_000_000_000,
  2 ** 53 + 2,
  -(2 ** 63),
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [1] } },
  HUGE,
  'nul\u0000byte',
  'é漢字🙂\u202eevil',
  '',
  '../../etc/passwd',
  '<script>alert(1)</script>',
];

/** Raw (already encoded) path segments that are malformed, over-long or hostile. */
const HOSTILE_SEGMENTS = [
  '%E0%A4%A',
  '%',
  '%ZZ',
  '%00',
  'a%00b',
  '%C0%AF',
  'a'.repeat(300),
  'a'.repeat(9000),
  encodeURIComponent('é漢字🙂'),
  '%0d%0aX-Injected:%201',
  '-1',
  '1e308',
  'true',
  '%2e%2e',
  encodeURIComponent("'; DROP TABLE faults; --"),
];

/** Raw query values. */
const HOSTILE_QUERY = ['abc', '-1', '0', '1e308', '-1e308', '9007199254740993', 'NaN', 'true', '1.5', '%E0%A4%A', '%00', encodeURIComponent('é漢🙂'), 'a'.repeat(5000), ''];

/** Whole-body variants (sent with Content-Type: application/json unless said otherwise). */
const HOSTILE_BODIES: { body: string; contentType?: string; label: string }[] = [
  { body: '', label: 'empty body' },
  { body: '{', label: 'truncated JSON' },
  { body: '[]', label: 'array body' },
  { body: 'null', label: 'null body' },
  { body: '"s"', label: 'string body' },
  { body: '1e308', label: 'number body' },
  { body: '{"__proto__":{"polluted":1}}', label: 'prototype pollution' },
  { body: '{"constructor":{"prototype":{"polluted":1}}}', label: 'constructor pollution' },
  { body: `${'['.repeat(5000)}${']'.repeat(5000)}`, label: 'deep nesting' },
  { body: '{"a":1,"a":2}', label: 'duplicate keys' },
  { body: '\u0000', label: 'NUL body' },
  { body: '\uFEFF{}', label: 'BOM' },
  { body: '{"x":"\\ud800"}', label: 'lone surrogate' },
  { body: '{}', contentType: 'text/plain', label: 'text/plain body' },
  { body: '{}', contentType: 'application/x-www-form-urlencoded', label: 'form body' },
  { body: '--b\r\nContent-Disposition: form-data; name="file"; filename="../../x"\r\n\r\nabc\r\n--b--\r\n', contentType: 'multipart/form-data; boundary=b', label: 'multipart body' },
  { body: '--b\r\ngarbage', contentType: 'multipart/form-data; boundary=b', label: 'broken multipart' },
  { body: '{}', contentType: 'application/json; charset=utf-16', label: 'odd charset' },
];

function resolve(doc: OpenApiDoc, s: Schema | undefined, depth = 0): Schema | undefined {
  if (!s || depth > 8) return s;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop()!;
    return resolve(doc, doc.components?.schemas?.[name], depth + 1);
  }
  return s;
}

/** A value the schema accepts, as far as a small generator can tell (examples first). */
function sample(doc: OpenApiDoc, raw: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, raw);
  if (!s || depth > 5) return {};
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = s[k] as Schema[] | undefined;
    if (Array.isArray(alts) && alts.length > 0) return sample(doc, alts[0], depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return false;
    case 'string':
      return 'x';
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = sample(doc, s.properties?.[name], depth + 1);
      return out;
    }
  }
}

function pick<T>(list: T[], rnd: () => number): T {
  return list[Math.floor(rnd() * list.length)];
}

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');
}

/** Every operation of the document with the hostile variants kept for it. */
export function generate(doc: OpenApiDoc, opts: FuzzOptions): FuzzRequest[] {
  const rnd = prng(opts.seed);
  // Paths may be relative to servers[0].url (`/apps/{app_id}`) or absolute (`/api/v1/apps/{app_id}`).
  const prefix = new URL(doc.servers?.[0]?.url ?? '/', 'http://gateway').pathname.replace(/\/$/, '');
  const out: FuzzRequest[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const M = method.toUpperCase();
      const params = op.parameters ?? [];
      const sse = Object.values(op.responses ?? {}).some((r) => r.content && 'text/event-stream' in r.content);
      const good: Record<string, string> = {};
      for (const p of params.filter((p) => p.in === 'path')) good[p.name] = pick(opts.pathValues[p.name] ?? ['x'], rnd);
      const json = op.requestBody?.content?.['application/json'];
      const multipart = op.requestBody?.content?.['multipart/form-data'];
      const validBody = json ? sample(doc, json.schema) : undefined;
      const base = (label: string, over: Partial<FuzzRequest> = {}): FuzzRequest => ({
        method: M,
        path: prefix + fillPath(template, good),
        headers: validBody !== undefined ? { 'content-type': 'application/json' } : {},
        ...(validBody !== undefined ? { body: JSON.stringify(validBody) } : {}),
        label: `${M} ${template} [${label}]`,
        sse,
        ...over,
      });
      const always: FuzzRequest[] = [base('as documented')];
      if (M === 'GET') always.push(base('HEAD', { method: 'HEAD' }));
      const variants: FuzzRequest[] = [];

      for (const p of params.filter((p) => p.in === 'path')) {
        for (const seg of HOSTILE_SEGMENTS) variants.push(base(`path ${p.name}=${seg.slice(0, 24)}`, { path: prefix + fillPath(template, { ...good, [p.name]: seg }) }));
      }
      const query = params.filter((p) => p.in === 'query');
      for (const p of query) {
        for (const v of HOSTILE_QUERY) variants.push(base(`query ${p.name}=${v.slice(0, 24)}`, { path: `${prefix}${fillPath(template, good)}?${encodeURIComponent(p.name)}=${v}` }));
      }
      variants.push(base('unknown query', { path: `${prefix}${fillPath(template, good)}?zz%00=%FF&a[b]=1&a=2` }));

      const bodySchema = resolve(doc, json?.schema);
      if (json && validBody && typeof validBody === 'object' && !Array.isArray(validBody)) {
        const fields = Object.keys({ ...(bodySchema?.properties ?? {}), ...(validBody as Record<string, unknown>) });
        for (const f of fields) {
          for (const v of HOSTILE_VALUES) {
            variants.push(base(`body ${f}=${JSON.stringify(v)?.slice(0, 24)}`, { body: JSON.stringify({ ...(validBody as Record<string, unknown>), [f]: v }) }));
          }
        }
        variants.push(base('extra field', { body: JSON.stringify({ ...(validBody as Record<string, unknown>), 'zz\u0000': HUGE.slice(0, 1000) }) }));
      }
      if (json || multipart) {
        for (const b of HOSTILE_BODIES) variants.push(base(b.label, { body: b.body, headers: { 'content-type': b.contentType ?? 'application/json' } }));
      } else {
        // Methods and routes that take no body get one anyway, and an empty one with a JSON content type.
        variants.push(base('unexpected JSON body', { body: '{"a":1}', headers: { 'content-type': 'application/json' } }));
        variants.push(base('empty JSON body', { body: '', headers: { 'content-type': 'application/json' } }));
        variants.push(base('unexpected garbage body', { body: '\u0000\u0001', headers: { 'content-type': 'application/octet-stream' } }));
      }
      variants.push(base('hostile headers', { headers: { ...base('').headers, 'x-client-id': `é\t${'ÿ'.repeat(300)}`, 'last-event-id': '1e308', accept: 'x/y', range: 'bytes=-1' } }));

      // A seeded subset keeps CI bounded; a longer run raises perOperation.
      for (let i = variants.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [variants[i], variants[j]] = [variants[j], variants[i]];
      }
      out.push(...always, ...variants.slice(0, opts.perOperation));
    }
  }
  return out;
}

/** The GenericError shape of docs/api.md; returns what is wrong, or undefined. */
export function sovdErrorProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'not a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.error_code !== 'string' || b.error_code.length === 0) return 'no error_code';
  if (typeof b.message !== 'string') return 'no message';
  if (b.error_code === 'vendor-error' && (typeof b.vendor_code !== 'string' || !b.vendor_code.startsWith('x-medkit-'))) return 'vendor-error without an x-medkit- vendor_code';
  if (b.error_code !== 'vendor-error' && b.vendor_code !== undefined) return 'vendor_code outside the vendor-error envelope';
  if (b.parameters !== undefined && (typeof b.parameters !== 'object' || b.parameters === null || Array.isArray(b.parameters))) return 'parameters is not an object';
  const extra = Object.keys(b).filter((k) => !['error_code', 'vendor_code', 'message', 'parameters'].includes(k));
  if (extra.length > 0) return `unexpected fields ${extra.join(', ')}`;
  return undefined;
}

/** The OAuth2 error shape the auth endpoints answer with (docs/api.md); returns what is wrong, or undefined. */
export function oauthErrorProblem(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'not a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.error !== 'string' || b.error.length === 0) return 'no error';
  if (typeof b.error_description !== 'string') return 'no error_description';
  const extra = Object.keys(b).filter((k) => !['error', 'error_description'].includes(k));
  return extra.length > 0 ? `unexpected fields ${extra.join(', ')}` : undefined;
}
