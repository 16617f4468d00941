import { describe, expect, it } from 'vitest';
import {
  expandName,
  fullNameProblem,
  isHiddenName,
  isValidFullName,
  isValidNamespace,
  isValidNodeName,
  namespaceProblem,
  nodeFqn,
  nodeFqnProblem,
  nodeNameProblem,
  nodeScopedName,
  normalizeNamespace,
  parseNodeScopedName,
  PARAMETER_SERVICES,
  LIFECYCLE_SERVICES,
  TYPE_DESCRIPTION_SERVICE,
  splitNodeFqn,
} from '../src/names/index.js';

describe('node names', () => {
  it('accepts plain names and rejects empty, bad characters, leading digits, over-long', () => {
    expect(isValidNodeName('talker')).toBe(true);
    expect(isValidNodeName('_ros2cli_1234')).toBe(true);
    expect(nodeNameProblem('')).toMatch(/empty/);
    expect(nodeNameProblem('my-node')).toMatch(/'-' at index 2/);
    expect(nodeNameProblem('a/b')).toMatch(/'\/'/);
    expect(nodeNameProblem('1node')).toMatch(/digit/);
    expect(isValidNodeName('n'.repeat(255))).toBe(true);
    expect(nodeNameProblem('n'.repeat(256))).toMatch(/longer/);
  });
});

describe('node fully qualified names (issue 66)', () => {
  it('accepts a node in the root or a namespace; refuses a homoglyph, a control, relative names, substitutions, empty and digit tokens', () => {
    expect(nodeFqnProblem('/talker')).toBeUndefined();
    expect(nodeFqnProblem('/base/battery_monitor')).toBeUndefined();
    // Cyrillic е (U+0435) in place of e: named by its code point, since it looks like the letter it imitates.
    expect(nodeFqnProblem('/base/batt\u0435ry_monitor')).toBe('node name contains U+0435 at index 4 (allowed: A-Z a-z 0-9 _)');
    expect(nodeFqnProblem('/b\u0430se/battery_monitor')).toBe('namespace contains U+0430 at index 2 (allowed: A-Z a-z 0-9 _ /)');
    expect(nodeFqnProblem('/base/battery\nmonitor')).toMatch(/U\+000A at index 7/);
    expect(nodeFqnProblem('/base/\u{1F600}')).toMatch(/U\+1F600 at index 0/);
    expect(nodeFqnProblem('battery_monitor')).toMatch(/fully qualified/);
    expect(nodeFqnProblem('~/battery_monitor')).toMatch(/fully qualified/);
    expect(nodeFqnProblem('/base/~')).toMatch(/'~'/);
    expect(nodeFqnProblem('/{ns}/battery_monitor')).toMatch(/'\{'/);
    expect(nodeFqnProblem('/base//battery_monitor')).toMatch(/must not end with '\/'/);
    expect(nodeFqnProblem('/base/battery_monitor/')).toMatch(/empty/);
    expect(nodeFqnProblem('/')).toMatch(/empty/);
    expect(nodeFqnProblem('/2base/battery_monitor')).toMatch(/token '2base' starts with a digit/);
    expect(nodeFqnProblem('/base/9battery')).toMatch(/starts with a digit/);
  });
});

describe('namespaces', () => {
  it('accepts the root and nested namespaces', () => {
    expect(isValidNamespace('/')).toBe(true);
    expect(isValidNamespace('/robot1')).toBe(true);
    expect(isValidNamespace('/a/b/_hidden')).toBe(true);
  });
  it('rejects relative, trailing slash, double slash, digit tokens and over-long', () => {
    expect(namespaceProblem('')).toMatch(/empty/);
    expect(namespaceProblem('robot')).toMatch(/start with/);
    expect(namespaceProblem('/robot/')).toMatch(/end with/);
    expect(namespaceProblem('/a//b')).toMatch(/'\/\/'/);
    expect(namespaceProblem('/a/2b')).toMatch(/'2b' starts with a digit/);
    expect(namespaceProblem('/a b')).toMatch(/' '/);
    expect(isValidNamespace('/' + 'a'.repeat(244))).toBe(true);
    expect(namespaceProblem('/' + 'a'.repeat(245))).toMatch(/longer than 245/);
  });
  it('normalizes what ros_discovery_info may carry', () => {
    expect(normalizeNamespace('')).toBe('/');
    expect(normalizeNamespace('/')).toBe('/');
    expect(normalizeNamespace('ns')).toBe('/ns');
    expect(normalizeNamespace('/a/b/')).toBe('/a/b');
  });
});

