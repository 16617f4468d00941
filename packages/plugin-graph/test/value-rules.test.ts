// Unit tests of value rules (docs/graph.md, the reference's #669): the expression language, sources, rule
// checks, window statistics with an enable condition, `/diagnostics` keys, the rule set's REST operations, the
// file store across a restart, and hostile input.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../src/watchdog/value/expression.js';
import { INVALID, parseSource, readField, readFieldOrInvalid } from '../src/watchdog/value/source.js';
import { compileRule, RuleError, type RuleLimits } from '../src/watchdog/value/rule.js';
import { RuleWindow } from '../src/watchdog/value/rule-window.js';
import { configRuleProblems, RuleRefused, ValueDetector, type ValueSettings } from '../src/watchdog/value/value-detector.js';
import { FileRuleStore, MemoryRuleStore } from '../src/watchdog/value/store.js';
import { TopicFeeds } from '../src/watchdog/feeds.js';
import type { SweepInput } from '../src/watchdog/detectors/detector.js';
import { fakeTopics } from './fake-topics.js';
import { fakeFaultManager } from './fake-fault-manager.js';
import { GraphWatchdog } from '../src/watchdog/watchdog.js';

const LIMITS: RuleLimits = { maxLength: 256, maxDepth: 16, maxSources: 8, maxWindowMs: 3_600_000 };
const ev = (text: string, values: Record<string, number> = {}) => parseExpression(text, LIMITS).evaluate(new Map(Object.entries(values)));

describe('expressions', () => {
  it('evaluate arithmetic, comparisons, logic and functions with the usual precedence', () => {
    expect(ev('1 + 2 * 3 - 4 / 2')).toBe(5);
    expect(ev('-(a - b) % 4', { a: 3, b: 10 })).toBe(3);
    expect(ev('abs(a) > 0.08 and abs(b) > 0.08', { a: -0.1, b: 0.2 })).toBe(1);
    expect(ev('sign(a) != sign(b)', { a: -1, b: 2 })).toBe(1);
    expect(ev('not a > 1 || b == 2', { a: 5, b: 2 })).toBe(1);
    expect(ev('!(a >= 1) && true', { a: 0 })).toBe(1);
    expect(ev('max(a, b, 3) + min(1, 2) + hypot(3, 4) + sqrt(16)', { a: 1, b: 2 })).toBe(13);
    expect(ev('1e3 + .5')).toBe(1000.5);
  });

  it('give no value when a source is missing or the result is not finite; logic short-circuits', () => {
    expect(ev('a + 1')).toBeUndefined();
    expect(ev('1 / 0')).toBeUndefined();
    expect(ev('0 and a')).toBe(0);
    expect(ev('1 or a')).toBe(1);
    expect(ev('1 and a')).toBeUndefined();
  });

  it('refuse syntax errors, unknown functions, and hostile length and depth before doing work', () => {
    const bad = (t: string, re: RegExp, limits = LIMITS) => expect(() => parseExpression(t, limits)).toThrow(re);
    bad('', /empty/);
    bad('1 +', /ends too early/);
    bad('(1', /missing '\)'/);
    bad('1 2', /unexpected '2'/);
    bad('a $ b', /unexpected character at 3/);
    bad('eval(1)', /unknown function 'eval'/);
    bad('constructor(1)', /unknown function/);
    bad('abs(1, 2)', /abs takes at most 1 argument/);
    bad('min()', /min takes 1–8 arguments, got 0/);
    bad('1+'.repeat(200) + '1', /longer than 256/);
    bad('('.repeat(17) + '1' + ')'.repeat(17), /nested deeper than 16/);
    bad('-'.repeat(20) + '1', /nested deeper than 16/);
    // The longest allowed chain evaluates without recursion trouble.
    expect(parseExpression('1+'.repeat(2000) + '1', { maxLength: 4096, maxDepth: 64 }).evaluate(new Map())).toBe(2001);
  });
});

