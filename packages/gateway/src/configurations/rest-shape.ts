// The REST bodies of configurations (docs/resources.md), written once: the routes serve these schemas and the
// service returns their static types, so a field it adds must be listed here (`x-medkit` is open).
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';
import { Collection } from '@medkit/server';

export const ConfigItemSchema = Type.Object(
  {
    id: Type.String({ description: 'Parameter name, or <app_id>:<name> on aggregating entities' }),
    name: Type.String(),
    type: Type.String({ description: 'Always "parameter"' }),
    'x-medkit': Type.Optional(Opaque('source (owning app id on aggregates)')),
  },
  { examples: [{ id: 'scan_frequency', name: 'scan_frequency', type: 'parameter' }] },
);

export const ConfigValueSchema = Type.Object(
  {
    id: Type.String(),
    data: Type.Unknown({ description: 'Parameter value' }),
    'x-medkit': Type.Optional(Opaque('ros2.node, entity_id, source, source_app, parameter {name, value, type, description, read_only}')),
  },
  { examples: [{ id: 'scan_frequency', data: 15.0, 'x-medkit': { ros2: { node: '/sensors/lidar_driver' }, entity_id: 'lidar_driver', source: 'runtime', parameter: { name: 'scan_frequency', value: 15.0, type: 'double', read_only: false } } }] },
);

/** `GET /{entity}/configurations`: the collection envelope of parameter items. */
export const ConfigListSchema = Collection(ConfigItemSchema);

export const ConfigResetMultiStatusSchema = Type.Object(
  {
    entity_id: Type.String(),
    results: Type.Array(
      Type.Object({
        node: Type.String(),
        app_id: Type.String(),
        success: Type.Boolean(),
        details: Type.Optional(Type.Object({ reset_count: Type.Integer(), failed_count: Type.Integer() })),
        error: Type.Optional(Type.String()),
      }),
    ),
  },
  { description: 'Per-node outcome when some nodes were not reset' },
);

/** `GET /{entity}/configurations` body. */
export type ConfigListBody = Static<typeof ConfigListSchema>;
/** Body of a parameter read or write. */
export type ConfigValueBody = Static<typeof ConfigValueSchema>;
/** The 207 body of a reset-all some nodes failed. */
export type ConfigResetMultiStatusBody = Static<typeof ConfigResetMultiStatusSchema>;
/** One node's line of a 207 reset-all answer. */
export type ResetResult = ConfigResetMultiStatusBody['results'][number];
