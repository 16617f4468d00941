// Our clients against a server of ours running in ANOTHER process (test/fixtures/robot-node.mjs on
// the compiled package): action round trip with feedback and cancel, parameters, lifecycle,
// runtime type lookup, and calls that must end by their deadline (silent server, abort, SIGKILL).
// ROS domain 60 belongs to this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelReturnCode, GoalStatus, ParameterType, RosAbortedError, RosTimeoutError, RosUnavailableError, TypeRegistry, type RosContext, type RosNode } from '../src/index.js';
import { buildRos2, killFixtures, startFixture, type FixtureProcess } from './support/fixture-process.js';
import { closeContexts, context, until } from './support/contexts.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(29);
let fixture: FixtureProcess;
let ros: RosContext;
let node: RosNode;

beforeAll(async () => {
  buildRos2();
  fixture = await startFixture('robot-node.mjs', [String(DOMAIN)]);
  // A registry of our own, without the fixture's custom type.
  ros = await context(DOMAIN, { types: new TypeRegistry() });
  node = ros.createNode('tester');
  await ros.graph.waitFor((g) => g.node('/fx/robot') !== undefined && g.node('/fx/arm') !== undefined, { timeoutMs: 20_000 });
}, 300_000);

afterAll(async () => {
  await closeContexts();
  killFixtures();
});

