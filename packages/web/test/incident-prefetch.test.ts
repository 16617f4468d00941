// The incident view's first reads and the recording's download, started by the route (src/incident/incident-prefetch.ts):
// each read once, handed to the view once, asked again when the view opens later than the prefetch's lifetime; the
// download starts as soon as either read names the recording the view will open, against a real HTTP server on
// loopback; the background reads wait for the incident (src/api/foreground.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMedkitClient, type MedkitClient } from '@medkit/client';
import { incidentSettled, prefetchIncident, takePrefetched, takePrefetchedDownload } from '../src/incident/incident-prefetch';
import { incidentReadPaths } from '../src/incident/incident-read-paths';
import { backgroundTurn, foregroundOpen, foregroundTask } from '../src/api/foreground';
import { MAX_RECORDING_BYTES, type RecordingDownload } from '../src/incident/recording-download';

/** A client whose every GET answers `{path}` (the path asked, as sent) without a network. */
function fakeClient() {
  const asked: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname.replace(/^\/api\/v1/, '');
    asked.push(path);
    return new Response(JSON.stringify({ path }), { headers: { 'content-type': 'application/json' } });
  };
  const client: MedkitClient = createMedkitClient({ baseUrl: 'http://gateway.invalid', fetch });
  return { client, asked };
}

const BYTES = Buffer.from('a recording of some bytes');
const rosbag = (id: string, capturedAt: string, size = BYTES.length, app = 'gate') => ({ type: 'rosbag', name: id, bulk_data_uri: `/api/v1/apps/${app}/bulk-data/rosbags/${id}`, size_bytes: size, 'x-medkit': { captured_at: capturedAt } });
const frame = (capturedAt: string) => ({ type: 'freeze_frame', name: 'stop', data: true, 'x-medkit': { topic: '/stop', captured_at: capturedAt } });
const listed = (id: string, created: string, code = 'STOP') => ({ id, name: id, size: BYTES.length, creation_date: created, 'x-medkit': { fault_codes: [code] } });

/** A gateway stand-in on loopback: the detail and listing answered from `answers`, each held until released; recordings served as bytes. */
class StandIn {
  server!: Server;
  asked: string[] = [];
  aborted: string[] = [];
  answers: Record<string, unknown> = {};
  /** `…/faults/{code}/recording` → the id of the recording it serves (the gateway's newest); others are 204. */
  newest: Record<string, string> = {};
  private held = new Map<string, () => void>();
  private gates = new Map<string, Promise<void>>();

  hold(path: string): void {
    this.gates.set(path, new Promise<void>((r) => this.held.set(path, r)));
  }
  release(path: string): void {
    this.held.get(path)?.();
  }
  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => void this.answer(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  private async answer(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url!, 'http://x').pathname.replace(/^\/api\/v1/, '');
    this.asked.push(path);
    res.on('close', () => !res.writableFinished && this.aborted.push(path));
    await this.gates.get(path);
    const byFault = /^(.*)\/faults\/[^/]+\/recording$/.exec(path);
    if (path.includes('/bulk-data/rosbags/') || byFault) {
      // By fault: its newest recording, named in Content-Location, or 204 without one.
      const served = byFault ? this.newest[path] : path.split('/').pop()!;
      if (served === undefined) return void res.writeHead(204).end();
      const folder = byFault ? `${byFault[1]}/bulk-data/rosbags` : path.slice(0, path.lastIndexOf('/'));
      res.writeHead(200, { 'content-type': 'application/x-mcap', 'content-length': String(BYTES.length), 'content-location': `/api/v1${folder}/${served}` });
      // Half now, half a little later: a download can be aborted while it runs.
      res.write(BYTES.subarray(0, 4));
      setTimeout(() => res.end(BYTES.subarray(4)), 50);
      return;
    }
    const body = this.answers[path];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { error_code: 'resource-not-found', message: 'no' }));
  }
}

