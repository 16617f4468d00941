// The committed API types must be what the gateway's OpenAPI document generates today: a route
// or schema change in the gateway or a built-in plugin without `npm run gen:api -w packages/client` fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@medkit/gateway';
import { createGateway } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { documentFromGateway } from '../scripts/openapi-doc.mjs';
import { typesFromDocument } from '../scripts/api-types.mjs';

describe('generated API types', () => {
  it('match a fresh generation from the default gateway with its built-in plugins (run `npm run gen:api -w packages/client` if not)', async () => {
    const doc = await documentFromGateway({ loadConfig, createGateway, defaultFeatures, FEATURE_KEYS });
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(Object.keys(doc.paths)).toContain('/health');
    // The built-in plugins that need no settings joined it (a plugin failing to start would drop its routes silently).
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/x-medkit-watchdog', '/functions/{function_id}/x-medkit-graph', '/apps/{app_id}/x-medkit-procfs', '/x-medkit-topic-beacon']));
    const fresh: string = await typesFromDocument(doc);
    const committed = readFileSync(new URL('../src/generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(fresh);
  });
});
