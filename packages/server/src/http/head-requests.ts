// HEAD is served by the GET route of the same URL, without a route of its own. Fastify would register a
// HEAD twin of every GET route (exposeHeadRoutes), each with its own context, router entries and per-status
// serializer table: about 2 MB of a plain gateway's heap. Instead a HEAD request is routed as GET before
// routing; Node.js decided when the request arrived that its response has no body (ServerResponse drops
// what is written, the headers, Content-Length included, go out as for GET), which is what RFC 9110 §9.3.2
// asks of HEAD. Code that must act differently for HEAD (an SSE stream must not start) asks isHeadRequest.
import type { IncomingMessage } from 'node:http';

const HEAD = Symbol('medkit.head-request');

type Marked = IncomingMessage & { [HEAD]?: true };

/** Routes a HEAD request as GET and remembers that it was HEAD. Call before routing (Fastify's rewriteUrl). */
export function routeHeadAsGet(req: IncomingMessage): void {
  if (req.method !== 'HEAD') return;
  (req as Marked)[HEAD] = true;
  req.method = 'GET';
}

/** Whether the client sent HEAD (the request now reads GET). */
export function isHeadRequest(req: IncomingMessage): boolean {
  return (req as Marked)[HEAD] === true || req.method === 'HEAD';
}
