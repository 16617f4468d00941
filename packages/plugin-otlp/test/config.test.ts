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
    expect(refusal({ url: 'http://c/v1/logs', outbox: { enabled: true } })).toMatch(/outbox\.file: required with outbox\.enabled/);
    expect(refusal({ url: 'http://c/v1/logs', outbox: { max_rows: 5 } })).toMatch(/outbox\.max_rows: unknown key/);
  });

  it('keeps the outbox off unless asked, with its documented bounds', () => {
    expect(readOtlpSettings({ url: 'http://c/v1/logs' }).outbox).toEqual({ enabled: false, file: '', maxRecords: 10_000, maxBytes: 16 * 1024 * 1024 });
  });

  it('declares its groups whole, so the gateway passes them and the plugin checks inside', () => {
    expect(OTLP_CONFIG_KEYS).toEqual(expect.arrayContaining(['url', 'endpoints', 'headers.*', 'queue.*', 'resource.*']));
  });
});