describe('a server in another process', () => {
  it('appears in the graph with its action, services and the fixture participant', () => {
    const robot = ros.graph.node('/fx/robot')!;
    expect(robot.participantGuid).toBe(fixture.guid);
    expect(robot.actionServers).toEqual([{ name: '/fx/fibonacci', type: 'example_interfaces/action/Fibonacci' }]);
    expect(robot.serviceServers.map((s) => s.name)).toEqual(expect.arrayContaining(['/fx/robot/get_parameters', '/fx/robot/get_type_description', '/fx/silent']));
    expect(ros.graph.node('/fx/arm')!.serviceServers.map((s) => s.name)).toEqual(expect.arrayContaining(['/fx/arm/change_state', '/fx/arm/get_state']));
  });

  it('runs an action: goal, feedback, result; then a cancel', async () => {
    const client = node.createActionClient('/fx/fibonacci', 'example_interfaces/action/Fibonacci');
    const goal = await client.sendGoal({ order: 6 }, { timeoutMs: 15_000 });
    expect(goal.accepted).toBe(true);
    const feedback: number[][] = [];
    const statuses: number[] = [];
    goal.on('feedback', (f) => feedback.push(f.sequence as number[]));
    goal.on('status', (s) => statuses.push(s));
    expect(await goal.result({ timeoutMs: 15_000 })).toEqual({ status: GoalStatus.SUCCEEDED, result: { sequence: [0, 1, 1, 2, 3, 5, 8] } });
    expect(feedback.at(-1)).toEqual([0, 1, 1, 2, 3, 5, 8]);
    expect(statuses).toContain(GoalStatus.SUCCEEDED);

    const rejected = await client.sendGoal({ order: -1 });
    expect(rejected.accepted).toBe(false);

    const long = await client.sendGoal({ order: 500 });
    await until(() => long.status === GoalStatus.EXECUTING, 'the long goal to execute');
    const cancel = await long.cancel({ timeoutMs: 5000 });
    expect(cancel.returnCode).toBe(CancelReturnCode.ERROR_NONE);
    expect(cancel.goalsCanceling.map((g) => Buffer.from(g.goal_id.uuid).toString('hex'))).toEqual([long.id]);
    expect((await long.result({ timeoutMs: 10_000 })).status).toBe(GoalStatus.CANCELED);
    expect((await long.cancel()).returnCode).toBe(CancelReturnCode.ERROR_GOAL_TERMINATED);
  });

  it('lists, gets, describes and sets parameters with the server enforcing types, ranges and read-only', async () => {
    const params = node.parameterClient('/fx/robot');
    expect((await params.list([], 0, { timeoutMs: 15_000 })).names.sort()).toEqual(['max_speed', 'retries', 'robot_name', 'waypoints']);
    expect(await params.get(['max_speed', 'waypoints', 'nope'])).toEqual([
      { name: 'max_speed', type: ParameterType.DOUBLE, value: 1 },
      { name: 'waypoints', type: ParameterType.STRING_ARRAY, value: ['dock', 'lab'] },
      { name: 'nope', type: ParameterType.NOT_SET, value: null },
    ]);
    const [speed] = await params.describe(['max_speed']);
    expect(speed).toMatchObject({ type: ParameterType.DOUBLE, description: 'top speed in m/s', read_only: false, floating_point_range: [{ from_value: 0, to_value: 2, step: 0 }] });
    expect((await params.describe(['robot_name']))[0].read_only).toBe(true);
    const results = await params.set([
      { name: 'max_speed', value: 1.25 },
      { name: 'max_speed', value: 3.5 },
      { name: 'robot_name', value: 'other' },
      { name: 'retries', value: 7 },
      { name: 'retries', value: 'seven' },
    ]);
    expect(results.map((r) => r.successful)).toEqual([true, false, false, true, false]);
    expect(await params.get(['max_speed', 'retries'])).toEqual([
      { name: 'max_speed', type: ParameterType.DOUBLE, value: 1.25 },
      { name: 'retries', type: ParameterType.INTEGER, value: 7 },
    ]);
    expect(await params.setAtomically([{ name: 'max_speed', value: 0.5 }, { name: 'retries', value: 11 }])).toMatchObject({ successful: false });
    expect((await params.get(['max_speed']))[0].value).toBe(1.25);
  });

  it('drives the lifecycle node', async () => {
    const lc = node.lifecycleClient('/fx/arm');
    expect(await lc.getState({ timeoutMs: 15_000 })).toEqual({ id: 1, label: 'unconfigured' });
    expect(await lc.changeState('configure')).toBe(true);
    expect(await lc.changeState('activate')).toBe(true);
    expect((await lc.getState()).label).toBe('active');
    expect((await lc.getAvailableStates()).map((s) => s.label)).toContain('finalized');
    expect(await lc.changeState('deactivate')).toBe(true);
    expect(await lc.changeState('cleanup')).toBe(false);
    await fixture.waitForLine(/^activated$/);
  });

  it('learns an unknown type through get_type_description and then decodes it', async () => {
    expect(ros.types.has('fx_msgs/msg/Status')).toBe(false);
    await ros.graph.waitFor((g) => g.publishersOf('/fx/status').length > 0, { timeoutMs: 10_000 });
    const registered = await ros.typeLookup.ensure('fx_msgs/msg/Status', { timeoutMs: 10_000 });
    expect(registered).toContain('fx_msgs/msg/Status');
    const got: Array<Record<string, unknown>> = [];
    node.createSubscription('/fx/status', 'fx_msgs/msg/Status', (m) => got.push(m));
    await until(() => got.length > 0, 'a Status message');
    expect(got[0]).toMatchObject({ label: 'ok', pose: [1, 2, 3] });
  });

  it('times out on a server that never answers and cancels on abort, leaving nothing pending', async () => {
    const silent = node.createClient('/fx/silent', 'example_interfaces/srv/AddTwoInts');
    await silent.waitForService({ timeoutMs: 15_000 });
    await expect(silent.call({ a: 1, b: 2 }, { timeoutMs: 400 })).rejects.toBeInstanceOf(RosTimeoutError);
    const ac = new AbortController();
    const call = silent.call({ a: 1, b: 2 }, { timeoutMs: 30_000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user gave up')), 100);
    await expect(call).rejects.toBeInstanceOf(RosAbortedError);
    expect(silent.pendingCount).toBe(0);
  });

  it('fails pending calls within their deadline when the server process is SIGKILLed', async () => {
    const params = node.parameterClient('/fx/robot');
    await params.list([], 0, { timeoutMs: 15_000 });
    const silent = node.createClient('/fx/silent', 'example_interfaces/srv/AddTwoInts');
    await silent.waitForService({ timeoutMs: 15_000 });
    const pending = silent.call({ a: 1, b: 2 }, { timeoutMs: 2000 }).catch((e: unknown) => e);
    fixture.child.kill('SIGKILL');
    await fixture.exited;
    const err = await pending;
    expect(err).toBeInstanceOf(RosTimeoutError);
    const after = await params.get(['max_speed'], { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(after instanceof RosTimeoutError || after instanceof RosUnavailableError).toBe(true);
    expect(silent.pendingCount).toBe(0);
  });
});
