// The operations feature (docs/resources.md): ROS services and actions of every entity, with tracked action
// executions cleaned up every 60 s.
import type { GatewayConfig } from '../config/index.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import type { GatewayFeature } from '../feature.js';
import { membersVia } from '../ros/members.js';
import { afterInit } from '../ros/route-kit.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { TypeInfoCache } from '../ros/type-info.js';
import { rosOperationBackend, type OperationBackend } from './backend.js';
import { ExecutionTracker } from './executions.js';
import { OperationsService } from './service.js';
import { contributedChain } from '../entities/provider-chain.js';
import { OPERATION_PROVIDERS } from './providers.js';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { ROS_KEYS } from '../config/keys.js';

export const OPERATIONS_SERVICE: Token<OperationsService> = token('operations');

export function createOperationsFeature(_config?: GatewayConfig): GatewayFeature {
  let service: OperationsService | undefined;
  let backend: OperationBackend | undefined;
  const tracker = new ExecutionTracker();
  return {
    name: 'operations',
    provides: [OPERATIONS_SERVICE],
    uses: [ROS_SERVICE, ENTITIES_SERVICE, LOCKS_SERVICE, OPERATION_PROVIDERS],
    init(ctx) {
      const ros = ctx.services.find(ROS_SERVICE);
      backend = ros ? rosOperationBackend(ros) : undefined;
      service = new OperationsService({
        backend,
        tracker,
        typeInfo: ros ? new TypeInfoCache(ros) : undefined,
        members: membersVia(ctx),
        callTimeoutMs: ctx.config.read(ROS_KEYS, 'service_call_timeout_sec') * 1000,
        source: 'medkit',
        providers: contributedChain(ctx.services, OPERATION_PROVIDERS),
      });
      ctx.services.provide(OPERATIONS_SERVICE, service);
      ctx.health.add(() => ({ fields: { 'x-medkit-operations': { tracked_goals: tracker.size } } }));
    },
    routes: () => loadedRoutes(() => import('./routes.js'), (m) => m.registerOperationRoutes({ service: afterInit(() => service, 'operations') })),
    start: () => tracker.start(),
    stop() {
      tracker.stop();
      backend?.close();
    },
  };
}
