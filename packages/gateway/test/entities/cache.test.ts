import { describe, expect, it } from 'vitest';
import { EntityCache } from '../../src/entities/cache.js';
import { newApp, newArea, newComponent, newFunction, type EntitySnapshot } from '../../src/entities/model.js';
import {
  appBelongsTo,
  appDependsOn,
  appIsLocatedOn,
  areaComponents,
  areaContains,
  componentDependsOn,
  componentHosts,
  functionDependsOn,
  functionHosts,
  subareas,
  subcomponents,
  topLevelAreas,
  topLevelComponents,
  UNKNOWN_AREA_NAME,
} from '../../src/entities/relations.js';
import { functionMemberApps } from '../../src/entities/hierarchy.js';

function tree(): EntitySnapshot {
  return {
    areas: [newArea('base', 'manifest'), newArea('power', 'manifest', { parent_area_id: 'base' }), newArea('cells', 'manifest', { parent_area_id: 'power' }), newArea('sensors', 'manifest')],
    components: [
      newComponent('pc', 'manifest', { area: 'base', depends_on: ['psu', 'ghost'] }),
      newComponent('gpu', 'manifest', { parent_component_id: 'pc' }),
      newComponent('psu', 'manifest', { area: 'power' }),
      newComponent('cell-1', 'inventory', { area: 'cells' }),
      newComponent('lidar', 'manifest', { area: 'sensors' }),
      newComponent('loose', 'manifest', { area: 'nowhere' }),
    ],
    apps: [
      newApp('driver', 'manifest', { component_id: 'lidar', depends_on: ['planner', 'missing-app'] }),
      newApp('planner', 'manifest', { component_id: 'pc' }),
      newApp('lost', 'manifest', { component_id: 'no-such-component' }),
      newApp('stray', 'manifest', { component_id: 'loose' }),
      newApp('free', 'heuristic'),
      newApp('on-gpu', 'manifest', { component_id: 'gpu' }),
    ],
    functions: [
      newFunction('nav', 'manifest', { hosts: ['planner', 'gpu', 'nobody'], depends_on: ['perception', 'gone'] }),
      newFunction('perception', 'manifest', { hosts: ['driver'] }),
    ],
  };
}

describe('entity cache', () => {
  it('get, typesOf (for expected_type/actual_type), lists in discovery order, stats', () => {
    const c = new EntityCache();
    const snap = tree();
    snap.functions.push(newFunction('pc', 'plugin'));
    const r = c.reconcile(snap, new Map([['/sensors/driver', 'driver']]));
    expect(r).toMatchObject({ changed: true, generation: 1 });
    expect(r.added).toHaveLength(4 + 6 + 6 + 3);
    expect(c.get('app', 'driver')!.component_id).toBe('lidar');
    expect(c.get('area', 'driver')).toBeUndefined();
    expect(c.typesOf('pc')).toEqual(['component', 'function']);
    expect(c.typesOf('nothing')).toEqual([]);
    expect(c.list('component').map((x) => x.id)).toEqual(['pc', 'gpu', 'psu', 'cell-1', 'lidar', 'loose']);
    expect(c.appForNode('/sensors/driver')).toBe('driver');
    expect(c.stats()).toEqual({ capacity: 256, areas: 4, components: 6, apps: 6, functions: 3, generation: 1, grew: false });
  });

  it('advances the generation only on real change (not on an equal snapshot with other key order)', () => {
    const c = new EntityCache();
    c.reconcile(tree());
    const same = tree();
    // Same data, keys in another order: not a change.
    same.apps[0] = Object.fromEntries(Object.entries(same.apps[0]).reverse()) as (typeof same.apps)[0];
    const r = c.reconcile(same);
    expect(r).toMatchObject({ changed: false, generation: 1, added: [], removed: [], updated: [] });
    const lists = c.list('app');
    c.reconcile(tree());
    expect(c.list('app')).toBe(lists);

    const changed = tree();
    changed.apps[1].is_online = true;
    changed.apps.pop();
    changed.areas.push(newArea('dock', 'manifest'));
    const r2 = c.reconcile(changed);
    expect(r2).toMatchObject({ changed: true, generation: 2 });
    expect(r2.updated).toEqual([{ type: 'app', id: 'planner' }]);
    expect(r2.removed).toEqual([{ type: 'app', id: 'on-gpu' }]);
    expect(r2.added).toEqual([{ type: 'area', id: 'dock' }]);
    expect(c.get('app', 'on-gpu')).toBeUndefined();
    expect(c.reconcile(changed, new Map([['/x', 'free']])).changed).toBe(true);
    expect(c.generation).toBe(3);
  });

  it('clamps capacity and flags growth past it', () => {
    expect(new EntityCache(1).capacity).toBe(16);
    expect(new EntityCache(5e6).capacity).toBe(1_000_000);
    const c = new EntityCache(16);
    const snap = tree();
    for (let i = 0; i < 10; i++) snap.apps.push(newApp(`extra-${i}`, 'heuristic'));
    c.reconcile(snap);
    expect(c.stats().grew).toBe(true);
  });
});

