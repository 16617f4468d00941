// Three real gateways on 127.0.0.1: `main` federates `arm` (behind a TCP proxy that can black-hole it) and
// `mobile`. Covers the merged tree, forwarding, fan-out, peer loss and return, and the fault timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, PausableProxy, SseReader, startPeer, type TestPeer } from './support.js';

type Json = Record<string, unknown>;
type Item = Json & { id: string; 'x-medkit'?: Json };

describe('federation of three gateways', () => {
  let arm: TestPeer;
  let mobile: TestPeer;
  let main: TestPeer;
  let proxy: PausableProxy;
  const api = (path: string, init?: RequestInit) => http(`${main.url}/api/v1${path}`, init);
  const items = (b: Json) => b.items as Item[];
  const byId = (b: Json, id: string) => items(b).find((i) => i.id === id);
  /** Checks peers until both are online with their trees merged (a read can miss its deadline on a loaded machine). */
  const merged = () =>
    eventually(async () => {
      await main.aggregation!.checkNow();
      const ids = items((await api('/apps')).body).filter((a) => a['x-medkit']?.available !== false).map((a) => a.id);
      return ids.includes('arm__camera') && ids.includes('drive');
    });

  beforeAll(async () => {
    arm = await startPeer({ name: 'arm', manifest: 'arm.yaml' });
    mobile = await startPeer({ name: 'mobile', manifest: 'mobile.yaml' });
    proxy = new PausableProxy(arm.port);
    await proxy.start();
    main = await startPeer({
      name: 'main',
      manifest: 'main.yaml',
      peers: [
        { name: 'arm', url: proxy.url },
        { name: 'mobile', url: mobile.url },
      ],
    });
    await merged();
  });
  afterAll(async () => {
    await main?.close();
    await arm?.close();
    await mobile?.close();
    await proxy?.close();
  });

  describe('merged tree', () => {
    it('merges areas and functions with equal ids and lists contributors', async () => {
      const areas = await api('/areas');
      expect(byId(areas.body, 'base')?.['x-medkit']).toMatchObject({ contributors: ['local', 'arm'] });
      expect(byId(areas.body, 'arm-area')?.['x-medkit']).toMatchObject({ contributors: ['arm'] });
      const nav = await api('/functions/navigation');
      expect(nav.status).toBe(200);
      expect(nav.body['x-medkit']).toMatchObject({ source: 'manifest', contributors: ['local', 'arm'] });
      // The arm's host `camera` is renamed on the primary, and the merged hosts follow the rename.
      expect((nav.body['x-medkit'] as Json).hosts).toEqual(['planner', 'arm__camera']);
    });

    it('renames a colliding app to <peer>__<id>, keeps the original id and marks peer sources', async () => {
      const apps = await api('/apps');
      expect(items(apps.body).map((a) => a.id).sort()).toEqual(['arm__camera', 'camera', 'drive', 'gripper', 'planner']);
      expect(byId(apps.body, 'camera')?.['x-medkit']).toMatchObject({ source: 'manifest' });
      expect(byId(apps.body, 'arm__camera')?.['x-medkit']).toMatchObject({ source: 'peer:arm', original_id: 'camera', contributors: ['arm'], component_id: 'arm-ecu' });
      expect(byId(apps.body, 'drive')?.['x-medkit']).toMatchObject({ source: 'peer:mobile' });
      expect(byId(apps.body, 'arm__camera')?.name).toBe('Wrist Camera');
    });

    it('raises leaf_id_collision for a component two peers declare, and reports peers on /health', async () => {
      const health = await api('/health');
      const w = (health.body.warnings as Json[]).find((x) => x.code === 'leaf_id_collision');
      expect(w).toMatchObject({ entity_ids: ['shared-ecu'], peer_names: ['arm', 'mobile'], ros_node_fqns: [] });
      const peers = health.body.peers as Json[];
      expect(peers.map((p) => [p.name, p.url, p.status])).toEqual([
        ['arm', proxy.url, 'online'],
        ['mobile', mobile.url, 'online'],
      ]);
      expect(typeof peers[0].last_seen).toBe('string');
      const root = await api('');
      expect((root.body.capabilities as Json).aggregation).toBe(true);
    });

    it('reports no peers and no aggregation capability on a leaf gateway', async () => {
      const h = await http(`${arm.url}/api/v1/health`);
      expect(h.body.peers).toBeUndefined();
      const root = await http(`${arm.url}/api/v1`);
      expect((root.body.capabilities as Json).aggregation).toBe(false);
    });
  });

  describe('forwarding', () => {
    it("returns the owning peer's detail for a peer-owned app, addressed with its original id", async () => {
      const r = await api('/apps/arm__camera');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: 'camera', name: 'Wrist Camera', type: 'app' });
    });

    it('forwards sub-resources; a local app with the same original id stays local', async () => {
      const remote = await api('/apps/arm__camera/data');
      expect(items(remote.body).map((i) => i.id)).toEqual(['/arm/camera/status']);
      const local = await api('/apps/camera/data');
      expect(items(local.body).map((i) => i.id)).toEqual(['/main/camera/status']);
      const drive = await api('/apps/drive/data');
      expect(items(drive.body).map((i) => i.id)).toEqual(['/mobile/drive/status']);
    });

    it('forwards method, body and X-Client-Id, rewrites Location, and keeps Authorization back by default', async () => {
      const r = await api('/apps/arm__camera/operations/snap/executions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-id': 'tester', authorization: 'Bearer secret' },
        body: JSON.stringify({ parameters: { exposure: 3 } }),
      });
      expect(r.status).toBe(202);
      expect(r.body).toEqual({ gateway: 'arm', app_id: 'camera', received: { parameters: { exposure: 3 } }, client_id: 'tester', authorization: null });
      expect(r.headers.get('location')).toBe('/api/v1/apps/arm__camera/operations/snap/executions/exec_1');
    });

    it('dispatches a member-qualified item on an aggregating entity to the member on its peer', async () => {
      const r = await api('/functions/navigation/operations/arm__camera:snap/executions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ timeout: 5 }),
      });
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ gateway: 'arm', app_id: 'camera', received: { timeout: 5 } });
      expect(r.headers.get('location')).toBe('/api/v1/apps/arm__camera/operations/snap/executions/exec_1');
      // gripper is no host of navigation: not dispatched (and no local route serves it).
      const notMember = await api('/functions/navigation/operations/gripper:open/executions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(notMember.status).toBe(404);
    });

    it("pipes a peer's event stream through, unbuffered", async () => {
      const sse = new SseReader(`${main.url}/api/v1/apps/arm__camera/triggers/t1/events`);
      await sse.opened;
      const first = await sse.next(() => true);
      sse.close();
      expect(JSON.parse(first.data)).toEqual({ gateway: 'arm', app_id: 'camera', trigger_id: 't1', n: 1 });
      expect(first.id).toBe('1');
    });

    it("passes the peer's errors through unchanged", async () => {
      const r = await api('/apps/arm__camera/no-such-thing');
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error_code: 'resource-not-found', message: 'Resource not found', parameters: { status: 404 } });
    });
  });

  describe('collection fan-out', () => {
    it('appends contributing peers’ items on a merged entity and counts them', async () => {
      const r = await api('/areas/base/data');
      expect(items(r.body).map((i) => i.id)).toEqual(['/main/base/status', '/arm/base/status']);
      expect(r.body['x-medkit']).toEqual({ total_count: 2 });
    });

    it('answers locally only with X-Medkit-No-Fan-Out', async () => {
      const r = await api('/areas/base/data', { headers: { 'x-medkit-no-fan-out': '1' } });
      expect(items(r.body).map((i) => i.id)).toEqual(['/main/base/status']);
    });

    it('appends every peer’s version-info item', async () => {
      const r = await api('/version-info');
      expect((r.body.items as Json[]).length).toBe(3);
      expect(r.body['x-medkit']).toBeUndefined();
    });
  });

  describe('faults on one timeline', () => {
    it('merges local and peer faults sorted by last occurrence, tags the gateway and drops malformed items', async () => {
      main.faults.report({ fault_code: 'NAV_GOAL_ABORTED', severity: 2, last_occurred: 1000.5 });
      arm.faults.report({ fault_code: 'PROTECTIVE_STOP', severity: 3, last_occurred: 1000.7 });
      arm.faults.report({ fault_code: 'GRIP_SLIP', severity: 1, last_occurred: 999.0 });
      mobile.faults.report({ fault_code: 'MOTOR_HOT', severity: 2, last_occurred: '1970-01-01T00:16:40.600Z' });
      mobile.faults.items.push({ severity: 1, description: 'no code' });
      const r = await api('/faults');
      expect(items(r.body).map((f) => [f.fault_code, (f['x-medkit'] as Json).gateway])).toEqual([
        ['PROTECTIVE_STOP', 'arm'],
        ['MOTOR_HOT', 'mobile'],
        ['NAV_GOAL_ABORTED', 'local'],
        ['GRIP_SLIP', 'arm'],
      ]);
      expect(r.body['x-medkit']).toEqual({ count: 4, peer_dropped_items: [{ peer: 'mobile', reason: 'fault item has no fault_code', source_id: '' }] });
      mobile.faults.items.pop();
    });

    it("relays a peer's fault event into the local /faults/stream, marked with the peer", async () => {
      const sse = new SseReader(`${main.url}/api/v1/faults/stream`);
      await sse.opened;
      // The relay connects when it sees the peer online; report until the event shows up (connect race).
      const got = eventually(async () => {
        arm.faults.report({ fault_code: 'ARM_COLLISION', severity: 3, last_occurred: 2000 });
        return sse.messages.find((m) => m.data.includes('ARM_COLLISION'));
      }, 60, 100);
      const m = await got;
      sse.close();
      const data = JSON.parse(m.data) as Json;
      expect(m.event).toBe('fault_confirmed');
      expect(data).toMatchObject({ event_type: 'fault_confirmed', fault: { fault_code: 'ARM_COLLISION' }, 'x-medkit': { gateway: 'arm' } });
    });
  });

  describe('peer trouble', () => {
    it('answers 504 not-responding within the timeout when the owning peer hangs (the reference 0.7.0, not 502), while local routes keep answering', async () => {
      proxy.pause();
      const forwarded = api('/apps/gripper/data').then((r) => ({ which: 'forwarded', ...r }));
      const local = api('/apps/planner').then((r) => ({ which: 'local', ...r }));
      const first = await Promise.race([forwarded, local]);
      expect(first.which).toBe('local');
      expect(first.status).toBe(200);
      const r = await forwarded;
      expect(r.status).toBe(504);
      expect(r.body).toMatchObject({ error_code: 'not-responding', parameters: { entity_id: 'gripper', peer: 'arm' } });
      proxy.resume();
      await merged();
      expect((await api('/apps/gripper/data')).status).toBe(200);
    });

    it('answers 502 when the peer is gone, then retains its manifest entities as unavailable with 504, and recovers on restart', async () => {
      const port = mobile.port;
      await mobile.close();
      const gone = await api('/apps/drive/data');
      expect(gone.status).toBe(502);
      expect(gone.body).toMatchObject({ vendor_code: 'x-medkit-peer-unavailable', parameters: { peer: 'mobile' } });

      await main.aggregation!.checkNow();
      const apps = await api('/apps');
      expect(byId(apps.body, 'drive')?.['x-medkit']).toMatchObject({ available: false, is_online: false, source: 'peer:mobile' });
      const comps = await api('/components');
      expect(byId(comps.body, 'drive-ecu')?.['x-medkit']).toMatchObject({ available: false });
      const silent = await api('/apps/drive/data');
      expect(silent.status).toBe(504);
      expect(silent.body).toMatchObject({ error_code: 'not-responding', parameters: { entity_id: 'drive', peer: 'mobile' } });
      expect(typeof (silent.body.parameters as Json).details).toBe('string');
      expect((await api('/health')).body.peers).toContainEqual(expect.objectContaining({ name: 'mobile', status: 'offline' }));

      // Fan-out names the silent peer; the rest still answers.
      const faults = await api('/faults');
      expect(faults.body['x-medkit']).toMatchObject({ partial: true, failed_peers: ['mobile'], peer_failures: [{ peer: 'mobile', reason: 'offline' }] });
      expect(items(faults.body).some((f) => f.fault_code === 'PROTECTIVE_STOP')).toBe(true);
      const version = await api('/version-info');
      expect(version.body['x-medkit']).toEqual({ partial: true, failed_peers: ['mobile'], peer_failures: [{ peer: 'mobile', reason: 'offline' }] });

      mobile = await startPeer({ name: 'mobile', manifest: 'mobile.yaml', port });
      await merged();
      const back = await api('/apps');
      expect(byId(back.body, 'drive')?.['x-medkit']?.available).toBeUndefined();
      expect((await api('/apps/drive/data')).status).toBe(200);
    });
  });
});
