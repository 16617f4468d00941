import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '@medkit/kit';
import { FEATURE_KEYS } from '@medkit/cli';

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

  it('takes ROS_DISTRO as ros.distro (an unknown name stays auto); an unknown ros.distro stops start-up', () => {
    expect(loadConfig({ env: {} }).get('ros.distro')).toBe('auto');
    expect(loadConfig({ env: { ROS_DISTRO: 'humble' } }).get('ros.distro')).toBe('humble');
    expect(loadConfig({ env: { ROS_DISTRO: ' Jazzy\n' } }).get('ros.distro')).toBe('jazzy');
    expect(loadConfig({ env: { ROS_DISTRO: 'my-fork' } }).get('ros.distro')).toBe('auto');
    expect(loadConfig({ env: { ROS_DISTRO: 'humble' }, flags: { 'ros.distro': 'jazzy' } }).get('ros.distro')).toBe('jazzy');
    expect(() => loadConfig({ env: {}, flags: { 'ros.distro': 'ardent' } })).toThrow(/ros\.distro.*refusing to start/);
  });

  // Issue 66: an invalid value used to be replaced by the default (server.port 70000 listened on 8080) or
  // clamped; now every invalid value stops start-up with one line naming the key, the value, where and the range.
  const refusal = (opts: Parameters<typeof loadConfig>[0]): string => {
    try {
      loadConfig(opts);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('loaded');
  };

  it('refuses an out-of-range or malformed port from a flag, a file or the environment, also beside a valid flag, naming key, value, source and range', () => {
    expect(refusal({ env: {}, flags: { 'server.port': '70000' } })).toBe('server.port="70000" (command line) is invalid: outside the allowed range 1024–65535; refusing to start');
    expect(refusal({ env: {}, flags: { 'server.port': '8o80' } })).toBe('server.port="8o80" (command line) is invalid: expected a number, allowed range 1024–65535; refusing to start');
    const yaml = file('c.yaml', 'server:\n  port: 70000\n');
    expect(refusal({ configFile: yaml, env: {}, flags: { 'server.port': '9090' } })).toBe(`server.port=70000 in ${yaml} is invalid: outside the allowed range 1024–65535; refusing to start`);
    const typo = file('c.yaml', 'server:\n  port: 8o80\n');
    expect(refusal({ configFile: typo, env: {}, flags: { 'server.port': '9090' } })).toBe(`server.port="8o80" in ${typo} is invalid: expected a number, allowed range 1024–65535; refusing to start`);
    expect(refusal({ env: { MEDKIT_PORT: '80' }, flags: { 'server.port': '9090' } })).toBe('server.port="80" (environment) is invalid: outside the allowed range 1024–65535; refusing to start');
    // Two bad values, two lines.
    expect(refusal({ configFile: yaml, env: {}, flags: { 'server.port': '8o80' } }).split('\n')).toHaveLength(2);
  });

  it('never clamps: an out-of-range value of any key stops start-up, whatever the side', () => {
    expect(refusal({ env: {}, flags: { 'entity_cache.capacity': '5' } })).toMatch(/^entity_cache\.capacity="5" \(command line\) is invalid: outside the allowed range 16–1000000; refusing to start$/);
    expect(refusal({ env: {}, flags: { service_call_timeout_sec: 99999 } })).toMatch(/^service_call_timeout_sec=99999 \(command line\) is invalid: outside the allowed range 1–3600/);
    expect(refusal({ env: {}, flags: { 'entity_cache.capacity': 4294967296 } })).toMatch(/entity_cache\.capacity=4294967296 .*outside the allowed range 16–1000000/);
  });

  it('refuses NaN instead of taking it in silence (the reference 0.7.0, #607)', () => {
    expect(refusal({ env: {}, flags: { service_call_timeout_sec: 'NaN' } })).toMatch(/^service_call_timeout_sec="NaN" \(command line\) is invalid: expected a number, allowed range 1–3600; refusing to start$/);
  });

  it('takes numbers from strings only in decimal: hexadecimal, binary and octal strings are refused, naming the value', () => {
    const lines = refusal({ env: {}, flags: { 'server.port': '0x2000', 'entity_cache.capacity': '0b1111111111', service_call_timeout_sec: '0o17' } }).split('\n');
    expect(lines.map((l) => l.split('=')[0]).sort()).toEqual(['entity_cache.capacity', 'server.port', 'service_call_timeout_sec']);
    expect(lines.find((l) => l.startsWith('server.port'))).toMatch(/server\.port="0x2000" \(command line\) is invalid: expected a number/);
    // ROS_DOMAIN_ID=0x10 was domain 16 before.
    expect(refusal({ env: { ROS_DOMAIN_ID: '0x10' } })).toMatch(/ros\.domain_id="0x10" \(environment\) is invalid: expected a number.*refusing to start/);
    // Decimal but past any double, and a megabyte of digits: refused as not a number, not taken as Infinity.
    const huge = refusal({ env: {}, flags: { 'entity_cache.capacity': '1e400', service_call_timeout_sec: '9'.repeat(1_000_000) } }).split('\n');
    expect(huge).toHaveLength(2);
    // The message quotes the start of the value, not all of it.
    expect(huge.find((l) => l.startsWith('service_call_timeout_sec'))).toMatch(/^service_call_timeout_sec="9{199}… \(1000002 characters\) \(command line\) is invalid/);
    const d = loadConfig({ env: {}, flags: { 'server.port': ' 9005 ', service_call_timeout_sec: '1.5e1' } });
    expect([d.get('server.port'), d.get('service_call_timeout_sec')]).toEqual([9005, 15]);
  });

  it('refuses to start on an invalid value of a key that always refused', () => {
    expect(() => loadConfig({ env: {}, flags: { parameter_service_timeout_sec: '50' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, flags: { parameter_service_timeout_sec: 'NaN' } })).toThrow(/parameter_service_timeout_sec.*refusing to start/);
    expect(() => loadConfig({ env: {}, flags: { 'discovery.mode': 'psychic' } })).toThrow(/discovery\.mode.*runtime_only, manifest_only, hybrid/);
  });

  it('rejects a wildcard CORS origin with credentials', () => {
    expect(() => loadConfig({ env: {}, flags: { 'cors.allowed_origins': '*', 'cors.allow_credentials': 'true' } })).toThrow(/credentials/);
  });

  it('reports unknown keys without failing, with the key they are spelt like', () => {
    const c = loadConfig({ env: {}, flags: { 'server.prot': '1' } });
    expect(c.adjustments[0]).toMatchObject({ action: 'unknown', key: 'server.prot', message: "unknown configuration key 'server.prot' (command line) ignored (did you mean 'server.port'?)" });
  });

  // Issue 31 point 6: unknown scripts.* keys were ignored without a word and invalid limits fell back to looser defaults.
  it('refuses unknown keys in a section of security or limit keys, and those spelt like one, naming the key; other unknown keys stay warnings', () => {
    const refused = (flags: Record<string, unknown>) => {
      try {
        loadConfig({ env: {}, flags, extraKeys: FEATURE_KEYS });
      } catch (err) {
        return (err as Error).message;
      }
      return undefined;
    };
    for (const [key, why] of [
      ['scripts.sandbox.mod', /\(did you mean 'scripts\.sandbox\.mode'\?\): every scripts\.sandbox\.\* key guards security or a limit/],
      ['scripts.limits.disk_gb', /\(did you mean 'scripts\.limits\.disk_mb'\?\): every scripts\.limits\.\* key/],
      ['scripts.sandboxx.mode', /every scripts\.\* key/],
      ['scripts.sandbox', /every scripts\.\* key/],
      ['scritps.sandbox.mode', /it is spelt like 'scripts\.sandbox\.mode', which guards security/],
      ['auth.enable', /every auth\.\* key/],
      ['server.tls.enabeld', /every server\.tls\.\* key/],
      ['server.limits.max_upload_bytes', /every server\.limits\.\* key/],
      ['server.allowed_host', /spelt like 'server\.allowed_hosts'/],
      ['cors.allow_credential', /every cors\.\* key/],
      ['locking.enable', /spelt like 'locking\.enabled'/],
      ['aggregation.require_tsl', /spelt like 'aggregation\.require_tls'/],
    ] as const) {
      expect(refused({ [key]: 'strict' }), key).toMatch(new RegExp(`unknown configuration key '${key.replace(/\./g, '\\.')}'.*${why.source}.*refusing to start`));
    }
    // Keys of the reference stack medkit does not implement, outside such sections, are reported and ignored.
    const c = loadConfig({ env: {}, flags: { 'server.http_thread_pool_size': 6, 'faults.use_sim_time': true, 'triggers.foo': 1 }, extraKeys: FEATURE_KEYS });
    expect(c.adjustments.map((a) => a.action)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('refuses an invalid or out-of-range security or limit key instead of using its default or clamping it', () => {
    for (const [key, value] of [
      ['scripts.limits.memory_mb', 10],
      ['scripts.limits.memory_mb', 'lots'],
      ['scripts.max_concurrent_executions', 0],
      ['scripts.allow_uploads', 'nope'],
      ['server.limits.max_json_body_bytes', 10],
      ['rate_limiting.client_requests_per_minute', 0],
      ['auth.enabled', 'yes please'],
      ['server.tls.enabled', 'maybe'],
      ['bulk_data.max_upload_size', -1],
      ['ros.security.handshake_timeout_ms', 0],
      ['ros.security.handshake_timeout_ms', -1],
      ['ros.security.handshake_timeout_ms', 1e12],
      ['ros.security.handshake_timeout_ms', 'soon'],
    ] as const) {
      expect(() => loadConfig({ env: {}, flags: { [key]: value }, extraKeys: FEATURE_KEYS }), `${key}=${value}`).toThrow(new RegExp(`${key.replace(/\./g, '\\.')}=.*refusing to start`));
    }
  });

  it('refuses a fault-stream flush window that is negative, above 1 s or not a number', () => {
    for (const value of [-1, 1001, 1e12, 'soon', 2.5]) {
      expect(() => loadConfig({ env: {}, flags: { 'faults.stream_flush_ms': value }, extraKeys: FEATURE_KEYS }), String(value)).toThrow(/faults\.stream_flush_ms.*refusing to start/);
    }
    expect(loadConfig({ env: {}, flags: { 'faults.stream_flush_ms': 0 }, extraKeys: FEATURE_KEYS }).get('faults.stream_flush_ms')).toBe(0);
    expect(loadConfig({ env: {}, extraKeys: FEATURE_KEYS }).get('faults.stream_flush_ms')).toBe(50);
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
