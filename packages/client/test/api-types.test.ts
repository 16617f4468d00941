// The committed API types must be what the gateway's OpenAPI document generates today: a route
// or schema change in the gateway without `npm run gen:api -w packages/client` fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@medkit/gateway';
import { createGateway } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/gateway';
import { documentFromGateway } from '../scripts/openapi-doc.mjs';
import { typesFromDocument } from '../scripts/api-types.mjs';

describe('generated API types', () => {
  it('match a fresh generation from the default gateway (run `npm run gen:api -w packages/client` if not)', async () => {
    const doc = await documentFromGateway({ loadConfig, createGateway, defaultFeatures, FEATURE_KEYS });
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(Object.keys(doc.paths)).toContain('/health');
    const fresh: string = await typesFromDocument(doc);
    const committed = readFileSync(new URL('../src/generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(fresh);
  });
});
