// A topic the gateway's own SROS2 permissions deny while its graph topics are granted (issue 29): the default
// gateway joins a secured domain (SROS2's default governance) with a grant that denies publishing and subscribing
// `*forbidden*` and allows everything else. Secured Cyclone DDS 0.10.2 talkers publish /forbidden/chatter and
// /open/chatter; secured Fast DDS 2.9.1 nodes serve /forbidden/add_two_ints, /open/add_two_ints and the
// /forbidden/fibonacci action. The gateway lists all of them (discovery is not what its permissions deny), and
// every route that would need an endpoint on a denied topic answers 403 x-medkit-ros2-permission-denied naming the
// DDS topic and the rule: a data read and write, a service call, an action goal, a trigger, and the events of a
// cyclic subscription. Nothing hangs, nothing is a 500, and the rest of the tree keeps working. Domain: offset 56.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE_SECURITY, describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { createSros2Keystore, denyPermissionsXml, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers } from '../../../../test-support/peers/harness.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { eventually, http, startDefaultRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import { securedFlags, spawnSecuredPeer, type DropFirst2 } from './sros2-support.js';

const DOMAIN = testDomain(56);
const DENIED = 'x-medkit-ros2-permission-denied';
/** What the gateway's grant denies (fnmatch: `*` crosses `/`). */
const FORBIDDEN = ['*forbidden*'];

