// The worked example (examples/plugin-acme-sensors), loaded by path from the config file of a running
// default gateway joined to a ROS domain where a robot process publishes /rosout: its component in the
// tree, data and an operation through the normal routes (locks honoured), its vendor routes in /docs,
// and its log backend fed from /rosout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { testDomain } from '../../../../test-support/domains.js';
import { buildRos2, eventually, http, startRobot, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/plugin-acme-sensors/index.js', import.meta.url));
const DOMAIN = testDomain(215);

let robot: RobotProcess;
let gateway: Gateway;
let url: string;
let dir: string;

beforeAll(async () => {
  buildRos2();
  dir = mkdtempSync(join(tmpdir(), 'medkit-plugin-example-'));
  const configFile = join(dir, 'gateway.yaml');
  // The reference's flat form: the list, then dotted per-plugin keys (nested sub-keys become objects).
  writeFileSync(
    configFile,
    [
      'plugins: [acme]',
      `plugins.acme.path: ${JSON.stringify(EXAMPLE)}`,
      'plugins.acme.hub.id: acme_hub',
      'plugins.acme.setpoint: 20',
      'logging.level: silent',
      `data_dir: ${JSON.stringify(join(dir, 'data'))}`,
      'ros.enabled: true',
      `ros.domain_id: ${DOMAIN}`,
      'ros.localhost_only: true',
      'discovery.refresh_debounce_ms: 0',
      'ui.enabled: false',
    ].join('\n'),
  );
  robot = await startRobot(DOMAIN, { only: ['battery'] });
  const config = loadConfig({ configFile, env: {}, extraKeys: FEATURE_KEYS });
  gateway = await createGateway({ config, features: defaultFeatures(config) });
  url = `${await gateway.listen(0)}/api/v1`;
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await robot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('example plugin loaded by path from the config file', () => {
  it('shows its component in the tree with its metadata, capability and the configured id', async () => {
    const list = await http(`${url}/components`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain('acme_hub');
    const d = await http(`${url}/components/acme_hub`);
    expect(d.status).toBe(200);
    expect(d.body.name).toBe('ACME sensor hub');
    expect(d.body['x-medkit'].plugins).toEqual({ acme: { vendor: 'ACME', firmware: '2.4.1' } });
    const caps = d.body.capabilities.map((c: { name: string }) => c.name);
    expect(caps).toEqual(expect.arrayContaining(['data', 'operations', 'x-acme-diagnostics']));
    const health = await http(`${url}/health`);
    expect(health.body['x-medkit-plugins']).toEqual([expect.objectContaining({ name: 'acme', state: 'active', owned_entities: 1, providers: ['introspection', 'data', 'operations', 'logs'] })]);
  });

  it('serves its data through the data routes, verbatim, with the plugin config applied', async () => {
    const list = await http(`${url}/components/acme_hub/data`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual(['temperature', 'humidity', 'setpoint']);
    expect(list.body['x-medkit']).toEqual({ entity_id: 'acme_hub', source: 'acme' });
    expect((await http(`${url}/components/acme_hub/data/setpoint`)).body).toEqual({ id: 'setpoint', data: { celsius: 20 } });
    const missing = await http(`${url}/components/acme_hub/data/pressure`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('resource-not-found');
  });

  it('writes data and runs its operation only for the lock holder', async () => {
    const lock = await http(`${url}/components/acme_hub/locks`, { method: 'POST', headers: { 'X-Client-Id': 'alice' }, json: { lock_expiration: 60 } });
    expect(lock.status).toBe(201);
    const asBob = await http(`${url}/components/acme_hub/data/setpoint`, { method: 'PUT', headers: { 'X-Client-Id': 'bob' }, json: { data: { celsius: 25 } } });
    expect(asBob.status).toBe(409);
    const runAsBob = await http(`${url}/components/acme_hub/operations/recalibrate/executions`, { method: 'POST', headers: { 'X-Client-Id': 'bob' }, json: { parameters: { offset: 1 } } });
    expect(runAsBob.status).toBe(409);

    const asAlice = await http(`${url}/components/acme_hub/data/setpoint`, { method: 'PUT', headers: { 'X-Client-Id': 'alice' }, json: { data: { celsius: 25 } } });
    expect(asAlice.status).toBe(200);
    expect(asAlice.body).toEqual({ id: 'setpoint', data: { celsius: 25 } });
    const bad = await http(`${url}/components/acme_hub/data/setpoint`, { method: 'PUT', headers: { 'X-Client-Id': 'alice' }, json: { data: { celsius: 99 } } });
    expect(bad.status).toBe(400);
    const readOnly = await http(`${url}/components/acme_hub/data/temperature`, { method: 'PUT', headers: { 'X-Client-Id': 'alice' }, json: { data: 1 } });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-plugin-error', parameters: { plugin: 'acme', plugin_error_code: 'x-acme-read-only' } });

    const ops = await http(`${url}/components/acme_hub/operations`);
    expect(ops.body.items.map((i: { id: string }) => i.id)).toEqual(['recalibrate']);
    expect((await http(`${url}/components/acme_hub/operations/recalibrate`)).body.item.id).toBe('recalibrate');
    const run = await http(`${url}/components/acme_hub/operations/recalibrate/executions`, { method: 'POST', headers: { 'X-Client-Id': 'alice' }, json: { parameters: { offset: 1 } } });
    expect(run.status).toBe(200);
    expect(run.body).toEqual({ parameters: { calibrations: 1, offset: 1 } });
  });

  it('serves its vendor routes and describes them in /api/v1/docs', async () => {
    expect((await http(`${url}/x-acme/status`)).body).toMatchObject({ hub: 'acme_hub', calibrations: 1 });
    expect((await http(`${url}/components/acme_hub/x-acme-diagnostics`)).body).toEqual({ id: 'acme_hub', self_test: 'passed', setpoint: 25 });
    const unknown = await http(`${url}/components/nope/x-acme-diagnostics`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('entity-not-found');
    const notRouted = await http(`${url}/x-acme/nothing`);
    expect(notRouted.status).toBe(404);
    expect(notRouted.body.error_code).toBe('resource-not-found');
    const docs = await http(`${url}/docs`);
    expect(docs.body.paths['/x-acme/status'].get.operationId).toBe('getAcmeStatus');
    expect(docs.body.paths['/components/{component_id}/x-acme-diagnostics']).toBeDefined();
  });

  it('feeds its log backend from /rosout of the robot process', async () => {
    const status = await eventually(async () => {
      const s = await http(`${url}/x-acme/status`);
      return s.body.recent_warnings?.some((w: { message: string }) => w.message === 'battery monitor starting') ? s : undefined;
    }, 'the WARN entry in the plugin log backend', 60_000);
    expect(status.body.observed_log_entries).toBeGreaterThan(0);
    expect(status.body.recent_warnings[0]).toMatchObject({ severity: 'warning', source: expect.stringContaining('battery_monitor') });
  });
});