describe('sources', () => {
  it('read a topic field path or a /diagnostics key', () => {
    expect(parseSource('/odom.twist.twist.angular.z')).toEqual({ kind: 'field', topic: '/odom', path: ['twist', 'twist', 'angular', 'z'] });
    expect(parseSource('/scan.ranges[3]')).toEqual({ kind: 'field', topic: '/scan', path: ['ranges', 3] });
    expect(parseSource('diag:imu_filter: Status/rejected_fixes')).toEqual({ kind: 'diag', status: 'imu_filter: Status', key: 'rejected_fixes' });
    expect(readField({ a: { b: [1, '2', 'x'] } }, ['a', 'b', 1])).toBe(2);
    expect(readField({ a: { b: [1] } }, ['a', 'b', 5])).toBeUndefined();
    expect(readField({ a: {} }, ['a', 'constructor'])).toBeUndefined();
    expect(readField({ v: '9007199254740993' }, ['v'])).toBe(9007199254740992);
  });

  it('refuse malformed ones', () => {
    for (const [s, re] of [['odom.x', /absolute ROS topic/], ['/odom', /names no field/], ['/odom.', /not a field name/], ['/odom.a.__proto__[99999999]', /not a field name/], ['diag:nokey', /diag:<status name>\/<key>/], [`/t.${'a.'.repeat(20)}a`, /more than 16/], [42, /non-empty string/]] as const) {
      expect(() => parseSource(s)).toThrow(re);
    }
  });
});

const BASE = { fault_code: 'LOC_GPS_REJECTING', sources: { r: 'diag:gps_gate/rejected' }, stat: 'mean', op: '>', threshold: 0.5, window_ms: 1000 };

describe('rule checks', () => {
  it('fill defaults and keep the body as given', () => {
    const c = compileRule(BASE, 'vr_1', 'rest', LIMITS);
    expect(c.rule).toEqual({ id: 'vr_1', origin: 'rest', fault_code: 'LOC_GPS_REJECTING', severity: 'ERROR', sources: { r: 'diag:gps_gate/rejected' }, value: 'r', stat: 'mean', op: '>', threshold: 0.5, window_ms: 1000, min_samples: 1, on_invalid: 'hold' });
  });

  it('name the offending field', () => {
    const field = (over: Record<string, unknown>) => {
      try {
        compileRule({ ...BASE, ...over }, 'x', 'rest', LIMITS);
      } catch (err) {
        return err instanceof RuleError ? err.field : String(err);
      }
      return 'accepted';
    };
    expect(field({ fault_code: 'bad code' })).toBe('fault_code');
    expect(field({ severity: 'FATAL' })).toBe('severity');
    expect(field({ sources: {} })).toBe('sources');
    expect(field({ sources: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`s${i}`, '/t.x'])) })).toBe('sources');
    expect(field({ sources: { and: '/t.x' } })).toBe('sources.and');
    expect(field({ sources: { a: '/t.x', b: '/t.y' } })).toBe('value');
    expect(field({ value: 'zz' })).toBe('value');
    expect(field({ enable: 'r >' })).toBe('enable');
    expect(field({ stat: 'median' })).toBe('stat');
    expect(field({ op: '=' })).toBe('op');
    expect(field({ stat: 'stuck', op: '>' })).toBe('op');
    expect(field({ threshold: 'high' })).toBe('threshold');
    expect(field({ threshold: Infinity })).toBe('threshold');
    expect(field({ window_ms: 0 })).toBe('window_ms');
    expect(field({ window_ms: 1e12 })).toBe('window_ms');
    expect(field({ stat: 'rate', min_samples: 1 })).toBe('min_samples');
    expect(field({ enabel: 'r > 0' })).toBe('enabel');
    expect(field({ description: 'x'.repeat(600) })).toBe('description');
  });
});

function windowOf(body: Record<string, unknown>) {
  return new RuleWindow(compileRule({ ...BASE, ...body }, 'r1', 'config', LIMITS), 100);
}

