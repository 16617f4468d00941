// Webhook delivery of trigger events [ours] (docs/api.md binding decision 17): each event is POSTed as JSON,
// signed with HMAC-SHA256 in `X-Medkit-Signature: sha256=<hex>` when a secret is configured, retried
// with exponential backoff, and the outcome is kept on the trigger (`x-medkit.delivery`). Events of one
// trigger are delivered in order, one at a time.
import { createHmac } from 'node:crypto';
import { onAbort } from '@medkit/ros2/light';
import { Backoff } from '@medkit/sovd';
import { callErrorDetail, drain, outboundCall } from '@medkit/kit';
import type { EventEnvelope, Trigger } from './model.js';

interface WebhookOptions {
  /** Gateway-wide secret; a trigger's own secret wins. Empty = unsigned. */
  secret: string;
  maxAttempts: number;
  initialBackoffMs: number;
  timeoutMs: number;
  /** Called for every failed attempt (logging). */
  onAttemptFailed?: (trigger: Trigger, attempt: number, reason: string) => void;
}

const MAX_BACKOFF_MS = 30_000;
const MAX_QUEUE = 100;

/** `sha256=<hex>` over the exact request body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

interface Job {
  eventId: number;
  envelope: EventEnvelope;
}

export class WebhookDeliverer {
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Set<string>();
  private readonly cancelled = new Set<string>();
  private readonly idle = new Map<string, () => void>();
  private readonly abort = new AbortController();

  constructor(private readonly opts: WebhookOptions) {}

  /** Queues one event for the trigger's webhook. */
  enqueue(t: Trigger, eventId: number, envelope: EventEnvelope): void {
    if (!t.webhookUrl) return;
    t.delivery ??= { url: t.webhookUrl, delivered: 0, failed: 0, pending: 0, attempts: 0 };
    let q = this.queues.get(t.id);
    if (!q) this.queues.set(t.id, (q = []));
    if (q.length >= MAX_QUEUE) {
      q.shift();
      t.delivery.failed++;
      t.delivery.last_error = 'queue full: oldest undelivered event dropped';
    }
    q.push({ eventId, envelope });
    t.delivery.pending = q.length + (this.running.has(t.id) ? 1 : 0);
    if (!this.running.has(t.id)) void this.run(t);
  }

  /** True while events of the trigger are queued or in flight. */
  busy(id: string): boolean {
    return this.running.has(id);
  }

  /** Runs `fn` once the trigger's queue is empty (immediately if it is). */
  whenIdle(id: string, fn: () => void): void {
    if (!this.running.has(id)) fn();
    else this.idle.set(id, fn);
  }

  /** Drops the trigger's queue (trigger deleted). */
  cancel(id: string): void {
    if (this.running.has(id)) this.cancelled.add(id);
    this.queues.delete(id);
    this.idle.delete(id);
  }

  stop(): void {
    this.abort.abort();
    for (const id of this.queues.keys()) this.cancel(id);
  }

  private async run(t: Trigger): Promise<void> {
    this.running.add(t.id);
    try {
      for (;;) {
        const job = this.queues.get(t.id)?.shift();
        if (!job || this.cancelled.has(t.id) || this.abort.signal.aborted) break;
        await this.deliver(t, job);
        if (t.delivery) t.delivery.pending = this.queues.get(t.id)?.length ?? 0;
      }
    } finally {
      this.running.delete(t.id);
      this.cancelled.delete(t.id);
      this.queues.delete(t.id);
      const fn = this.idle.get(t.id);
      this.idle.delete(t.id);
      fn?.();
    }
  }

  private async deliver(t: Trigger, job: Job): Promise<void> {
    const d = t.delivery!;
    const body = JSON.stringify({ trigger_id: t.id, event_id: job.eventId, observed_resource: t.resourceUri, ...job.envelope });
    const secret = t.webhookSecret || this.opts.secret;
    const backoff = new Backoff({ initialMs: this.opts.initialBackoffMs, maxMs: MAX_BACKOFF_MS });
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      if (this.cancelled.has(t.id) || this.abort.signal.aborted) return;
      d.attempts++;
      d.last_attempt_at = new Date().toISOString();
      let reason: string;
      let retry = true;
      const signal = AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.abort.signal]);
      try {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'medkit-trigger-webhook',
          'x-medkit-trigger-id': t.id,
          'x-medkit-event-id': String(job.eventId),
          'x-medkit-delivery-attempt': String(attempt),
        };
        if (secret) headers['x-medkit-signature'] = signBody(secret, body);
        const res = await outboundCall(t.webhookUrl!, {
          method: 'POST',
          headers,
          body,
          signal,
        });
        await drain(res.body);
        d.last_status = res.status;
        if (res.status >= 200 && res.status < 300) {
          d.delivered++;
          d.last_success_at = new Date().toISOString();
          delete d.last_error;
          return;
        }
        reason = `HTTP ${res.status}`;
        // Client errors other than 408/429 will not get better by retrying.
        retry = res.status >= 500 || res.status === 408 || res.status === 429;
      } catch (err) {
        reason = signal.reason instanceof DOMException && signal.reason.code === DOMException.TIMEOUT_ERR ? `timeout after ${this.opts.timeoutMs} ms` : callErrorDetail(err);
      }
      d.last_error = reason;
      this.opts.onAttemptFailed?.(t, attempt, reason);
      if (!retry || attempt === this.opts.maxAttempts) break;
      await sleep(backoff.next(), this.abort.signal);
    }
    d.failed++;
  }
}

/** Waits `ms` or until the deliverer stops; the long-lived stop signal keeps no listener per backoff. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      unlisten();
      resolve();
    };
    const timer = setTimeout(wake, ms);
    timer.unref();
    const unlisten = onAbort(signal, wake);
  });
}
