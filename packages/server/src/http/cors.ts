// CORS as docs/security.md and docs/hardening.md define it: allowed origins are echoed (never a
// literal `*`), preflights from other origins get 403. Written here rather than with @fastify/cors
// because the spec's 403-on-disallowed-preflight and port-wildcard origins need exact control.
import type { HttpApp } from './app-types.js';
import { SovdError } from '@medkit/sovd';

export interface CorsOptions {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  allowCredentials: boolean;
  maxAgeSeconds: number;
  /** Adds Authorization to the allowed headers. */
  authEnabled: boolean;
}

const EXPOSE = 'Content-Disposition, Content-Length, Content-Location, Location, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After';

/** Compiles the origin list: exact origins, `*`, or `scheme://host:*` for any port. */
export function originMatcher(allowed: string[]): (origin: string) => boolean {
  const list = allowed.map((o) => o.trim()).filter((o) => o !== '');
  if (list.includes('*')) return () => true;
  const exact = new Set(list.filter((o) => !o.endsWith(':*')));
  const anyPort = list.filter((o) => o.endsWith(':*')).map((o) => o.slice(0, -2));
  return (origin) => exact.has(origin) || anyPort.some((base) => origin === base || (origin.startsWith(`${base}:`) && /^\d+$/.test(origin.slice(base.length + 1))));
}

export function installCors(app: HttpApp, opts: CorsOptions): void {
  if (opts.allowedOrigins.filter((o) => o.trim() !== '').length === 0) return;
  const allowed = originMatcher(opts.allowedOrigins);
  const methods = opts.allowedMethods.join(', ');
  const headers = [...opts.allowedHeaders, ...(opts.authEnabled && !opts.allowedHeaders.includes('Authorization') ? ['Authorization'] : [])].join(', ');

  // Callback style: this runs on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (!origin) return done();
    const ok = allowed(origin);
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (ok) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
      if (opts.allowCredentials) reply.header('Access-Control-Allow-Credentials', 'true');
      reply.header('Access-Control-Expose-Headers', EXPOSE);
    }
    if (!preflight) return done();
    if (!ok) return done(new SovdError('forbidden', `Origin ${origin} is not allowed`, { origin }));
    // Answered here: the route stages never run for a preflight.
    reply
      .header('Access-Control-Allow-Methods', methods)
      .header('Access-Control-Allow-Headers', headers)
      .header('Access-Control-Max-Age', String(opts.maxAgeSeconds))
      .status(204)
      .send();
  });
}
