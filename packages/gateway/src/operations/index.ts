export { createOperationsFeature, OPERATIONS_SERVICE } from './feature.js';
export { OperationsService, type OperationsDeps, type ExecuteBody, type ExecuteOutcome, type OperationView } from './service.js';
export { operationItems, findOperation, type OperationItem, type OperationKind } from './items.js';
export { ExecutionTracker, executionView, sovdStatus, ROS2_STATUS, FINISHED_TTL_MS, CLEANUP_PERIOD_MS, type Execution, type ExecutionBody, type GoalHandleLike } from './executions.js';
export { rosOperationBackend, type OperationBackend } from './backend.js';
