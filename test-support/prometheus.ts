// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be a HELP or TYPE
// comment or a sample `name{label="value",...} number`; anything else throws, so a test that scrapes through it
// also checks the format. Samples are returned with their family (the TYPE line they belong to).
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL_G = new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, 'g');
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''], counter: [''], gauge: [''], untyped: [''] };

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The family's name and type (from its TYPE line). */
  family: string;
  type: string;
}

export function parseExposition(text: string): PromSample[] {
  const out: PromSample[] = [];
  const types = new Map<string, string>();
  let current: { name: string; type: string } | undefined;
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const bad = (why: string) => new Error(`exposition line ${i + 1}: ${why}: ${line}`);
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m || !new RegExp(`^${NAME}$`).test(m[2])) throw bad('malformed comment');
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3])) throw bad('unknown type');
        if (types.has(m[2])) throw bad('family declared twice');
        types.set(m[2], m[3]);
        current = { name: m[2], type: m[3] };
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw bad('malformed sample');
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes `Nan`).
    const special = /^(?:([+-]?)inf|nan)$/i.exec(m[3]);
    const value = special ? (special[0].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity) : Number(m[3]);
    if (!special && (m[3].trim() === '' || Number.isNaN(value))) throw bad('value is not a number');
    if (!current || !SUFFIXES[current.type].some((s) => m[1] === current!.name + s)) throw bad(`sample outside its family's TYPE (${current?.name ?? 'none'})`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL_G)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value, family: current.name, type: current.type });
  }
  return out;
}

/** Every family the text declares (its TYPE lines), with its type: metrics that have no series yet included. */
export function familiesOf(text: string): Map<string, string> {
  parseExposition(text);
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** Samples of `name` whose labels include `match`. */
export function samplesOf(samples: PromSample[], name: string, match: Record<string, string> = {}): PromSample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The one sample of `name` with labels including `match` (undefined when none; throws when several). */
export function valueOf(samples: PromSample[], name: string, match: Record<string, string> = {}): number | undefined {
  const found = samplesOf(samples, name, match);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(match)}`);
  return found[0]?.value;
}

/** GET `url` (with an optional bearer token) and parse the exposition; throws unless it answers 200 text/plain. */
export async function scrape(url: string, token?: string): Promise<PromSample[]> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`scrape ${url}: ${res.status} ${body.slice(0, 200)}`);
  if (!/^text\/plain; version=0\.0\.4/.test(res.headers.get('content-type') ?? '')) throw new Error(`scrape ${url}: content-type ${res.headers.get('content-type')}`);
  return parseExposition(body);
}
