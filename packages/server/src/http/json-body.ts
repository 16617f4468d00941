// JSON body parsing: Fastify's own parser (prototype-poisoning checks included), except that an empty
// body on a method that takes none (DELETE, GET, HEAD, OPTIONS) is no body rather than an error, since
// many HTTP clients send `Content-Type: application/json` on every request.
import type { HttpApp } from './app-types.js';

const BODYLESS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS']);

export function installJsonBodyParser(app: HttpApp): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0 && BODYLESS.has(request.method)) {
      done(null, undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
