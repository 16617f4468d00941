// The REST body of a cyclic subscription (docs/subscriptions.md), written once: the routes serve this schema and
// `subscriptionView` returns its static type, so a field the view adds must be listed here.
import { Type, type Static } from '@sinclair/typebox';

export const SubscriptionSchema = Type.Object(
  {
    id: Type.String({ description: 'sub_<nnn>' }),
    observed_resource: Type.String(),
    event_source: Type.String({ description: 'SSE stream of this subscription' }),
    protocol: Type.Literal('sse'),
    interval: Type.Union([Type.Literal('fast'), Type.Literal('normal'), Type.Literal('slow')], { description: 'fast = 50 ms, normal = 200 ms, slow = 500 ms' }),
    'x-medkit': Type.Optional(
      Type.Object({ duration: Type.Integer(), expires_at: Type.String(), clients: Type.Integer({ description: 'connected SSE clients' }) }, { additionalProperties: true }),
    ),
  },
  {
    $id: 'CyclicSubscription',
    title: 'CyclicSubscription',
    examples: [
      {
        id: 'sub_001',
        observed_resource: '/api/v1/apps/battery_monitor/data/voltage',
        event_source: '/api/v1/apps/battery_monitor/cyclic-subscriptions/sub_001/events',
        protocol: 'sse',
        interval: 'normal',
      },
    ],
  },
);

/** A cyclic subscription as REST shows it. */
export type SubscriptionView = Static<typeof SubscriptionSchema>;
