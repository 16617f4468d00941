// The shared beacon library (docs/beacons.md): validation limits, the hint store's states on an
// injected monotonic clock, and the entity mapping with shadow entities and functions.
import { describe, expect, it } from 'vitest';
import { HINT_LIMITS, validateHint } from '../src/common/hint.js';
import { HintStore, storeLimits } from '../src/common/store.js';
import { EntityMapper } from '../src/common/mapping.js';
import { newApp, newComponent, newFunction } from '@medkit/gateway';

const hint = (over: Record<string, unknown> = {}) => validateHint({ entity_id: 'lidar', ...over })!;

describe('hint validation (docs/beacons.md)', () => {
  it('rejects only an invalid entity_id', () => {
    for (const bad of ['', 'a b', 'x'.repeat(257), 'ü', 42, undefined, null, '../etc']) expect(validateHint({ entity_id: bad }), String(bad)).toBeUndefined();
    expect(validateHint({ entity_id: 'x'.repeat(256) })?.entity_id).toHaveLength(256);
    expect(validateHint({ entity_id: 'ok', stable_id: 'not valid!', component_id: 7, display_name: 12 })).toMatchObject({ stable_id: '', component_id: '', display_name: '' });
  });

  it('truncates strings, caps lists and metadata, drops invalid ids and keys', () => {
    const h = hint({
      display_name: 'd'.repeat(10_000),
      hostname: `${'h'.repeat(511)}😀`,
      function_ids: [...Array.from({ length: 500 }, (_, i) => `f${i}`), 'bad id'],
      depends_on: ['bad id', 'ok_1', 'ok_1', 3],
      metadata: [
        { key: 'bad key', value: 'x' },
        { key: 'k'.repeat(65), value: 'x' },
        { key: '__proto__', value: 'p' },
        { key: 'long', value: 'v'.repeat(5000) },
        ...Array.from({ length: 100 }, (_, i) => ({ key: `m${i}`, value: String(i) })),
      ],
      process_id: 2 ** 32,
    });
    expect(h.display_name).toHaveLength(HINT_LIMITS.stringLength);
    // No half surrogate pair at the cut.
    expect(h.hostname).toBe('h'.repeat(511));
    expect(h.function_ids).toHaveLength(100);
    expect(h.depends_on).toEqual(['ok_1']);
    expect(Object.keys(h.metadata)).toHaveLength(HINT_LIMITS.metadataEntries - 2);
    expect(h.metadata.__proto__).toBe('p');
    expect(Object.getPrototypeOf(h.metadata)).toBe(Object.prototype);
    expect(h.metadata.long).toHaveLength(1024);
    expect(h.metadata.m45).toBe('45');
    expect(h.metadata.m46).toBeUndefined();
    expect(h.process_id).toBe(0);
    expect(hint({ process_id: 4294967295n }).process_id).toBe(4294967295);
    expect(hint({ process_id: -1 }).process_id).toBe(0);
    expect(hint({ process_id: 1.5 }).process_id).toBe(0);
  });
});

