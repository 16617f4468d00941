// The REST bodies of an entity's status and its transitions (docs/resources.md), written once: the routes serve
// these schemas and the service returns their static types, so a field it adds must be listed here.
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';
import type { ReadyStatus } from './provider.js';

const uri = (d: string) => Type.Optional(Type.String({ description: d }));
export const StatusSchema = Type.Object(
  {
    // Unsafe: the static type names the two values while the served schema stays a described string.
    status: Type.Unsafe<ReadyStatus>(Type.String({ description: 'ready | notReady' })),
    start: uri('Transition URI (only when a provider supports it)'),
    restart: uri('Transition URI'),
    'force-restart': uri('Transition URI'),
    shutdown: uri('Transition URI'),
    'force-shutdown': uri('Transition URI'),
    'x-medkit': Type.Optional(Opaque('provider, node, lifecycle_state, last_transition')),
  },
  { examples: [{ status: 'ready', restart: '/api/v1/apps/lidar_driver/status/restart' }] },
);
/** [ours] The 202 of a transition names what was accepted and where to follow it (the spec leaves the body empty). */
export const TransitionAcceptedSchema = Type.Object(
  {
    transition: Type.String({ description: 'The accepted transition' }),
    status: Type.String({ description: 'The status URI to poll (also in Location)' }),
  },
  { examples: [{ transition: 'restart', status: '/api/v1/apps/lidar_driver/status' }] },
);

/** `GET …/status` body. */
export type StatusBody = Static<typeof StatusSchema>;
/** The 202 body of an accepted transition. */
export type TransitionAcceptedBody = Static<typeof TransitionAcceptedSchema>;
