// The incident view's first reads started by the route (src/incident/incident-prefetch.ts): each read once, handed
// to the view once, asked again when the view opens later than the prefetch's lifetime.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MedkitClient } from '@medkit/client';
import { incidentReadPaths, prefetchIncident, takePrefetched } from '../src/incident/incident-prefetch';

function fakeClient() {
  const asked: string[] = [];
  const client = { read: (path: string) => (asked.push(path), Promise.resolve({ path })) } as unknown as MedkitClient;
  return { client, asked };
}

describe('incident prefetch', () => {
  afterEach(() => vi.useRealTimers());

  it('asks the detail and the recordings once, and hands each read to the view once', async () => {
    const { client, asked } = fakeClient();
    const paths = incidentReadPaths('/apps/gate', 'STOP/1');
    expect(paths).toEqual({ detail: '/apps/gate/faults/STOP%2F1', recordings: '/apps/gate/bulk-data/rosbags' });
    prefetchIncident(client, '/apps/gate', 'STOP/1');
    prefetchIncident(client, '/apps/gate', 'STOP/1');
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
    prefetchIncident(client, '/apps/gate', 'STOP');
    vi.advanceTimersByTime(10_001);
    expect(takePrefetched(client, paths.detail)).toBeUndefined();
  });

  it('does not leave a failed read unhandled when no view takes it', async () => {
    const client = { read: () => Promise.reject(new Error('gone')) } as unknown as MedkitClient;
    prefetchIncident(client, '/apps/gate', 'STOP');
    await new Promise((r) => setTimeout(r, 10));
    await expect(takePrefetched(client, incidentReadPaths('/apps/gate', 'STOP').detail)).rejects.toThrow('gone');
  });
});
