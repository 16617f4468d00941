// Every tool the MCP server offers, one declaration each, grouped by the REST API's concerns.
import type { ToolDeclaration } from './declaration.js';
import { BULK_DATA_TOOLS } from './bulk-data.js';
import { COMMUNICATION_LOG_TOOLS } from './communication-logs.js';
import { CONFIGURATION_TOOLS } from './configurations.js';
import { DATA_TOOLS } from './data.js';
import { ENTITY_TOOLS } from './entities.js';
import { FAULT_TOOLS } from './faults.js';
import { LIFECYCLE_TOOLS } from './lifecycle.js';
import { LOCK_TOOLS } from './locks.js';
import { LOG_TOOLS } from './logs.js';
import { OPERATION_TOOLS } from './operations.js';
import { SCRIPT_TOOLS } from './scripts.js';
import { SERVER_TOOLS } from './server-info.js';
import { SUBSCRIPTION_TOOLS } from './subscriptions.js';
import { TRIGGER_TOOLS } from './triggers.js';
import { UPDATE_TOOLS } from './updates.js';

export type { ToolDeclaration, BodySpec, GatherSpec, HttpMethod, ArgumentAlias, LookupSpec, ReferenceName } from './declaration.js';
export { ENTITY_TYPES } from './schemas.js';

export const CATALOG: readonly ToolDeclaration[] = [
  ...SERVER_TOOLS,
  ...ENTITY_TOOLS,
  ...FAULT_TOOLS,
  ...DATA_TOOLS,
  ...OPERATION_TOOLS,
  ...CONFIGURATION_TOOLS,
  ...LOCK_TOOLS,
  ...TRIGGER_TOOLS,
  ...SUBSCRIPTION_TOOLS,
  ...SCRIPT_TOOLS,
  ...UPDATE_TOOLS,
  ...BULK_DATA_TOOLS,
  ...LOG_TOOLS,
  ...COMMUNICATION_LOG_TOOLS,
  ...LIFECYCLE_TOOLS,
];