describe('invalid and missing data (issue 54)', () => {
  const feed = (w: RuleWindow, at: number, v: number) => w.update(new Map([['v', v]]), at);

  it('an active fault does not heal on silence or invalid values by default', () => {
    const w = windowOf({ sources: { v: '/t.v' }, stat: 'max', op: '>', threshold: 2 });
    feed(w, 0, 5);
    expect(w.judge(100).failed).toBe(true);
    // The sensor turns NaN: its values are invalid, nothing valid arrives, the window empties.
    w.invalid(200);
    w.invalid(600);
    const v = w.judge(1500);
    expect(v).toMatchObject({ failed: true, samples: 0 });
    expect(v.text).toBe('rule r1: no valid data from /t.v in the last 1000 ms; the fault stays until valid data says otherwise (2 invalid values so far)');
    expect(w.invalidSamples).toBe(2);
    // Valid data that passes heals it.
    feed(w, 1600, 1);
    expect(w.judge(1700).failed).toBe(false);
    // A rule that never failed does not raise on silence alone.
    expect(windowOf({ sources: { v: '/t.v' }, stat: 'max', op: '>', threshold: 2 }).judge(5000).failed).toBe(false);
  });

  it('while enable does not hold the check does not apply: that heals, and is not silence', () => {
    const w = new RuleWindow(compileRule({ ...BASE, sources: { v: '/t.v', on: '/t.on' }, value: 'v', enable: 'on > 0', stat: 'max', op: '>', threshold: 2, stale_after_ms: 800 }, 'r1', 'config', LIMITS), 100);
    w.update(new Map([['v', 5], ['on', 1]]), 0);
    expect(w.judge(10).failed).toBe(true);
    w.update(new Map([['on', 0]]), 500);
    w.update(new Map([['on', 0]]), 1200);
    expect(w.judge(1300)).toMatchObject({ failed: false, samples: 0 });
  });

  it('on_invalid violate raises for a window after an invalid value', () => {
    const w = windowOf({ sources: { v: '/t.v' }, stat: 'max', op: '>', threshold: 2, on_invalid: 'violate' });
    feed(w, 0, 1);
    expect(w.judge(10).failed).toBe(false);
    w.invalid(20);
    expect(w.judge(30)).toMatchObject({ failed: true });
    expect(w.judge(30).text).toMatch(/^rule r1: \/t\.v was not a finite number/);
    feed(w, 1100, 1);
    expect(w.judge(1100).failed).toBe(false);
  });

  it('stale_after_ms raises when no valid value came for that long, from the first judgement on', () => {
    const w = windowOf({ sources: { v: '/t.v' }, stat: 'max', op: '>', threshold: 2, stale_after_ms: 500 });
    expect(w.judge(0).failed).toBe(false);
    expect(w.judge(499).failed).toBe(false);
    expect(w.judge(500).text).toBe('rule r1: no valid value of /t.v for 500 ms (stale_after_ms 500)');
    feed(w, 600, 1);
    expect(w.judge(700).failed).toBe(false);
  });

  it('NaN, infinities and text are invalid; a missing field is absent', () => {
    for (const v of ['NaN', 'Infinity', '-Infinity', 'nan', 'abc', '1e400', NaN, Infinity]) expect(readFieldOrInvalid({ a: v }, ['a'])).toBe(INVALID);
    expect(readFieldOrInvalid({ a: '2.5' }, ['a'])).toBe(2.5);
    expect(readFieldOrInvalid({}, ['a'])).toBeUndefined();
    expect(readFieldOrInvalid({ a: null }, ['a'])).toBeUndefined();
  });

  it('on_invalid and stale_after_ms are checked', () => {
    expect(() => compileRule({ ...BASE, on_invalid: 'ignore' }, 'x', 'rest', LIMITS)).toThrow(/on_invalid/);
    expect(() => compileRule({ ...BASE, stale_after_ms: 0 }, 'x', 'rest', LIMITS)).toThrow(/stale_after_ms/);
  });
});

