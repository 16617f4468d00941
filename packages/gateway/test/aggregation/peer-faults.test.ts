// Robot-wide fault reads by code (`GET /faults/{code}`, `GET /faults/{code}/snapshots`) for faults a peer
// gateway holds, against real gateways with the real faults feature: the peer's documents through the
// primary with links re-addressed to the primary's ids, the 404 for unknown codes naming the peers that could
// not say, a black-holed peer and a closed one that cost at most the deadline, a hostile peer whose oversized
// or wrong answers are refused, and the local-only header that keeps a lookup from going round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { createFaultsFeature } from '../../src/faults/feature.js';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { FixedSampler } from '../../../../test-support/gateway/faults-gateway.js';
import type { GatewayFeature } from '../../src/feature.js';
import { API_BASE } from '@medkit/server';
import { Opaque } from '@medkit/server';
import { MAX_PEER_RESPONSE_BYTES } from '../../src/aggregation/index.js';
import { eventually, http, PausableProxy, startPeer, type TestPeer } from './support.js';
import { readIncidentFile } from '../../../../test-support/incident-file.js';

type Json = Record<string, unknown>;

/** A peer gateway whose robot-wide fault routes answer hostile bodies: larger than the cap, or another fault's. */
function hostileFaults(): GatewayFeature {
  return {
    name: 'hostile-faults',
    routes: () => (app) => {
      const opts = (id: string) => ({ schema: { operationId: id, summary: 'test', tags: ['test'], params: Type.Object({ code: Type.String() }), response: { 200: Opaque() } } });
      const answer = (code: string, reply: { type(t: string): { send(b: string): unknown } }) => {
        if (code === 'PROTECTIVE_STOP' || code === 'HOSTILE_BIG') {
          // A well-formed document padded past the size cap.
          const pad = 'x'.repeat(MAX_PEER_RESPONSE_BYTES + 1024);
          return reply.type('application/json').send(JSON.stringify({ item: { code, fault_code: code }, fault_code: code, topics: {}, pad }));
        }
        // Someone else's fault under the asked code.
        return reply.type('application/json').send(JSON.stringify({ item: { code: 'OTHER', fault_code: 'OTHER' }, fault_code: 'OTHER', topics: {} }));
      };
      app.get(`${API_BASE}/faults/:code`, opts('hostileFault'), async (request, reply) => answer((request.params as { code: string }).code, reply));
      app.get(`${API_BASE}/faults/:code/snapshots`, opts('hostileSnapshots'), async (request, reply) => answer((request.params as { code: string }).code, reply));
    },
  };
}

