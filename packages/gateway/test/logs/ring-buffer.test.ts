// The log ring buffer and entry shapes: per-source eviction, the source cap, prefix queries,
// filters, 9-digit timestamps, and LogProvider observer/query modes.
import { describe, expect, it } from 'vitest';
import { LogRingBuffer } from '../../src/logs/ring-buffer.js';
import { LogManager } from '../../src/logs/manager.js';
import { entryBody, isoNs, type StoredLog } from '../../src/logs/model.js';
import { parseSince } from '../../src/logs/service.js';

let n = 0;
const entry = (source: string, level = 20, logger = source.slice(1).replace(/\//g, '.'), msg = `m${n + 1}`): StoredLog => ({
  n: ++n,
  stampNs: 1_700_000_000_123_456_789n + BigInt(n),
  level,
  logger,
  source,
  message: msg,
  function: '',
  file: '',
  line: 0,
});

describe('log ring buffer', () => {
  it('keeps the newest buffer_size entries per source, oldest first', () => {
    const r = new LogRingBuffer(3);
    const added = [1, 2, 3, 4, 5].map(() => entry('/a'));
    for (const e of added) r.add(e);
    r.add(entry('/b'));
    expect(r.query({ exact: ['/a'], prefixes: [] }).map((e) => e.n)).toEqual(added.slice(2).map((e) => e.n));
  });

  it('drops new sources beyond buffer_size × 10 with one warning', () => {
    const warnings: string[] = [];
    const r = new LogRingBuffer(1, (m) => warnings.push(m));
    for (let i = 0; i < 12; i++) r.add(entry(`/n${i}`));
    expect(r.sources).toBe(10);
    expect(r.dropped).toBe(2);
    expect(warnings).toHaveLength(1);
  });

  it('prefix queries cover a namespace on segment boundaries and merge without duplicates', () => {
    const r = new LogRingBuffer(10);
    const a = entry('/nav/planner');
    const b = entry('/nav/sub/controller');
    const c = entry('/navigation/x');
    for (const e of [a, b, c]) r.add(e);
    expect(r.query({ exact: ['/nav/planner'], prefixes: ['/nav'] }).map((e) => e.n)).toEqual([a.n, b.n]);
  });

  it('filters by minimum level, logger substring, since, and caps to the newest', () => {
    const r = new LogRingBuffer(10);
    const es = [entry('/x', 10), entry('/x', 30), entry('/x', 40), entry('/x', 50)];
    for (const e of es) r.add(e);
    expect(r.query({ exact: ['/x'], prefixes: [] }, { minLevel: 30, limit: 2 }).map((e) => e.level)).toEqual([40, 50]);
    expect(r.query({ exact: ['/x'], prefixes: [] }, { context: 'nothing' })).toEqual([]);
    expect(r.query({ exact: ['/x'], prefixes: [] }, { sinceNs: es[2].stampNs }).map((e) => e.level)).toEqual([40, 50]);
  });
});

describe('log entry shape', () => {
  it('has id, 9-digit timestamp, lower/upper severity, logger and context without empty fields', () => {
    const b = entryBody({ ...entry('/demo/x', 30, 'demo.x', 'careful'), function: 'tick', line: 12 });
    expect(b).toMatchObject({ severity: 'warning', level: 'WARNING', message: 'careful', logger_name: 'demo.x', context: { node: 'demo.x', function: 'tick', line: 12 } });
    expect(b.context).not.toHaveProperty('file');
    expect(b.id).toMatch(/^log_\d+$/);
    expect(isoNs(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123456789Z');
  });

  it('parses since as ISO 8601 with nanoseconds or epoch seconds', () => {
    expect(parseSince('2023-11-14T22:13:20.123456789Z')).toBe(1_700_000_000_123_456_789n);
    expect(parseSince('1700000000.5')).toBe(1_700_000_000_500_000_000n);
    expect(parseSince('yesterday')).toBeUndefined();
  });
});

describe('LogProviders', () => {
  it('an observer sees every entry first and may keep it out of the buffer; a query provider serves queries', async () => {
    const m = new LogManager(10);
    const seen: string[] = [];
    m.addProvider({ name: 'obs', onLogEntry: (e) => (seen.push(e.message), e.message.includes('secret')) });
    m.ingestRosout({ stamp: { sec: 1, nanosec: 2 }, level: 20, name: 'demo.a', msg: 'hello', file: '', function: '', line: 0 });
    m.ingestRosout({ stamp: { sec: 1, nanosec: 3 }, level: 20, name: 'demo.a', msg: 'a secret', file: '', function: '', line: 0 });
    expect(seen).toEqual(['hello', 'a secret']);
    expect((await m.query({ exact: ['/demo/a'], prefixes: [] }, {})).map((e) => e.message)).toEqual(['hello']);
    m.addProvider({ name: 'db', query: () => [] });
    expect(await m.query({ exact: ['/demo/a'], prefixes: [] }, {})).toEqual([]);
  });
});
