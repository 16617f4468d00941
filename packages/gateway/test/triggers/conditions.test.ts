// Condition semantics (docs/triggers.md), JSON Pointers and resource URI parsing, unit level.
import { describe, expect, it } from 'vitest';
import { ConditionRegistry, jsonEqual, parsePointer, resolvePointer } from '../../src/triggers/index.js';
import { parseResourceUri } from '../../src/sampling/index.js';
import { SovdError } from '@medkit/sovd';

const reg = new ConditionRegistry();
const run = (cond: Record<string, unknown>, values: unknown[]) => {
  const { evaluator, params } = reg.parse(cond);
  let prev: { value: unknown } | undefined;
  return values.map((v) => {
    const fired = evaluator.evaluate(prev, v, params);
    prev = { value: v };
    return fired;
  });
};

describe('conditions', () => {
  it('OnChange fires on the first value and on every deep change', () => {
    expect(run({ condition_type: 'OnChange' }, [{ a: [1] }, { a: [1] }, { a: [2] }, null, null])).toEqual([true, false, true, true, false]);
  });
  it('OnChangeTo compares deeply and needs a change', () => {
    expect(run({ condition_type: 'OnChangeTo', target_value: { mode: 'ERROR' } }, [{ mode: 'ERROR' }, { mode: 'ERROR' }, { mode: 'OK' }, { mode: 'ERROR' }])).toEqual([true, false, false, true]);
    expect(run({ condition_type: 'OnChangeTo', target_value: null }, [null])).toEqual([true]);
  });
  it('EnterRange and LeaveRange are inclusive, need a numeric previous value and ignore NaN', () => {
    const c = { lower_bound: 10, upper_bound: 20 };
    expect(run({ condition_type: 'EnterRange', ...c }, [15, 25, 20, 9.99, 10, 'x', 15, NaN, 15])).toEqual([false, false, true, false, true, false, false, false, false]);
    expect(run({ condition_type: 'LeaveRange', ...c }, [15, 20, 20.01, 5, 15, NaN])).toEqual([false, false, true, false, false, false]);
  });
  it('validates parameters and plugin names', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as SovdError).code;
      }
      return 'ok';
    };
    expect(code(() => reg.parse({ condition_type: 'EnterRange', lower_bound: 1, upper_bound: Infinity }))).toBe('invalid-parameter');
    expect(code(() => reg.parse({ condition_type: 'Nope' }))).toBe('invalid-parameter');
    expect(code(() => reg.parse('EnterRange'))).toBe('invalid-parameter');
    expect(() => reg.register('Threshold', { validate() {}, evaluate: () => true })).toThrow(/x-/);
    reg.register('x-above', { validate() {}, evaluate: (_p, cur, p) => (cur as number) > (p.limit as number) });
    expect(run({ condition_type: 'x-above', limit: 3 }, [1, 5])).toEqual([false, true]);
  });
});

describe('JSON helpers', () => {
  it('resolves RFC 6901 pointers with escapes and array indices', () => {
    const doc = { 'a/b': { '~k': [10, { x: 0 }] } };
    expect(resolvePointer(doc, parsePointer('/a~1b/~0k/1/x'))).toEqual({ found: true, value: 0 });
    expect(resolvePointer(doc, parsePointer('/a~1b/~0k/2'))).toEqual({ found: false });
    expect(resolvePointer(doc, parsePointer('/a~1b/~0k/01'))).toEqual({ found: false });
    expect(resolvePointer(5, parsePointer(''))).toEqual({ found: true, value: 5 });
    expect(() => parsePointer('a/b')).toThrow(SovdError);
    expect(() => parsePointer('/~2')).toThrow(SovdError);
    expect(() => parsePointer('/' + 'x'.repeat(1024))).toThrow(SovdError);
  });
  it('compares JSON deeply', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
  });
});

describe('resource URIs', () => {
  const route = { segment: 'apps' as const, id: 'arm' };
  const vendor = (uri: string) => {
    try {
      parseResourceUri(uri, route, { allowUpdateStatus: true });
    } catch (e) {
      return (e as SovdError).vendorCode ?? (e as SovdError).code;
    }
    return 'ok';
  };
  it('splits entity, collection and item path, decoding percent-encoded topics', () => {
    expect(parseResourceUri('/api/v1/apps/arm/data/sensors%2Flidar%2Fscan', route)).toEqual({ kind: 'entity', segment: 'apps', id: 'arm', collection: 'data', itemPath: '/sensors/lidar/scan' });
    expect(parseResourceUri('/api/v1/apps/arm/faults/', route)).toEqual({ kind: 'entity', segment: 'apps', id: 'arm', collection: 'faults', itemPath: undefined });
    expect(parseResourceUri('/api/v1/updates/pkg-1/status', route, { allowUpdateStatus: true })).toEqual({ kind: 'update-status', updateId: 'pkg-1' });
  });
  it('rejects traversal, malformed URIs and other entities', () => {
    expect(vendor('/api/v1/apps/arm/data/%2E%2E/x')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/apps/arm/data/a%2F..%2Fb')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/apps/arm//data')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/apps/arm/data/x?y=1')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/apps/arm/data/%ZZ')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/robots/arm/data')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/apps/arm')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/updates/pkg/other')).toBe('x-medkit-invalid-resource-uri');
    expect(vendor('/api/v1/components/arm/data/x')).toBe('x-medkit-entity-mismatch');
    expect(vendor('/api/v1/apps/leg/data/x')).toBe('x-medkit-entity-mismatch');
  });
});
