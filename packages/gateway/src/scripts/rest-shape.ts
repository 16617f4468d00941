// The REST body of a script definition (docs/scripts.md), written once: the routes serve this schema and
// `scriptView` returns its static type, so a field the view adds must be listed here.
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';

export const ScriptMetadata = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    href: Type.String(),
    managed: Type.Boolean({ description: 'Provided by the manifest; cannot be deleted' }),
    proximity_proof_required: Type.Boolean(),
    parameters_schema: Type.Optional(Opaque('JSON Schema the execution parameters must satisfy')),
    'x-medkit': Type.Object(
      {
        format: Type.String({ enum: ['bash', 'python', 'sh'] }),
        source: Type.String({ enum: ['upload', 'deployed', 'manifest'] }),
        timeout_sec: Type.Number(),
        created_at: Type.Optional(Type.String()),
        args: Type.Array(Type.Object({ name: Type.String(), type: Type.String(), flag: Type.Optional(Type.String()) })),
      },
      { additionalProperties: true },
    ),
  },
  {
    $id: 'ScriptMetadata',
    title: 'ScriptMetadata',
    examples: [
      {
        id: 'script_1717123456_0',
        name: 'Disk Check',
        href: '/api/v1/components/main-computer/scripts/script_1717123456_0',
        managed: false,
        proximity_proof_required: false,
        'x-medkit': { format: 'sh', source: 'upload', timeout_sec: 300, args: [] },
      },
    ],
  },
);

/** A script as `GET …/scripts` and `GET …/scripts/{id}` show it. */
export type ScriptMetadataBody = Static<typeof ScriptMetadata>;
