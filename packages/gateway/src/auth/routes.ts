// POST /api/v1/auth/{authorize,token,revoke} (api.md §18): always public, JSON or form bodies of bounded
// size, OAuth2 error bodies for every failure, `Cache-Control: no-store` on every answer (RFC 6749 §5.1).
// With auth off they answer 404 "Authentication is not enabled" and the capability flag stays false.
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '../http/app-types.js';
import { routeAvailability } from '../http/route-index.js';
import { OAuthError } from './errors.js';
import type { AuthService } from './service.js';

/** Largest auth request body: three short fields and a token. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

const OAuthErrorBody = Type.Object(
  { error: Type.String({ examples: ['invalid_client'] }), error_description: Type.String() },
  { title: 'OAuthError', description: 'OAuth2 error body (RFC 6749 §5.2; api.md §2.6)' },
);
const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
    refresh_token: Type.String({ description: 'Single-use: refreshing spends it' }),
    scope: Type.String({ description: "The client's role: viewer | operator | configurator | admin" }),
  },
  { title: 'TokenResponse' },
);
const str = (description: string) => Type.Optional(Type.String({ description }));
const AuthorizeBody = Type.Object(
  { grant_type: str("'client_credentials'"), client_id: str('Client id'), client_secret: str('Client secret'), scope: str('Ignored: the role is the client’s') },
  { title: 'AuthorizeRequest' },
);
const RefreshBody = Type.Object({ grant_type: str("'refresh_token'"), refresh_token: str('The refresh token to spend') }, { title: 'RefreshRequest' });
const RevokeBody = Type.Object({ token: str('A refresh token (its access tokens are revoked with it) or an access token'), token_type_hint: str('refresh_token | access_token') }, { title: 'RevokeRequest' });
const ERRORS = { 400: OAuthErrorBody, 401: OAuthErrorBody, 404: OAuthErrorBody } as const;

/** Any failure inside the auth routes is answered in OAuth2 form, without quoting the request. */
function oauthFailure(err: FastifyError | OAuthError, _request: FastifyRequest, reply: FastifyReply): void {
  const e =
    err instanceof OAuthError
      ? err
      : err.statusCode === 413
        ? new OAuthError('invalid_request', 413, `The request body is larger than ${MAX_AUTH_BODY_BYTES} bytes`)
        : err.statusCode !== undefined && err.statusCode < 500
          ? new OAuthError('invalid_request', 400, 'The request body is not valid JSON or form data')
          : new OAuthError('invalid_request', 500, 'The request could not be processed');
  reply.status(e.status).headers({ ...e.headers, 'cache-control': 'no-store', pragma: 'no-cache' }).type('application/json').serializer(JSON.stringify).send(e.toBody());
}

/** `service` is undefined when authentication is off. */
export function registerAuthRoutes(service: AuthService | undefined) {
  return async (app: HttpApp): Promise<void> => {
    await app.register(async (scoped) => {
      scoped.setErrorHandler(oauthFailure);
      scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
      const disabled = () => new OAuthError('resource-not-found', 404, 'Authentication is not enabled');
      const config = { ...routeAvailability(service !== undefined, undefined, disabled), role: 'public' as const };
      const route = (name: 'authorize' | 'token' | 'revoke', summary: string, body: typeof AuthorizeBody | typeof RefreshBody | typeof RevokeBody, run: (s: AuthService, body: Record<string, unknown>) => Promise<unknown>) =>
        scoped.post(
          `${API_BASE}/auth/${name}`,
          {
            config,
            bodyLimit: MAX_AUTH_BODY_BYTES,
            // Validation is the service's (OAuth codes), the schema only documents.
            attachValidation: true,
            schema: {
              operationId: `auth${name[0].toUpperCase()}${name.slice(1)}`,
              summary,
              tags: ['auth'],
              consumes: ['application/json', 'application/x-www-form-urlencoded'],
              body,
              response: { 200: name === 'revoke' ? Type.Object({ status: Type.Literal('revoked') }) : TokenResponse, ...ERRORS },
            },
          },
          async (request, reply) => {
            if (!service) throw disabled();
            const b = request.body;
            const fields = b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
            const out = await run(service, fields);
            return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(out);
          },
        );
      route('authorize', 'Client-credentials grant: client id and secret → access and refresh tokens', AuthorizeBody, (s, b) => s.authorize(b));
      route('token', 'Refresh grant: a refresh token (spent) → new tokens', RefreshBody, (s, b) => s.refresh(b));
      route('revoke', 'Revoke a refresh token (and the access tokens derived from it) or an access token', RevokeBody, (s, b) => s.revoke(b));
    });
  };
}
