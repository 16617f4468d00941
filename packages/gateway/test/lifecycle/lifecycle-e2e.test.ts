// Status and lifecycle transitions against the fixture robot in another process (testDomain(33)): a managed
// node driven through start / restart / shutdown, a plain node (501), transitions not available (409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifecycleFeature } from '../../src/lifecycle/index.js';
import { buildRos2, eventually, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(33);
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  robot = await startRobot(DOMAIN, { only: ['lifecycle', 'plain'] });
  g = await startRosGateway(DOMAIN, [createLifecycleFeature()]);
  await waitForApp(g, 'lifecycle_node');
  await waitForApp(g, 'plain_node');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const status = (app: string) => `${g.url}/api/v1/apps/${app}/status`;
const stateOf = async (app: string) => (await http(status(app))).body['x-medkit']?.lifecycle_state as string | undefined;

describe('status and lifecycle of ROS nodes in another process', () => {
  const TRANSITIONS = ['start', 'restart', 'force-restart', 'shutdown', 'force-shutdown'];
  const offered = (body: Record<string, unknown>) => TRANSITIONS.filter((t) => t in body);

  it('a managed node starts unconfigured: notReady, offering only the transitions unconfigured allows', async () => {
    const r = await eventually(async () => {
      const s = await http(status('lifecycle_node'));
      return s.body['x-medkit']?.lifecycle_state === 'unconfigured' ? s : undefined;
    }, 'managed status');
    expect(r.body).toMatchObject({
      status: 'notReady',
      start: '/api/v1/apps/lifecycle_node/status/start',
      'force-restart': '/api/v1/apps/lifecycle_node/status/force-restart',
      shutdown: '/api/v1/apps/lifecycle_node/status/shutdown',
      'force-shutdown': '/api/v1/apps/lifecycle_node/status/force-shutdown',
    });
    // restart needs an inactive or active node.
    expect(offered(r.body)).toEqual(['start', 'force-restart', 'shutdown', 'force-shutdown']);
  });

  it('restart is not available while unconfigured (409); start configures and activates (202 + Location)', async () => {
    const no = await http(`${status('lifecycle_node')}/restart`, { method: 'PUT' });
    expect(no.status).toBe(409);
    expect(no.body).toMatchObject({ error_code: 'precondition-not-fulfilled', parameters: { lifecycle_state: 'unconfigured' } });
    const r = await http(`${status('lifecycle_node')}/start`, { method: 'PUT' });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe('/api/v1/apps/lifecycle_node/status');
    expect(r.body).toEqual({ transition: 'start', status: '/api/v1/apps/lifecycle_node/status' });
    await eventually(async () => (await stateOf('lifecycle_node')) === 'active', 'active');
    const s = await http(status('lifecycle_node'));
    expect(s.body.status).toBe('ready');
    // start is done: an active node offers everything but start.
    expect(offered(s.body)).toEqual(['restart', 'force-restart', 'shutdown', 'force-shutdown']);
    expect(s.body['x-medkit'].last_transition).toMatchObject({ transition: 'start', state: 'succeeded', steps: ['configure', 'activate'] });
    await robot.waitForLine(/^lifecycle activating -> active$/);
    const again = await http(`${status('lifecycle_node')}/start`, { method: 'PUT' });
    expect(again.status).toBe(409);
  });

  it('restart runs deactivate, cleanup, configure, activate; shutdown finalizes', async () => {
    expect((await http(`${status('lifecycle_node')}/restart`, { method: 'PUT' })).status).toBe(202);
    await eventually(async () => (await http(status('lifecycle_node'))).body['x-medkit'].last_transition?.state === 'succeeded', 'restart done');
    const s = await http(status('lifecycle_node'));
    expect(s.body['x-medkit'].last_transition.steps).toEqual(['deactivate', 'cleanup', 'configure', 'activate']);
    expect(s.body.status).toBe('ready');
    expect((await http(`${status('lifecycle_node')}/shutdown`, { method: 'PUT' })).status).toBe(202);
    await eventually(async () => (await stateOf('lifecycle_node')) === 'finalized', 'finalized');
    expect(offered((await http(status('lifecycle_node'))).body)).toEqual([]);
    const after = await http(`${status('lifecycle_node')}/force-restart`, { method: 'PUT' });
    expect(after.status).toBe(409);
  });

  it('a plain node is ready while online and has no transitions (501)', async () => {
    const s = await http(status('plain_node'));
    expect(s.body).toEqual({ status: 'ready' });
    const r = await http(`${status('plain_node')}/start`, { method: 'PUT' });
    expect(r.status).toBe(501);
    expect(r.body.error_code).toBe('not-implemented');
  });

  it('the host component is always ready; unknown entities 404', async () => {
    const host = (await http(`${g.url}/api/v1/components`)).body.items[0].id;
    expect((await http(`${g.url}/api/v1/components/${host}/status`)).body).toEqual({ status: 'ready' });
    expect((await http(status('nobody'))).status).toBe(404);
    expect((await http(`${g.url}/api/v1/components/${host}/status/start`, { method: 'PUT' })).status).toBe(501);
  });
});
