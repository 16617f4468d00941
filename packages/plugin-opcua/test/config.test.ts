// The opcua plugin's configuration: hostile and mistaken values are refused with an error that names the
// key (and never echoes a credential); a gateway given such a configuration keeps running with the plugin
// disabled and says why on /health.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpcuaConfigError, parseOpcuaConfig } from '../src/config.js';
import { parseNodeId } from '../src/node-id.js';
import { startTestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';

const dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { endpoint_url: 'opc.tcp://127.0.0.1:4840', nodes: [{ node_id: 'ns=2;s=Temp', data_name: 'temp' }] };
const refused = async (raw: Record<string, unknown>, key: string, env: NodeJS.ProcessEnv = {}) => {
  const err = await parseOpcuaConfig(raw, env).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${key} to be refused`).toBeInstanceOf(OpcuaConfigError);
  expect((err as OpcuaConfigError).key).toBe(key);
  expect((err as Error).message.startsWith(`plugins.opcua.${key}`)).toBe(true);
  return err as OpcuaConfigError;
};

describe('opcua configuration', () => {
  it('accepts a minimal configuration with documented defaults', async () => {
    const c = await parseOpcuaConfig(base, {});
    expect(c).toMatchObject({
      security_mode: 'None',
      security_policy: 'None',
      user_auth_mode: 'Anonymous',
      component_id: 'opcua_plc',
      subscription_interval_ms: 500,
      request_timeout_ms: 3000,
      keepalive_interval_ms: 2000,
      keepalive_max_missed: 2,
      reconnect_initial_delay_ms: 500,
      reconnect_max_delay_ms: 30000,
      comms_lost_fault_code: 'PLC_COMMS_LOST',
      nodes: [{ node_id: 'ns=2;s=Temp', data_name: 'temp', display_name: 'temp', writable: false }],
    });
  });

  it('refuses bad endpoints, security settings and bounds by key', async () => {
    await refused({ ...base, endpoint_url: 'http://plc:4840' }, 'endpoint_url');
    await refused({ ...base, endpoint_url: 'opc.tcp://user:pw@plc:4840' }, 'endpoint_url');
    await refused({ ...base, endpoint_url: 'x'.repeat(5000) }, 'endpoint_url');
    await refused({ ...base, endpoint_url: ['opc.tcp://a'] }, 'endpoint_url');
    await refused({ nodes: base.nodes }, 'endpoint_url');
    await refused({ ...base, security_mode: 'Sign' }, 'security_policy'); // Sign needs a real policy
    await refused({ ...base, security_mode: 'Encrypt' }, 'security_mode');
    await refused({ ...base, subscription_interval_ms: 5 }, 'subscription_interval_ms');
    await refused({ ...base, request_timeout_ms: true }, 'request_timeout_ms'); // Number(true) would be 1 ms
    await refused({ ...base, keepalive_max_missed: 0 }, 'keepalive_max_missed'); // 0 would never detect a hang
    await refused({ ...base, keepalive_interval_ms: 10 }, 'keepalive_interval_ms');
    await refused({ ...base, reconnect: { initial_delay_ms: 5000, max_delay_ms: 100 } }, 'reconnect.max_delay_ms');
    await refused({ ...base, recconect: {} }, 'recconect'); // a typo is not silently ignored
    await refused({ ...base, component_id: '../etc' }, 'component_id');
  });

  it('refuses bad node maps: NodeIds, names, duplicates, fault codes, sizes', async () => {
    await refused({ ...base, nodes: [{ node_id: 'ns=2;x=1', data_name: 'a' }] }, 'nodes[0].node_id');
    await refused({ ...base, nodes: [{ node_id: 'ns=70000;i=1', data_name: 'a' }] }, 'nodes[0].node_id');
    await refused({ ...base, nodes: [{ node_id: 'i=99999999999', data_name: 'a' }] }, 'nodes[0].node_id');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: '../a' }] }, 'nodes[0].data_name');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a__b' }] }, 'nodes[0].data_name');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a' }, { node_id: 'i=2', data_name: 'a' }] }, 'nodes[1].data_name');
    await refused({ ...base, nodes: ['i=1'] }, 'nodes[0]');
    await refused({ ...base, nodes: { node_id: 'i=1' } }, 'nodes');
    await refused({ ...base, nodes: Array.from({ length: 1001 }, (_, i) => ({ node_id: `i=${i}`, data_name: `n${i}` })) }, 'nodes');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', min_value: 5, max_value: 1 }] }, 'nodes[0].min_value');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', alarm: { fault_code: 'BAD CODE', threshold: 1 } }] }, 'nodes[0].alarm.fault_code');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', alarm: { fault_code: 'HOT' } }] }, 'nodes[0].alarm.threshold');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', alarm: { fault_code: 'HOT', threshold: 'NaN' } }] }, 'nodes[0].alarm.threshold');
    await refused(
      { ...base, event_alarms: [{ alarm_source: 'ns=1;s=A', fault_code: 'HOT' }, { alarm_source: 'ns=1;s=B', fault_code: 'HOT' }] },
      'event_alarms[1].fault_code',
    );
    await refused({ ...base, event_alarms: [{ alarm_source: 'ns=1;s=A', fault_code: 'PLC_COMMS_LOST' }] }, 'event_alarms[0].fault_code');
    await refused({ ...base, event_alarms: [{ alarm_source: 'ns=1;s=A', fault_code: 'X', severity_override: 'FATAL' }] }, 'event_alarms[0].severity_override');
    await refused({ endpoint_url: base.endpoint_url }, 'nodes');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', entity_id: '../app' }] }, 'nodes[0].entity_id');
    await refused({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', entity_id: ['pump'] }] }, 'nodes[0].entity_id');
    expect((await parseOpcuaConfig({ ...base, nodes: [{ node_id: 'i=1', data_name: 'a', entity_id: 'fill_pump' }] })).nodes[0].entity_id).toBe('fill_pump');
    await refused({ ...base, component_id: 'plc', nodes: [{ node_id: 'i=1', data_name: 'a', entity_id: 'plc' }] }, 'nodes[0].entity_id');
    await refused({ ...base, area_id: 'cell', nodes: [{ node_id: 'i=1', data_name: 'a', entity_id: 'cell' }] }, 'nodes[0].entity_id');
  });

  it('reads the node map file, bounded, and refuses keys set twice', async () => {
    writeFileSync(join(dir, 'ok.yaml'), 'component_id: tank\nnodes:\n  - { node_id: "ns=1;i=5", data_name: level }\n');
    const c = await parseOpcuaConfig({ endpoint_url: base.endpoint_url, node_map_path: join(dir, 'ok.yaml') }, {});
    expect(c.component_id).toBe('tank');
    expect(c.nodes[0].data_name).toBe('level');
    await refused({ ...base, node_map_path: join(dir, 'ok.yaml') }, 'nodes');
    await refused({ endpoint_url: base.endpoint_url, node_map_path: join(dir, 'missing.yaml') }, 'node_map_path');
    writeFileSync(join(dir, 'big.yaml'), `# ${'x'.repeat(1_100_000)}\n`);
    await refused({ endpoint_url: base.endpoint_url, node_map_path: join(dir, 'big.yaml') }, 'node_map_path');
    writeFileSync(join(dir, 'bad.yaml'), 'nodes: [\n');
    await refused({ endpoint_url: base.endpoint_url, node_map_path: join(dir, 'bad.yaml') }, 'node_map_path');
    writeFileSync(join(dir, 'list.yaml'), '- a\n');
    await refused({ endpoint_url: base.endpoint_url, node_map_path: join(dir, 'list.yaml') }, 'node_map_path');
    writeFileSync(join(dir, 'extra.yaml'), 'endpoint_url: opc.tcp://evil:1\nnodes: []\n');
    await refused({ endpoint_url: base.endpoint_url, node_map_path: join(dir, 'extra.yaml') }, 'node_map_path.endpoint_url');
  });

  it('takes credentials from the environment and never echoes them', async () => {
    const user = { ...base, user_auth_mode: 'UsernamePassword', username: 'operator', password_env: 'PLC_PW' };
    const c = await parseOpcuaConfig(user, { PLC_PW: 's3cret-pw' });
    expect(c).toMatchObject({ username: 'operator', password: 's3cret-pw' });
    const missing = await refused(user, 'password_env', {});
    expect(missing.message).toContain('PLC_PW');
    await refused({ ...user, password: 's3cret-pw' }, 'password', { PLC_PW: 'x' }); // both set
    const noPw = await refused({ ...base, user_auth_mode: 'UsernamePassword', username: 'operator' }, 'user_auth_mode');
    const anon = await refused({ ...base, password: 's3cret-pw' }, 'user_auth_mode');
    for (const e of [missing, noPw, anon]) expect(e.message).not.toContain('s3cret-pw');
    await refused({ ...user, password_env: 'PLC PW; rm -rf' }, 'password_env');
  });

  it('parses NodeId strings of every identifier kind', () => {
    for (const ok of ['i=2253', 'ns=1;s=Temperature', 'ns=3;g=09087e75-8e5e-499b-954f-f2a9603db28a', 'ns=2;b=M/RbKBsRVkePCePcx24oRA==', 'ns=65535;i=4294967295']) expect(parseNodeId(ok)).toBeUndefined();
    for (const bad of ['', 'ns=1', 'ns=1;s=', 'ns=1;g=nope', 'ns=1;b=!!', 'ns=;i=1', 'x=1', 'i=-1']) expect(parseNodeId(bad), bad).toBeTypeOf('string');
  });
});

