// Service calls and action goals over the gateway's node, with one client per (path, type) kept for
// reuse (discovery of the server happens once, not per request).
import type { ActionClient, ServiceClient } from '@medkit/ros2';
import type { RosConnection } from '../ros/connection.js';
import { memo } from '../ros/route-kit.js';
import type { GoalHandleLike } from './executions.js';

export interface CallOpts {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface OperationBackend {
  callService(path: string, type: string, request: unknown, o: CallOpts): Promise<Record<string, unknown>>;
  sendGoal(path: string, type: string, goal: unknown, o: CallOpts): Promise<GoalHandleLike & { accepted: boolean }>;
  /** Validation problems of a JSON value for a message-like type (`pkg/srv/X_Request`, `pkg/action/X_Goal`); undefined when the type is unknown. */
  validate(type: string, value: unknown): { path: string; message: string }[] | undefined;
  close(): void;
}

export function rosOperationBackend(ros: RosConnection): OperationBackend {
  const services = new Map<string, ServiceClient>();
  const actions = new Map<string, ActionClient>();
  const key = (p: string, t: string) => `${p}\u0000${t}`;
  return {
    callService: (path, type, request, o) => memo(services, key(path, type), () => ros.node.createClient(path, type)).call(request, o),
    sendGoal: (path, type, goal, o) => memo(actions, key(path, type), () => ros.node.createActionClient(path, type)).sendGoal(goal, o),
    validate(type, value) {
      if (!ros.types.has(type)) return undefined;
      return ros.types.validate(type, value);
    },
    close() {
      for (const c of [...services.values(), ...actions.values()]) c.close();
      services.clear();
      actions.clear();
    },
  };
}
