// The REST bodies of operations and their executions (docs/resources.md), written once: the routes serve these
// schemas and the service's views return their static types, so a field a view adds must be listed here.
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';

export const OperationItemSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    proximity_proof_required: Type.Boolean(),
    asynchronous_execution: Type.Boolean({ description: 'true for actions' }),
    'x-medkit': Type.Optional(Opaque('ros2 {service|action, type, kind}, entity_id, source, type_info, member_ids')),
  },
  { examples: [{ id: 'reset_odometry', name: 'reset_odometry', proximity_proof_required: false, asynchronous_execution: false, 'x-medkit': { ros2: { service: '/base/reset_odometry', type: 'std_srvs/srv/Trigger', kind: 'service' } } }] },
);
export const OperationListSchema = Type.Object({ items: Type.Array(OperationItemSchema), 'x-medkit': Type.Optional(Opaque()) });
export const SyncResultSchema = Type.Object({ parameters: Type.Unknown({ description: 'Service response' }) });
/** An execution's SOVD status (docs/resources.md). */
export type ExecutionStatus = 'pending' | 'running' | 'completed' | 'failed';
// Typed as the union; the served schema stays a described string (unchanged document).
const executionStatus = (description?: string) => Type.Unsafe<ExecutionStatus>(Type.String(description ? { description } : {}));
export const AsyncStartedSchema = Type.Object({ id: Type.String(), status: executionStatus() });
export const ExecutionSchema = Type.Object(
  {
    id: Type.Optional(Type.String()),
    status: executionStatus('pending | running | completed | failed'),
    capability: Type.String(),
    parameters: Type.Optional(Type.Unknown({ description: 'Latest feedback' })),
    'x-medkit': Type.Optional(Opaque('goal_id, ros2_status, ros2 {action, type}, result (once finished)')),
  },
  { examples: [{ id: '5f0c2a9e41d37b8c6e12a4f09b7d3c55', status: 'running', capability: 'execute', parameters: { sequence: [0, 1, 1, 2] }, 'x-medkit': { ros2_status: 'executing' } }] },
);
export const ExecutionListSchema = Type.Object({ items: Type.Array(Type.Object({ id: Type.String() })) });

/** An OperationItem as listed (docs/resources.md). */
export type OperationView = Static<typeof OperationItemSchema>;
/** The `…/operations` list body. */
export type OperationListBody = Static<typeof OperationListSchema>;
/** A service's answer (200). */
export type SyncResultBody = Static<typeof SyncResultSchema>;
/** An action goal started (202). */
export type AsyncStartedBody = Static<typeof AsyncStartedSchema>;
/** OperationExecution body (docs/resources.md). */
export type ExecutionBody = Static<typeof ExecutionSchema>;
/** The `…/executions` list body. */
export type ExecutionListBody = Static<typeof ExecutionListSchema>;
