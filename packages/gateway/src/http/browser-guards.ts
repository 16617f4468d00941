// Defences against requests a web page makes from the user's browser (spec/gateway.md §13.2 [OURS]):
// a Host allow-list so a DNS-rebinding page (Host: evil.example) is answered 421, and state-changing
// requests whose `Origin` is neither this gateway nor a configured CORS origin refused with 403 whatever
// their content type (a multipart form needs no preflight, so CORS alone does not stop it). Requests
// without an Origin header are not from a browser page and pass.
import type { HttpApp } from './app-types.js';
import { SovdError } from '@medkit/plugin-api';
import { hostAllowed, type HostAllowList } from '../transport/allowed-hosts.js';
import { originMatcher } from './cors.js';

export interface BrowserGuardOptions {
  allowedHosts: HostAllowList;
  /** `cors.allowed_origins` (empty = only same-origin pages may change state). */
  corsOrigins: string[];
  /** The scheme this server speaks, for the same-origin comparison. */
  scheme: 'http' | 'https';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True when `origin` is the page's own gateway: same scheme and the same host:port as the Host header. */
function sameOrigin(origin: string, host: string | undefined, scheme: string): boolean {
  if (host === undefined) return false;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol !== `${scheme}:`) return false;
  try {
    return u.host === new URL(`${scheme}://${host}`).host;
  } catch {
    return false;
  }
}

export function installBrowserGuards(app: HttpApp, opts: BrowserGuardOptions): void {
  const corsAllowed = opts.corsOrigins.some((o) => o.trim() !== '') ? originMatcher(opts.corsOrigins) : () => false;
  // Callback style, not async: this runs on every request and a promise per request is measurable.
  app.addHook('onRequest', (request, _reply, done) => {
    const host = request.headers.host;
    if (!hostAllowed(opts.allowedHosts, host)) {
      // Never quote the header back: a 3 KB Host would double into the body, and headers are the caller's.
      done(new SovdError('x-medkit-misdirected-request', 'This gateway does not serve the requested Host (server.allowed_hosts)'));
      return;
    }
    const origin = request.headers.origin;
    if (origin === undefined || !STATE_CHANGING.has(request.method) || sameOrigin(origin, host, opts.scheme) || corsAllowed(origin)) {
      done();
      return;
    }
    done(new SovdError('forbidden', `Cross-origin ${request.method} is refused: the Origin is not this gateway and not in cors.allowed_origins`));
  });
}