describeWith([...CYCLONE_SECURITY, ...FASTDDS, ...OPENSSL], 'the gateway secured with permissions that deny some topics', () => {
  let ks: Sros2Keystore;
  let g: TestGateway;
  const streams: SseClient[] = [];
  const api = (path: string, init?: Parameters<typeof http>[1]) => http(`${g.url}/api/v1${path}`, init);
  const secured = (...args: DropFirst2<Parameters<typeof spawnSecuredPeer>>) => spawnSecuredPeer(ks, DOMAIN, ...args);
  /** Waits until `path` answers 200 (the peer's node and its operation discovered). */
  const listed = (path: string, what: string) => eventually(async () => (await api(path)).status === 200, what, 60_000);
  /** Waits until the app's data list holds `topic` (reading it is what the permissions deny). */
  const topicListed = (app: string, topic: string) =>
    eventually(async () => (((await api(`/apps/${app}/data`)).body.items ?? []) as { id: string }[]).some((i) => i.id === topic), `${topic} on ${app}`, 60_000);
  const expectDenied = (r: Awaited<ReturnType<typeof http>>, ddsTopic: string, endpoint: 'reader' | 'writer') => {
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body).toMatchObject({ error_code: 'vendor-error', vendor_code: DENIED, parameters: { dds_topic: ddsTopic, endpoint, reason: expect.stringMatching(/^our permissions: deny_rule 1 of grant /) } });
  };

  beforeAll(async () => {
    for (const v of ['cyclone', 'fastdds'] as const) await buildPeer(v);
    ks = createSros2Keystore();
    ks.makeEnclave('/medkit/gateway', { governanceXml: governanceXml(DOMAIN), permissionsXml: denyPermissionsXml('CN=/medkit/gateway', DOMAIN, { publish: FORBIDDEN, subscribe: FORBIDDEN }) });
    g = await startDefaultRosGateway(DOMAIN, { service_call_timeout_sec: 10, ...securedFlags(ks, '/medkit/gateway') });
    await secured('cyclone', 'talker', 'forbidden_talker', { topic: 'rt/forbidden/chatter', periodMs: 100 });
    await secured('cyclone', 'talker', 'open_talker', { topic: 'rt/open/chatter', periodMs: 100 });
    await secured('fastdds', 'server', 'forbidden_adder', { service: 'forbidden/add_two_ints' });
    await secured('fastdds', 'server', 'open_adder', { service: 'open/add_two_ints' });
    await secured('fastdds', 'action', 'forbidden_fib', { service: 'forbidden/fibonacci' });
  }, 300_000);
  afterAll(async () => {
    for (const s of streams) s.close();
    await g?.close();
    await killAllPeers();
    ks?.remove();
  });

  it('a denied topic: data read and write answer 403 x-medkit-ros2-permission-denied; an allowed topic is read as usual', async () => {
    await topicListed('forbidden_talker', '/forbidden/chatter');
    expectDenied(await api('/apps/forbidden_talker/data/forbidden%2Fchatter'), 'rt/forbidden/chatter', 'reader');
    // forbidden_talker publishes the topic: the write confirms it (docs/resources.md "Writes are deliberate") to reach the publish.
    const put = await api('/apps/forbidden_talker/data/forbidden%2Fchatter', { method: 'PUT', json: { type: 'std_msgs/msg/String', data: { data: 'hello' }, confirm: '/forbidden/chatter' } });
    expectDenied(put, 'rt/forbidden/chatter', 'writer');
    expect(put.body.parameters).toMatchObject({ entity_id: 'forbidden_talker', topic_name: '/forbidden/chatter' });
    // Asked again: the same answer (the refusal is final, nothing half-made is left to get in the way).
    expectDenied(await api('/apps/forbidden_talker/data/forbidden%2Fchatter'), 'rt/forbidden/chatter', 'reader');
    const open = await eventually(async () => {
      const r = await api('/apps/open_talker/data/open%2Fchatter');
      return r.status === 200 && r.body['x-medkit'].status === 'data' ? r : undefined;
    }, 'a decrypted /open/chatter sample', 60_000);
    expect(open.body.data.data).toMatch(/^Hello World: \d+/);
  }, 120_000);

  it('a denied service and a denied action: the execution answers 403; an allowed service is called as usual', async () => {
    await listed('/apps/forbidden_adder/operations/add_two_ints', 'the forbidden service');
    const call = await api('/apps/forbidden_adder/operations/add_two_ints/executions', { method: 'POST', json: { parameters: { a: 1, b: 2 } } });
    expectDenied(call, 'rq/forbidden/add_two_intsRequest', 'writer');
    expect(call.body.parameters).toMatchObject({ entity_id: 'forbidden_adder', service: '/forbidden/add_two_ints' });
    await listed('/apps/forbidden_fib/operations/fibonacci', 'the forbidden action');
    const goal = await api('/apps/forbidden_fib/operations/fibonacci/executions', { method: 'POST', json: { parameters: { order: 3 } } });
    expectDenied(goal, 'rq/forbidden/fibonacci/_action/send_goalRequest', 'writer');
    expect(goal.body.parameters).toMatchObject({ entity_id: 'forbidden_fib', action: '/forbidden/fibonacci' });
    await listed('/apps/open_adder/operations/add_two_ints', 'the open service');
    const ok = await api('/apps/open_adder/operations/add_two_ints/executions', { method: 'POST', json: { parameters: { a: 2, b: 40 } } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ parameters: { sum: 42 } });
  }, 120_000);

  it('a trigger on a denied topic is refused with 403; a cyclic subscription streams the 403 as its error event', async () => {
    await topicListed('forbidden_talker', '/forbidden/chatter');
    const resource = '/api/v1/apps/forbidden_talker/data/forbidden/chatter';
    const trig = await api('/apps/forbidden_talker/triggers', { method: 'POST', json: { resource, trigger_condition: { condition_type: 'OnChange' }, multishot: true } });
    expectDenied(trig, 'rt/forbidden/chatter', 'reader');
    expect((await api('/apps/forbidden_talker/triggers')).body.items).toEqual([]);
    const sub = await api('/apps/forbidden_talker/cyclic-subscriptions', { method: 'POST', json: { resource, interval: 'fast', duration: 60 } });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const s = await openSse(`${g.url}${sub.body.event_source}`);
    streams.push(s);
    expect(s.status).toBe(200);
    const e = await s.nextJson<{ error?: { error_code: string; vendor_code?: string; message: string } }>(15_000);
    expect(e.error).toMatchObject({ error_code: 'vendor-error', vendor_code: DENIED, message: expect.stringContaining("'rt/forbidden/chatter'") });
    // A trigger on the allowed topic binds and fires.
    const okTrig = await api('/apps/open_talker/triggers', { method: 'POST', json: { resource: '/api/v1/apps/open_talker/data/open/chatter', trigger_condition: { condition_type: 'OnChange' }, multishot: true } });
    expect(okTrig.status, JSON.stringify(okTrig.body)).toBe(201);
    const fired = await openSse(`${g.url}${okTrig.body.event_source}`);
    streams.push(fired);
    const hit = await fired.nextJson<{ error?: unknown; payload?: { data: { data: string } } }>(30_000);
    expect(hit.error).toBeUndefined();
    expect(hit.payload?.data.data).toMatch(/^Hello World: \d+/);
  }, 120_000);

  it('/health: still connected and secured, every peer authenticated', async () => {
    const h = (await api('/health')).body;
    expect(h['x-medkit-ros']).toMatchObject({ connected: true, security: { enabled: true, secured: true, peers_refused: 0 } });
  });
});
