// Operations against the fixture robot in another process (testDomain(32)): a service as a synchronous
// execution, an action as an asynchronous one (status, feedback, result, cancel; owned by the entity it was
// started on), bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperationsFeature } from '../../src/operations/index.js';
import { OPERATIONS_SERVICE } from '../../src/operations/feature.js';
import { AsyncStartedSchema, ExecutionSchema, SyncResultSchema } from '../../src/operations/rest-shape.js';
import { ENTITIES_SERVICE } from '../../src/entities/service.js';
import { shapeProblems } from '../../../../test-support/rest-shape.js';
import { buildRos2, eventually, http, startRobot, startRosGateway, waitForApp, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(32);
let robot: RobotProcess;
let g: TestGateway;

beforeAll(async () => {
  buildRos2();
  robot = await startRobot(DOMAIN, { only: ['battery', 'hung'] });
  g = await startRosGateway(DOMAIN, [createOperationsFeature()], { service_call_timeout_sec: 3 });
  await waitForApp(g, 'battery_monitor');
  await eventually(async () => (await http(`${g.url}/api/v1/apps/battery_monitor/operations`)).body.items?.length >= 3, 'operations');
}, 120_000);

afterAll(async () => {
  await g?.close();
  await robot?.stop();
});

const ops = (p = '') => `${g.url}/api/v1/apps/battery_monitor/operations${p}`;

describe('operations of a ROS node in another process', () => {
  it('lists services and actions with type info', async () => {
    const r = await http(ops());
    expect(r.status).toBe(200);
    const add = r.body.items.find((i: { id: string }) => i.id === 'add_two_ints');
    expect(add).toMatchObject({
      name: 'add_two_ints',
      proximity_proof_required: false,
      asynchronous_execution: false,
      'x-medkit': { ros2: { service: '/demo/add_two_ints', type: 'example_interfaces/srv/AddTwoInts', kind: 'service' }, entity_id: 'battery_monitor' },
    });
    expect(Object.keys(add['x-medkit'].type_info.request.properties)).toEqual(['a', 'b']);
    const fib = r.body.items.find((i: { id: string }) => i.id === 'fibonacci');
    expect(fib).toMatchObject({ asynchronous_execution: true, 'x-medkit': { ros2: { action: '/demo/fibonacci', type: 'example_interfaces/action/Fibonacci', kind: 'action' } } });
    expect(fib['x-medkit'].type_info.goal.properties.order).toBeDefined();
    expect((await http(ops('/fibonacci'))).body.item.id).toBe('fibonacci');
  });

  it('runs a service synchronously and validates the request', async () => {
    const r = await http(ops('/add_two_ints/executions'), { method: 'POST', json: { parameters: { a: 2, b: 40 } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ parameters: { sum: 42 } });
    const legacy = await http(ops('/reset/executions'), { method: 'POST', json: {} });
    expect(legacy.body).toEqual({ parameters: { success: true, message: 'reset done' } });
    const bad = await http(ops('/add_two_ints/executions'), { method: 'POST', json: { parameters: { a: 'two' } } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: 'invalid-request', parameters: { field: '/a' } });
    expect((await http(ops('/add_two_ints/executions'))).body).toEqual({ items: [] });
  });

  it("builds a service's result, a started goal and its finished execution exactly as their route's schema (issue 58)", async () => {
    const services = g.gateway.ctx.services;
    const ref = { type: 'app' as const, entity: services.get(ENTITIES_SERVICE).cache.get('app', 'battery_monitor')! };
    const operations = services.get(OPERATIONS_SERVICE);
    const sync = await operations.execute(ref, 'add_two_ints', { parameters: { a: 1, b: 2 } });
    expect(sync).toMatchObject({ kind: 'sync', body: { parameters: { sum: 3 } } });
    expect(shapeProblems(SyncResultSchema, [], sync.body)).toEqual([]);
    const started = await operations.execute(ref, 'fibonacci', { parameters: { order: 3 } });
    expect(started.kind).toBe('async');
    expect(shapeProblems(AsyncStartedSchema, [], started.body)).toEqual([]);
    const id = (started as { id: string }).id;
    const done = await eventually(async () => {
      const e = operations.getExecution(ref, 'fibonacci', id);
      return e.status === 'completed' && e['x-medkit'] ? e : undefined;
    }, 'completed goal');
    expect(shapeProblems(ExecutionSchema, [], done)).toEqual([]);
  });

  it('answers 404 operation-not-found for an unknown operation', async () => {
    const r = await http(ops('/no_such_op/executions'), { method: 'POST', json: {} });
    expect(r.status).toBe(404);
    expect(r.body.error_code).toBe('operation-not-found');
    expect((await http(ops('/no_such_op'))).body.error_code).toBe('operation-not-found');
  });

  it('runs an action: 202 + Location, feedback, completed with x-medkit.result, listed', async () => {
    const r = await http(ops('/fibonacci/executions'), { method: 'POST', json: { parameters: { order: 6 } } });
    expect(r.status).toBe(202);
    expect(r.body.status).toBe('running');
    expect(r.body.id).toMatch(/^[0-9a-f]{32}$/);
    const loc = r.headers.get('location')!;
    expect(loc).toBe(`/api/v1/apps/battery_monitor/operations/fibonacci/executions/${r.body.id}`);
    const done = await eventually(async () => {
      const e = await http(`${g.url}${loc}`);
      return e.body.status === 'completed' && e.body['x-medkit'].result ? e : undefined;
    }, 'completed goal');
    expect(done.body).toMatchObject({ id: r.body.id, capability: 'execute', 'x-medkit': { goal_id: r.body.id, ros2_status: 'succeeded', result: { sequence: [0, 1, 1, 2, 3, 5, 8] } } });
    expect(done.body.parameters.sequence.length).toBeGreaterThan(2);
    const list = await http(ops('/fibonacci/executions'));
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(r.body.id);
    // The execution belongs to the app it was started on (the reference's 0.7.0, #591): through the
    // component that hosts the app (and serves the same action) it is 404, for reading, stopping and
    // cancelling, and the component's listing leaves it out; a goal started there is the component's.
    const component = (await http(`${g.url}/api/v1/apps/battery_monitor`)).body['is-located-on'] as string;
    const viaComponent = ((await http(`${g.url}${component}/operations`)).body.items as { id: string; 'x-medkit': { ros2: { action?: string } } }[]).find((i) => i['x-medkit'].ros2.action === '/demo/fibonacci')!;
    const other = `${g.url}${component}/operations/${encodeURIComponent(viaComponent.id)}/executions`;
    expect((await http(`${other}/${r.body.id}`)).status).toBe(404);
    expect((await http(`${other}/${r.body.id}`, { method: 'PUT', json: { capability: 'stop' } })).status).toBe(404);
    expect((await http(`${other}/${r.body.id}`, { method: 'DELETE' })).body.error_code).toBe('resource-not-found');
    expect((await http(other)).body.items.map((i: { id: string }) => i.id)).not.toContain(r.body.id);
    const started = await http(other, { method: 'POST', json: { parameters: { order: 3 } } });
    expect(started.status).toBe(202);
    expect((await http(`${g.url}${started.headers.get('location')}`)).status).toBe(200);
    expect((await http(ops(`/fibonacci/executions/${started.body.id}`))).status).toBe(404);
    // Cancel of a finished execution: rejected with return code 3.
    const late = await http(`${g.url}${loc}`, { method: 'DELETE' });
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ vendor_code: 'x-medkit-ros2-action-rejected', parameters: { return_code: 3 } });
  });

  it('cancels a running goal through PUT stop, and DELETE on another', async () => {
    const a = await http(ops('/fibonacci/executions'), { method: 'POST', json: { goal: { order: 200 } } });
    expect(a.status).toBe(202);
    const loc = a.headers.get('location')!;
    await eventually(async () => (await http(`${g.url}${loc}`)).body.parameters, 'first feedback');
    const stop = await http(`${g.url}${loc}`, { method: 'PUT', json: { capability: 'stop' } });
    expect(stop.status).toBe(202);
    expect(stop.headers.get('location')).toBe(loc);
    const end = await eventually(async () => {
      const e = await http(`${g.url}${loc}`);
      return e.body['x-medkit'].ros2_status === 'canceled' ? e : undefined;
    }, 'canceled goal');
    expect(end.body.status).toBe('failed');
    const exec = await http(`${g.url}${loc}`, { method: 'PUT', json: { capability: 'execute' } });
    expect(exec.status).toBe(409);
    const freeze = await http(`${g.url}${loc}`, { method: 'PUT', json: { capability: 'freeze' } });
    expect(freeze.status).toBe(400);

    const b = await http(ops('/fibonacci/executions'), { method: 'POST', json: { parameters: { order: 200 } } });
    const del = await http(`${g.url}${b.headers.get('location')}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await http(ops('/fibonacci/executions/0123456789abcdef0123456789abcdef'))).status).toBe(404);
  });

  it('reports a rejected goal', async () => {
    const r = await http(ops('/fibonacci/executions'), { method: 'POST', json: { parameters: { order: -1 } } });
    expect(r.status).toBe(400);
    expect(r.body.vendor_code).toBe('x-medkit-ros2-action-rejected');
  });

  it('a service that never answers ends in a service-unavailable error after the deadline', async () => {
    await waitForApp(g, 'hung_node');
    const r = await http(`${g.url}/api/v1/apps/hung_node/operations/stuck/executions`, { method: 'POST', json: {} });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ vendor_code: 'x-medkit-ros2-service-unavailable', parameters: { reason: 'timeout' } });
    expect(r.body.message).toContain('no answer within service_call_timeout_sec (3 s)');
    // A second call times out too: the node is alive and its service no longer answers, and /health says so (issue 66).
    expect((await http(`${g.url}/api/v1/apps/hung_node/operations/stuck/executions`, { method: 'POST', json: {} })).status).toBe(500);
    const health = (await http(`${g.url}/api/v1/health`)).body;
    expect(health.status).toBe('degraded');
    const w = health.warnings.find((x: { code: string }) => x.code === 'ros_requests_unanswered');
    expect(w.message).toMatch(/1 service\(s\) of live nodes no longer answer the gateway's calls: \S*\/stuck of \S*hung_node \(2 calls timed out in a row over \d+ s\)/);
    expect(w.ros_node_fqns).toEqual([expect.stringMatching(/hung_node$/)]);
    expect(health['x-medkit-ros'].unanswered_services).toEqual([expect.objectContaining({ service: expect.stringMatching(/\/stuck$/), timed_out: 2 })]);
    // A service that answers is not listed.
    expect(health['x-medkit-ros'].unanswered_services.some((u: { service: string }) => u.service.endsWith('add_two_ints'))).toBe(false);
  }, 30_000);

  it("executes on POST to the operation itself, as the reference's Postman collection does", async () => {
    const sync = await http(ops('/add_two_ints'), { method: 'POST', json: { parameters: { a: 20, b: 22 } } });
    expect(sync.status).toBe(200);
    expect(sync.body).toEqual({ parameters: { sum: 42 } });
    const path = await http(ops('/demo/add_two_ints'), { method: 'POST', json: { parameters: { a: 1, b: 2 } } });
    expect(path.status).toBe(200);
    expect(path.body.parameters.sum).toBe(3);
    // An action goal: 202 and the Location of its execution resource, which then completes.
    const goal = await http(ops('/fibonacci'), { method: 'POST', json: { parameters: { order: 4 } } });
    expect(goal.status).toBe(202);
    expect(goal.headers.get('location')).toBe(`/api/v1/apps/battery_monitor/operations/fibonacci/executions/${goal.body.id}`);
    const done = await eventually(async () => {
      const e = await http(`${g.url}${goal.headers.get('location')}`);
      return e.body.status === 'completed' ? e : undefined;
    }, 'completed goal');
    expect(done.body['x-medkit'].result).toEqual({ sequence: [0, 1, 1, 2, 3] });
    // Bad input answers as on …/executions.
    const bad = await http(ops('/add_two_ints'), { method: 'POST', json: { parameters: { a: 'two' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('invalid-request');
    const unknown = await http(ops('/no_such_op'), { method: 'POST', json: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('operation-not-found');
    const notJson = await fetch(ops('/add_two_ints'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"parameters":' });
    expect(notJson.status).toBe(400);
    expect((await http(ops(`/fibonacci/executions/${goal.body.id}`), { method: 'POST', json: {} })).status).toBe(404);
  });

  it('addresses operations by ROS path (multi-segment) and qualifies on the function', async () => {
    const r = await http(ops('/demo/add_two_ints/executions'), { method: 'POST', json: { parameters: { a: 1, b: 1 } } });
    expect(r.status).toBe(200);
    expect(r.body.parameters.sum).toBe(2);
    const f = await http(`${g.url}/api/v1/functions/demo/operations`);
    expect(f.body.items.find((i: { id: string }) => i.id === 'add_two_ints')['x-medkit'].member_ids).toEqual(['battery_monitor']);
    // The execution list resolves on a Function (the reference 0.7.0 answered 404 there, #591) and holds the
    // goals started through it.
    const started = await http(`${g.url}/api/v1/functions/demo/operations/fibonacci/executions`, { method: 'POST', json: { parameters: { order: 2 } } });
    expect(started.status).toBe(202);
    const listed = await http(`${g.url}/api/v1/functions/demo/operations/fibonacci/executions`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(started.body.id);
  });
});