describe('hint store (docs/beacons.md)', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (s: number) => (t += s * 1000) };
  };

  it('reads active, then stale past the TTL, and is gone past expiry', () => {
    const c = clock();
    const s = new HintStore({ ttlSec: 10, expirySec: 60, maxHints: 10, now: c.now });
    expect(s.update(hint())).toBe(true);
    expect(s.get('lidar')).toMatchObject({ status: 'active', ageSec: 0 });
    c.advance(9.9);
    expect(s.get('lidar')?.status).toBe('active');
    c.advance(0.1);
    expect(s.get('lidar')).toMatchObject({ status: 'stale', ageSec: 10 });
    expect(s.snapshot()).toHaveLength(1);
    c.advance(50);
    expect(s.get('lidar')).toBeUndefined();
    expect(s.snapshot()).toEqual([]);
  });

  it('refreshes last_seen and overwrites only non-empty fields; metadata replaced when non-empty', () => {
    const c = clock();
    const s = new HintStore({ ttlSec: 10, expirySec: 60, maxHints: 10, now: c.now });
    s.update(hint({ display_name: 'Lidar', hostname: 'robot1', metadata: { a: '1', b: '2' } }));
    c.advance(20);
    s.update(hint({ hostname: 'robot2', metadata: {} }));
    expect(s.get('lidar')).toMatchObject({ status: 'active', hint: { display_name: 'Lidar', hostname: 'robot2', metadata: { a: '1', b: '2' } } });
    s.update(hint({ metadata: { c: '3' } }));
    expect(s.get('lidar')?.hint.metadata).toEqual({ c: '3' });
  });

  it('refuses new ids beyond max_hints (warning once) while known ids still refresh; expired ones make room', () => {
    const c = clock();
    const warned: string[] = [];
    const s = new HintStore({ ttlSec: 1, expirySec: 10, maxHints: 2, now: c.now, onFull: (id) => warned.push(id) });
    expect(s.update(hint({ entity_id: 'a' }))).toBe(true);
    expect(s.update(hint({ entity_id: 'b' }))).toBe(true);
    expect(s.update(hint({ entity_id: 'c' }))).toBe(false);
    expect(s.update(hint({ entity_id: 'd' }))).toBe(false);
    expect(warned).toEqual(['c']);
    expect(s.update(hint({ entity_id: 'a', hostname: 'h' }))).toBe(true);
    c.advance(10);
    expect(s.update(hint({ entity_id: 'c' }))).toBe(true);
    expect(s.rejectedFull).toBe(2);
  });

  it('applies the clamps and expiry ≤ ttl → 10 × ttl; a hint already past expiry is not stored', () => {
    expect(storeLimits({ ttlSec: 0, expirySec: 0, maxHints: 0 })).toEqual({ ttlSec: 0.1, expirySec: 1, maxHints: 1 });
    expect(storeLimits({ ttlSec: 20, expirySec: 5, maxHints: 3 })).toEqual({ ttlSec: 20, expirySec: 200, maxHints: 3 });
    const c = clock();
    const s = new HintStore({ ttlSec: 10, expirySec: 60, maxHints: 10, now: c.now });
    expect(s.update(hint(), c.now() - 61_000)).toBe(false);
    expect(s.update(hint(), c.now() - 30_000)).toBe(true);
    expect(s.get('lidar')?.status).toBe('stale');
  });
});

describe('entity mapping (docs/beacons.md)', () => {
  const input = () => ({
    areas: [],
    components: [newComponent('arm', 'manifest', { name: 'Arm' })],
    apps: [newApp('lidar', 'runtime', { bound_fqn: '/sensors/lidar', is_online: true })],
    functions: [newFunction('perception', 'manifest', { name: 'Perception', hosts: ['cam'] })],
  });
  const stored = (over: Record<string, unknown>, status: 'active' | 'stale' = 'active') => ({ hint: hint(over), status, ageSec: 2.5 });

  it('emits a shadow App, a shadow Component, shadow Functions with the entity as host, and metadata', () => {
    const logs: string[] = [];
    const m = new EntityMapper({ allowNewEntities: false, log: (l) => logs.push(l) });
    const out = m.map(input(), [
      stored({ display_name: 'Front lidar', component_id: 'arm', function_ids: ['perception', 'unknown_fn'], process_id: 42, transport_type: 'shared_memory', metadata: { fw: '1.2', status: 'spoofed' } }),
      stored({ entity_id: 'arm', display_name: 'Robot arm', function_ids: ['perception'] }, 'stale'),
      stored({ entity_id: 'ghost' }),
      stored({ entity_id: 'ghost' }),
    ]);
    expect(out.new_entities?.apps).toEqual([{ id: 'lidar', name: 'Front lidar', component_id: 'arm' }]);
    expect(out.new_entities?.components).toEqual([{ id: 'arm', name: 'Robot arm' }]);
    expect(out.new_entities?.functions).toEqual([{ id: 'perception', name: 'Perception', hosts: ['lidar', 'arm'] }]);
    expect(out.metadata?.lidar).toEqual({
      'x-medkit-beacon-fw': '1.2',
      'x-medkit-beacon-status': 'active',
      'x-medkit-beacon-age-sec': 2.5,
      'x-medkit-beacon-transport-type': 'shared_memory',
      'x-medkit-beacon-process-id': 42,
      'x-medkit-beacon-functions': ['perception', 'unknown_fn'],
    });
    expect((out.metadata?.arm as Record<string, unknown>)['x-medkit-beacon-status']).toBe('stale');
    expect(out.metadata?.ghost).toBeUndefined();
    // Skipped ids are logged once.
    expect(logs.filter((l) => l.includes("'ghost'"))).toHaveLength(1);
  });

  it('creates a new App with source "beacon" only when allow_new_entities is on', () => {
    const out = new EntityMapper({ allowNewEntities: true }).map(input(), [stored({ entity_id: 'ghost', display_name: 'Ghost' })]);
    expect(out.new_entities?.apps).toEqual([{ id: 'ghost', name: 'Ghost', source: 'beacon' }]);
  });
});
