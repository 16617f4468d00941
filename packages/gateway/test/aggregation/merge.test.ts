// Unit tests of the entity merge (docs/aggregation.md): pure function, fake-free inputs built with the model.
import { describe, expect, it } from 'vitest';
import { emptySnapshot, newApp, newArea, newComponent, newFunction, type EntitySnapshot } from '../../src/entities/model.js';
import { mergePeerEntities, routeKey, type PeerContribution } from '../../src/aggregation/merge.js';
import { entityFromWire } from '../../src/aggregation/from-wire.js';

/** A peer snapshot as the tree reader builds it: source peer:<name>, declared_source, contributors [name]. */
function peerSnap(peer: string, build: (src: string) => Partial<EntitySnapshot>, declared = 'manifest'): EntitySnapshot {
  const s = { ...emptySnapshot(), ...build(`peer:${peer}`) };
  for (const list of [s.areas, s.components, s.apps, s.functions]) {
    for (const e of list) {
      e.contributors = [peer];
      e.declared_source ??= declared;
    }
  }
  return s;
}

const local = (): EntitySnapshot => ({
  areas: [newArea('base', 'manifest', { tags: ['a'] })],
  components: [newComponent('pc', 'manifest')],
  apps: [newApp('cam', 'manifest', { component_id: 'pc' })],
  functions: [newFunction('nav', 'manifest', { hosts: ['cam'] })],
});

describe('mergePeerEntities', () => {
  it('merges equal ids, renames colliding apps, remaps references, routes peer-only entities', () => {
    const arm = peerSnap('arm', (src) => ({
      areas: [newArea('base', src, { tags: ['b'], description: 'from arm' }), newArea('arm-area', src)],
      components: [newComponent('ecu', src)],
      apps: [newApp('cam', src, { component_id: 'ecu', depends_on: ['grip'] }), newApp('grip', src, { depends_on: ['cam'] })],
      functions: [newFunction('nav', src, { hosts: ['cam'] }), newFunction('grasp', src, { hosts: ['grip', 'cam'] })],
    }));
    const input = local();
    const r = mergePeerEntities(input, [{ peer: 'arm', snapshot: arm, online: true }]);
    expect(input.apps.map((a) => a.id)).toEqual(['cam']); // input untouched
    const base = r.snapshot.areas.find((a) => a.id === 'base')!;
    expect(base).toMatchObject({ tags: ['a', 'b'], description: 'from arm', contributors: ['local', 'arm'], source: 'manifest' });
    expect(r.snapshot.apps.map((a) => [a.id, a.original_id, a.depends_on])).toEqual([
      ['cam', undefined, []],
      ['arm__cam', 'cam', ['grip']],
      ['grip', undefined, ['arm__cam']],
    ]);
    expect(r.snapshot.functions.find((f) => f.id === 'nav')!.hosts).toEqual(['cam', 'arm__cam']);
    expect(r.snapshot.functions.find((f) => f.id === 'grasp')!.hosts).toEqual(['grip', 'arm__cam']);
    expect([...r.routes.keys()].sort()).toEqual(['app:arm__cam', 'app:grip', 'area:arm-area', 'component:ecu', 'function:grasp']);
    expect(r.routes.get(routeKey('app', 'arm__cam'))).toEqual({ peer: 'arm', type: 'app', remoteId: 'cam' });
    expect(r.collisions).toEqual([]);
  });

  it('reports a leaf claimed by two peers and routes it to the last healthy claimer; parents stay local', () => {
    const a = peerSnap('a', (src) => ({ components: [newComponent('ecu', src), newComponent('rack', src), newComponent('card', src, { parent_component_id: 'rack' })] }));
    const b = peerSnap('b', (src) => ({ components: [newComponent('ecu', src), newComponent('rack', src)] }));
    const both = mergePeerEntities(emptySnapshot(), [
      { peer: 'a', snapshot: a, online: true },
      { peer: 'b', snapshot: b, online: true },
    ]);
    expect(both.collisions).toEqual([{ componentId: 'ecu', peers: ['a', 'b'] }]);
    expect(both.routes.get('component:ecu')?.peer).toBe('b');
    expect(both.routes.has('component:rack')).toBe(false); // hierarchical parent
    const bDown = mergePeerEntities(emptySnapshot(), [
      { peer: 'a', snapshot: a, online: true },
      { peer: 'b', snapshot: b, online: false },
    ]);
    expect(bDown.routes.get('component:ecu')?.peer).toBe('a');
  });

  it('keeps manifest entities of a silent peer as unavailable and drops its runtime ones', () => {
    const p = peerSnap('p', (src) => ({
      components: [newComponent('ecu', src)],
      apps: [newApp('declared', src, { is_online: true }), newApp('found', src, { is_online: true, declared_source: 'runtime' })],
    }));
    const r = mergePeerEntities(emptySnapshot(), [{ peer: 'p', snapshot: p, online: false }]);
    expect(r.snapshot.apps.map((a) => [a.id, a.available, a.is_online])).toEqual([['declared', false, false]]);
    expect(r.snapshot.components[0].available).toBe(false);
    expect(r.routes.has('app:declared')).toBe(true);
  });

  it('skips entities a peer learned from this gateway (gateways peering each other)', () => {
    const q: PeerContribution = {
      peer: 'q',
      online: true,
      selfAliases: ['me'],
      snapshot: peerSnap('q', (src) => ({ apps: [newApp('cam', src, { declared_source: 'peer:me' }), newApp('drive', src)] })),
    };
    const r = mergePeerEntities(local(), [q]);
    expect(r.snapshot.apps.map((a) => a.id)).toEqual(['cam', 'drive']);
  });

  it('drops a rename that would not be a valid id', () => {
    const long = 'x'.repeat(252);
    const p = peerSnap('peer', (src) => ({ apps: [newApp(long, src)] }));
    const r = mergePeerEntities({ ...emptySnapshot(), apps: [newApp(long, 'manifest')] }, [{ peer: 'peer', snapshot: p, online: true }]);
    expect(r.snapshot.apps.length).toBe(1);
    expect(r.notes[0]).toContain('dropped');
  });
});

describe('entityFromWire', () => {
  it("reads a peer's list item and detail, preferring the list item's source and availability", () => {
    const e = entityFromWire(
      'app',
      { id: 'cam', name: 'Cam', 'x-medkit': { source: 'peer:z', is_online: true, available: false } },
      { id: 'cam', name: 'Camera', _links: { 'depends-on': ['/api/v1/apps/grip'] }, 'x-medkit': { source: 'manifest', component_id: 'ecu', is_online: true } },
      'arm',
    );
    expect(e).toMatchObject({ id: 'cam', name: 'Camera', source: 'peer:arm', declared_source: 'peer:z', available: false, is_online: false, component_id: 'ecu', depends_on: ['grip'], contributors: ['arm'] });
    expect(entityFromWire('app', { id: 'bad id' }, {}, 'arm')).toBeUndefined();
    // 504 on the detail: kept, unavailable.
    expect(entityFromWire('component', { id: 'ecu', 'x-medkit': { source: 'manifest' } }, undefined, 'arm')).toMatchObject({ available: false });
  });
});
