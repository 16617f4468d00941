// SOVD resources medkit does not implement (spec/api.md §23) answer 501 not-implemented instead of the
// generic 404, so a client can tell "unsupported" from "unknown". The entity is still validated first
// (spec/api.md §2.4), so an unknown entity stays a 404.
import { Type } from '@sinclair/typebox';
import { API_BASE } from '../http/app-types.js';
import { SovdError } from '../sovd/errors.js';
import { EntityId, GenericError } from '../http/schemas.js';
import { ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE } from '../entity-scope/collections.js';
import type { GatewayFeature } from '../feature.js';

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** [resource path below the entity, item parameter, methods] */
const RESOURCES: [string, string | undefined, Method[]][] = [
  ['modes', undefined, ['GET']],
  ['modes', 'mode_id', ['GET', 'PUT']],
  ['data-lists', undefined, ['GET', 'POST']],
  ['data-lists', 'data_list_id', ['GET', 'DELETE']],
  ['clear-data', undefined, ['PUT']],
  ['clear-data/status', undefined, ['GET']],
  ['clear-data', 'clear_data_kind', ['PUT']],
  ['communication-logs', undefined, ['GET', 'POST']],
  ['communication-logs', 'communication_log_id', ['GET', 'PUT', 'DELETE']],
];

const camel = (s: string) => s.replace(/(^|[-/_])(\w)/g, (_m, _d, c: string) => c.toUpperCase());

export function createUnsupportedFeature(): GatewayFeature {
  return {
    name: 'unsupported',
    routes: () => (app) => {
      for (const segment of ENTITY_SEGMENTS) {
        const idParam = ID_PARAM[segment];
        const type = SEGMENT_TO_TYPE[segment];
        for (const [resource, item, methods] of RESOURCES) {
          const url = `${API_BASE}/${segment}/:${idParam}/${resource}${item ? `/:${item}` : ''}`;
          const params = Type.Object({ [idParam]: EntityId(`${type} id`), ...(item ? { [item]: Type.String() } : {}) });
          for (const method of methods) {
            app.route({
              method,
              url,
              config: { entity: { segment } },
              schema: {
                operationId: `${method.toLowerCase()}${camel(type)}${camel(resource)}${item ? 'Item' : ''}`,
                summary: `SOVD ${resource} (not supported by medkit: 501)`,
                tags: ['unsupported'],
                params,
                response: { 400: GenericError, 404: GenericError, 501: GenericError },
              },
              handler: async () => {
                throw new SovdError('not-implemented', `medkit does not implement the SOVD ${resource.split('/')[0]} resource`, { resource: resource.split('/')[0] });
              },
            });
          }
        }
      }
    },
  };
}