describe('full topic/service names', () => {
  it('accepts absolute names and rejects the rest', () => {
    expect(isValidFullName('/chatter')).toBe(true);
    expect(isValidFullName('/ns/fib/_action/status')).toBe(true);
    expect(fullNameProblem('/')).toMatch(/end with/);
    expect(fullNameProblem('chatter')).toMatch(/start with/);
    expect(fullNameProblem('~/x')).toMatch(/start with/);
    expect(fullNameProblem('/a/{node}')).toMatch(/'\{'/);
    expect(isValidFullName('/' + 'x'.repeat(246))).toBe(true);
    expect(fullNameProblem('/' + 'x'.repeat(247))).toMatch(/longer than 247/);
  });
});

describe('node FQN', () => {
  it('joins namespace and name for root and nested namespaces', () => {
    expect(nodeFqn('/', 'talker')).toBe('/talker');
    expect(nodeFqn('', 'talker')).toBe('/talker');
    expect(nodeFqn('/a/b', 'n')).toBe('/a/b/n');
    expect(nodeFqn('a/b/', 'n')).toBe('/a/b/n');
  });
  it('splits back', () => {
    expect(splitNodeFqn('/talker')).toEqual({ namespace: '/', name: 'talker' });
    expect(splitNodeFqn('/a/b/n')).toEqual({ namespace: '/a/b', name: 'n' });
    expect(splitNodeFqn('/_ros2cli_99')).toEqual({ namespace: '/', name: '_ros2cli_99' });
    for (const [ns, n] of [['/', 'x'], ['/deep/er/ns', 'node_1']]) {
      const parts = splitNodeFqn(nodeFqn(ns, n));
      expect(parts).toEqual({ namespace: ns, name: n });
    }
  });
});

describe('name expansion', () => {
  it('expands private, relative and absolute names like rcl', () => {
    expect(expandName('chatter', 'talker', '/')).toBe('/chatter');
    expect(expandName('chatter', 'talker', '/ns')).toBe('/ns/chatter');
    expect(expandName('/abs', 'talker', '/ns')).toBe('/abs');
    expect(expandName('~', 'talker', '/ns')).toBe('/ns/talker');
    expect(expandName('~/report_fault', 'fault_manager', '/')).toBe('/fault_manager/report_fault');
    expect(expandName('~/report_fault', 'fault_manager', '/robot')).toBe('/robot/fault_manager/report_fault');
    expect(expandName('{node}/x', 'n', '/ns')).toBe('/ns/n/x');
    expect(expandName('{ns}/x', 'n', '/ns')).toBe('/ns/x');
    expect(expandName('{ns}/x', 'n', '/')).toBe('/x');
  });
});

describe('hidden names', () => {
  it('flags any token starting with an underscore', () => {
    expect(isHiddenName('/x/_action/status')).toBe(true);
    expect(isHiddenName('/_ros2cli_123')).toBe(true);
    expect(isHiddenName('/chatter')).toBe(false);
    expect(isHiddenName('/a_b/c_')).toBe(false);
  });
});

describe('node-scoped services', () => {
  it('names the parameter services below the node FQN', () => {
    expect(nodeScopedName('/ns/node', PARAMETER_SERVICES.getParameters.suffix)).toBe('/ns/node/get_parameters');
    expect(nodeScopedName('/talker', TYPE_DESCRIPTION_SERVICE.suffix)).toBe('/talker/get_type_description');
  });
  it('recognises them and gives the node and type back', () => {
    const p = parseNodeScopedName('/ns/node/set_parameters_atomically');
    expect(p?.node).toBe('/ns/node');
    expect(p?.interface.type).toBe('rcl_interfaces/srv/SetParametersAtomically');
    expect(parseNodeScopedName('/lc/get_transition_graph')?.interface).toBe(LIFECYCLE_SERVICES.getTransitionGraph);
    expect(parseNodeScopedName('/chatter')).toBeUndefined();
    expect(parseNodeScopedName('/get_parameters')).toBeUndefined();
  });
});
