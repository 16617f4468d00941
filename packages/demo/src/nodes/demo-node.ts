/** What every demo node module returns: the ROS node and how to stop it. */
import type { RosNode } from '@medkit/ros2';

export interface DemoNode {
  readonly node: RosNode;
  /** Stops timers and destroys the node. */
  close(): void;
}

/** Reads a numeric parameter (declared by the node itself, so always present). */
export function num(node: RosNode, name: string): number {
  const v = node.parameters.get(name);
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
}

/** Reads a boolean parameter. */
export function flag(node: RosNode, name: string): boolean {
  return node.parameters.get(name) === true;
}
