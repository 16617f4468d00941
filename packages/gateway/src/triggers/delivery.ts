// Getting a fired trigger's events to its clients: the webhook queue, the attached SSE streams, or (no
// stream attached) a bounded queue an SSE client drains when it attaches.
import { SovdError } from '@medkit/sovd';
import type { EventStream } from '@medkit/kit';
import type { EventEnvelope, Trigger } from './model.js';
import type { WebhookDeliverer } from './webhook.js';

/** Events kept per SSE trigger while no client is attached; the oldest go first. */
const MAX_PENDING = 100;

/** Numbers the event and hands it to the trigger's clients. */
export function deliver(t: Trigger, envelope: EventEnvelope, webhooks: WebhookDeliverer): void {
  const id = ++t.eventCount;
  if (t.protocol === 'webhook') webhooks.enqueue(t, id, envelope);
  if (t.streams.size > 0) {
    for (const s of t.streams) s.send({ id, data: envelope });
  } else if (t.protocol === 'sse') {
    t.pending.push({ id, envelope });
    if (t.pending.length > MAX_PENDING) t.pending.shift();
  }
}

/** Sends the events queued while no client was attached. */
export function drainPending(t: Trigger, stream: EventStream): void {
  for (const e of t.pending.splice(0)) stream.send({ id: e.id, data: e.envelope });
}

/** The envelope of a sampling or evaluation failure (a SOVD error body, else a vendor-error). */
export function errorEnvelope(err: Error, nowMs: number): EventEnvelope {
  const e = err instanceof SovdError ? err.toBody() : { error_code: 'vendor-error', message: err.message };
  return { timestamp: new Date(nowMs).toISOString(), error: { error_code: e.error_code, ...(e.vendor_code ? { vendor_code: e.vendor_code } : {}), message: e.message } };
}
