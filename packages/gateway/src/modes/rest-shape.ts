// The REST bodies of modes (docs/sovd-resources.md), written once: the routes serve these schemas and the service
// returns their static types, so a field it adds must be listed here (`x-medkit` is open).
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';

export const ModeListSchema = Type.Object(
  { items: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) },
  { $id: 'ModeList', title: 'ModeList', examples: [{ items: [{ id: 'lifecycle', name: 'ROS 2 lifecycle state' }, { id: 'drive_mode', name: 'Drive mode' }] }] },
);
export const ModeSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    value: Type.String({ description: 'Current value (lifecycle: the primary state of a managed node, else ready | notReady)' }),
    'x-medkit': Opaque('source (lifecycle | manifest), values, default, expires_at; lifecycle: managed, status, settable_values, transitions, node'),
  },
  { $id: 'Mode', title: 'Mode', examples: [{ id: 'drive_mode', name: 'Drive mode', value: 'auto', 'x-medkit': { source: 'manifest', values: ['manual', 'auto'], default: 'manual' } }] },
);

/** `GET …/modes` body. */
export type ModeListBody = Static<typeof ModeListSchema>;
/** One mode as `GET …/modes/{id}` answers it. */
export type ModeView = Static<typeof ModeSchema>;
