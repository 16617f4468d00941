// The REST body of a trigger (docs/triggers.md), written once: the routes serve this schema and `triggerView`
// returns its static type, so a field the view adds must be listed here (`x-medkit` is open).
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';
import type { LogSeverity } from '@medkit/plugin-api';

export const TriggerSchema = Type.Object(
  {
    id: Type.String({ description: 'trig_<n>' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('terminated')]),
    observed_resource: Type.String(),
    event_source: Type.String({ description: 'SSE stream of this trigger' }),
    protocol: Type.Union([Type.Literal('sse'), Type.Literal('webhook')]),
    webhook_url: Type.Optional(Type.String({ description: '[ours] where events are POSTed (protocol webhook)' })),
    trigger_condition: Type.Object({ condition_type: Type.String() }, { additionalProperties: true }),
    multishot: Type.Boolean(),
    persistent: Type.Boolean(),
    lifetime: Type.Optional(Type.Integer()),
    path: Type.Optional(Type.String()),
    // The type is the model's severity; the served schema stays a plain string (unchanged document).
    log_settings: Type.Optional(Type.Object({ severity: Type.Unsafe<LogSeverity>(Type.String()), marker: Type.String() })),
    'x-medkit': Type.Optional(Opaque('event_count, expires_at, delivery (webhook status: delivered, failed, pending, attempts, last_status, last_error, ...)')),
  },
  {
    $id: 'Trigger',
    title: 'Trigger',
    examples: [
      {
        id: 'trig_1',
        status: 'active',
        observed_resource: '/api/v1/apps/battery_monitor/data/voltage',
        event_source: '/api/v1/apps/battery_monitor/triggers/trig_1/events',
        protocol: 'sse',
        trigger_condition: { condition_type: 'EnterRange', lower_bound: 0, upper_bound: 22.0 },
        multishot: true,
        persistent: true,
        lifetime: 86400,
      },
    ],
  },
);

/** A trigger as REST shows it. */
export type TriggerView = Static<typeof TriggerSchema>;
