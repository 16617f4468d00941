// The REST bodies of logs (docs/resources.md) and of the raw /rosout view ([ours], docs/api.md), written once: the
// routes serve these schemas and the views return their static types, so a field a view adds must be listed here.
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';
import type { LogSeverity } from '@medkit/plugin-api';

export const LogEntrySchema = Type.Object(
  {
    id: Type.String({ description: 'log_<n>' }),
    timestamp: Type.String({ description: 'ISO 8601 UTC with 9 fractional digits' }),
    // Unsafe: the static type names the five values while the served schema stays a described string.
    severity: Type.Unsafe<LogSeverity>(Type.String({ description: 'debug | info | warning | error | fatal' })),
    level: Type.String({ description: 'DEBUG | INFO | WARNING | ERROR | FATAL' }),
    message: Type.String(),
    logger_name: Type.String(),
    context: Type.Object(
      { node: Type.String(), function: Type.Optional(Type.String()), file: Type.Optional(Type.String()), line: Type.Optional(Type.Integer()) },
      { additionalProperties: true },
    ),
  },
  {
    examples: [
      {
        id: 'log_1207',
        timestamp: '2026-03-23T02:14:33.000000000Z',
        severity: 'warning',
        level: 'WARNING',
        message: 'Planning failed',
        logger_name: 'nav2_planner',
        context: { node: 'nav2_planner', function: 'computePlan', file: 'planner_server.cpp', line: 412 },
      },
    ],
  },
);
export const LogListSchema = Type.Object({ items: Type.Array(LogEntrySchema), 'x-medkit': Type.Optional(Opaque('entity_id, aggregation_level, aggregated, app_count, component_count, host_count, aggregation_sources')) });
export const LogConfigSchema = Type.Object({ severity_filter: Type.String(), max_entries: Type.Integer() }, { examples: [{ severity_filter: 'debug', max_entries: 100 }] });
export const RosoutItemSchema = Type.Object({
  id: Type.String(),
  stamp: Type.Object({ sec: Type.Integer(), nanosec: Type.Integer() }),
  level: Type.Integer({ description: '10 DEBUG, 20 INFO, 30 WARN, 40 ERROR, 50 FATAL' }),
  name: Type.String({ description: 'Logger name' }),
  msg: Type.String(),
  file: Type.String(),
  function: Type.String(),
  line: Type.Integer(),
  node: Type.String({ description: 'Publishing node FQN (or entity id for programmatic entries)' }),
});
export const RosoutListSchema = Type.Object({ items: Type.Array(RosoutItemSchema) });

/** The API form of a log entry. */
export type LogEntryBody = Static<typeof LogEntrySchema>;
/** `GET /{entity}/logs` body. */
export type LogListBody = Static<typeof LogListSchema>;
/** `GET /{entity}/logs/configuration` body. */
export type LogConfigBody = Static<typeof LogConfigSchema>;
/** The raw rcl_interfaces/msg/Log form of `GET /rosout`. */
export type RosoutBody = Static<typeof RosoutItemSchema>;
/** `GET /rosout` body. */
export type RosoutListBody = Static<typeof RosoutListSchema>;