describe('window statistics', () => {
  const feed = (w: RuleWindow, points: [number, Record<string, number>][]) => points.forEach(([at, v]) => w.update(new Map(Object.entries(v)), at));

  it('min, max and mean over the window', () => {
    for (const [stat, op, threshold, failed] of [['min', '<', 1.5, true], ['max', '>', 3.5, false], ['mean', '>=', 2, true]] as const) {
      const w = windowOf({ sources: { v: '/t.v' }, stat, op, threshold });
      feed(w, [[0, { v: 1 }], [100, { v: 2 }], [200, { v: 3 }]]);
      expect(w.judge(300)).toMatchObject({ failed, samples: 3 });
    }
    const w = windowOf({ sources: { v: '/t.v' }, stat: 'max', op: '>', threshold: 2 });
    feed(w, [[0, { v: 5 }], [900, { v: 1 }]]);
    expect(w.judge(950).text).toBe('rule r1: max of /t.v over 1000 ms is 5 (> 2; 2 samples)');
    expect(w.judge(1500)).toMatchObject({ failed: false, samples: 1 }); // the 5 left the window
  });

  it('rate of change per second', () => {
    const w = windowOf({ sources: { x: '/odom.pose.pose.position.x' }, stat: 'rate', op: '<', threshold: 0 });
    feed(w, [[0, { x: 10 }], [500, { x: 9.5 }], [1000, { x: 9 }]]);
    expect(w.judge(1000)).toMatchObject({ failed: true, stat: -1 });
    expect(w.judge(1000).text).toBe('rule r1: rate of change (per s) of /odom.pose.pose.position.x over 1000 ms is -1 (< 0; 3 samples)');
  });

  it('stuck-at needs a whole window of samples within the tolerance', () => {
    const w = windowOf({ sources: { g: '/imu.angular_velocity.z' }, stat: 'stuck', op: undefined, threshold: 0.001 });
    feed(w, [[0, { g: 0.5 }], [400, { g: 0.5 }], [800, { g: 0.5005 }]]);
    expect(w.judge(800).failed).toBe(false); // not yet a whole window
    feed(w, [[1000, { g: 0.5 }]]);
    expect(w.judge(1000)).toMatchObject({ failed: true });
    feed(w, [[1100, { g: 0.7 }]]);
    expect(w.judge(1100).failed).toBe(false);
  });

  it('samples count only while the enable condition holds; an expression over several sources', () => {
    const w = windowOf({ sources: { a: '/imu.w', b: '/wheels.w' }, value: 'sign(a) != sign(b)', enable: 'abs(a) > 0.08 and abs(b) > 0.08', stat: 'mean', op: '>', threshold: 0.5 });
    feed(w, [[0, { a: 0.01, b: -0.01 }], [100, { a: 0.02, b: -0.5 }]]);
    expect(w.judge(100)).toMatchObject({ failed: false, samples: 0 });
    expect(w.disabled).toBe(2);
    feed(w, [[200, { a: 0.3 }], [300, { b: -0.4 }]]);
    expect(w.judge(300)).toMatchObject({ failed: true, samples: 2, stat: 1 });
  });
});

function detector(over: Partial<ValueSettings> = {}) {
  const t = fakeTopics();
  let mono = 0;
  const cleared: string[] = [];
  const make = (o: Partial<ValueSettings> = {}) => new ValueDetector({ grace: 1, limits: LIMITS, maxRules: 4, maxWindowSamples: 50, configRules: [], store: new MemoryRuleStore(), clearFault: (c) => cleared.push(c), monoMs: () => mono, ...over, ...o }, new TopicFeeds({ maxTopics: 8, maxMessageBytes: 1 << 20 }));
  const det = make();
  let tick = 0;
  const sweep = (d = det) => d.sweep({ tick: ++tick, topology: { nodes: [], topics: [], truncated: false }, armed: () => true, ros: t.ros } as SweepInput);
  return { t, det, make, sweep, cleared, advance: (ms: number) => (mono += ms) };
}

