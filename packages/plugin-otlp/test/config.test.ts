// The otlp_export configuration (docs/logs-export.md): what it accepts and what stops the plugin with the key named.
import { describe, expect, it } from 'vitest';
import { isPluginError } from '@medkit/plugin-api';
import { OTLP_CONFIG_KEYS } from '@medkit/plugin-otlp';
import { readOtlpSettings } from '../src/config.js';

function refusal(config: Record<string, unknown>): string {
  try {
    readOtlpSettings(config);
  } catch (err) {
    expect(isPluginError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('otlp_export configuration', () => {
  it('reads endpoints, headers and dotted resource attributes as the gateway nests them', () => {
    const s = readOtlpSettings({
      url: 'http://127.0.0.1:4318/v1/logs',
      headers: { 'x-api-key': 'k' },
      endpoints: [{ url: 'https://elastic.example/v1/logs', protocol: 'http/json', headers: { Authorization: 'ApiKey abc' } }],
      resource: { robot_id: 'amr-07', attributes: { deployment: { environment: 'production' } } },
      queue: { max_records: 10 },
      batch: { max_records: 500 },
    });
    expect(s.endpoints).toEqual([
      { url: 'http://127.0.0.1:4318/v1/logs', protocol: 'http/protobuf', headers: { 'x-api-key': 'k' } },
      { url: 'https://elastic.example/v1/logs', protocol: 'http/json', headers: { 'x-api-key': 'k', Authorization: 'ApiKey abc' } },
    ]);
    expect(s.resource).toEqual({ robotId: 'amr-07', fleetId: undefined, attributes: { 'deployment.environment': 'production' } });
    expect(s.batch.maxRecords, 'a batch never exceeds the queue').toBe(10);
    expect(s.logs.minSeverity).toBe('info');
  });

  it('refuses what it cannot honour, naming the key', () => {
    expect(refusal({})).toMatch(/plugins\.otlp_export\.url: set url/);
    expect(refusal({ url: 'collector:4318' })).toMatch(/plugins\.otlp_export\.url: an http/);
    expect(refusal({ url: 'http://c/v1/logs', protocol: 'grpc' })).toMatch(/plugins\.otlp_export\.protocol/);
    expect(refusal({ url: 'http://c/v1/logs', queue: { max_record: 5 } })).toMatch(/plugins\.otlp_export\.queue\.max_record: unknown key/);
    expect(refusal({ url: 'http://c/v1/logs', queue: { max_records: 0 } })).toMatch(/queue\.max_records: an integer from 1/);
    expect(refusal({ url: 'http://c/v1/logs', logs: { min_severity: 'warn' } })).toMatch(/logs\.min_severity: one of debug, info, warning, error, fatal/);
    expect(refusal({ url: 'https://c/v1/logs', tls: { cert_file: '/x.pem' } })).toMatch(/go together/);
    expect(refusal({ url: 'https://c/v1/logs', tls: { ca_file: '/nonexistent/ca.pem' } })).toMatch(/tls\.ca_file: cannot read/);
    expect(refusal({ url: 'https://c/v1/logs', tls: { inherit: 'nats' } })).toMatch(/tls\.inherit: one of auto, fleet\.nats, aggregation, none/);
    expect(refusal({ url: 'http://c/otlp', metrics: { enabled: true } })).toMatch(/plugins\.otlp_export\.metrics\.url: required with metrics\.enabled/);
    expect(refusal({ url: 'http://c/v1/logs', endpoints: [{ url: 'http://d/otlp' }], metrics: { enabled: true } })).toMatch(/endpoints\[0\]\.metrics_url: required/);
    expect(refusal({ url: 'http://c/v1/logs', metrics: { enabled: true, interval_ms: 10 } })).toMatch(/metrics\.interval_ms: an integer from 1000/);
    expect(refusal({ url: 'http://c/v1/logs', outbox: { max_rows: 5 } })).toMatch(/outbox\.max_rows: unknown key/);
  });

  it('keeps the outbox and metrics off unless asked, with their documented defaults; TLS inherits from the gateway', () => {
    const s = readOtlpSettings({ url: 'http://c/v1/logs' });
    expect(s.outbox).toEqual({ enabled: false, file: '', maxRecords: 10_000, maxBytes: 16 * 1024 * 1024 });
    expect(s.metrics).toEqual({ enabled: false, intervalMs: 30_000, timeoutMs: 10_000 });
    expect(s.endpoints[0].metricsUrl).toBeUndefined();
    expect(s.tls.inherit).toBe('auto');
    // outbox.file may be left out: the plugin's data dir holds it then.
    expect(readOtlpSettings({ url: 'http://c/v1/logs', outbox: { enabled: true } }).outbox.file).toBe('');
  });

  it('sends metrics beside the logs path, or where metrics.url / metrics_url say; a timeout never longer than the interval', () => {
    const s = readOtlpSettings({
      url: 'http://c:4318/v1/logs',
      endpoints: [{ url: 'https://loki/otlp/v1/logs' }, { url: 'http://x/ingest', metrics_url: 'http://x/metrics-in' }],
      metrics: { enabled: true, interval_ms: 5000, timeout_ms: 60_000 },
    });
    expect(s.endpoints.map((e) => e.metricsUrl)).toEqual(['http://c:4318/v1/metrics', 'https://loki/otlp/v1/metrics', 'http://x/metrics-in']);
    expect(s.metrics).toEqual({ enabled: true, intervalMs: 5000, timeoutMs: 5000 });
    expect(readOtlpSettings({ url: 'http://c/ingest', metrics: { enabled: true, url: 'http://c/m' } }).endpoints[0].metricsUrl).toBe('http://c/m');
  });

  it('declares its groups whole, so the gateway passes them and the plugin checks inside', () => {
    expect(OTLP_CONFIG_KEYS).toEqual(expect.arrayContaining(['url', 'endpoints', 'headers.*', 'queue.*', 'resource.*']));
  });
});
