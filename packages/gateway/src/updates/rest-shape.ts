// The REST body of an update package's status (docs/updates.md), written once: the routes serve this schema and the
// update manager keeps and returns its static type, so a field it adds must be listed here.
import { Type, type Static } from '@sinclair/typebox';

const UPDATE_STATES = ['pending', 'inProgress', 'completed', 'failed'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];
const UPDATE_PHASES = ['none', 'preparing', 'prepared', 'executing', 'executed', 'failed', 'deleting'] as const;
/** `prepared` vs `executed` tells "prepare done" from "install done" (both are status completed). */
export type UpdatePhase = (typeof UPDATE_PHASES)[number];

export const UpdateStatusSchema = Type.Object(
  {
    // Unsafe keeps the served `enum` as it is while the static type names the states (a union would serve `anyOf`).
    status: Type.Unsafe<UpdateState>(Type.String({ enum: [...UPDATE_STATES] })),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    sub_progress: Type.Array(Type.Object({ name: Type.String(), progress: Type.Integer({ minimum: 0, maximum: 100 }) })),
    error: Type.Optional(Type.String()),
    'x-medkit': Type.Object(
      {
        phase: Type.Unsafe<UpdatePhase>(Type.String({ enum: [...UPDATE_PHASES] })),
        message: Type.Optional(Type.String()),
        updated_at: Type.String(),
      },
      { additionalProperties: true },
    ),
  },
  {
    $id: 'UpdateStatus',
    title: 'UpdateStatus',
    examples: [
      {
        status: 'inProgress',
        progress: 40,
        sub_progress: [
          { name: 'prepare', progress: 80 },
          { name: 'execute', progress: 0 },
        ],
        'x-medkit': { phase: 'preparing', message: 'verifying checksums', updated_at: '2026-01-15T10:25:00.000Z' },
      },
    ],
  },
);

/** GET /updates/{id}/status. `error` is a string, as the reference code sends it (docs/migrating.md item 8). */
export type UpdateStatusView = Static<typeof UpdateStatusSchema>;