describe('value detector', () => {
  it('raises the rule\'s own fault code from a /diagnostics key, and heals when the window is clean', () => {
    const s = detector();
    s.det.create({ ...BASE, description: 'GPS gate rejects every fix' });
    s.t.publish('/diagnostics', 'w', 'diagnostic_msgs/msg/DiagnosticArray');
    s.sweep();
    expect(s.t.subscribeCalls).toEqual(['/diagnostics diagnostic_msgs/msg/DiagnosticArray']);
    const diag = (v: string) => s.t.emit('/diagnostics', { status: [{ name: 'other', values: [{ key: 'rejected', value: '0' }] }, { name: 'gps_gate', values: [{ key: 'x', value: '1' }, { key: 'rejected', value: v }] }] });
    diag('1');
    diag('1');
    expect(s.sweep()).toEqual([{ code: 'LOC_GPS_REJECTING', severity: 2, subject: 'vr_1', nodes: [], text: 'rule vr_1: mean of diag:gps_gate/rejected over 1000 ms is 1 (> 0.5; 2 samples) — GPS gate rejects every fix' }]);
    expect(s.det.codes).toEqual(['LOC_GPS_REJECTING']);
    s.advance(2000);
    diag('0');
    expect(s.sweep()).toEqual([]);
  });

  it('reads topic fields of the type its publishers announce; two fields of one message are one sample', () => {
    const s = detector();
    s.det.create({ fault_code: 'ODOM_BACKWARDS', sources: { v: '/odom.twist.twist.linear.x', x: '/odom.pose.pose.position.x' }, value: 'v', enable: 'x > 0', stat: 'min', op: '<', threshold: 0 });
    s.t.publish('/odom', 'w', 'nav_msgs/msg/Odometry');
    s.sweep();
    expect(s.t.subscribeCalls).toEqual(['/odom nav_msgs/msg/Odometry']);
    s.t.emit('/odom', { pose: { pose: { position: { x: 1 } } }, twist: { twist: { linear: { x: -1 } } } });
    expect(s.sweep().map((f) => f.code)).toEqual(['ODOM_BACKWARDS']);
  });

  it('create, get, list and delete; deleting clears the fault; config rules stay; ids are never reused', () => {
    const s = detector({ configRules: [{ id: 'from_cfg', ...BASE, fault_code: 'CFG_RULE' }] });
    const a = s.det.create(BASE).rule;
    expect(a.id).toBe('vr_1');
    expect(s.det.get('vr_1')).toEqual(a);
    expect(s.det.list().map((r) => [r.id, r.origin])).toEqual([['from_cfg', 'config'], ['vr_1', 'rest']]);
    s.det.remove('vr_1');
    expect(s.cleared).toEqual(['LOC_GPS_REJECTING']);
    expect(s.det.create(BASE).rule.id).toBe('vr_2');
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof RuleRefused ? [err.status, err.code] : err instanceof RuleError ? [400, err.field] : [String(err)];
      }
      return ['accepted'];
    };
    expect(refused(() => s.det.remove('from_cfg'))).toEqual([409, 'precondition-not-fulfilled']);
    expect(refused(() => s.det.remove('vr_9'))).toEqual([404, 'resource-not-found']);
    expect(refused(() => s.det.create(BASE))).toEqual([409, 'precondition-not-fulfilled']); // fault code in use
    expect(refused(() => s.det.create({ ...BASE, fault_code: 'GRAPH_TF_STALE' }))).toEqual([409, 'precondition-not-fulfilled']);
    expect(refused(() => s.det.create({ ...BASE, fault_code: 'B' }))).toEqual(['accepted']);
    expect(refused(() => s.det.create({ ...BASE, fault_code: 'C' }))).toEqual(['accepted']);
    expect(refused(() => s.det.create({ ...BASE, fault_code: 'D' }))).toEqual([503, 'service-unavailable']); // max_rules 4
    expect(refused(() => s.det.create({ ...BASE, window_ms: -5 }))).toEqual([400, 'window_ms']);
  });

  it('keeps REST rules in the file across a restart; a broken file is left alone and refuses writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-value-rules-'));
    const path = join(dir, 'rules.json');
    const s = detector({ store: new FileRuleStore(path) });
    s.det.create(BASE);
    s.det.create({ ...BASE, fault_code: 'OTHER', enable: 'r > 0' });
    s.det.remove('vr_1');
    const again = s.make({ store: new FileRuleStore(path) });
    expect(again.list()).toEqual([{ ...compileRule({ ...BASE, fault_code: 'OTHER', enable: 'r > 0' }, 'vr_2', 'rest', LIMITS).rule }]);
    expect(again.create({ ...BASE, fault_code: 'THIRD' }).rule.id).toBe('vr_3');
    // A stored rule the current limits refuse is kept in the file, not evaluated.
    const tight = s.make({ store: new FileRuleStore(path), limits: { ...LIMITS, maxLength: 3 } });
    expect(tight.list().map((r) => r.id)).toEqual(['vr_3']);
    expect(tight.status()).toMatchObject({ store: { kind: 'file', unreadable_rules: 1 } });
    tight.create({ ...BASE, fault_code: 'FOURTH' });
    expect((JSON.parse(readFileSync(path, 'utf8')) as { rules: { id: string }[] }).rules.map((r) => r.id).sort()).toEqual(['vr_2', 'vr_3', 'vr_4']);
    writeFileSync(path, '{"version": 1, "last_id": 3, "rules": [');
    const broken = s.make({ store: new FileRuleStore(path) });
    expect(broken.list()).toEqual([]);
    expect(() => broken.create(BASE)).toThrow(/cannot be written: .*not a readable rule file/);
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "last_id": 3, "rules": [');
  });

  it('hostile /diagnostics: non-arrays, huge status lists and non-numeric values are skipped', () => {
    const s = detector();
    s.det.create({ ...BASE, op: '>=', threshold: 0 });
    s.t.publish('/diagnostics', 'w', 'diagnostic_msgs/msg/DiagnosticArray');
    s.sweep();
    s.t.emit('/diagnostics', { status: 'x' });
    s.t.emit('/diagnostics', { status: [{ name: 'gps_gate', values: [{ key: 'rejected', value: 'NaN' }, { key: 'rejected', value: '1e999' }] }] });
    s.t.emit('/diagnostics', { status: Array.from({ length: 5000 }, (): { name: string; values: { key: string; value: string }[] } => ({ name: 'filler', values: [] })).concat([{ name: 'gps_gate', values: [{ key: 'rejected', value: '1' }] }]) });
    expect(s.sweep()).toEqual([]);
  });

  it('a bad configuration rule is named at start-up and left out; the others run (issue 54)', () => {
    expect(configRuleProblems([{ ...BASE, stat: 'median' }], LIMITS, 8)).toEqual(['plugins.graph_watchdog.detectors.value.rules[0].stat: must be one of min, max, mean, rate, stuck']);
    expect(configRuleProblems([BASE, BASE], LIMITS, 8)).toEqual([expect.stringMatching(/rules\[1\]: a value rule with id LOC_GPS_REJECTING exists/)]);
    expect(configRuleProblems([{ ...BASE, id: 'a b' }], LIMITS, 8)).toEqual([expect.stringMatching(/rules\[0\]\.id/)]);
    expect(configRuleProblems([{ ...BASE, id: 'one' }], LIMITS, 8)).toEqual([]);
    const s = detector({ configRules: [{ ...BASE, stat: 'median' }, { ...BASE, id: 'good', fault_code: 'GOOD_RULE' }] });
    expect(s.det.list().map((r) => r.id)).toEqual(['good']);
    expect(s.det.warnings()).toEqual([{ code: 'value_rules_rejected', message: expect.stringContaining('rules[0].stat: must be one of') }]);
  });

  it('a rule on a topic nobody publishes is accepted with a warning, shown until the topic appears', () => {
    const s = detector();
    s.sweep();
    const { rule, warnings } = s.det.create({ fault_code: 'NO_TOPIC_YET', sources: { v: '/not/yet.x' }, stat: 'max', op: '>', threshold: 1 });
    expect(rule.id).toBe('vr_1');
    expect(warnings).toEqual(['no node publishes /not/yet yet: the rule waits for it']);
    expect(s.det.warnings()).toEqual([{ code: 'value_rule_topic_unknown', message: expect.stringContaining('vr_1 (/not/yet)') }]);
    s.t.publish('/not/yet', 'w', 'geometry_msgs/msg/Point');
    s.sweep();
    expect(s.det.warnings()).toEqual([]);
  });

  it('an input that came regularly and fell silent while its publisher lives degrades /health, naming rule, topic and node; it clears when the input is back (issue 66)', () => {
    const s = detector();
    s.det.create({ fault_code: 'ODOM_DRIFT', sources: { a: '/odom.twist.twist.linear.x', r: 'diag:gps_gate/rejected' }, value: 'a + r', stat: 'max', op: '>', threshold: 5 });
    s.t.publish('/odom', 'w', 'nav_msgs/msg/Odometry');
    s.t.publish('/diagnostics', 'd', 'diagnostic_msgs/msg/DiagnosticArray');
    s.sweep();
    const odom = () => s.t.emit('/odom', { twist: { twist: { linear: { x: 1 } } } });
    const diag = () => s.t.emit('/diagnostics', { status: [{ name: 'gps_gate', values: [{ key: 'rejected', value: '0' }] }] });
    for (let i = 0; i < 6; i++) {
      odom();
      diag();
      s.advance(100);
    }
    s.sweep();
    expect(s.det.warnings()).toEqual([]);
    // /odom stops; /diagnostics goes on (the rule keeps evaluating /odom's last value: no alarm could ever come of it).
    for (let i = 0; i < 50; i++) {
      diag();
      s.advance(100);
    }
    s.sweep();
    const w = s.det.warnings();
    expect(w).toEqual([{ code: 'value_rule_input_silent', degrades: true, message: expect.stringMatching(/^1 value rule input\(s\) fell silent.*rule vr_1: nothing on \/odom for 5\.1 s \(it came every 100 ms\) although w still publishes it/) }]);
    expect(s.det.status().silent_inputs).toEqual([{ rule: 'vr_1', input: '/odom', silent_ms: 5100, period_ms: 100, publishers: ['w'] }]);
    odom();
    expect(s.det.warnings()).toEqual([]);
    // An input whose publisher left is a topic the rule waits for, not a silent one.
    s.advance(10_000);
    s.t.unpublish('/odom', 'w');
    s.t.unpublish('/diagnostics', 'd');
    s.sweep();
    expect(s.det.warnings().map((x) => x.code)).toEqual(['value_rule_topic_unknown']);
  });

  it('an input heard only now and then (an event topic) is never called silent', () => {
    const s = detector();
    s.det.create({ fault_code: 'EVENTS', sources: { v: '/events.x' }, stat: 'max', op: '>', threshold: 5 });
    s.t.publish('/events', 'w', 'geometry_msgs/msg/Point');
    s.sweep();
    for (let i = 0; i < 3; i++) {
      s.t.emit('/events', { x: 1 });
      s.advance(100);
    }
    s.advance(60_000);
    s.sweep();
    expect(s.det.warnings()).toEqual([]);
  });

  it('an unreadable rule store is a warning', () => {
    const s = detector({ store: Object.assign(new MemoryRuleStore(), { broken: 'the file is not JSON' }) });
    expect(s.det.warnings()).toEqual([{ code: 'value_rule_store', message: 'the value rule store cannot be used: the file is not JSON' }]);
  });
});

