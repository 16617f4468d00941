// Bulk data over real HTTP (docs/faults.md): the black-box recording of a confirmed fault is listed, linked from
// the fault detail and downloadable as an MCAP file that @mcap/core reads; uploads of configured categories
// on apps/components; the errors of docs/faults.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { McapIndexedReader } from '@mcap/core';
import type { IReadable } from '@mcap/core';
import { getSnapshotsService } from '@medkit/faults';
import { startFaultGateway, until, type FaultGateway } from '../../../../test-support/gateway/faults-gateway.js';

const BATTERY = '/base/battery_monitor';
const STRING_DEF = 'string data\n';

/** CDR (little-endian) std_msgs/String. */
function cdrString(s: string): Uint8Array {
  const body = Buffer.from(s + '\0', 'utf8');
  const out = Buffer.alloc(8 + body.length);
  out.set([0, 1, 0, 0]);
  out.writeUInt32LE(body.length, 4);
  body.copy(out, 8);
  return out;
}

const readable = (buf: Uint8Array): IReadable => ({
  size: async () => BigInt(buf.byteLength),
  read: async (offset, size) => buf.subarray(Number(offset), Number(offset + size)),
});

describe('bulk data (docs/faults.md)', () => {
  let g: FaultGateway;
  let recordingId = '';
  beforeAll(async () => {
    g = await startFaultGateway({
      flags: {
        'faults.snapshots.rosbag.enabled': true, 'faults.snapshots.rosbag.topics': 'all', 'faults.snapshots.rosbag.duration_after_sec': 0.2,
        'bulk_data.categories': ['calibration', 'bad/name'], 'bulk_data.max_upload_size': 4096,
      },
    });
  });
  afterAll(async () => g?.close());

  it('lists rosbags first among the categories on every entity type', async () => {
    for (const path of ['/apps/battery-monitor', '/components/battery-pack', '/areas/base', '/functions/power-management', '/areas/base/subareas/power', '/components/main-computer/subcomponents/gpu-module']) {
      const r = await g.api('GET', `${path}/bulk-data`);
      expect(r.status, path).toBe(200);
      expect(r.body).toEqual({ items: ['rosbags', 'calibration'] });
    }
    expect((await g.api('GET', '/areas/sensors/subareas/power/bulk-data')).status).toBe(404);
    expect((await g.api('GET', '/apps/nope/bulk-data')).status).toBe(404);
    expect((await g.api('GET', '/apps/battery-monitor/bulk-data/firmware')).status).toBe(404);
  });

  it('records the black box of a confirmed fault, links it from the detail and serves it as MCAP', async () => {
    const tap = g.faults.system.blackbox!;
    for (let i = 0; i < 5; i++) tap.onMessage('/base/battery_state', 'std_msgs/msg/String', STRING_DEF, cdrString(`before ${i}`), BigInt(Date.now()) * 1_000_000n);
    expect(g.fail('BATTERY_DEAD', BATTERY, 3, 'Battery dead').status).toBe('CONFIRMED');
    tap.onMessage('/base/battery_state', 'std_msgs/msg/String', STRING_DEF, cdrString('after'), BigInt(Date.now()) * 1_000_000n);
    const list = await until(async () => {
      const r = await g.api('GET', '/apps/battery-monitor/bulk-data/rosbags');
      return r.body.items.length > 0 ? r.body : undefined;
    }, 'the recording');
    const d = list.items[0];
    recordingId = d.id;
    expect(d).toMatchObject({ mimetype: 'application/x-mcap', 'x-medkit': { fault_codes: ['BATTERY_DEAD'], recording_id: d.id, format: 'mcap' } });
    expect(d.id).toMatch(/^fault_BATTERY_DEAD_\d+$/);
    expect(d.size).toBeGreaterThan(0);
    expect((await g.api('GET', '/areas/power/bulk-data/rosbags')).body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect((await g.api('GET', '/apps/motor-driver/bulk-data/rosbags')).body.items).toEqual([]);

    const detail = await g.api('GET', '/apps/battery-monitor/faults/BATTERY_DEAD');
    const bag = detail.body.environment_data.snapshots.find((s: { type: string }) => s.type === 'rosbag');
    expect(bag).toMatchObject({ type: 'rosbag', bulk_data_uri: `/apps/battery-monitor/bulk-data/rosbags/${d.id}`, format: 'mcap', size_bytes: d.size });
    const listed = (await g.api('GET', '/faults')).body.items.find((i: { fault_code: string }) => i.fault_code === 'BATTERY_DEAD');
    expect(listed.environment_data.snapshots).toContainEqual(expect.objectContaining({ type: 'rosbag', bulk_data_uri: `/apps/battery-monitor/bulk-data/rosbags/${d.id}` }));

    const res = await fetch(`${g.url}/api/v1${bag.bulk_data_uri}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-mcap');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${d.id}.mcap"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // The listed size is what the download serves.
    expect(bytes.length).toBe(d.size);
    const reader = await McapIndexedReader.Initialize({ readable: readable(bytes) });
    const texts: string[] = [];
    for await (const m of reader.readMessages()) {
      expect(reader.channelsById.get(m.channelId)!.topic).toBe('/base/battery_state');
      texts.push(Buffer.from(m.data.subarray(8)).toString('utf8').replace(/\0$/, ''));
    }
    expect(texts).toEqual(['before 0', 'before 1', 'before 2', 'before 3', 'before 4', 'after']);
    expect([...reader.schemasById.values()].map((s) => s.name)).toEqual(['std_msgs/msg/String']);

    // Legacy: a fault code names its newest recording; ranges work; out-of-scope entities do not see it.
    const byCode = await fetch(`${g.url}/api/v1/apps/battery-monitor/bulk-data/rosbags/BATTERY_DEAD`);
    expect(new Uint8Array(await byCode.arrayBuffer())).toEqual(bytes);
    // It names the recording it served (the UI starts this download before it knows the id).
    expect(byCode.headers.get('content-location')).toBe(`/api/v1/apps/battery-monitor/bulk-data/rosbags/${d.id}`);
    expect(res.headers.get('content-location')).toBe(`/api/v1${bag.bulk_data_uri}`);
    const part = await fetch(`${g.url}/api/v1/apps/battery-monitor/bulk-data/rosbags/${d.id}`, { headers: { range: 'bytes=0-7' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-7/${bytes.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(0, 8));
    expect((await g.api('GET', `/apps/motor-driver/bulk-data/rosbags/${d.id}`)).status).toBe(404);
    expect((await g.api('GET', '/apps/battery-monitor/bulk-data/rosbags/fault_NONE_1')).status).toBe(404);

    // GetSnapshots (docs/faults.md) points its download_url at this bulk-data download, which serves the same bag.
    const legacy = JSON.parse(getSnapshotsService(g.faults.manager, 'BATTERY_DEAD', '', (f) => g.faults.entityPathOf(f)).data);
    expect(legacy.rosbag).toEqual({ available: true, duration_sec: d['x-medkit'].duration_sec, size_bytes: d.size, format: 'mcap', download_url: `/api/v1/apps/battery-monitor/bulk-data/rosbags/${d.id}` });
    const viaUrl = await fetch(`${g.url}${legacy.rosbag.download_url}`);
    expect(viaUrl.status).toBe(200);
    expect(new Uint8Array(await viaUrl.arrayBuffer())).toEqual(bytes);
    // A fault no entity owns has no route that could serve its bag: no download_url rather than a dead one.
    expect(JSON.parse(getSnapshotsService(g.faults.manager, 'BATTERY_DEAD', '', () => undefined).data).rosbag).not.toHaveProperty('download_url');
  });

  it('a fault no entity reported links its recording at /bulk-data/rosbags/{id}, which serves it (issue 55)', async () => {
    const tap = g.faults.system.blackbox!;
    tap.onMessage('/base/battery_state', 'std_msgs/msg/String', STRING_DEF, cdrString('orphan'), BigInt(Date.now()) * 1_000_000n);
    expect(g.fail('ORPHAN_BAG', '/nobody/reports_this', 3, 'from no entity').status).toBe('CONFIRMED');
    const bag = await until(async () => {
      const r = await g.api('GET', '/faults/ORPHAN_BAG');
      return (r.body?.environment_data?.snapshots ?? []).find((x: { type: string }) => x.type === 'rosbag');
    }, 'the orphan fault\'s recording');
    expect(bag.bulk_data_uri).toMatch(/^\/bulk-data\/rosbags\/fault_ORPHAN_BAG_\d+$/);
    const res = await fetch(`${g.url}/api/v1${bag.bulk_data_uri}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-mcap');
    expect((await res.arrayBuffer()).byteLength).toBe(bag.size_bytes);
    expect((await g.api('GET', '/bulk-data/rosbags/fault_NONE_1')).status).toBe(404);
  });

  it('emits every recording link in the reference form, which each of the reference clients follows to the download', async () => {
    expect(recordingId).not.toBe('');
    const api = `${g.url}/api/v1`;
    // How the reference's clients follow a link: its web UI accepts only an entity path and puts its API base in
    // front; its Foxglove extension and MCP server join the link to their base URL (which ends in /api/v1).
    const clients: Record<string, (uri: string) => string | undefined> = {
      'web UI': (uri) => (/^\/(apps|components|areas|functions)\//.test(uri) ? `${api}${uri}` : undefined),
      'Foxglove extension, MCP server': (uri) => `${api.replace(/\/+$/, '')}${uri}`,
    };
    const links = new Set<string>();
    const collect = (snapshots: unknown) => {
      for (const s of (snapshots as { type: string; bulk_data_uri?: string }[]) ?? []) if (s.type === 'rosbag' && s.bulk_data_uri) links.add(s.bulk_data_uri);
    };
    for (const path of ['/apps/battery-monitor/faults/BATTERY_DEAD', '/faults/BATTERY_DEAD', '/components/battery-pack/faults/BATTERY_DEAD']) {
      const r = await g.api('GET', path);
      expect(r.status, path).toBe(200);
      collect(r.body.environment_data?.snapshots);
    }
    for (const path of ['/faults', '/apps/battery-monitor/faults']) {
      for (const i of (await g.api('GET', path)).body.items) if (i.fault_code === 'BATTERY_DEAD') collect(i.environment_data?.snapshots);
    }
    for (const path of ['/faults/BATTERY_DEAD/snapshots', '/apps/battery-monitor/faults/BATTERY_DEAD/snapshots']) {
      const r = await g.api('GET', path);
      expect(r.status, path).toBe(200);
      collect(r.body.environment_data?.snapshots ?? r.body.snapshots ?? r.body.items);
    }
    expect(links.size).toBeGreaterThan(0);
    for (const uri of links) {
      expect(uri, 'no API base in a link').toMatch(/^\/(apps|components|areas|functions)\/[^/]+\/bulk-data\/rosbags\/fault_BATTERY_DEAD_\d+$/);
      for (const [client, follow] of Object.entries(clients)) {
        const url = follow(uri);
        expect(url, `${client} accepts ${uri}`).toBeDefined();
        const res = await fetch(url!);
        expect(res.status, `${client}: ${url}`).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/x-mcap');
        await res.arrayBuffer();
      }
    }
  });

  it('serves a fault\'s newest recording at /{entity}/faults/{code}/recording, naming it; 204 once retention removed it; 404 for an unknown or out-of-scope fault', async () => {
    const res = await fetch(`${g.url}/api/v1/apps/battery-monitor/faults/BATTERY_DEAD/recording`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-mcap');
    expect(res.headers.get('content-location')).toBe(`/api/v1/apps/battery-monitor/bulk-data/rosbags/${recordingId}`);
    const byId = await fetch(`${g.url}/api/v1/apps/battery-monitor/bulk-data/rosbags/${recordingId}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(await byId.arrayBuffer()))).toBe(true);
    expect((await g.api('GET', '/components/battery-pack/faults/BATTERY_DEAD/recording')).headers.get('content-location')).toBe(`/api/v1/components/battery-pack/bulk-data/rosbags/${recordingId}`);
    expect((await g.api('GET', '/apps/motor-driver/faults/BATTERY_DEAD/recording')).status).toBe(404);
    const unknown = await g.api('GET', '/apps/battery-monitor/faults/NO_SUCH_FAULT/recording');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'resource-not-found', parameters: { fault_code: 'NO_SUCH_FAULT' } });

    // Its files gone (retention, a full disk cleaned by hand): the fault is there, its recording is not: 204.
    const tap = g.faults.system.blackbox!;
    tap.onMessage('/base/battery_state', 'std_msgs/msg/String', STRING_DEF, cdrString('soon gone'), BigInt(Date.now()) * 1_000_000n);
    expect(g.fail('BAG_GONE', BATTERY, 3, 'its recording is removed').status).toBe('CONFIRMED');
    const link = await until(async () => g.faults.system.repository.rosbagLinksForFault('BAG_GONE')[0], 'the recording of BAG_GONE');
    rmSync(link.file_path, { recursive: true, force: true });
    const none = await fetch(`${g.url}/api/v1/apps/battery-monitor/faults/BAG_GONE/recording`);
    expect(none.status).toBe(204);
    expect(none.headers.get('content-location')).toBeNull();
    expect(await none.text()).toBe('');
  });

  it('uploads, lists, downloads and deletes files of a configured category on apps and components', async () => {
    const form = new FormData();
    form.append('file', new Blob(['fx: 512.0\nfy: 511.2\n'], { type: 'application/x-yaml' }), 'lidar_intrinsics.yaml');
    form.append('description', 'Front LiDAR intrinsics');
    form.append('metadata', JSON.stringify({ revision: '7' }));
    const up = await fetch(`${g.url}/api/v1/components/lidar-unit/bulk-data/calibration`, { method: 'POST', body: form });
    expect(up.status).toBe(201);
    const d = await up.json();
    expect(d).toMatchObject({ name: 'lidar_intrinsics.yaml', mimetype: 'application/x-yaml', size: 20, description: 'Front LiDAR intrinsics', 'x-medkit': { revision: '7' } });
    expect(d.id).toMatch(/^calibration_\d+_[0-9a-f]{8}$/);
    expect(up.headers.get('location')).toBe(`/api/v1/components/lidar-unit/bulk-data/calibration/${d.id}`);
    expect((await g.api('GET', '/components/lidar-unit/bulk-data/calibration')).body.items).toEqual([d]);
    const dl = await fetch(`${g.url}${up.headers.get('location')}`);
    expect(dl.headers.get('content-disposition')).toBe('attachment; filename="lidar_intrinsics.yaml"');
    expect(await dl.text()).toBe('fx: 512.0\nfy: 511.2\n');
    expect((await g.api('DELETE', `/components/lidar-unit/bulk-data/calibration/${d.id}`)).status).toBe(204);
    expect((await g.api('GET', `/components/lidar-unit/bulk-data/calibration/${d.id}`)).status).toBe(404);
    expect((await g.api('DELETE', `/components/lidar-unit/bulk-data/calibration/${d.id}`)).status).toBe(404);
  });

  it('refuses writes on areas/functions (405), on rosbags and unknown categories (400), bad metadata and oversize files', async () => {
    const post = (path: string, parts: Record<string, string | Blob> = { file: new Blob(['x']) }) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(parts)) form.append(k, v, ...(v instanceof Blob ? ['f.bin'] : []));
      return fetch(`${g.url}/api/v1${path}`, { method: 'POST', body: form }).then(async (r) => ({ status: r.status, body: await r.json() }));
    };
    const area = await post('/areas/base/bulk-data/calibration');
    expect(area.status).toBe(405);
    expect(area.body.error_code).toBe('invalid-request');
    expect((await post('/functions/perception/bulk-data/calibration')).status).toBe(405);
    expect((await g.api('DELETE', '/areas/base/bulk-data/calibration/x')).status).toBe(405);
    const rosbags = await post('/apps/battery-monitor/bulk-data/rosbags');
    expect(rosbags.status).toBe(400);
    expect(rosbags.body.error_code).toBe('invalid-parameter');
    expect((await g.api('DELETE', `/apps/battery-monitor/bulk-data/rosbags/${recordingId}`)).status).toBe(400);
    expect((await post('/apps/battery-monitor/bulk-data/firmware')).status).toBe(400);
    const meta = await post('/apps/battery-monitor/bulk-data/calibration', { file: new Blob(['x']), metadata: '[1,2]' });
    expect(meta.status).toBe(400);
    expect(meta.body.parameters).toMatchObject({ parameter: 'metadata' });
    expect((await post('/apps/battery-monitor/bulk-data/calibration', { description: 'no file' })).status).toBe(400);
    const big = await post('/apps/battery-monitor/bulk-data/calibration', { file: new Blob([new Uint8Array(5000)]) });
    expect(big.status).toBe(413);
    expect(big.body.error_code).toBe('payload-too-large');
    expect((await g.api('GET', '/apps/battery-monitor/bulk-data/calibration')).body.items).toEqual([]);
  });

  it('answers 400 "Too many parts" for a body over the part limits, like script uploads (one multipart reader)', async () => {
    const form = new FormData();
    form.append('file', new Blob(['a']), 'a.bin');
    form.append('file', new Blob(['b']), 'b.bin');
    const res = await fetch(`${g.url}/api/v1/apps/battery-monitor/bulk-data/calibration`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'invalid-request', message: 'Too many parts in the multipart body' });
    expect((await g.api('GET', '/apps/battery-monitor/bulk-data/calibration')).body.items).toEqual([]);
  });
});
