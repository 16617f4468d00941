import { describe, expect, it } from 'vitest';
import { buildRobotGraph, isPlumbing, withoutPlumbing } from '../src/graph/robot-graph';
import { outsideText } from '../src/incident/time-axis';

describe('robot graph model', () => {
  const g = buildRobotGraph([
    {
      appId: 'bt_navigator',
      fqn: '/navigation/bt_navigator',
      online: true,
      topics: [
        { name: '/plan', direction: 'publish' },
        { name: '/navigate_to_pose/_action/feedback', direction: 'publish' },
        { name: '/navigate_to_pose/_action/status', direction: 'publish' },
        { name: '/ros2_medkit/discovery', direction: 'publish' },
      ],
      services: ['/navigation/bt_navigator/set_mode'],
      actions: ['/navigate_to_pose'],
    },
    { appId: 'controller', online: true, topics: [{ name: '/plan', direction: 'subscribe' }], services: [] },
  ]);

  it('draws an action as an action, not a service', () => {
    const action = g.nodes.find((n) => n.fqn === '/navigate_to_pose')!;
    expect(action.kind).toBe('action');
    expect(g.edges).toContainEqual({ from: 'action:/navigate_to_pose', to: 'node:bt_navigator' });
    expect(g.nodes.find((n) => n.fqn === '/navigation/bt_navigator/set_mode')!.kind).toBe('service');
  });

  it("marks an action's feedback and status topics and medkit's discovery topic as plumbing, hidden with their edges", () => {
    expect(isPlumbing('/navigate_to_pose/_action/feedback')).toBe(true);
    expect(isPlumbing('/ros2_medkit/discovery')).toBe(true);
    expect(isPlumbing('/plan')).toBe(false);
    const shown = withoutPlumbing(g);
    expect(shown.hidden).toBe(3);
    expect(shown.nodes.map((n) => n.fqn ?? n.id)).not.toContain('/navigate_to_pose/_action/status');
    expect(shown.edges.every((e) => !e.to.includes('_action') && !e.to.includes('ros2_medkit'))).toBe(true);
    expect(shown.nodes.map((n) => n.fqn)).toEqual(expect.arrayContaining(['/plan', '/navigate_to_pose', '/navigation/bt_navigator']));
  });
});

describe('time axis: marks not drawn', () => {
  it('names the marks before and after the window by their own times, never one inside it', () => {
    const marks = [
      { atSec: 10, label: 'first occurrence', kind: 'failed' as const },
      { atSec: 12, label: 'x', kind: 'failed' as const },
      { atSec: 500, label: 'last occurrence', kind: 'failed' as const },
    ];
    const text = outsideText([marks[0], marks[2]], 100);
    expect(text).toMatch(/^Not drawn: 1 before this window \(from .*\), 1 after it \(until .*\)\.$/);
    expect(outsideText([marks[2]], 100)).not.toContain('before');
  });
});
