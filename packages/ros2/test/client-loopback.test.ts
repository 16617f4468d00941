// Two of our own contexts on 127.0.0.1 (ROS domain 50): graph, topics, services, actions,
// parameters, lifecycle and /rosout between them, in one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoalStatus, LifecycleState, RosAbortedError, RosTimeoutError, RosUnavailableError, TypeRegistry, type RosContext, type RosLogEntry } from '../src/index.js';
import { closeContexts, context, until } from './support/contexts.js';
import dgram from 'node:dgram';
import { Bytes, data, header, sn } from '../../../test-support/rtps-fuzz/datagrams.js';
import { DISCOVERY_INFO_TOPIC, encodeDiscoveryInfo } from '../src/index.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(21);
let a: RosContext;
let b: RosContext;

beforeAll(async () => {
  a = await context(DOMAIN);
  b = await context(DOMAIN);
});
afterAll(closeContexts);

describe('graph between two of our contexts', () => {
  it('shows the other context node with its topics, services and parameter services', async () => {
    const node = a.createNode('graph_talker', '/demo');
    node.createPublisher('chatter', 'std_msgs/msg/String');
    node.createService('add', 'example_interfaces/srv/AddTwoInts', (r) => ({ sum: Number(r.a) + Number(r.b) }));
    await b.graph.waitFor((g) => g.node('/demo/graph_talker')?.serviceServers.some((s) => s.name === '/demo/add') === true, { timeoutMs: 10_000 });
    const seen = b.graph.node('/demo/graph_talker')!;
    expect(seen.local).toBe(false);
    expect(seen.vendor).toBe('medkit');
    expect(seen.enclave).toBe('/');
    expect(seen.publishers.map((p) => [p.rosName, p.rosType])).toEqual(
      expect.arrayContaining([
        ['/demo/chatter', 'std_msgs/msg/String'],
        ['/rosout', 'rcl_interfaces/msg/Log'],
        ['/parameter_events', 'rcl_interfaces/msg/ParameterEvent'],
      ]),
    );
    expect(seen.serviceServers.map((s) => [s.name, s.type])).toEqual(
      expect.arrayContaining([
        ['/demo/add', 'example_interfaces/srv/AddTwoInts'],
        ['/demo/graph_talker/get_parameters', 'rcl_interfaces/srv/GetParameters'],
        ['/demo/graph_talker/set_parameters', 'rcl_interfaces/srv/SetParameters'],
      ]),
    );
    const snap = b.graph.snapshot({ includeLocal: false });
    const sn = snap.nodes.find((n) => n.name === 'graph_talker')!;
    expect(sn.namespace).toBe('/demo');
    expect(sn.publishes).toContainEqual({ name: '/demo/chatter', types: ['std_msgs/msg/String'] });
    expect(sn.services).toContainEqual({ name: '/demo/add', types: ['example_interfaces/srv/AddTwoInts'] });
    const pub = b.graph.publishersOf('/demo/chatter')[0];
    expect(b.graph.nodeOfEndpoint(pub.guid)?.fqn).toBe('/demo/graph_talker');
    expect(b.graph.serviceServers('/demo/add')[0]).toMatchObject({ vendor: 'medkit', node: { name: 'graph_talker', namespace: '/demo' } });
  });

  it('a forged ros_discovery_info sample in a context\'s name (its nodes gone) is undone by reading the writer again, and the context\'s next change is seen', async () => {
    const c = await context(DOMAIN);
    c.createNode('victim', '/forged');
    await b.graph.waitFor((g) => g.node('/forged/victim') !== undefined, { timeoutMs: 10_000 });
    const writer = b.participant.endpoints().find((e) => e.kind === 'writer' && e.topicName === DISCOVERY_INFO_TOPIC && e.participantGuidPrefix === c.participant.guidPrefix)!;
    // SNs 1..30 in the writer's name with an empty node list, in order: the reader takes the first it has not seen and
    // every one after it (no DDS-Security tells them from the writer's), so the writer's own next samples up to 30
    // would have been repeats.
    const payload = Buffer.from(encodeDiscoveryInfo({ gid: c.participant.guid, nodes: [] }, 24));
    const sock = dgram.createSocket('udp4');
    for (let n = 1n; n <= 30n; n++) {
      const d = data(header(new Bytes(), Buffer.from(c.participant.guidPrefix, 'hex')), { readerId: 0, writerId: parseInt(writer.guid.slice(24), 16), sn: sn(n), payload });
      await new Promise<void>((res) => sock.send(d.done(), b.participant.locators.defaultUnicast[0].port, '127.0.0.1', () => res()));
    }
    sock.close();
    await b.graph.waitFor((g) => g.node('/forged/victim') === undefined, { timeoutMs: 10_000 });
    // Read again 1 s after the change: the writer's real sample comes back.
    await b.graph.waitFor((g) => g.node('/forged/victim') !== undefined, { timeoutMs: 10_000 });
    c.createNode('later', '/forged');
    await b.graph.waitFor((g) => g.node('/forged/later') !== undefined, { timeoutMs: 10_000 });
    await c.close();
  });

  it('drops the nodes of a context that closes', async () => {
    const c = await context(DOMAIN);
    c.createNode('short_lived');
    await b.graph.waitFor((g) => g.node('/short_lived') !== undefined, { timeoutMs: 10_000 });
    await c.close();
    await b.graph.waitFor((g) => g.node('/short_lived') === undefined, { timeoutMs: 10_000 });
  });
});

