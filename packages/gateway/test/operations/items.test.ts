// Operation ids (docs/api.md): short names, ROS paths when one member has two paths with one short
// name, member qualification on aggregates, ambiguity and unknown-member errors.
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/entities/model.js';
import { findOperation, operationItems } from '../../src/operations/items.js';
import { SovdError } from '@medkit/sovd';

const svc = (full_path: string, type = 'std_srvs/srv/Trigger') => ({ full_path, name: full_path.split('/').pop()!, type });
const armL = newApp('arm_l', 'runtime', { services: [svc('/arm/left/home'), svc('/arm/right/home')] });
const base = newApp('base', 'runtime', { services: [svc('/base/home'), svc('/base/reset')], actions: [svc('/base/dock', 'nav2_msgs/action/DockRobot')] });

function err(f: () => unknown): SovdError {
  try {
    f();
  } catch (e) {
    return e as SovdError;
  }
  throw new Error('expected an error');
}

describe('operation ids', () => {
  it('one member with one short name at two paths uses the paths', () => {
    expect(operationItems([armL], false).map((i) => i.id)).toEqual(['arm/left/home', 'arm/right/home']);
  });

  it('on an aggregate, shared ids are member-qualified and every item names its members', () => {
    const items = operationItems([armL, base], true);
    expect(items.map((i) => i.id)).toEqual(['arm/left/home', 'arm/right/home', 'dock', 'home', 'reset']);
    const two = operationItems([newApp('a', 'runtime', { services: [svc('/a/home')] }), newApp('b', 'runtime', { services: [svc('/b/home')] })], true);
    expect(two.map((i) => i.id)).toEqual(['a:home', 'b:home']);
    expect(two[0].member_ids).toEqual(['a']);
  });

  it('resolves exact ids, ROS paths and member halves; reports ambiguity and unknown members', () => {
    const a = newApp('a', 'runtime', { services: [svc('/a/home')] });
    const b = newApp('b', 'runtime', { services: [svc('/b/home')] });
    const items = operationItems([a, b], true);
    expect(findOperation(items, ['a', 'b'], 'fn', 'a:home', true).path).toBe('/a/home');
    expect(findOperation(items, ['a', 'b'], 'fn', '/b/home', true).path).toBe('/b/home');
    const amb = err(() => findOperation(items, ['a', 'b'], 'fn', 'home', true));
    expect(amb.status).toBe(400);
    expect(amb.parameters).toMatchObject({ member_ids: ['a', 'b'], operation_ids: ['a:home', 'b:home'] });
    expect(err(() => findOperation(items, ['a', 'b'], 'fn', 'zz:home', true)).code).toBe('resource-not-found');
    expect(err(() => findOperation(items, ['a', 'b'], 'fn', 'nothing', true)).code).toBe('operation-not-found');
    const single = err(() => findOperation(operationItems([armL], false), ['arm_l'], 'arm_l', 'home', false));
    expect(single.parameters).toMatchObject({ ros2_paths: ['/arm/left/home', '/arm/right/home'] });
    // The lookup rule of docs/manifest.md: the one directly in the node's namespace wins a shared short name.
    expect(findOperation(operationItems([armL], false), ['arm_l'], 'arm_l', 'home', false, new Map([['arm_l', '/arm/left']])).path).toBe('/arm/left/home');
  });
});
