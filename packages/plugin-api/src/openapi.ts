// Pieces of OpenAPI that plugin route fragments (describePluginRoutes) share.

/** A SOVD GenericError response (docs/api.md) for a plugin route's error statuses. */
export const GENERIC_ERROR_RESPONSE = {
  description: 'SOVD GenericError',
  content: { 'application/json': { schema: { type: 'object', properties: { error_code: { type: 'string' }, message: { type: 'string' }, parameters: { type: 'object' } } } } },
} as const;