describe('a gateway with a bad opcua configuration', () => {
  it('keeps running with the plugin disabled and the named error on /health', async () => {
    const g = await startTestGateway({
      defaults: true,
      flags: {
        plugins: ['opcua'],
        'plugins.opcua.endpoint_url': 'opc.tcp://127.0.0.1:4840',
        'plugins.opcua.password': 'hunter2-secret',
        'plugins.opcua.nodes': [{ node_id: 'ns=2;s=T', data_name: 't' }],
      },
    });
    try {
      const h = await http(`${g.url}/api/v1/health`);
      expect(h.status).toBe(200);
      const p = (h.body['x-medkit-plugins'] as { name: string; state: string; error: string }[]).find((x) => x.name === 'opcua');
      expect(p).toMatchObject({ name: 'opcua', state: 'disabled' });
      expect(p!.error).toContain('plugins.opcua.user_auth_mode');
      expect(JSON.stringify(h.body)).not.toContain('hunter2-secret');
      expect((await http(`${g.url}/api/v1/components/opcua_plc`)).status).toBe(404);
      // The OPC-UA library is an optional dependency loaded only by a configured plugin (opcua.test.ts sees it loaded).
      expect(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('node-opcua'))).toEqual([]);
    } finally {
      await g.close();
    }
  }, 120_000);
});
