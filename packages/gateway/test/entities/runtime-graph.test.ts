import { describe, expect, it } from 'vitest';
import { entitiesFromGraph, isInternalService } from '../../src/entities/runtime/from-graph.js';
import { hostComponent, parseOsRelease, sanitizeHostId } from '../../src/entities/runtime/host-component.js';
import { filterInternalNodes } from '../../src/entities/runtime/internal-filter.js';
import { graph, node } from '../../../../test-support/gateway/graph-fixtures.js';

describe('runtime graph → entities (docs/manifest.md)', () => {
  it('one heuristic App per node, online, with bound_fqn; duplicate FQNs reported twice count once', () => {
    const r = entitiesFromGraph(graph(node('/talker'), node('/demo/listener'), node('/demo/listener')));
    expect(r.apps.map((a) => [a.id, a.name, a.source, a.is_online, a.bound_fqn])).toEqual([
      ['talker', 'talker', 'heuristic', true, '/talker'],
      ['listener', 'listener', 'heuristic', true, '/demo/listener'],
    ]);
  });

  it('a bare name in several namespaces gets namespace-qualified ids; the root instance keeps the bare name', () => {
    const r = entitiesFromGraph(graph(node('/robot1/nav/planner'), node('/planner'), node('/robot2/planner'), node('/robot1/nav/solo')));
    expect(r.apps.map((a) => a.id)).toEqual(['robot1_nav_planner', 'planner', 'robot2_planner', 'solo']);
    // A bare name in one namespace only keeps it even outside the root.
    expect(entitiesFromGraph(graph(node('/a/x'))).apps[0].id).toBe('x');
  });

  it('drops internal services, turns _action/send_goal into actions, keeps the first type', () => {
    const r = entitiesFromGraph(
      graph(
        node('/nav/bt_navigator', {
          srv: [
            ['/nav/bt_navigator/get_parameters', 'rcl_interfaces/srv/GetParameters'],
            ['/nav/bt_navigator/set_parameters_atomically', 'rcl_interfaces/srv/SetParametersAtomically'],
            ['/nav/bt_navigator/get_type_description', 'type_description_interfaces/srv/GetTypeDescription'],
            ['/navigate_to_pose/_action/send_goal', 'nav2_msgs/action/NavigateToPose_SendGoal'],
            ['/navigate_to_pose/_action/get_result', 'nav2_msgs/action/NavigateToPose_GetResult'],
            ['/navigate_to_pose/_action/cancel_goal', 'action_msgs/srv/CancelGoal'],
            ['/nav/clear_costmap', 'nav2_msgs/srv/ClearEntireCostmap'],
            ['/nav/get_parameters_backup', 'example/srv/Backup'],
          ],
        }),
      ),
    );
    const app = r.apps[0];
    expect(app.services).toEqual([
      { full_path: '/nav/clear_costmap', name: 'clear_costmap', type: 'nav2_msgs/srv/ClearEntireCostmap' },
      { full_path: '/nav/get_parameters_backup', name: 'get_parameters_backup', type: 'example/srv/Backup' },
    ]);
    expect(app.actions).toEqual([{ full_path: '/navigate_to_pose', name: 'navigate_to_pose', type: 'nav2_msgs/action/NavigateToPose' }]);
    expect(isInternalService('/x/describe_parameters')).toBe(true);
    expect(isInternalService('/x/list_parameters')).toBe(true);
    expect(isInternalService('/x/parameters')).toBe(false);
  });

  it('topics per node, system topics kept; a topic → types map', () => {
    const r = entitiesFromGraph(
      graph(
        node('/sensors/lidar', { pub: [['/scan', 'sensor_msgs/msg/LaserScan'], '/rosout', '/parameter_events'], sub: ['/parameter_events', '/clock'] }),
        node('/slam', { sub: [['/scan', 'sensor_msgs/msg/LaserScan']] }),
      ),
    );
    expect(r.apps[0].topics).toEqual({ publishes: ['/scan', '/rosout', '/parameter_events'], subscribes: ['/parameter_events', '/clock'] });
    expect(r.apps[1].topics).toEqual({ publishes: [], subscribes: ['/scan'] });
    expect(r.topicTypes.get('/scan')).toEqual(['sensor_msgs/msg/LaserScan']);
  });

  it('one runtime Function per first namespace segment, root nodes in "root"; can be switched off', () => {
    const g = graph(node('/talker'), node('/nav/planner'), node('/nav/sub/controller'), node('/arm/driver'));
    const r = entitiesFromGraph(g);
    expect(r.functions.map((f) => [f.id, f.name, f.source, f.hosts])).toEqual([
      ['root', 'root', 'runtime', ['talker']],
      ['nav', 'nav', 'runtime', ['planner', 'controller']],
      ['arm', 'arm', 'runtime', ['driver']],
    ]);
    expect(entitiesFromGraph(g, { createFunctionsFromNamespaces: false }).functions).toEqual([]);
  });

  it('creates no Areas and no per-namespace Components', () => {
    const r = entitiesFromGraph(graph(node('/a/b')));
    expect(Object.keys(r).sort()).toEqual(['apps', 'functions', 'skipped', 'topicTypes']);
  });

  it('skips a node whose derived id is invalid or already taken, with the reason', () => {
    // /a_b/c and /a/b/c both derive the id a_b_c; the first keeps it.
    const r = entitiesFromGraph(graph(node('/a_b/c'), node('/a/b/c'), node('/c'), node('/weird.name')));
    expect(r.apps.map((a) => [a.id, a.bound_fqn])).toEqual([
      ['a_b_c', '/a_b/c'],
      ['c', '/c'],
    ]);
    expect(r.skipped).toEqual(["/a/b/c: app id 'a_b_c' is already taken by another node", "/weird.name: 'weird.name' is not a valid entity id"]);
  });

  it('internal node filter drops _-prefixed Apps (after stripping a peer prefix) and empties runtime Functions', () => {
    const r = entitiesFromGraph(graph(node('/_ros2cli_1234'), node('/talker'), node('/tools/_param_client_node')));
    const snap = { areas: [], components: [], apps: r.apps, functions: r.functions };
    snap.apps.push({ ...r.apps[1], id: 'arm___hidden', source: 'peer:arm' }, { ...r.apps[1], id: 'arm__visible', source: 'peer:arm' });
    const { snapshot, dropped } = filterInternalNodes(snap);
    expect(dropped).toEqual(['_ros2cli_1234', '_param_client_node', 'arm___hidden']);
    expect(snapshot.apps.map((a) => a.id)).toEqual(['talker', 'arm__visible']);
    expect(snapshot.functions.map((f) => [f.id, f.hosts])).toEqual([['root', ['talker']]]);
  });
});

