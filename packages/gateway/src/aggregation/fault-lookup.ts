// The peer fault lookup (faults/gateway/peer-lookup.ts) over the peer HTTP client: a robot-wide fault read
// this gateway cannot answer asks every online peer in parallel, locally only (X-Medkit-No-Fan-Out, so two
// gateways that list each other do not ask back), each within `timeout_ms` and the response size cap, and
// settles with the first peer whose 200 is the expected document. Links in it are re-addressed to our ids. A read
// whose answer is no JSON document (an incident file) is forwarded to the peer that holds the fault.
import type { PeerFaultLookup, PeerFaultQuery, PeerFaultResult, PeerFaultSource } from '../faults/gateway/peer-lookup.js';
import { SEGMENT_TO_TYPE, type EntitySegment } from '../entity-scope/collections.js';
import { SovdError } from '@medkit/sovd';
import { callerHeaders, NO_FAN_OUT_HEADER, peerJson } from './peer-http.js';
import type { PeerState } from './peers.js';
import type { AggregationService } from './service.js';
import { decodeSegment } from './url-paths.js';
import { forwardToPeer } from './peer-forward.js';

// With or without the API base (a fault's `bulk_data_uri` is written under it, as the reference does).
const ENTITY_PATH = /^(\/api\/v1)?\/(areas|components|apps|functions)\/([^/?#]+)(.*)$/s;

/** `source.localPath` for `peer`: its entity path re-addressed to our id of that entity, when we route it there. */
function localPathOf(svc: AggregationService, peer: string): (path: string) => string {
  return (path) => {
    const m = ENTITY_PATH.exec(path);
    const remoteId = m ? decodeSegment(m[3]) : undefined;
    if (!m || remoteId === undefined) return path;
    const id = svc.localIdOf(peer, SEGMENT_TO_TYPE[m[2] as EntitySegment], remoteId);
    return id === undefined ? path : `${m[1] ?? ''}/${m[2]}/${encodeURIComponent(id)}${m[4]}`;
  };
}

type Outcome<T> = { kind: 'found'; value: T } | { kind: 'absent' } | { kind: 'failed' };

export function createPeerFaultLookup(svc: AggregationService): PeerFaultLookup {
  return {
    async find<T>(q: PeerFaultQuery<T>): Promise<PeerFaultResult<T>> {
      // A peer's own lookup on our behalf (or any local-only request) stays local.
      if (q.caller.headers[NO_FAN_OUT_HEADER] !== undefined) return { found: false, failedPeers: [] };
      const s = svc.settings;
      const peers = svc.registry.list();
      const failed = peers.filter((p) => p.status !== 'online').map((p) => p.name);
      const online = peers.filter((p) => p.status === 'online');
      // Aborted once a peer has answered: the others' calls are not needed any more.
      const settled = new AbortController();
      const headers = { ...callerHeaders(q.caller.clientId, q.caller.headers.authorization, s.forwardAuth), [NO_FAN_OUT_HEADER]: '1' };

      const ask = async (p: PeerState): Promise<Outcome<T>> => {
        const res = await peerJson(`${p.url}/api/v1${q.path}`, { headers: { ...svc.registry.credentialOf(p.name), ...headers }, timeoutMs: s.timeoutMs, agent: s.agent, signal: settled.signal });
        if (!res.ok) {
          if (!settled.signal.aborted && res.failure !== 'too_large' && res.failure !== 'bad_json') svc.suspect(p.name);
          return { kind: 'failed' };
        }
        if (res.status === 404) return { kind: 'absent' };
        if (res.status !== 200) return { kind: 'failed' };
        const source: PeerFaultSource = { peer: p.name, localPath: localPathOf(svc, p.name) };
        let value: T | undefined;
        try {
          value = q.adopt(res.body, source);
        } catch {
          value = undefined; // a body the consumer cannot read counts as a wrong document
        }
        return value === undefined ? { kind: 'failed' } : { kind: 'found', value };
      };

      const winner = await new Promise<{ peer: string; value: T } | undefined>((resolve) => {
        let pending = online.length;
        if (pending === 0) resolve(undefined);
        for (const p of online) {
          void ask(p).then((o) => {
            if (o.kind === 'found') resolve({ peer: p.name, value: o.value });
            else if (o.kind === 'failed') failed.push(p.name);
            if (--pending === 0) resolve(undefined);
          });
        }
      });
      settled.abort();
      return winner ? { found: true, ...winner } : { found: false, failedPeers: [...new Set(failed)].sort() };
    },

    async forward(peerName, path, call) {
      const peer = svc.registry.get(peerName);
      const subject = { path: `/api/v1${path}` };
      if (peer?.status !== 'online') throw new SovdError('not-responding', `Peer '${peerName}' is not responding`, { ...subject, peer: peerName, details: peer?.lastError ?? 'peer failed its last health check' });
      const out = await forwardToPeer(svc, call, { peer, path: subject.path, subject });
      if (out.kind === 'stream') {
        // Nothing a fault read forwards is an event stream: a peer that answers one is not answering the read.
        out.abort();
        throw new SovdError('x-medkit-peer-unavailable', `Peer '${peerName}' answered an event stream`, { ...subject, peer: peerName });
      }
      return { status: out.status, headers: out.headers, body: out.body };
    },
  };
}
