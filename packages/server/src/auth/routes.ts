// POST /api/v1/auth/{authorize,token,revoke} (docs/security.md): always public, JSON or form bodies of bounded
// size, OAuth2 error bodies for every failure, `Cache-Control: no-store` on every answer (RFC 6749 §5.1).
// With auth off they answer 404 "Authentication is not enabled" and the capability flag stays false.
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { API_BASE, type HttpApp } from '../http/app-types.js';
import { routeAvailability } from '../http/route-index.js';
import { installRateLimit } from '../http/rate-limit.js';
import { toSovdError } from '../http/error-stage.js';
import type { SovdError } from '@medkit/sovd';
import { OAuthError } from './errors.js';
import type { AuthService } from './service.js';

/** Largest auth request body: three short fields and a token. */
const MAX_AUTH_BODY_BYTES = 16 * 1024;

const OAuthErrorBody = Type.Object(
  { error: Type.String({ examples: ['invalid_client'] }), error_description: Type.String() },
  { title: 'OAuthError', description: 'OAuth2 error body (RFC 6749 §5.2; docs/api.md)' },
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
// 403/421/414/429 come from the shared request stages (Origin, Host, URL length, rate limit), in OAuth2 form here.
const ERRORS = { 400: OAuthErrorBody, 401: OAuthErrorBody, 403: OAuthErrorBody, 404: OAuthErrorBody, 413: OAuthErrorBody, 414: OAuthErrorBody, 421: OAuthErrorBody, 429: OAuthErrorBody } as const;

/**
 * Any failure inside the auth routes is answered in OAuth2 form, without quoting the request: the status and
 * headers are those of the SOVD error the shared stages and the body parser raise (429 + Retry-After, 403,
 * 421, 413, 414 …), read through the one error mapping of http/error-stage.ts.
 */
function oauthFailure(err: FastifyError | SovdError | OAuthError, request: FastifyRequest, reply: FastifyReply): void {
  const e = err instanceof OAuthError ? err : OAuthError.fromRefusal(toSovdError(err, request));
  if (e.status >= 500) request.log.error({ err }, 'auth request failed');
  else request.log.info({ status: e.status, error: e.code }, 'auth request refused');
  reply.status(e.status).headers({ ...e.headers, 'cache-control': 'no-store', pragma: 'no-cache' }).type('application/json').serializer(JSON.stringify).send(e.toBody());
}

/**
 * `service` is undefined when authentication is off. `clientRpm` (auth.requests_per_minute) bounds how fast one
 * client (remote IP) may guess secrets: its own bucket over the three routes, on whether or not rate_limiting is.
 */
export function registerAuthRoutes(service: AuthService | undefined, clientRpm = 0) {
  return async (app: HttpApp): Promise<void> => {
    await app.register(async (scoped) => {
      scoped.setErrorHandler(oauthFailure);
      if (service && clientRpm > 0) installRateLimit(scoped, { enabled: true, clientRpm, endpointLimits: [], cleanupIntervalSec: 60, maxIdleSec: 120 });
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