describe('host component (docs/manifest.md step 7)', () => {
  it('sanitizes the hostname into an id', () => {
    expect(sanitizeHostId('Robot-01.Local')).toBe('robot-01_local');
    expect(sanitizeHostId('my robot+x')).toBe('my_robotx');
    expect(sanitizeHostId('...')).toBe('___');
    expect(sanitizeHostId('+++')).toBe('unknown_host');
    expect(sanitizeHostId(undefined)).toBe('unknown_host');
    expect(sanitizeHostId('a'.repeat(300))).toHaveLength(256);
  });

  it('describes OS and arch, with fallbacks', () => {
    expect(hostComponent({ hostname: 'amr-7.lab', os: 'Ubuntu 24.04.1 LTS', arch: 'aarch64' })).toMatchObject({
      id: 'amr-7_lab',
      name: 'amr-7.lab',
      source: 'runtime',
      description: 'Ubuntu 24.04.1 LTS on aarch64',
      host_metadata: { hostname: 'amr-7.lab', os: 'Ubuntu 24.04.1 LTS', arch: 'aarch64' },
    });
    expect(hostComponent({})).toMatchObject({ id: 'unknown_host', name: 'unknown', description: 'Unknown OS on unknown' });
  });

  it('reads PRETTY_NAME from os-release', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\n')).toBe('Debian GNU/Linux 13 (trixie)');
    expect(parseOsRelease("PRETTY_NAME='Alpine'\n")).toBe('Alpine');
    expect(parseOsRelease('ID=x\n')).toBeUndefined();
  });
});