describe('topics and services between two contexts', () => {
  it('delivers published messages as JSON', async () => {
    const pub = a.createNode('pub_node').createPublisher('/numbers', 'std_msgs/msg/Int64');
    const got: unknown[] = [];
    const sub = b.createNode('sub_node').createSubscription('/numbers', 'std_msgs/msg/Int64', (m) => got.push(m.data));
    // Both sides matched: a volatile reader that learns of the writer only after the data went out
    // starts after it (rtps reader behaviour), so wait for the match on both ends.
    await pub.waitForSubscribers(1, 10_000);
    await sub.waitForPublishers(1, 10_000);
    for (const n of [1, 2, 2 ** 53 + 2]) pub.publish({ data: BigInt(n) });
    await until(() => got.length === 3, 'three messages');
    expect(got).toEqual([1, 2, '9007199254740994']);
  });

  it("matches a latched publisher's QoS with 'auto' and gets its history as a late joiner", async () => {
    const pub = a.createNode('latcher').createPublisher('/robot_description', 'std_msgs/msg/String', 'transientLocal');
    pub.publish({ data: '<robot/>' });
    await b.graph.waitFor((g) => g.publishersOf('/robot_description').length > 0, { timeoutMs: 10_000 });
    const got: unknown[] = [];
    const sub = b.createNode('late').createSubscription('/robot_description', 'std_msgs/msg/String', (m) => got.push(m.data), 'auto');
    expect(sub.qos.durability).toBe('transient-local');
    await until(() => got.length === 1, 'the latched message');
    expect(got).toEqual(['<robot/>']);
  });

  it('calls a service, times out on a silent server, and aborts', async () => {
    const server = a.createNode('math');
    server.createService('/sum', 'example_interfaces/srv/AddTwoInts', (r) => ({ sum: Number(r.a) + Number(r.b) }));
    server.createService('/silent', 'example_interfaces/srv/AddTwoInts', () => new Promise(() => {}));
    const cn = b.createNode('math_client');
    const client = cn.createClient('/sum', 'example_interfaces/srv/AddTwoInts');
    expect(await client.call({ a: 2, b: 40 }, { timeoutMs: 10_000 })).toEqual({ sum: 42 });
    expect(await client.call({ a: -5, b: 3 })).toEqual({ sum: -2 });
    const silent = cn.createClient('/silent', 'example_interfaces/srv/AddTwoInts');
    await silent.waitForService({ timeoutMs: 10_000 });
    await expect(silent.call({ a: 1, b: 1 }, { timeoutMs: 300 })).rejects.toBeInstanceOf(RosTimeoutError);
    const ac = new AbortController();
    const pending = silent.call({ a: 1, b: 1 }, { timeoutMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(RosAbortedError);
    expect(silent.pendingCount).toBe(0);
    const none = cn.createClient('/nobody', 'example_interfaces/srv/AddTwoInts');
    await expect(none.call({ a: 1, b: 1 }, { timeoutMs: 200 })).rejects.toBeInstanceOf(RosUnavailableError);
  });

  it('answers a request that does not decode with badRequestResponse, and drops it without one', async () => {
    const server = a.createNode('strict_math');
    const answered = server.createService('/strict_sum', 'example_interfaces/srv/AddTwoInts', (r) => ({ sum: Number(r.a) + Number(r.b) }), { badRequestResponse: () => ({ sum: -1 }) });
    const dropped = server.createService('/plain_sum', 'example_interfaces/srv/AddTwoInts', (r) => ({ sum: Number(r.a) + Number(r.b) }));
    // A client whose AddTwoInts request is a short string: same DDS type name, a payload too short for two int64.
    const odd = await context(DOMAIN, { types: TypeRegistry.default().withOverrides({ 'example_interfaces/srv/AddTwoInts': 'string a\n---\nint64 sum' }) });
    const cn = odd.createNode('odd_client');
    expect(await cn.createClient('/strict_sum', 'example_interfaces/srv/AddTwoInts').call({ a: 'x' }, { timeoutMs: 10_000 })).toEqual({ sum: -1 });
    expect(answered.stats).toMatchObject({ badRequests: 1, replies: 1, handlerErrors: 0 });
    await expect(cn.createClient('/plain_sum', 'example_interfaces/srv/AddTwoInts').call({ a: 'x' }, { timeoutMs: 1500 })).rejects.toBeInstanceOf(RosTimeoutError);
    expect(dropped.stats).toMatchObject({ badRequests: 1, replies: 0 });
  });
});

describe('parameters, actions, lifecycle and rosout between two contexts', () => {
  it('reads and writes parameters of a remote node with descriptor rules', async () => {
    const node = a.createNode('param_node');
    node.parameters.declare('speed', 1.5, { floatingPointRange: { from: 0, to: 3 }, description: 'm/s' });
    node.parameters.declare('name', 'robot', { readOnly: true });
    node.parameters.declare('count', 3, { integerRange: { from: 0, to: 10, step: 1 } });
    const pc = b.createNode('param_user').parameterClient('/param_node');
    const list = await pc.list([], 0, { timeoutMs: 10_000 });
    expect(list.names.sort()).toEqual(['count', 'name', 'speed']);
    expect(await pc.get(['speed', 'name', 'missing'])).toEqual([
      { name: 'speed', type: 3, value: 1.5 },
      { name: 'name', type: 4, value: 'robot' },
      { name: 'missing', type: 0, value: null },
    ]);
    expect(await pc.set([{ name: 'speed', value: 2.5 }, { name: 'speed', value: 9.5 }, { name: 'name', value: 'x' }, { name: 'count', value: 'many' }])).toEqual([
      { successful: true, reason: '' },
      { successful: false, reason: expect.stringContaining('range') },
      { successful: false, reason: expect.stringContaining('read-only') },
      { successful: false, reason: expect.stringContaining('type') },
    ]);
    expect(node.parameters.get('speed')).toBe(2.5);
    const [d] = await pc.describe(['speed']);
    expect(d).toMatchObject({ name: 'speed', type: 3, description: 'm/s', floating_point_range: [{ from_value: 0, to_value: 3 }] });
    expect(await pc.getTypes(['count', 'speed'])).toEqual([2, 3]);
  });

  it('runs an action goal with feedback to success, and cancels another', async () => {
    a.createNode('fib_server').createActionServer('/fibonacci', 'example_interfaces/action/Fibonacci', {
      async execute(goal) {
        const seq = [0, 1];
        for (let i = 1; i < Number(goal.goal.order); i++) {
          if (goal.signal.aborted) return { sequence: seq };
          seq.push(seq[i] + seq[i - 1]);
          goal.publishFeedback({ sequence: seq });
          await new Promise((r) => setTimeout(r, 30));
        }
        return { sequence: seq };
      },
    });
    const client = b.createNode('fib_client').createActionClient('/fibonacci', 'example_interfaces/action/Fibonacci');
    const goal = await client.sendGoal({ order: 5 }, { timeoutMs: 10_000 });
    expect(goal.accepted).toBe(true);
    const feedback: unknown[] = [];
    goal.on('feedback', (f) => feedback.push(f.sequence));
    const res = await goal.result({ timeoutMs: 10_000 });
    expect(res).toEqual({ status: GoalStatus.SUCCEEDED, result: { sequence: [0, 1, 1, 2, 3, 5] } });
    expect(feedback.length).toBeGreaterThan(0);
    const long = await client.sendGoal({ order: 1000 });
    // The goal is running once its first feedback arrives: the event the cancel waits for (not a sleep: issue 58).
    await new Promise((r) => long.once('feedback', r));
    const c = await long.cancel();
    expect(c.returnCode).toBe(0);
    expect(c.goalsCanceling.length).toBe(1);
    expect((await long.result()).status).toBe(GoalStatus.CANCELED);
  });

  it('drives a managed node through its lifecycle remotely', async () => {
    const managed = a.createNode('managed');
    let activations = 0;
    managed.createLifecycle({ onActivate: () => void activations++, onCleanup: () => false });
    const lc = b.createNode('lc_user').lifecycleClient('/managed');
    expect(await lc.getState({ timeoutMs: 10_000 })).toEqual({ id: LifecycleState.UNCONFIGURED, label: 'unconfigured' });
    expect(await lc.changeState('configure')).toBe(true);
    expect(await lc.changeState(3)).toBe(true);
    expect(await lc.getState()).toEqual({ id: LifecycleState.ACTIVE, label: 'active' });
    expect(activations).toBe(1);
    expect((await lc.getAvailableTransitions()).map((t) => t.transition.label)).toEqual(['deactivate', 'shutdown']);
    expect(await lc.changeState('activate')).toBe(false);
    expect(await lc.changeState('deactivate')).toBe(true);
    expect(await lc.changeState('cleanup')).toBe(false);
    expect((await lc.getState()).label).toBe('inactive');
  });

  it('hears /rosout of a remote node', async () => {
    const logs: RosLogEntry[] = [];
    b.rosout.on('log', (l) => logs.push(l));
    const node = a.createNode('chatty');
    await until(() => node.graph.subscribersOf('/rosout').some((e) => !e.local), 'rosout reader');
    await new Promise((r) => setTimeout(r, 300));
    node.logger.warn('battery low');
    await until(() => logs.some((l) => l.msg === 'battery low'), 'the log line');
    expect(logs.find((l) => l.msg === 'battery low')).toMatchObject({ level: 30, name: 'chatty', node: '/chatty' });
  });
});
