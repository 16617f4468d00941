// Both beacons end to end on a live ROS domain (testDomain(209)): the parameter beacon reads hints from
// a Fast DDS C++ peer serving its parameter services and from an @medkit/ros2 node, and backs off a
// Cyclone peer whose parameter services never answer while the others keep being polled; the topic
// beacon takes MedkitDiscoveryHint messages, reads stale past the TTL and forgets past expiry, and
// survives malformed and oversize messages. Metadata shows under x-medkit.plugins.<name> and on the
// vendor routes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE, FASTDDS, describeWith } from '../../../test-support/requirements.js';
import { testDomain } from '../../../test-support/domains.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerProcess } from '../../../test-support/peers/harness.js';
import { RosContext, type Publisher } from '@medkit/ros2';
import { createPluginsFeature } from '@medkit/gateway';
import { BUILTIN_PLUGINS } from '@medkit/cli';
import { eventually, http, startRosGateway } from '../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';

const DOMAIN = testDomain(209);
const P = 'ros2_medkit.discovery';
const HINT = 'ros2_medkit_msgs/msg/MedkitDiscoveryHint';

describeWith([...CYCLONE, ...FASTDDS], 'beacons against real peers', () => {
  let g: TestGateway;
  let fast: PeerProcess;
  let mute: PeerProcess;
  let ros: RosContext;
  let pub: Publisher;

  beforeAll(async () => {
    await Promise.all([buildPeer('fastdds'), buildPeer('cyclone')]);
    fast = await spawnPeer('fastdds', 'params', { domain: DOMAIN, node: 'fast_beacon', ns: '/peers' });
    mute = await spawnPeer('cyclone', 'params-mute', { domain: DOMAIN, node: 'mute_node', ns: '/peers' });
    ros = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
    const node = ros.createNode('ros_beacon', '/peers', { rosout: false });
    node.parameters.declare(`${P}.entity_id`, 'ros_beacon');
    node.parameters.declare(`${P}.display_name`, 'Medkit planner');
    node.parameters.declare(`${P}.function_ids`, ['navigation']);
    node.parameters.declare(`${P}.process_id`, 4242);
    node.parameters.declare(`${P}.metadata.role`, 'planner');
    pub = node.createPublisher('/ros2_medkit/discovery', HINT, { reliability: 'reliable', history: { kind: 'keep-last', depth: 100 } });
    g = await startRosGateway(DOMAIN, [createPluginsFeature({ builtins: BUILTIN_PLUGINS })], {
      plugins: ['parameter_beacon', 'topic_beacon'],
      'plugins.parameter_beacon.poll_interval_sec': 0.3,
      'plugins.parameter_beacon.param_timeout_sec': 0.5,
      'plugins.parameter_beacon.poll_budget_sec': 5,
      'plugins.parameter_beacon.beacon_ttl_sec': 30,
      'plugins.topic_beacon.beacon_ttl_sec': 1,
      'plugins.topic_beacon.beacon_expiry_sec': 3,
    });
  }, 300_000);

  afterAll(async () => {
    await g?.close();
    await ros?.close();
    await killAllPeers();
  });

  const api = (path: string) => http(`${g.url}/api/v1${path}`);

  it('reads the hints of the Fast DDS peer and of the @medkit/ros2 node, shown on the entity and the vendor route', async () => {
    const fastHint = await eventually(async () => {
      const r = await api('/apps/fast_beacon/x-medkit-param-beacon');
      return r.status === 200 ? r.body : undefined;
    }, 'the Fast DDS peer hint', 60_000);
    expect(fastHint).toMatchObject({ entity_id: 'fast_beacon', status: 'active', display_name: 'Fast DDS peer fast_beacon', process_id: fast.pid, function_ids: ['peer_function'], metadata: { vendor: 'fastdds' } });
    expect(fast.matches(/^request client=\S+ seq=\d+ list prefixes=1 names=5$/).length).toBeGreaterThan(0);

    const rosHint = await eventually(async () => {
      const r = await api('/apps/ros_beacon/x-medkit-param-beacon');
      return r.status === 200 ? r.body : undefined;
    }, 'the @medkit/ros2 node hint', 60_000);
    expect(rosHint).toMatchObject({ entity_id: 'ros_beacon', display_name: 'Medkit planner', process_id: 4242, function_ids: ['navigation'], metadata: { role: 'planner' } });

    const detail = await eventually(async () => {
      const d = await api('/apps/fast_beacon');
      return d.body?.['x-medkit']?.plugins?.parameter_beacon ? d.body : undefined;
    }, 'beacon metadata on the entity', 30_000);
    expect(detail['x-medkit'].plugins.parameter_beacon).toMatchObject({ 'x-medkit-beacon-status': 'active', 'x-medkit-beacon-process-id': fast.pid, 'x-medkit-beacon-vendor': 'fastdds', 'x-medkit-beacon-functions': ['peer_function'] });
    // A shadow entity is not owned by the beacon: the built-in capabilities stay, the vendor one is added.
    const caps = detail.capabilities.map((c: { name: string }) => c.name);
    expect(caps).toEqual(expect.arrayContaining(['data', 'operations', 'x-medkit-param-beacon', 'x-medkit-topic-beacon']));
  });

  it('backs off the Cyclone peer that never answers while the other nodes keep being polled within the budget', async () => {
    const debug = await eventually(async () => {
      const r = await api('/x-medkit-param-beacon');
      const m = (r.body.nodes as { fqn: string; failures: number; skipped_cycles: number }[]).find((n) => n.fqn === '/peers/mute_node');
      return m && m.failures >= 3 && m.skipped_cycles >= 3 ? r.body : undefined;
    }, 'the mute node backed off', 60_000);
    const node = (fqn: string) => (debug.nodes as { fqn: string; successes: number; failures: number; last_error?: string }[]).find((n) => n.fqn === fqn)!;
    expect(node('/peers/mute_node')).toMatchObject({ successes: 0 });
    // Discovered and matched, the request went out, no reply came (not 'no server discovered').
    expect(node('/peers/mute_node').last_error).toBe('service /peers/mute_node/list_parameters: no answer within 500 ms');
    const before = { fast: node('/peers/fast_beacon').successes, ros: node('/peers/ros_beacon').successes };
    expect(node('/peers/fast_beacon').failures).toBe(0);
    const later = await eventually(async () => {
      const r = await api('/x-medkit-param-beacon');
      const n = (fqn: string) => (r.body.nodes as { fqn: string; successes: number }[]).find((x) => x.fqn === fqn)!;
      return n('/peers/fast_beacon').successes > before.fast + 2 && n('/peers/ros_beacon').successes > before.ros + 2 ? r.body : undefined;
    }, 'the other nodes polled again', 30_000);
    expect(later.last_cycle.unreached).toBe(0);
    expect((await api('/apps/mute_node/x-medkit-param-beacon')).body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-beacon-not-found' });
    expect(mute.lines.some((l) => l.startsWith('request'))).toBe(false);
  });

  it('takes topic beacons: active, stale past the TTL, gone past expiry', async () => {
    await pub.waitForSubscribers(1, 15_000);
    const send = () => pub.publish({ entity_id: 'ros_beacon', transport_type: 'shared_memory', hostname: 'robot-1', metadata: [{ key: 'fps', value: '30' }] });
    const seen = await eventually(async () => {
      send();
      const r = await api('/apps/ros_beacon/x-medkit-topic-beacon');
      return r.status === 200 ? r.body : undefined;
    }, 'the topic hint', 30_000);
    expect(seen).toMatchObject({ entity_id: 'ros_beacon', status: 'active', transport_type: 'shared_memory', hostname: 'robot-1', metadata: { fps: '30' } });
    // Nothing more is published: stale after 1 s, in the entity detail too (the beacon asks for a refresh).
    await eventually(async () => (await api('/apps/ros_beacon/x-medkit-topic-beacon')).body.status === 'stale', 'stale hint', 10_000);
    await eventually(async () => (await api('/apps/ros_beacon')).body['x-medkit'].plugins?.topic_beacon?.['x-medkit-beacon-status'] === 'stale', 'stale in the entity', 10_000);
    const gone = await eventually(async () => {
      const r = await api('/apps/ros_beacon/x-medkit-topic-beacon');
      return r.status === 404 ? r.body : undefined;
    }, 'expired hint', 10_000);
    expect(gone.vendor_code).toBe('x-medkit-beacon-not-found');
    await eventually(async () => (await api('/apps/ros_beacon')).body['x-medkit'].plugins?.topic_beacon === undefined, 'expired hint gone from the entity', 10_000);
  });

  it('rejects malformed and oversize hints and keeps serving', async () => {
    const before = (await api('/x-medkit-topic-beacon')).body;
    pub.publishRaw(Uint8Array.from([0, 1, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    pub.publish({ entity_id: 'x'.repeat(300) });
    pub.publish({ entity_id: 'bad id' });
    pub.publish({ entity_id: 'ros_beacon', display_name: 'd'.repeat(100_000), function_ids: Array.from({ length: 1000 }, (_, i) => `f${i}`), metadata: Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(2000) })) });
    const h = await eventually(async () => {
      const r = await api('/apps/ros_beacon/x-medkit-topic-beacon');
      return r.status === 200 ? r.body : undefined;
    }, 'the oversize hint, cut down', 15_000);
    expect(h.display_name).toHaveLength(512);
    expect(h.function_ids).toHaveLength(100);
    expect(Object.keys(h.metadata)).toHaveLength(50);
    expect(Object.values(h.metadata).every((v) => (v as string).length === 1024)).toBe(true);
    const after = (await api('/x-medkit-topic-beacon')).body;
    expect(after.invalid - before.invalid).toBe(2);
    expect(after.hints).toBe(1);
    expect((await api('/health')).status).toBe(200);
  });
});