describe('incident prefetch', () => {
  afterEach(() => {
    vi.useRealTimers();
    incidentSettled();
  });

  it('asks the detail and the recordings once, and hands each read to the view once', async () => {
    const { client, asked } = fakeClient();
    const paths = incidentReadPaths('/apps/gate', 'STOP/1');
    expect(paths).toEqual({ detail: '/apps/gate/faults/STOP%2F1', recordings: '/apps/gate/bulk-data/rosbags' });
    prefetchIncident(client, { type: 'app', id: 'gate' }, 'STOP/1');
    prefetchIncident(client, { type: 'app', id: 'gate' }, 'STOP/1');
    // The typed client sends after its own awaits: wait for both requests, then for nothing more.
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    expect(asked).toEqual([paths.detail, paths.recordings]);
    expect(await takePrefetched(client, paths.detail)).toEqual({ path: paths.detail });
    expect(takePrefetched(client, paths.detail)).toBeUndefined();
    // Another client (another gateway) has nothing prefetched.
    expect(takePrefetched(fakeClient().client, paths.recordings)).toBeUndefined();
  });

  it('drops a read not taken within its lifetime, so a view opened later reads afresh', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { client } = fakeClient();
    const paths = incidentReadPaths('/apps/gate', 'STOP');
    prefetchIncident(client, { type: 'app', id: 'gate' }, 'STOP');
    vi.advanceTimersByTime(10_001);
    expect(takePrefetched(client, paths.detail)).toBeUndefined();
  });

  it('does not leave a failed read unhandled when no view takes it, and lets the background go', async () => {
    let fetched!: () => void;
    const failed = new Promise<void>((r) => (fetched = r));
    const client = createMedkitClient({ baseUrl: 'http://gateway.invalid', fetch: () => (fetched(), Promise.reject(new Error('gone'))) });
    prefetchIncident(client, { type: 'app', id: 'gate' }, 'STOP');
    expect(foregroundOpen()).toBe(true);
    // The read has failed (the event), and its rejection has had a turn to go unhandled if nobody handles it.
    await failed;
    await new Promise((r) => setImmediate(r));
    await expect(takePrefetched(client, incidentReadPaths('/apps/gate', 'STOP').detail)).rejects.toThrow('gone');
    // Nothing to open: the background reads need not wait for the view.
    expect(foregroundOpen()).toBe(false);
  });
});

