// The REST view of a script definition (docs/scripts.md): it returns the static type of the schema its routes serve
// (rest-shape.ts `ScriptMetadata`), so a field it adds must be listed there.
import { API_BASE } from '@medkit/sovd';
import type { EntityRef, ScriptDefinition } from '@medkit/scripts';
import type { ScriptMetadataBody } from './rest-shape.js';

/** The REST body of script `s` of entity `ref`; `defaultTimeoutSec` fills a script without its own timeout. */
export function scriptView(ref: EntityRef, s: ScriptDefinition, defaultTimeoutSec: number): ScriptMetadataBody {
  return {
    id: s.id,
    name: s.name,
    ...(s.description !== undefined ? { description: s.description } : {}),
    href: `${API_BASE}/${ref.segment}/${ref.id}/scripts/${s.id}`,
    managed: s.managed,
    proximity_proof_required: s.proximityProofRequired,
    ...(s.parametersSchema ? { parameters_schema: s.parametersSchema } : {}),
    'x-medkit': {
      format: s.format,
      source: s.source,
      timeout_sec: s.timeoutSec ?? defaultTimeoutSec,
      ...(s.createdAt ? { created_at: s.createdAt } : {}),
      args: s.args,
    },
  };
}
