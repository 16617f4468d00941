// The default gateway over a secured ROS domain with real peers of both vendors (issue 29): every participant has
// an enclave of one keystore with SROS2's default governance (discovery and liveliness ENCRYPT, rtps SIGN, every
// topic's data and submessages ENCRYPT) and permission for every topic. Cyclone DDS 0.10.2 and Fast DDS 2.9.1
// nodes (packages/rtps/test/peers) publish, serve add_two_ints and report faults to the gateway's
// /fault_manager/report_fault and serve parameters, and a Fast DDS node serves an action; the gateway discovers them,
// reads their topics, calls their services, reads and sets parameters, runs and cancels goals and shows their
// faults, all over the protected wire. Cyclone and Fast DDS do not authenticate each other when Fast DDS
// initiates (peers README), which the gateway does not need. Domain: offset 222.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CYCLONE_SECURITY, describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { allowAllPermissionsXml, createSros2Keystore, governanceXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { buildPeer, killAllPeers, type PeerProcess } from '../../../../test-support/peers/harness.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, firstServiceCall, http, startDefaultRosGateway } from '../../../../test-support/gateway/ros-robot.js';
import { securedFlags, spawnSecuredPeer, type DropFirst2 } from './sros2-support.js';

const DOMAIN = testDomain(222);
const VENDORS = ['cyclone', 'fastdds'] as const;

interface PeerEntry {
  guid_prefix: string;
  status: string;
  subject?: string;
}