describe('robot-wide fault reads reach the faults peers hold', () => {
  let safety: TestPeer;
  let hostile: TestPeer;
  let stuck: TestPeer;
  let gone: TestPeer;
  let proxy: PausableProxy;
  let main: TestPeer;

  beforeAll(async () => {
    const sampler = new FixedSampler({
      '/base/wheel_speeds': { type: 'std_msgs/msg/Float64', value: { data: 0.75 } },
      '/base/estop': { type: 'std_msgs/msg/Bool', value: { data: true } },
    });
    safety = await startPeer({
      name: 'safety',
      manifest: 'mobile.yaml',
      features: [createFaultsFeature(undefined, { sampler })],
      flags: {
        'faults.snapshots.default_topics': ['/base/wheel_speeds', '/base/estop'],
        'faults.snapshots.history_window_sec': 0,
        'faults.snapshots.rosbag.enabled': true,
        'faults.snapshots.rosbag.duration_after_sec': 0.1,
      },
    });
    hostile = await startPeer({ name: 'hostile', manifest: 'arm.yaml', features: [hostileFaults()] });
    stuck = await startPeer({ name: 'stuck', manifest: 'arm.yaml', features: [createFaultsFeature()] });
    gone = await startPeer({ name: 'gone', manifest: 'arm.yaml', features: [createFaultsFeature()] });
    proxy = new PausableProxy(stuck.port);
    await proxy.start();
    main = await startPeer({
      name: 'main',
      manifest: 'main-drive.yaml',
      features: [createFaultsFeature()],
      peers: [
        { name: 'safety', url: safety.url },
        { name: 'hostile', url: hostile.url },
        { name: 'stuck', url: proxy.url },
        { name: 'gone', url: gone.url },
      ],
      flags: { 'aggregation.timeout_ms': 1500 },
    });
    await eventually(async () => {
      await main.aggregation!.checkNow();
      return ['safety', 'hostile', 'stuck', 'gone'].every((p) => main.aggregation!.peer(p)?.status === 'online') && main.aggregation!.peer('safety')?.tree;
    });
    const faults = safety.gateway.ctx.services.get(FAULTS_SERVICE);
    faults.report({ fault_code: 'PROTECTIVE_STOP', event_type: 0, severity: 3, description: 'protective stop', source_id: '/base/drive' });
    // Freeze frames and the post-fault recording are written in the background.
    await eventually(async () => {
      const d = await http(`${safety.url}/api/v1/faults/PROTECTIVE_STOP`);
      const snaps = ((d.body.environment_data as Json | undefined)?.snapshots ?? []) as Json[];
      return snaps.some((s) => s.type === 'rosbag') && snaps.some((s) => s.type === 'freeze_frame');
    });
    // Then the failures: one peer black-holed (accepts, never answers), one closed.
    proxy.pause();
    await gone.close();
  });
  afterAll(async () => {
    await main?.close();
    await proxy?.close();
    for (const p of [safety, hostile, stuck]) await p?.close();
  });

  it("answers a peer's fault detail by code, its rosbag link re-addressed to this gateway's id of the app", async () => {
    // `drive` is taken here, so the safety island's app is `safety__drive` on this gateway.
    expect(main.aggregation!.route('app', 'safety__drive')).toMatchObject({ peer: 'safety', remoteId: 'drive' });
    const r = await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP`);
    expect(r.status).toBe(200);
    expect(r.body.item).toMatchObject({ code: 'PROTECTIVE_STOP', severity: 3, reporting_sources: ['/base/drive'] });
    expect(r.body['x-medkit']).toMatchObject({ gateway: 'safety', status: 'CONFIRMED' });
    const snaps = (r.body.environment_data as Json).snapshots as Json[];
    const bag = snaps.find((s) => s.type === 'rosbag')!;
    expect(bag.bulk_data_uri).toMatch(/^\/apps\/safety__drive\/bulk-data\/rosbags\/fault_PROTECTIVE_STOP_\d+$/);
    // The re-addressed link works through this gateway (forwarded to the peer's `drive`).
    const download = await fetch(`${main.url}/api/v1${bag.bulk_data_uri as string}`);
    expect(download.status).toBe(200);
    const bytes = await download.arrayBuffer();
    expect(bytes.byteLength).toBeGreaterThan(0);
    // Asked by the fault (its newest recording), the peer's Content-Location comes re-addressed like Location.
    const byCode = await fetch(`${main.url}/api/v1/apps/safety__drive/faults/PROTECTIVE_STOP/recording`);
    expect(byCode.status).toBe(200);
    expect(byCode.headers.get('content-location')).toBe(`/api/v1${bag.bulk_data_uri as string}`);
    expect(Buffer.from(await byCode.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });

  it("answers a peer's snapshot document, whole and narrowed by ?topic=", async () => {
    const all = await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP/snapshots`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      fault_code: 'PROTECTIVE_STOP',
      topics: { '/base/wheel_speeds': { message_type: 'std_msgs/msg/Float64', data: { data: 0.75 } }, '/base/estop': { message_type: 'std_msgs/msg/Bool' } },
      rosbag: { available: true },
      'x-medkit': { gateway: 'safety' },
    });
    expect((all.body.rosbag as Json).download_url).toMatch(/^\/api\/v1\/apps\/safety__drive\/bulk-data\/rosbags\//);
    const one = await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP/snapshots?topic=base/estop`);
    expect(one.status).toBe(200);
    expect(Object.keys(one.body.topics as Json)).toEqual(['/base/estop']);
  });

  it("exports a peer's fault as GET /faults/{code} finds it: the holding peer's incident file, forwarded (issue 67)", async () => {
    const read = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { headers });
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-mcap');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="incident_PROTECTIVE_STOP_\d+\.mcap"/);
      return readIncidentFile(new Uint8Array(await res.arrayBuffer()));
    };
    const own = await read(`${safety.url}/api/v1/faults/PROTECTIVE_STOP/incident`);
    const through = await read(`${main.url}/api/v1/faults/PROTECTIVE_STOP/incident`, { 'x-client-id': 'bench-7' });
    const { exported_at: _a, ...ownMeta } = own.meta;
    const { exported_at: _b, ...throughMeta } = through.meta;
    expect(ownMeta).toMatchObject({ fault_code: 'PROTECTIVE_STOP', recording_id: expect.stringMatching(/^fault_PROTECTIVE_STOP_/) });
    expect(throughMeta).toEqual(ownMeta);
    expect([...through.attachments.keys()]).toEqual([...own.attachments.keys()]);
    expect(through.attachments.get('faults.json')).toEqual(own.attachments.get('faults.json'));
    expect(through.messages).toBe(own.messages);
  });

  it('answers the incident of a code no gateway holds, or asked locally only, with the 404 of GET /faults/{code}', async () => {
    const none = await http(`${main.url}/api/v1/faults/NO_SUCH_FAULT/incident`);
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'NO_SUCH_FAULT', failed_peers: ['gone', 'hostile', 'stuck'] } });
    const local = await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP/incident`, { headers: { 'x-medkit-no-fan-out': '1' } });
    expect(local.status).toBe(404);
    expect(local.body.parameters).toEqual({ fault_code: 'PROTECTIVE_STOP' });
    expect((await http(`${main.url}/api/v1/faults/${'X'.repeat(257)}/incident`)).status).toBe(400);
  });

  it('answers 404 for a code no gateway holds, naming the peers that could not say', async () => {
    for (const path of ['/faults/NO_SUCH_FAULT', '/faults/NO_SUCH_FAULT/snapshots']) {
      const r = await http(`${main.url}/api/v1${path}`);
      expect(r.status, path).toBe(404);
      expect(r.body).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'NO_SUCH_FAULT' } });
      // The hostile peer answered another fault's document; the black-holed and closed ones did not answer.
      expect((r.body.parameters as Json).failed_peers, path).toEqual(['gone', 'hostile', 'stuck']);
    }
  });

  it('refuses an oversized peer answer (bounded read) and keeps the first good one', async () => {
    // The hostile peer sends more than the cap for PROTECTIVE_STOP and HOSTILE_BIG; the safety island's answer wins.
    expect((await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP`)).body['x-medkit']).toMatchObject({ gateway: 'safety' });
    const big = await http(`${main.url}/api/v1/faults/HOSTILE_BIG/snapshots`);
    expect(big.status).toBe(404);
    expect((big.body.parameters as Json).failed_peers).toContain('hostile');
  });

  it('keeps a local-only request local, and still serves its own faults first', async () => {
    const r = await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP`, { headers: { 'x-medkit-no-fan-out': '1' } });
    expect(r.status).toBe(404);
    expect(r.body.parameters).toEqual({ fault_code: 'PROTECTIVE_STOP' });
    main.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: 'MAIN_ONLY', event_type: 0, severity: 2, description: 'main', source_id: '/nav/drive_supervisor' });
    const own = await http(`${main.url}/api/v1/faults/MAIN_ONLY`);
    expect(own.status).toBe(200);
    expect((own.body['x-medkit'] as Json).gateway).toBeUndefined();
  });

  it('clears only local faults: DELETE /faults/{code} of a peer-held fault is the 404, the peer keeps it', async () => {
    const r = await http(`${main.url}/api/v1/faults/PROTECTIVE_STOP`, { method: 'DELETE' });
    expect(r.status).toBe(404);
    expect((await http(`${safety.url}/api/v1/faults/PROTECTIVE_STOP`)).status).toBe(200);
    // A local fault is cleared, and the answer says the clear was local.
    const local = await fetch(`${main.url}/api/v1/faults/MAIN_ONLY`, { method: 'DELETE' });
    expect(local.status).toBe(204);
    expect(local.headers.get('x-medkit-local-only')).toBe('true');
  });
});
