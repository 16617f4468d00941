// OpenAPI path items of the Linux introspection routes (shown in /api/v1/docs, docs/plugins.md).

type Schema = Record<string, unknown>;

const errorRef = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', properties: { error_code: { type: 'string' }, vendor_code: { type: 'string' }, message: { type: 'string' } } } } } });

/** `GET /apps/{app_id}/<capability>` and `GET /components/{component_id}/<capability>`. */
export function processRouteDocs(capability: string, summary: string, itemSchema: Schema, componentKey: string, errors: Record<string, string>): Record<string, unknown> {
  const item = { type: 'object', properties: { ...((itemSchema.properties as Schema) ?? {}), pid_source: { type: 'string', enum: ['hint', 'cmdline'] } } };
  const responses = (body: Schema) => ({
    200: { description: 'OK', content: { 'application/json': { schema: body } } },
    400: errorRef('Invalid entity id'),
    404: errorRef('Entity not found, or ' + Object.entries(errors).filter(([, s]) => s.startsWith('404')).map(([c]) => c).join(', ')),
    503: errorRef(Object.entries(errors).filter(([, s]) => s.startsWith('503')).map(([c]) => c).join(', ')),
  });
  const param = (name: string) => [{ name, in: 'path', required: true, schema: { type: 'string' } }];
  return {
    [`apps/{app_id}/${capability}`]: { get: { summary: `${summary} of the App's process`, tags: ['x-medkit linux introspection'], parameters: param('app_id'), responses: responses(item) } },
    [`components/{component_id}/${capability}`]: {
      get: {
        summary: `${summary} of the processes of the Component's Apps (deduplicated; unresolvable Apps skipped)`,
        tags: ['x-medkit linux introspection'],
        parameters: param('component_id'),
        responses: responses({ type: 'object', properties: { [componentKey]: { type: 'array', items: { ...item, properties: { ...item.properties, node_ids: { type: 'array', items: { type: 'string' } } } } } } }),
      },
    },
  };
}

export const nullable = (type: string) => ({ type: [type, 'null'] });