describeWith([...CYCLONE_SECURITY, ...FASTDDS, ...OPENSSL], 'the default gateway on a secured domain with Cyclone DDS and Fast DDS peers', () => {
  let ks: Sros2Keystore;
  let g: TestGateway;
  const peers: PeerProcess[] = [];
  const secured = async (...args: DropFirst2<Parameters<typeof spawnSecuredPeer>>) => {
    const p = await spawnSecuredPeer(ks, DOMAIN, ...args);
    peers.push(p);
    return p;
  };

  beforeAll(async () => {
    for (const v of VENDORS) await buildPeer(v);
    ks = createSros2Keystore();
    ks.makeEnclave('/medkit/gateway', { governanceXml: governanceXml(DOMAIN), permissionsXml: allowAllPermissionsXml('CN=/medkit/gateway', DOMAIN) });
    // Parameter calls get 10 s too (2 s by default): a secured Fast DDS node answered a set later than that once, under a
    // whole-suite run's load, and this file is about what is allowed, not how fast.
    g = await startDefaultRosGateway(DOMAIN, { service_call_timeout_sec: 10, parameter_service_timeout_sec: 10, ...securedFlags(ks, '/medkit/gateway') });
    for (const v of VENDORS) {
      await secured(v, 'talker', `${v}_talker`, { topic: `rt/${v}/chatter`, periodMs: 100 });
      await secured(v, 'server', `${v}_adder`, { service: `${v}/add_two_ints` });
    }
    // Both serve parameters (list, get, describe, set): `unrelated.value` (7, settable) and read-only ones.
    for (const v of VENDORS) await secured(v, 'params', `${v}_params`, { ns: `/${v}` });
    // The Fast DDS peer's example_interfaces/action/Fibonacci server (one step every 100 ms).
    await secured('fastdds', 'action', 'fastdds_fib', { service: 'fastdds/fibonacci', periodMs: 100 });
  }, 300_000);
  afterAll(async () => {
    await g?.close();
    await killAllPeers();
    ks?.remove();
  });

  it('discovers the nodes of both vendors; /health lists every peer authenticated and none refused', async () => {
    const ids = await eventually(async () => {
      const items = ((await http(`${g.url}/api/v1/apps`)).body.items ?? []) as { id: string }[];
      const have = items.map((a) => a.id);
      return VENDORS.every((v) => have.includes(`${v}_talker`) && have.includes(`${v}_adder`)) ? have : undefined;
    }, 'the four secured nodes in the tree', 60_000);
    expect(ids).toEqual(expect.arrayContaining(['cyclone_talker', 'cyclone_adder', 'fastdds_talker', 'fastdds_adder']));
    // A node is in the tree once its participant is heard; its handshake may finish a moment later (on a loaded
    // machine, after the other peers'): wait for every peer to be authenticated, failing on any refusal.
    const sec = await eventually(async () => {
      const s = (await http(`${g.url}/api/v1/health`)).body['x-medkit-ros'].security;
      expect(s.peers_refused).toBe(0);
      const listed = s.peers as PeerEntry[];
      return peers.every((p) => listed.some((e) => e.guid_prefix === p.guid.slice(0, 24) && e.status === 'authenticated')) ? s : undefined;
    }, 'every secured peer authenticated', 30_000);
    expect(sec).toMatchObject({ enabled: true, secured: true, peers_refused: 0 });
    for (const p of peers) {
      expect(sec.peers as PeerEntry[]).toContainEqual(expect.objectContaining({ guid_prefix: p.guid.slice(0, 24), status: 'authenticated' }));
    }
  }, 90_000);

  /** A read-only parameter of each vendor's params peer. */
  const READ_ONLY = { cyclone: 'peer.vendor', fastdds: 'ros2_medkit.discovery.display_name' } as const;
  for (const v of VENDORS) {
    it(`reads and sets a parameter of the secured ${v} node through the configurations route`, async () => {
      const cfg = (id: string) => `${g.url}/api/v1/apps/${v}_params/configurations/${id}`;
      const first = await eventually(async () => {
        const r = await http(cfg('unrelated.value'));
        // The last answer goes into the timeout's message.
        if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
        return r;
        // The params peer's handshake may come after the other peers' on a loaded box; each call waits up to 10 s.
      }, 'the parameter over the protected parameter services', 60_000);
      expect(first.body).toMatchObject({ id: 'unrelated.value', data: 7, 'x-medkit': { ros2: { node: `/${v}/${v}_params` }, parameter: { type: 'int', read_only: false } } });
      const set = await http(cfg('unrelated.value'), { method: 'PUT', json: { data: 42 } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body.data).toBe(42);
      expect((await http(cfg('unrelated.value'))).body.data).toBe(42);
      const ro = await http(cfg(READ_ONLY[v]), { method: 'PUT', json: { data: 'renamed' } });
      expect(ro.status).toBe(403);
      expect(ro.body.vendor_code).toBe('x-medkit-ros2-parameter-read-only');
    }, 90_000);
  }

  it('runs, follows, completes and cancels goals of the secured Fast DDS action server through the operations route', async () => {
    const ops = `${g.url}/api/v1/apps/fastdds_fib/operations/fibonacci`;
    const op = await eventually(async () => {
      const r = await http(ops);
      return r.status === 200 ? r : undefined;
    }, 'the secured action as an operation', 60_000);
    expect(op.body.item).toMatchObject({ asynchronous_execution: true, 'x-medkit': { ros2: { action: '/fastdds/fibonacci', type: 'example_interfaces/action/Fibonacci', kind: 'action' } } });
    // A goal runs to its end: 202 + Location, feedback on the way, then completed with the result.
    const r = await http(`${ops}/executions`, { method: 'POST', json: { parameters: { order: 6 } } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const loc = `${g.url}${r.headers.get('location')}`;
    const done = await eventually(async () => {
      const e = await http(loc);
      return e.body.status === 'completed' && e.body['x-medkit'].result ? e : undefined;
    }, 'the completed goal', 30_000);
    expect(done.body).toMatchObject({ id: r.body.id, 'x-medkit': { goal_id: r.body.id, ros2_status: 'succeeded', result: { sequence: [0, 1, 1, 2, 3, 5, 8] } } });
    // A long goal: feedback arrives (status executing), then PUT stop cancels it on the server.
    const long = await http(`${ops}/executions`, { method: 'POST', json: { parameters: { order: 1000 } } });
    expect(long.status, JSON.stringify(long.body)).toBe(202);
    const longLoc = `${g.url}${long.headers.get('location')}`;
    const running = await eventually(async () => {
      const e = await http(longLoc);
      return ((e.body.parameters?.sequence as number[] | undefined) ?? []).length >= 3 ? e : undefined;
    }, 'feedback of the long goal', 30_000);
    expect(running.body).toMatchObject({ status: 'running', 'x-medkit': { ros2_status: 'executing' } });
    expect(running.body.parameters.sequence.slice(0, 3)).toEqual([0, 1, 1]);
    const stop = await http(longLoc, { method: 'PUT', json: { capability: 'stop' } });
    expect(stop.status, JSON.stringify(stop.body)).toBe(202);
    const canceled = await eventually(async () => {
      const e = await http(longLoc);
      return e.body['x-medkit'].ros2_status === 'canceled' ? e : undefined;
    }, 'the canceled goal', 30_000);
    expect(canceled.body.status).toBe('failed');
    // Cancelling a goal that already ended: GOAL_TERMINATED (3).
    const late = await http(loc, { method: 'DELETE' });
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ vendor_code: 'x-medkit-ros2-action-rejected', parameters: { return_code: 3 } });
    // A goal the server rejects (order < 0).
    const rejected = await http(`${ops}/executions`, { method: 'POST', json: { parameters: { order: -1 } } });
    expect(rejected.status).toBe(400);
    expect(rejected.body.vendor_code).toBe('x-medkit-ros2-action-rejected');
  }, 120_000);

  for (const v of VENDORS) {
    it(`reads the ${v} talker's encrypted topic through the data route`, async () => {
      const r = await eventually(async () => {
        const x = await http(`${g.url}/api/v1/apps/${v}_talker/data/${v}%2Fchatter`);
        return x.status === 200 && x.body['x-medkit'].status === 'data' ? x : undefined;
      }, `a decrypted /${v}/chatter sample`, 30_000);
      expect(r.body.data.data).toMatch(/^Hello World: \d+/);
      expect(r.body['x-medkit'].ros2).toEqual({ topic: `/${v}/chatter`, type: 'std_msgs/msg/String' });
    }, 60_000);

    it(`calls the ${v} server's add_two_ints through the operations route`, async () => {
      const path = `${g.url}/api/v1/apps/${v}_adder/operations/add_two_ints`;
      await eventually(async () => (await http(path)).status === 200, `the ${v} operation`, 30_000);
      // The first call again while the new client is not matched both ways yet (firstServiceCall says why); a call
      // that never got through names what the gateway knew of the secured peers.
      const first = await firstServiceCall(`${path}/executions`, { a: 1, b: 1 }).catch(async (err: Error) => {
        throw new Error(`${err.message}; security on /health: ${JSON.stringify((await http(`${g.url}/api/v1/health`)).body?.['x-medkit-ros']?.security)}`);
      });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      for (const [a, b] of [
        [2, 40],
        [-7, 1000],
      ]) {
        const r = await http(`${path}/executions`, { method: 'POST', json: { parameters: { a, b } } });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body).toEqual({ parameters: { sum: a + b } });
      }
    }, 90_000);

    it(`takes a ReportFault from a secured ${v} reporter node and shows the fault on GET /faults`, async () => {
      const code = `SECURED_${v.toUpperCase()}_FAULT`;
      const reporter = await secured(v, 'report', `${v}_reporter`, { ns: '/base', code, severity: 2, count: 1, timeoutMs: 15_000 });
      expect((await reporter.waitForLine(/^response seq=1 (accepted=\d)/, 30_000))[1]).toBe('accepted=1');
      const faults = await eventually(async () => {
        const items = ((await http(`${g.url}/api/v1/faults?status=all`)).body.items ?? []) as { fault_code: string; reporting_sources?: string[] }[];
        return items.find((f) => f.fault_code === code);
      }, `${code} on GET /faults`, 15_000);
      expect(faults).toMatchObject({ fault_code: code, reporting_sources: [`/base/${v}_reporter`] });
    }, 60_000);
  }
});
