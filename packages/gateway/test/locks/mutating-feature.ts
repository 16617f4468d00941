// A tiny feature with mutating routes that go through the resolver's lock check, standing in for the
// data/configuration features in lock tests.
import { Type } from '@sinclair/typebox';
import type { GatewayFeature } from '../../src/feature.js';
import { API_BASE } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM, type Collection } from '../../src/entity-scope/index.js';

/** `PUT /api/v1/{segment}/{id}/test-mutate/{collection}` resolves with `{mutating: true, collection}` and answers 200. */
export function mutatingTestFeature(): GatewayFeature {
  return {
    name: 'test-mutating',
    routes(ctx) {
      return (app) => {
        for (const segment of ENTITY_SEGMENTS) {
          app.put(
            `${API_BASE}/${segment}/:${ID_PARAM[segment]}/test-mutate/:collection`,
            { schema: { operationId: `testMutate_${segment}`, params: Type.Object({ [ID_PARAM[segment]]: Type.String(), collection: Type.String() }) } },
            async (request) => {
              const params = request.params as Record<string, string>;
              const header = request.headers['x-client-id'];
              ctx.resolver.resolve(segment, params[ID_PARAM[segment]], {
                collection: params.collection as Collection,
                mutating: true,
                clientId: typeof header === 'string' ? header : undefined,
              });
              return { ok: true };
            },
          );
        }
      };
    },
  };
}