describe('value rules in the watchdog tick', () => {
  it('FAILED with the rule\'s code and severity while the check fails, PASSED once it holds, nothing after deletion', async () => {
    const s = detector();
    const fm = fakeFaultManager();
    const wd = new GraphWatchdog([{ detector: s.det, mode: 'raise' }], { ros: () => s.t.ros, report: fm.report, failingCodes: fm.failingCodes }, { warmupCycles: 0, pruneGrace: 60, limits: { maxTopics: 10, maxEndpoints: 10, maxNodes: 10 } });
    s.det.create({ ...BASE, severity: 'WARNING' });
    s.t.publish('/diagnostics', 'w', 'diagnostic_msgs/msg/DiagnosticArray');
    await wd.runTick();
    s.t.emit('/diagnostics', { status: [{ name: 'gps_gate', values: [{ key: 'rejected', value: '1' }] }] });
    await wd.runTick();
    expect(fm.reports).toEqual([expect.objectContaining({ code: 'LOC_GPS_REJECTING', passed: false, severity: 1, sourceId: 'graph_watchdog' })]);
    expect(fm.reports[0].description).toBe('LOC_GPS_REJECTING: 1 finding: rule vr_1: mean of diag:gps_gate/rejected over 1000 ms is 1 (> 0.5; 1 sample)');
    s.advance(2000);
    fm.reports.length = 0;
    // The window emptied: no valid data is not health, the fault stays (issue 54)...
    await wd.runTick();
    expect(fm.reports.filter((r) => r.passed)).toEqual([]);
    // ...until valid data says the check holds.
    s.t.emit('/diagnostics', { status: [{ name: 'gps_gate', values: [{ key: 'rejected', value: '0' }] }] });
    await wd.runTick();
    expect(fm.reports).toContainEqual(expect.objectContaining({ code: 'LOC_GPS_REJECTING', passed: true }));
    s.t.emit('/diagnostics', { status: [{ name: 'gps_gate', values: [{ key: 'rejected', value: '1' }] }] });
    await wd.runTick();
    s.det.remove('vr_1');
    expect(s.cleared).toEqual(['LOC_GPS_REJECTING']);
    fm.reports.length = 0;
    await wd.runTick();
    expect(fm.reports).toEqual([]);
  });
});