describe('the recording downloaded by the route', () => {
  const gw = new StandIn();
  let client: MedkitClient;
  beforeAll(async () => {
    client = createMedkitClient({ baseUrl: await gw.start() });
  });
  afterAll(() => gw.server.close());
  afterEach(() => {
    gw.asked = [];
    gw.aborted = [];
    gw.answers = {};
    gw.newest = {};
    incidentSettled();
  });

  /**
   * Prefetches `gate`'s STOP incident, whose detail names recording `named` while the fault's recording route serves
   * `served`; returns once the recording was asked, the detail still held (gw.release lets it go).
   */
  async function prefetchWhileDetailHeld(gate: string, named: string, served: string): Promise<void> {
    gw.answers[`/apps/${gate}/faults/STOP`] = { item: { code: 'STOP' }, environment_data: { snapshots: [frame('2026-11-25T10:00:00.000Z'), rosbag(named, '2026-11-25T10:00:02.000Z', BYTES.length, gate)] } };
    gw.newest[`/apps/${gate}/faults/STOP/recording`] = served;
    gw.hold(`/apps/${gate}/faults/STOP`);
    prefetchIncident(client, { type: 'app', id: gate }, 'STOP');
    await vi.waitFor(() => expect(gw.asked).toContain(`/apps/${gate}/faults/STOP/recording`));
  }

  it('asks the fault’s newest recording beside the reads, and hands it over when the detail names it: one download', async () => {
    // The download runs while the detail is held: it no longer waits for a read to name the recording.
    await prefetchWhileDetailHeld('gate3', 'fault_STOP_7', 'fault_STOP_7');
    expect(gw.asked).not.toContain('/apps/gate3/bulk-data/rosbags/fault_STOP_7');
    gw.release('/apps/gate3/faults/STOP');
    let download: RecordingDownload | undefined;
    await vi.waitFor(() => expect((download ??= takePrefetchedDownload(client, '/apps/gate3/bulk-data/rosbags/fault_STOP_7'))).toBeDefined());
    expect(Buffer.from(await download!.bytes).toString()).toBe(BYTES.toString());
    expect(await download!.recordingId).toBe('fault_STOP_7');
    expect(gw.asked.filter((p) => p.endsWith('/rosbags/fault_STOP_7'))).toEqual([]);
    expect(gw.aborted).toEqual([]);
  });

  it('aborts the download by fault when the reads choose another recording, and downloads that one', async () => {
    // A newer recording was written between the two answers: the detail names fault_STOP_9, the fault's route served _8.
    await prefetchWhileDetailHeld('gate4', 'fault_STOP_9', 'fault_STOP_8');
    gw.release('/apps/gate4/faults/STOP');
    let download: RecordingDownload | undefined;
    await vi.waitFor(() => expect((download ??= takePrefetchedDownload(client, '/apps/gate4/bulk-data/rosbags/fault_STOP_9'))).toBeDefined());
    expect(await download!.recordingId).toBe('fault_STOP_9');
    expect(Buffer.from(await download!.bytes).toString()).toBe(BYTES.toString());
    expect(gw.asked).toContain('/apps/gate4/bulk-data/rosbags/fault_STOP_9');
  });

  it('asks nothing by fault for an occurrence the URL names; a fault without recordings answers 204 and nothing more is downloaded', async () => {
    gw.answers['/apps/gate5/faults/STOP'] = { item: { code: 'STOP' }, environment_data: { snapshots: [frame('2026-11-25T10:00:00.000Z'), rosbag('fault_STOP_5', '2026-11-25T10:00:02.000Z', BYTES.length, 'gate5')] } };
    prefetchIncident(client, { type: 'app', id: 'gate5' }, 'STOP', Date.parse('2026-11-25T10:00:00.000Z'));
    await vi.waitFor(() => expect(gw.asked).toContain('/apps/gate5/bulk-data/rosbags/fault_STOP_5'));
    expect(gw.asked).not.toContain('/apps/gate5/faults/STOP/recording');
    incidentSettled();
    // No recording anywhere: the newest asked by the fault (204) is the only download, and the background may go.
    gw.answers['/apps/gate6/faults/QUIET'] = { item: { code: 'QUIET' }, environment_data: { snapshots: [frame('2026-11-25T10:00:00.000Z')] } };
    gw.answers['/apps/gate6/bulk-data/rosbags'] = { items: [] };
    prefetchIncident(client, { type: 'app', id: 'gate6' }, 'QUIET');
    await vi.waitFor(() => expect(foregroundOpen()).toBe(false));
    expect(gw.asked.filter((p) => p.startsWith('/apps/gate6/bulk-data/rosbags/') || p.endsWith('/recording'))).toEqual(['/apps/gate6/faults/QUIET/recording']);
  });

  it('starts as soon as the detail names the recording, before the listing answers, and is handed to the view once', async () => {
    gw.answers['/apps/gate/faults/STOP'] = { item: { code: 'STOP' }, environment_data: { snapshots: [frame('2026-11-25T10:00:00.000Z'), rosbag('fault_STOP_1', '2026-11-25T10:00:02.000Z')] } };
    gw.hold('/apps/gate/bulk-data/rosbags');
    prefetchIncident(client, { type: 'app', id: 'gate' }, 'STOP');
    await vi.waitFor(() => expect(gw.asked).toContain('/apps/gate/bulk-data/rosbags/fault_STOP_1'));
    const download = takePrefetchedDownload(client, '/apps/gate/bulk-data/rosbags/fault_STOP_1');
    expect(download).toBeDefined();
    expect(takePrefetchedDownload(client, '/apps/gate/bulk-data/rosbags/fault_STOP_1')).toBeUndefined();
    const progress: number[] = [];
    download!.onProgress((p) => progress.push(p.done));
    expect(Buffer.from(await download!.bytes).toString()).toBe(BYTES.toString());
    expect(progress.at(-1)).toBe(BYTES.length);
    // The listing, answering later with the same recording, starts no second download.
    gw.answers['/apps/gate/bulk-data/rosbags'] = { items: [listed('fault_STOP_1', '2026-11-25T10:00:02.000Z')] };
    gw.release('/apps/gate/bulk-data/rosbags');
    await vi.waitFor(() => expect(gw.asked).toContain('/apps/gate/bulk-data/rosbags'));
    await new Promise((r) => setTimeout(r, 50));
    expect(gw.asked.filter((p) => p.endsWith('fault_STOP_1'))).toHaveLength(1);
    // The background reads wait until the view has drawn the recording.
    expect(foregroundOpen()).toBe(true);
    incidentSettled();
    expect(foregroundOpen()).toBe(false);
  });

  it('aborts the first download when the second answer picks another occurrence’s recording', async () => {
    // The detail alone names the recording of its capture; the listing adds a newer occurrence's recording.
    gw.answers['/apps/gate2/faults/AGAIN'] = { item: { code: 'AGAIN' }, environment_data: { snapshots: [frame('2026-11-25T10:00:00.000Z'), rosbag('fault_AGAIN_old', '2026-11-25T10:00:02.000Z', BYTES.length, 'gate2')] } };
    gw.answers['/apps/gate2/bulk-data/rosbags'] = { items: [listed('fault_AGAIN_new', '2026-11-25T10:05:02.000Z', 'AGAIN')] };
    gw.hold('/apps/gate2/bulk-data/rosbags');
    gw.hold('/apps/gate2/bulk-data/rosbags/fault_AGAIN_old');
    prefetchIncident(client, { type: 'app', id: 'gate2' }, 'AGAIN');
    await vi.waitFor(() => expect(gw.asked).toContain('/apps/gate2/bulk-data/rosbags/fault_AGAIN_old'));
    gw.release('/apps/gate2/bulk-data/rosbags');
    await vi.waitFor(() => expect(gw.asked).toContain('/apps/gate2/bulk-data/rosbags/fault_AGAIN_new'));
    await vi.waitFor(() => expect(gw.aborted).toContain('/apps/gate2/bulk-data/rosbags/fault_AGAIN_old'));
    expect(takePrefetchedDownload(client, '/apps/gate2/bulk-data/rosbags/fault_AGAIN_old')).toBeUndefined();
    expect(Buffer.from(await takePrefetchedDownload(client, '/apps/gate2/bulk-data/rosbags/fault_AGAIN_new')!.bytes).toString()).toBe(BYTES.toString());
    gw.release('/apps/gate2/bulk-data/rosbags/fault_AGAIN_old');
  });

  it('refuses a recording above the cap without fetching it, and lets the background go', async () => {
    gw.answers['/apps/gate/faults/BIG'] = { item: { code: 'BIG' }, environment_data: { snapshots: [rosbag('fault_BIG_1', '2026-11-25T10:00:02.000Z', MAX_RECORDING_BYTES + 1)] } };
    prefetchIncident(client, { type: 'app', id: 'gate' }, 'BIG');
    await vi.waitFor(() => expect(foregroundOpen()).toBe(false));
    await expect(takePrefetchedDownload(client, '/apps/gate/bulk-data/rosbags/fault_BIG_1')!.bytes).rejects.toThrow(/64 MB/);
    expect(gw.asked.filter((p) => p.includes('fault_BIG_1'))).toEqual([]);
  });
});

describe('background reads behind a foreground task', () => {
  afterEach(() => vi.useRealTimers());

  it('go at once without a task, and wait for an open one until it ends', async () => {
    await backgroundTurn();
    vi.useFakeTimers(); // the task's own deadline is stepped, not waited for (issue 58)
    const end = foregroundTask();
    let went = false;
    const read = backgroundTurn().then(() => (went = true));
    await vi.advanceTimersByTimeAsync(20);
    expect(went).toBe(false);
    end();
    end();
    await read;
    expect(went).toBe(true);
  });

  it('wait at most the task’s deadline when nobody ends it', async () => {
    vi.useFakeTimers();
    foregroundTask(2000);
    let went = false;
    void backgroundTurn().then(() => (went = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(went).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(went).toBe(true);
    expect(foregroundOpen()).toBe(false);
  });

  it('reject with the reason when the read was aborted meanwhile', async () => {
    const end = foregroundTask();
    const ac = new AbortController();
    const read = backgroundTurn(ac.signal);
    ac.abort(new Error('left the page'));
    end();
    await expect(read).rejects.toThrow('left the page');
  });
});
