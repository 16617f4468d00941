import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const dirs: string[] = [];
function file(name: string, text: string): string {
  const d = mkdtempSync(join(tmpdir(), 'medkit-cfg-'));
  dirs.push(d);
  const p = join(d, name);
  writeFileSync(p, text);
  return p;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('configuration loading', () => {
  it('uses built-in defaults with no sources', () => {
    const c = loadConfig({ env: {} });
    expect(c.get('server.host')).toBe('127.0.0.1');
    expect(c.get('server.port')).toBe(8080);
    expect(c.get('discovery.mode')).toBe('runtime_only');
    expect(c.get('rate_limiting.enabled')).toBe(false);
    expect(c.adjustments).toEqual([]);
  });

  it('reads a plain YAML map, nested or dotted', () => {
    const p = file('c.yaml', 'server:\n  port: 9001\ncors.allowed_origins: ["http://ui.local"]\n');
    const c = loadConfig({ configFile: p, env: {} });
    expect(c.get('server.port')).toBe(9001);
    expect(c.get('cors.allowed_origins')).toEqual(['http://ui.local']);
  });

  it('reads a ROS parameter file with dotted keys', () => {
    const p = file('params.yaml', 'ros2_medkit_gateway:\n  ros__parameters:\n    server.host: 0.0.0.0\n    server.port: 8443\n    refresh_interval_ms: 5000\n');
    const c = loadConfig({ configFile: p, env: {} });
    expect(c.get('server.host')).toBe('0.0.0.0');
    expect(c.get('server.port')).toBe(8443);
    expect(c.get('refresh_interval_ms')).toBe(5000);
  });

  it('lets environment override the file and flags override both', () => {
    const p = file('c.yaml', 'server:\n  port: 9001\n  host: 10.0.0.1\n');
    const c = loadConfig({ configFile: p, env: { MEDKIT_SERVER_PORT: '9002', MEDKIT_HOST: '127.0.0.2' }, flags: { 'server.port': '9003' } });
    expect(c.get('server.port')).toBe(9003);
    expect(c.get('server.host')).toBe('127.0.0.2');
  });

  it('takes ROS_DOMAIN_ID and ROS_LOCALHOST_ONLY from the environment', () => {
    const c = loadConfig({ env: { ROS_DOMAIN_ID: '42', ROS_LOCALHOST_ONLY: '1' } });
    expect(c.get('ros.domain_id')).toBe(42);
    expect(c.get('ros.localhost_only')).toBe(true);
  });

  it('rejects an out-of-range port and keeps the default, naming key, value and range', () => {
    const c = loadConfig({ env: {}, flags: { 'server.port': '80' } });
    expect(c.get('server.port')).toBe(8080);
    expect(c.adjustments[0].message).toMatch(/server\.port=.*80.*1024–65535.*default 8080/);
  });

  it('clamps keys of the clamp class with a message', () => {
    const c = loadConfig({ env: {}, flags: { 'entity_cache.capacity': '5', service_call_timeout_sec: 99999 } });
    expect(c.get('entity_cache.capacity')).toBe(16);
    expect(c.get('service_call_timeout_sec')).toBe(3600);
    expect(c.adjustments.map((a) => a.action)).toEqual(['clamped', 'clamped']);
    expect(c.adjustments[0].message).toMatch(/entity_cache\.capacity=5 is outside the allowed range 16–1000000; clamped to 16/);
  });

  it('refuses to start on an invalid refuse-class key', () => {
    expect(() => loadConfig({ env: {}, flags: { parameter_service_timeout_sec: '50' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, flags: { parameter_service_timeout_sec: 'NaN' } })).toThrow(/parameter_service_timeout_sec.*refusing to start/);
    expect(() => loadConfig({ env: {}, flags: { 'discovery.mode': 'psychic' } })).toThrow(/discovery\.mode.*runtime_only, manifest_only, hybrid/);
  });

  it('rejects a wildcard CORS origin with credentials', () => {
    expect(() => loadConfig({ env: {}, flags: { 'cors.allowed_origins': '*', 'cors.allow_credentials': 'true' } })).toThrow(/credentials/);
  });

  it('reports unknown keys without failing', () => {
    const c = loadConfig({ env: {}, flags: { 'server.prot': '1' } });
    expect(c.adjustments[0]).toMatchObject({ action: 'unknown', key: 'server.prot' });
  });

  it('takes the plugin list (`plugins: [opcua]`, read by the plugin loader) without calling it unknown', () => {
    const c = loadConfig({ env: {}, configFile: file('c.yaml', 'plugins: [opcua]\nplugins.opcua.endpoint_url: opc.tcp://127.0.0.1:4840\n'), flags: { plugins: 'opcua' } });
    expect(c.adjustments).toEqual([]);
    expect(c.raw.plugins).toBe('opcua');
  });

  it('uses hybrid mode when a manifest is given without a mode', () => {
    expect(loadConfig({ env: {}, flags: { 'discovery.manifest_path': 'm.yaml' } }).get('discovery.mode')).toBe('hybrid');
    expect(loadConfig({ env: {}, flags: { 'discovery.manifest_path': 'm.yaml', 'discovery.mode': 'manifest_only' } }).get('discovery.mode')).toBe('manifest_only');
  });

  it('explains unreadable and malformed files', () => {
    expect(() => loadConfig({ configFile: '/nonexistent/x.yaml', env: {} })).toThrow(/cannot read config file/);
    expect(() => loadConfig({ configFile: file('bad.yaml', 'a: [1, 2\n'), env: {} })).toThrow(/not valid YAML/);
  });
});
