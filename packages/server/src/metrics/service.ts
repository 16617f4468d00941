// The metrics registry features add their collectors to (the fleet replica's ingest metrics, the gateway's own).
// Published only when `metrics.enabled`: a feature that finds no METRICS_SERVICE registers nothing, and
// prom-client is never loaded (only its types are named here).
import type * as PromClient from 'prom-client';
import { token, type Token } from '../registry/index.js';

export type PromClientModule = typeof PromClient;

export interface MetricsService {
  /** prom-client as loaded; make metrics with `registers: [service.registry]`. */
  readonly client: PromClientModule;
  /** The one registry `/metrics` serves (never prom-client's global one, so two gateways in a process do not mix). */
  readonly registry: PromClient.Registry;
  /** The Prometheus text exposition of every metric, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export const METRICS_SERVICE: Token<MetricsService> = token('metrics');
