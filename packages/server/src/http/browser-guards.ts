// Defences against requests a web page makes from the user's browser (docs/hardening.md [OURS]):
// a Host allow-list so a DNS-rebinding page (Host: evil.example) is answered 421, and state-changing
// requests whose `Origin` is neither this gateway nor a configured CORS origin refused with 403 whatever
// their content type (a multipart form needs no preflight, so CORS alone does not stop it). Requests
// without an Origin header are not from a browser page and pass.
import type { HttpApp } from './app-types.js';
import { SovdError } from '@medkit/sovd';
import { checkHost, type HostAllowList, type HostCheck } from '../transport/allowed-hosts.js';
import { parseOrigin, sameOrigin } from '../transport/authority.js';
import { originMatcher } from './cors.js';

interface BrowserGuardOptions {
  allowedHosts: HostAllowList;
  /** `cors.allowed_origins` (empty = only same-origin pages may change state). */
  corsOrigins: string[];
  /** The scheme this server speaks, for the same-origin comparison. */
  scheme: 'http' | 'https';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installBrowserGuards(app: HttpApp, opts: BrowserGuardOptions): void {
  const corsAllowed = opts.corsOrigins.some((o) => o.trim() !== '') ? originMatcher(opts.corsOrigins) : () => false;
  // The last Host header that was checked and its answer: clients send the same one on every request, so it is
  // parsed once (one entry, whatever a client sends: an alternating Host is just checked each time).
  let lastHeader: string | undefined;
  let lastCheck: HostCheck = {};
  const hostOf = (header: string | undefined): HostCheck => {
    if (header === undefined) return checkHost(opts.allowedHosts, header);
    if (header !== lastHeader) {
      lastCheck = checkHost(opts.allowedHosts, header);
      lastHeader = header;
    }
    return lastCheck;
  };
  // Callback style, not async: this runs on every request and a promise per request is measurable.
  app.addHook('onRequest', (request, _reply, done) => {
    // Never quote the headers back: a 3 KB Host would double into the body, and headers are the caller's.
    const host = hostOf(request.headers.host);
    if ('refused' in host) {
      done(
        host.refused === 'malformed'
          ? new SovdError('invalid-request', 'The Host header is not a host name or IP address with an optional port')
          : new SovdError('x-medkit-misdirected-request', 'This gateway does not serve the requested Host (server.allowed_hosts)'),
      );
      return;
    }
    const origin = request.headers.origin;
    if (origin === undefined || !STATE_CHANGING.has(request.method) || corsAllowed(origin)) {
      done();
      return;
    }
    // The same reading of the Host as the check above (transport/authority.ts), so the two cannot disagree.
    const parsed = parseOrigin(origin);
    if (parsed && host.authority && sameOrigin(parsed, host.authority, opts.scheme)) {
      done();
      return;
    }
    done(new SovdError('forbidden', `Cross-origin ${request.method} is refused: the Origin is not this gateway and not in cors.allowed_origins`));
  });
}
