// Relays each online peer's /faults/stream into this gateway (docs/aggregation.md "SSE streams of peers
// can be proxied (event carries the peer name)", docs/aggregation.md one timeline). One SSE client per online peer, with
// reconnect and Last-Event-ID; events that already passed through this gateway are dropped (loop guard). The sink
// (PeerFaultEventHub) lets correlation see every event first, then hands the stream only those of faults the merged
// `GET /faults` shows (its `hiddenInMerge`): a peer symptom correlation muted is in neither.
import type { OutboundAgent } from '@medkit/kit';
import type { FaultEventSink } from '../faults/gateway/peer-events.js';
import type { PeerLogger, PeerState } from './peers.js';
import type { SseMessage } from '@medkit/sovd';
import { SseClient } from './sse-client.js';

type Json = Record<string, unknown>;

interface FaultRelayOptions {
  sink: FaultEventSink;
  /** This gateway's instance id. */
  instanceId: string;
  connectTimeoutMs: number;
  /** TLS towards peers. */
  agent?: OutboundAgent;
  /** Extra request headers of one peer's stream (its aggregation.peer_auth_header credential). */
  headers?: (peer: string) => Record<string, string>;
  log: PeerLogger;
}

export class PeerFaultRelay {
  private readonly clients = new Map<string, SseClient>();

  constructor(private readonly o: FaultRelayOptions) {}

  /** Opens streams to peers that came online and closes those of peers that went offline. */
  sync(peers: readonly PeerState[]): void {
    for (const p of peers) {
      const running = this.clients.get(p.name);
      if (p.status === 'online' && !running) this.open(p);
      else if (p.status === 'offline' && running) {
        this.clients.delete(p.name);
        void running.stop();
      }
    }
  }

  async stop(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((c) => c.stop()));
  }

  private open(p: PeerState): void {
    const client = new SseClient({
      url: `${p.url}/api/v1/faults/stream`,
      headers: this.o.headers?.(p.name),
      connectTimeoutMs: this.o.connectTimeoutMs,
      agent: this.o.agent,
      onMessage: (m) => this.relay(p, m),
      onState: (state, detail) => {
        if (state === 'closed' && detail && !detail.includes('abort')) this.o.log.info(`fault stream of peer '${p.name}' closed: ${detail}`);
      },
    });
    this.clients.set(p.name, client);
  }

  private relay(p: PeerState, m: SseMessage): void {
    let data: unknown;
    try {
      data = JSON.parse(m.data);
    } catch {
      this.o.log.warn(`peer '${p.name}' sent a fault event that is not JSON; dropped`);
      return;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
    const body = data as Json;
    const x = typeof body['x-medkit'] === 'object' && body['x-medkit'] !== null ? (body['x-medkit'] as Json) : {};
    const via = Array.isArray(x.via) ? x.via.filter((v): v is string => typeof v === 'string') : [];
    // Our own event (or one we relayed) coming back around a peering loop.
    if (via.includes(this.o.instanceId)) return;
    if (p.instanceId) via.push(p.instanceId);
    const event = m.event !== 'message' ? m.event : typeof body.event_type === 'string' ? body.event_type : 'message';
    this.o.sink.publishPeerEvent({
      peer: p.name,
      event,
      data: { ...body, 'x-medkit': { ...x, gateway: p.name, via } },
      ...(m.id !== undefined ? { peer_event_id: m.id } : {}),
      data_length: m.data.length,
    });
  }
}
