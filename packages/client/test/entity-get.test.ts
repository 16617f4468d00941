// entityGet: the typed GET of an entity's resource when the entity's collection is known only at run time. The
// template's parameters are filled (and encoded) as the typed calls fill them, the query sent, and an error names the
// path read rather than its template.
import { describe, expect, it } from 'vitest';
import { createMedkitClient, MedkitNetworkError, type EntityCollection } from '../src/index.js';

function recording() {
  const asked: string[] = [];
  const fetch = async (input: Request | URL | string) => {
    asked.push(input instanceof Request ? input.url : String(input));
    return new Response(JSON.stringify({ items: [] }), { headers: { 'content-type': 'application/json' } });
  };
  return { client: createMedkitClient({ baseUrl: 'http://gw.invalid', fetch }), asked };
}

describe('entityGet', () => {
  it('fills the entity and the resource parameters, encoded, and sends the query', async () => {
    const { client, asked } = recording();
    const collection = 'components' as EntityCollection;
    expect(await client.entityGet(collection, 'base/link', '/faults', { query: { status: 'all' } })).toEqual({ items: [] });
    await client.entityGet('apps', 'gate', '/faults/{fault_code}', { path: { fault_code: 'STOP/1' } });
    await client.entityGet('areas', 'nav', '');
    expect(asked).toEqual([
      'http://gw.invalid/api/v1/components/base%2Flink/faults?status=all',
      'http://gw.invalid/api/v1/apps/gate/faults/STOP%2F1',
      'http://gw.invalid/api/v1/areas/nav',
    ]);
  });

  it('names the path read in its error', async () => {
    const client = createMedkitClient({ baseUrl: 'http://gw.invalid', fetch: () => Promise.reject(new TypeError('fetch failed')) });
    const err = await client.entityGet('apps', 'gate', '/faults/{fault_code}', { path: { fault_code: 'STOP' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MedkitNetworkError);
    expect((err as MedkitNetworkError).message).toContain('GET /apps/gate/faults/STOP');
  });
});
