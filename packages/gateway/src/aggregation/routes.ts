// HTTP side of aggregation: two gateway-wide hooks, no routes of its own.
// - onRequest: a request under /{segment}/{id} whose entity one peer owns is forwarded to that peer before
//   any local route runs (docs/api.md step 3): 504 when the owner is silent, 502 when it cannot be reached.
//   Member-qualified items on aggregating entities (`<member>:<item>`) go to the member's peer the same way.
// - onSend: a 200 JSON answer of a fan-out collection (GET /faults, /version-info, /{entity}/{data,
//   operations, configurations, faults, logs}) gets the peers' items merged in, whichever feature serves it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '@medkit/server';
import { SovdError } from '@medkit/sovd';
import { SEGMENT_TO_TYPE, type EntitySegment } from '../entity-scope/collections.js';
import { escapesPath } from '@medkit/server';
import { forwardToPeer } from './peer-forward.js';
import { fanOutPath, mergeCollection, queryPeers } from './fan-out.js';
import { memberItem } from './member-dispatch.js';
import type { PeerRoute } from './merge.js';
import { callerHeaders, NO_FAN_OUT_HEADER } from './peer-http.js';
import { decodeSegment, pathOf } from './url-paths.js';
import type { AggregationService } from './service.js';

const ENTITY_URL = /^\/api\/v1\/(areas|components|apps|functions)\/([^/?#]+)([^?#]*)(\?[^#]*)?$/;

/** `/{segment}/{id}{rest}?{query}` of a request URL (duplicate slashes collapsed as the router does). */
export function entityTarget(url: string): { segment: EntitySegment; id: string; rest: string; query: string } | undefined {
  const q = url.indexOf('?');
  const m = ENTITY_URL.exec(pathOf(url) + (q < 0 ? '' : url.slice(q)));
  if (!m) return undefined;
  const id = decodeSegment(m[2]);
  if (id === undefined) return undefined;
  return { segment: m[1] as EntitySegment, id, rest: m[3], query: m[4] ?? '' };
}

export function registerAggregationHooks(svc: AggregationService) {
  return (app: HttpApp): void => {
    const proxied = new WeakSet<FastifyRequest>();
    const streams = new Set<() => void>();
    const s = svc.settings;

    /** Forwards to the owner of `route`; `remoteBase`/`localBase` map Location values back to our ids. */
    const proxy = async (request: FastifyRequest, reply: FastifyReply, route: PeerRoute, entityId: string, path: string, remoteBase: string, localBase: string) => {
      const out = await forwardToPeer(svc, { request: request.raw, response: reply.raw, clientId: request.client.id }, {
        peer: svc.onlinePeer(route, entityId),
        path,
        subject: { entity_id: entityId },
        rewriteLocation: (loc) => (loc === remoteBase || loc.startsWith(`${remoteBase}/`) ? localBase + loc.slice(remoteBase.length) : loc),
      });
      proxied.add(request);
      if (out.kind === 'buffered') {
        reply.code(out.status).headers(out.headers);
        return reply.send(out.body);
      }
      // Event stream: pipe the peer's bytes as they come; either side closing ends both.
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(out.status, { ...out.headers, 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      request.raw.socket.setTimeout(0);
      const end = () => {
        out.abort();
        if (!raw.writableEnded) raw.end();
      };
      streams.add(end);
      raw.on('close', end);
      void (async () => {
        try {
          for await (const chunk of out.body as unknown as AsyncIterable<Uint8Array>) {
            if (raw.destroyed) break;
            raw.write(chunk);
          }
        } catch {
          // Peer went away or the client left; both end the stream below.
        } finally {
          streams.delete(end);
          end();
        }
      })();
      return reply;
    };

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const t = entityTarget(request.url);
      if (!t) return;
      const type = SEGMENT_TO_TYPE[t.segment];
      const route = svc.route(type, t.id);
      // SSRF guard: a forwarded path stays under the entity on the peer's /api/v1/.
      if (escapesPath(t.rest)) {
        if (route) throw new SovdError('resource-not-found', 'Resource not found', { status: 404 });
        return;
      }
      if (route) {
        const remoteBase = `/api/v1/${t.segment}/${encodeURIComponent(route.remoteId)}`;
        return proxy(request, reply, route, t.id, `${remoteBase}${t.rest}${t.query}`, remoteBase, `/api/v1/${t.segment}/${encodeURIComponent(t.id)}`);
      }
      const m = memberItem(t.rest);
      const member = m && svc.memberRoute(type, t.id, m.member);
      if (m && member) {
        const remoteBase = `/api/v1/apps/${encodeURIComponent(member.remoteId)}`;
        return proxy(request, reply, member, m.member, `${remoteBase}/${m.collection}/${m.itemPath}${t.query}`, remoteBase, `/api/v1/apps/${encodeURIComponent(m.member)}`);
      }
    });

    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (request.method !== 'GET' || reply.statusCode !== 200 || proxied.has(request)) return payload;
      if (request.headers[NO_FAN_OUT_HEADER] !== undefined) return payload;
      const target = fanOutPath(pathOf(request.url));
      if (!target) return payload;
      // Who to ask is known from the path: with nobody to ask, the local body goes out untouched (no parse).
      const peers = target.entity ? svc.contributors(SEGMENT_TO_TYPE[target.entity.segment as EntitySegment], target.entity.id) : [...svc.registry.list()];
      if (peers.length === 0) return payload;
      if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      if (text === undefined) return payload;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return payload;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return payload;
      const online = peers.filter((p) => p.status === 'online');
      const offline = peers.filter((p) => p.status !== 'online').map((p) => p.name);
      const answers = await queryPeers({
        pathAndQuery: request.url,
        peers: online,
        timeoutMs: s.timeoutMs,
        headers: callerHeaders(request.client.id, request.headers.authorization, s.forwardAuth),
        peerHeaders: (peer) => svc.registry.credentialOf(peer),
        agent: s.agent,
      });
      // Unless muted faults are asked for, peers' symptoms that this gateway's correlation muted are left out.
      const includeMuted = /[?&]include_muted=(true|1)(&|$)/.test(request.url);
      const hide = target.kind === 'faults' && !includeMuted ? (code: string) => svc.faultEvents.hiddenInMerge(code) : undefined;
      return JSON.stringify(mergeCollection(target.kind, body as Record<string, unknown>, answers, offline, hide));
    });

    // Proxied event streams would otherwise hold the server open until the shutdown grace runs out.
    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
    });
  };
}
