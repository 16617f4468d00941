import { describe, expect, it } from 'vitest';
import { normalizeEntity, normalizeEntityList, stateLabel, type EntityRef } from '../src/model/entities';
import { ancestorKeys, buildTree, countEntities, emptyTreeInput, filterTree, findEntityKey, treeKeyAction, visibleRows, type TreeNode } from '../src/model/tree';

const e = (id: string, type: EntityRef['type'], x: object = {}): EntityRef => normalizeEntity({ id, name: id.toUpperCase(), type, 'x-medkit': x })!;

function sample() {
  return {
    ...emptyTreeInput(),
    areas: [e('base', 'area'), e('sensors', 'area')],
    components: [e('main-computer', 'component'), e('lidar-unit', 'component'), e('loose', 'component')],
    apps: [
      e('planner', 'app', { component_id: 'main-computer', is_online: true }),
      e('lidar', 'app', { component_id: 'lidar-unit', is_online: false }),
      e('orphan', 'app', { source: 'heuristic', is_online: true }),
    ],
    functions: [e('navigation', 'function')],
    subareas: { base: [e('power', 'area')] },
    areaComponents: { base: [e('main-computer', 'component')], sensors: [e('lidar-unit', 'component')] },
    subcomponents: { 'main-computer': [e('gpu-module', 'component')] },
    componentHosts: { 'gpu-module': [e('cuda-worker', 'app')] },
    functionHosts: { navigation: [e('planner', 'app')] },
  };
}

const labels = (ns: TreeNode[]): unknown[] => ns.map((n) => (n.children.length ? [n.label, labels(n.children)] : n.label));

describe('entity normalisation', () => {
  it('reads online state, source and retained peers', () => {
    const retained = normalizeEntity({ id: 'arm__cam', name: 'Cam', type: 'app', 'x-medkit': { source: 'peer:arm', is_online: true, available: false } })!;
    expect(retained).toMatchObject({ online: false, available: false, source: 'peer:arm' });
    expect(stateLabel(retained)).toBe('unavailable');
    expect(stateLabel(e('a', 'app', { is_online: true }))).toBe('online');
    expect(stateLabel(e('c', 'component'))).toBeUndefined();
    // A plugin's own App (the graph watchdog's) has no node: no "offline" that reads as a broken robot.
    const pluginApp = normalizeEntity({ id: 'graph_watchdog', type: 'app', 'x-medkit': { source: 'plugin', is_online: false, external: true } })!;
    expect(stateLabel(pluginApp)).toBeUndefined();
    expect(stateLabel(normalizeEntity({ id: 'lidar', type: 'app', 'x-medkit': { is_online: false, ros2: { node: '/lidar' } } })!)).toBe('offline');
  });

  it('takes the type from the route when list items lack it and drops items without id', () => {
    const list = normalizeEntityList({ items: [{ id: 'x', name: '' }, { name: 'no id' }, null] }, 'component');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'x', name: 'x', type: 'component' });
  });
});

describe('tree building', () => {
  it('nests areas, subareas, components, subcomponents and apps, then loose entities and functions', () => {
    const tree = buildTree(sample());
    expect(labels(tree)).toEqual([
      ['Areas', [['BASE', ['POWER', ['MAIN-COMPUTER', [['GPU-MODULE', ['CUDA-WORKER']], 'PLANNER']]]], ['SENSORS', [['LIDAR-UNIT', ['LIDAR']]]]]],
      ['Other components', ['LOOSE']],
      ['Other apps', ['ORPHAN']],
      ['Functions', [['NAVIGATION', ['PLANNER']]]],
    ]);
    expect(countEntities(tree)).toBe(12);
  });

  it('gives the same app a distinct key under each parent, and prefers the list copy with online state', () => {
    const tree = buildTree(sample());
    const keys: string[] = [];
    const walk = (ns: TreeNode[]) => ns.forEach((n) => (keys.push(n.key), walk(n.children)));
    walk(tree);
    expect(new Set(keys).size).toBe(keys.length);
    const fnPlanner = tree[3].children[0].children[0];
    expect(fnPlanner.entity!.online).toBe(true);
  });

  it('survives a subarea cycle in bad data', () => {
    const input = { ...emptyTreeInput(), areas: [e('a', 'area')], subareas: { a: [e('b', 'area')], b: [e('a', 'area')] } };
    expect(labels(buildTree(input))).toEqual([['Areas', [['A', ['B']]]]]);
  });
});

