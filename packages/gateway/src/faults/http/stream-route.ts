// GET /faults/stream (docs/faults.md): named SSE events with `id:` lines, `Last-Event-ID` replay from the
// event buffer, keep-alive comments, and the gateway-wide SSE cap (503 above it). With aggregation the
// stream also carries peers' events (x-medkit.gateway = peer name) on the same id sequence, and `fault_muted` for a
// muted symptom's change (its own event name and body field, so clients that do not know it skip it).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import type { SseHub } from '@medkit/server';
import { GenericError } from '@medkit/server';
import type { FaultStream } from './fault-stream.js';

export interface FaultStreamDeps {
  stream: FaultStream;
  sse: SseHub;
  /** 30 s per the spec; tests shorten it. */
  keepaliveMs: number;
}

/** `Last-Event-ID` as a non-negative integer; anything else counts as absent. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

export function registerFaultStreamRoute(app: HttpApp, deps: FaultStreamDeps): void {
  app.get(
    `${API_BASE}/faults/stream`,
    {
      schema: {
        operationId: 'streamFaultEvents',
        summary: '[x-medkit] SSE stream of fault events (fault_confirmed, fault_updated, fault_cleared, fault_muted)',
        description:
          'Each event has `id:` (increasing), `event:` (the event type) and `data:` {event_type, fault: <FaultListItem>, timestamp, auto_cleared_codes?, x-medkit?: {entity_type, entity_id}}. ' +
          'A muted symptom (correlation; hidden from GET /faults unless include_muted=true) sends `fault_muted` instead: ' +
          '{event_type: "fault_muted", muted_event_type (the event it would have been), muted_fault: <FaultListItem>, timestamp, root_cause_code?, x-medkit?}. ' +
          'Reconnect with Last-Event-ID to get exactly the missed events from the replay buffer; when some were already evicted (or the id is from an earlier gateway run) ' +
          'a `replay_truncated` event {requested_id, first_id, last_id} comes first, followed by every buffered event. Keep-alive comment every 30 s.',
        tags: ['faults'],
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ description: 'Resume after this event id' })) }),
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), 503: GenericError },
      },
    },
    async (request, reply) => {
      const stream = deps.sse.start(request, reply, deps.keepaliveMs);
      const { detach } = deps.stream.fanout.attach(stream, lastEventId(request.headers['last-event-id']));
      void stream.done.then(detach);
      return reply;
    },
  );
}