describe('relationship helpers', () => {
  const c = new EntityCache();
  c.reconcile(tree());

  it('top-level lists omit children', () => {
    expect(topLevelAreas(c).map((a) => a.id)).toEqual(['base', 'sensors']);
    expect(topLevelComponents(c).map((x) => x.id)).toEqual(['pc', 'psu', 'cell-1', 'lidar', 'loose']);
  });

  it('areas: subareas, direct components, recursive contains', () => {
    expect(subareas(c, 'base').map((a) => a.id)).toEqual(['power']);
    expect(areaComponents(c, 'base').map((x) => x.id)).toEqual(['pc']);
    expect(areaContains(c, 'base').map((x) => x.id)).toEqual(['pc', 'psu', 'cell-1']);
    expect(areaContains(c, 'power').map((x) => x.id)).toEqual(['psu', 'cell-1']);
  });

  it('areas: contains survives a parent cycle', () => {
    const cyc = new EntityCache();
    cyc.reconcile({ areas: [newArea('a', 'manifest', { parent_area_id: 'b' }), newArea('b', 'manifest', { parent_area_id: 'a' })], components: [newComponent('x', 'manifest', { area: 'b' })], apps: [], functions: [] });
    expect(areaContains(cyc, 'a').map((x) => x.id)).toEqual(['x']);
  });

  it('components: subcomponents, hosts, depends-on with missing markers', () => {
    expect(subcomponents(c, 'pc').map((x) => x.id)).toEqual(['gpu']);
    expect(componentHosts(c, 'pc').map((a) => a.id)).toEqual(['planner']);
    expect(componentDependsOn(c, 'pc').map((d) => [d.id, d.missing, d.entity?.id])).toEqual([
      ['psu', false, 'psu'],
      ['ghost', true, undefined],
    ]);
  });

  it('apps: is-located-on (none, found, dangling) and depends-on', () => {
    expect(appIsLocatedOn(c, 'free')).toEqual([]);
    expect(appIsLocatedOn(c, 'driver').map((r) => [r.id, r.missing])).toEqual([['lidar', false]]);
    expect(appIsLocatedOn(c, 'lost')).toEqual([{ id: 'no-such-component', missing: true }]);
    expect(appDependsOn(c, 'driver').map((r) => [r.id, r.missing])).toEqual([
      ['planner', false],
      ['missing-app', true],
    ]);
  });

  it('apps: belongs-to covers every case of docs/api.md', () => {
    expect(appBelongsTo(c, 'free')).toEqual([]); // no host component
    expect(appBelongsTo(c, 'on-gpu')).toEqual([]); // component without area
    expect(appBelongsTo(c, 'driver').map((b) => [b.id, b.name, b.missing])).toEqual([['sensors', 'sensors', false]]);
    expect(appBelongsTo(c, 'stray')).toEqual([{ id: 'nowhere', name: 'nowhere', missing: true }]);
    expect(appBelongsTo(c, 'lost')).toEqual([{ id: '', name: UNKNOWN_AREA_NAME, missing: true, unresolved_component: 'no-such-component' }]);
  });

  it('functions: hosts (apps, components, missing), member apps, depends-on', () => {
    expect(functionHosts(c, 'nav').map((h) => [h.id, h.type, h.missing])).toEqual([
      ['planner', 'app', false],
      ['gpu', 'component', false],
      ['nobody', undefined, true],
    ]);
    expect(functionMemberApps(c, 'nav').map((a) => a.id)).toEqual(['planner', 'on-gpu']);
    expect(functionDependsOn(c, 'nav').map((d) => [d.id, d.missing])).toEqual([
      ['perception', false],
      ['gone', true],
    ]);
    expect(functionHosts(c, 'unknown')).toEqual([]);
  });
});