describe('search filter', () => {
  it('keeps matches with their ancestors and expands the way to them', () => {
    const { nodes, expand } = filterTree(buildTree(sample()), 'cuda');
    expect(labels(nodes)).toEqual([['Areas', [['BASE', [['MAIN-COMPUTER', [['GPU-MODULE', ['CUDA-WORKER']]]]]]]]]);
    expect([...expand]).toEqual(expect.arrayContaining(['areas', 'areas/area:base', 'areas/area:base/component:main-computer']));
  });

  it('matches ids as well as names, and an empty query keeps everything', () => {
    const tree = buildTree(sample());
    expect(countEntities(filterTree(tree, 'LIDAR-UN').nodes)).toBe(3); // sensors area is an ancestor, lidar app is in the matching subtree
    expect(filterTree(tree, '  ').nodes).toBe(tree);
    expect(filterTree(tree, 'nothing-like-this').nodes).toEqual([]);
  });
});

describe('keyboard navigation', () => {
  const tree = buildTree(sample());
  const expanded = new Set(['areas', 'areas/area:base']);
  const rows = visibleRows(tree, expanded);

  it('lists visible rows with depth and set positions', () => {
    expect(rows.map((r) => `${r.depth}:${r.node.label}`)).toEqual(['1:Areas', '2:BASE', '3:POWER', '3:MAIN-COMPUTER', '2:SENSORS', '1:Other components', '1:Other apps', '1:Functions']);
    expect(rows[1]).toMatchObject({ pos: 1, size: 2, parentKey: 'areas', expanded: true });
  });

  it('moves, expands, collapses, jumps to parent and selects like a WAI-ARIA tree', () => {
    expect(treeKeyAction(rows, 'areas', 'ArrowDown')).toEqual({ kind: 'focus', key: 'areas/area:base' });
    expect(treeKeyAction(rows, 'areas/area:base', 'ArrowUp')).toEqual({ kind: 'focus', key: 'areas' });
    expect(treeKeyAction(rows, 'areas/area:base', 'ArrowRight')).toEqual({ kind: 'focus', key: 'areas/area:base/area:power' });
    expect(treeKeyAction(rows, 'areas/area:sensors', 'ArrowRight')).toEqual({ kind: 'expand', key: 'areas/area:sensors' });
    expect(treeKeyAction(rows, 'areas/area:base', 'ArrowLeft')).toEqual({ kind: 'collapse', key: 'areas/area:base' });
    expect(treeKeyAction(rows, 'areas/area:sensors', 'ArrowLeft')).toEqual({ kind: 'focus', key: 'areas' });
    expect(treeKeyAction(rows, 'areas/area:sensors', 'Enter')).toEqual({ kind: 'select', key: 'areas/area:sensors' });
    expect(treeKeyAction(rows, 'functions', 'Enter')).toEqual({ kind: 'expand', key: 'functions' });
    expect(treeKeyAction(rows, 'areas', 'End')).toEqual({ kind: 'focus', key: 'functions' });
    expect(treeKeyAction(rows, 'functions', 'Home')).toEqual({ kind: 'focus', key: 'areas' });
    expect(treeKeyAction(rows, 'functions', 'ArrowDown')).toEqual({ kind: 'none' });
  });

  it('finds an entity and the keys to expand to show it', () => {
    const key = findEntityKey(tree, 'app', 'cuda-worker')!;
    expect(key).toBe('areas/area:base/component:main-computer/component:gpu-module/app:cuda-worker');
    expect(ancestorKeys(key)).toEqual(['areas', 'areas/area:base', 'areas/area:base/component:main-computer', 'areas/area:base/component:main-computer/component:gpu-module']);
  });
});
