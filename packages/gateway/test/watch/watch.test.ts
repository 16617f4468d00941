// GET /x-medkit-watch (docs/api.md, "Watching resources"): a real gateway over HTTP with the fixture entities and
// locks; the hub's bounds with an injected read.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createLocksFeature } from '../../src/locks/index.js';
import { createWatchFeature } from '../../src/watch/feature.js';
import { WatchHub, type WatchedAnswer } from '../../src/watch/watch-hub.js';
import { ManualClock } from '@medkit/sovd';
import { watchPathProblem } from '../../src/watch/routes.js';

const open: (TestGateway | SseClient | WatchHub)[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await (o instanceof WatchHub ? o.close() : o.close());
});

async function start() {
  const g = await startTestGateway({ features: [fixtureEntitiesFeature(), createLocksFeature(), createWatchFeature({ intervalMs: 100 })] });
  open.push(g);
  return g;
}

const watchUrl = (g: TestGateway, paths: string[]) => `${g.url}/api/v1/x-medkit-watch?${paths.map((p) => `path=${encodeURIComponent(p)}`).join('&')}`;

describe('GET /x-medkit-watch', () => {
  it("sends each path's answer at once, then only when it changes, as the caller's own GET would answer", async () => {
    const g = await start();
    const sse = await openSse(watchUrl(g, ['/apps/battery-monitor/locks', '/apps/no-such-app']), { 'x-client-id': 'bob' });
    open.push(sse);
    expect(sse.status).toBe(200);
    const first = [await sse.nextJson<WatchedAnswer>(5000), await sse.nextJson<WatchedAnswer>(5000)].sort((a, b) => a.path.localeCompare(b.path));
    expect(first[0]).toEqual({ path: '/apps/battery-monitor/locks', status: 200, body: { items: [] } });
    expect(first[1]).toMatchObject({ path: '/apps/no-such-app', status: 404, body: { error_code: 'resource-not-found' } });
    // Unchanged answers send nothing: several reads pass (100 ms apart) without an event.
    await expect(sse.next(600)).rejects.toThrow();
    const lock = await fetch(`${g.url}/api/v1/apps/battery-monitor/locks`, {
      method: 'POST',
      headers: { 'x-client-id': 'alice', 'content-type': 'application/json' },
      body: JSON.stringify({ lock_expiration: 60 }),
    });
    expect(lock.status).toBe(201);
    const changed = await sse.next(5000);
    expect(changed.event).toBe('changed');
    // Read as bob: alice's lock is not his.
    expect(JSON.parse(changed.data)).toMatchObject({ path: '/apps/battery-monitor/locks', status: 200, body: { items: [{ id: 'lock_1', owned: false }] } });
  });

  it('refuses streams, paths outside the API and too many paths with 400, naming the problem', async () => {
    const g = await start();
    for (const bad of ['/faults/stream', '/x-medkit-watch', 'health', '//evil', '/apps/../../x', '/a b', '/x-medkit-topology#x']) {
      const r = await fetch(watchUrl(g, [bad]));
      expect(r.status, bad).toBe(400);
      const body = (await r.json()) as { message: string };
      expect(body.message, bad).toMatch(/^Cannot watch: /);
    }
    const many = Array.from({ length: 65 }, (_, i) => `/apps/a${i}`);
    expect((await fetch(watchUrl(g, many))).status).toBe(400);
    expect((await fetch(`${g.url}/api/v1/x-medkit-watch`)).status).toBe(400);
  });

  it('stops reading a path when its last watcher leaves', async () => {
    // The hub's timers are stepped, not waited for.
    vi.useFakeTimers();
    try {
      const reads: string[] = [];
      const hub = new WatchHub({ intervalMs: 20, deadlineMs: 1000, maxBodyBytes: 1024, maxReaders: 2, read: async (p) => (reads.push(p), { status: 200, text: '{"n":1}' }) });
      open.push(hub);
      const got: WatchedAnswer[] = [];
      const a = hub.watch('/x', {}, (ans) => got.push(ans));
      const b = hub.watch('/x', {}, (ans) => got.push(ans));
      expect(hub.size).toBe(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(got.length).toBe(2);
      await vi.advanceTimersByTimeAsync(60);
      expect(reads.length).toBeGreaterThanOrEqual(3);
      a();
      b();
      expect(hub.size).toBe(0);
      const n = reads.length;
      await vi.advanceTimersByTimeAsync(200);
      expect(reads.length).toBe(n);
    } finally {
      vi.useRealTimers();
    }
  });

  it('bounds readers, answers and slow reads', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    let calls = 0;
    // The hub's intervals and deadlines run on a ManualClock: the test moves time (issue 58).
    const clock = new ManualClock();
    const hub = new WatchHub({
      clock,
      intervalMs: 10,
      deadlineMs: 50,
      maxBodyBytes: 16,
      maxReaders: 2,
      read: async (p) => {
        calls++;
        if (p === '/slow') await slow;
        return { status: 200, text: p === '/big' ? JSON.stringify({ pad: 'x'.repeat(100) }) : '{}' };
      },
    });
    open.push(hub);
    const big: WatchedAnswer[] = [];
    hub.watch('/big', {}, (a) => big.push(a));
    await expect.poll(() => big.length).toBe(1);
    expect(big[0]).toEqual({ path: '/big', status: 200, too_large: true });
    // One read in flight per path: a read past its deadline is dropped, and no second one starts meanwhile.
    hub.watch('/slow', {}, () => undefined);
    const before = calls;
    await clock.advanceAsync(100);
    const slowCalls = calls - before;
    release();
    expect(slowCalls).toBeGreaterThanOrEqual(1);
    expect(() => hub.watch('/third', {}, () => undefined)).toThrow(/limit \(2\)/);
    // A different identity is another reader.
    expect(() => hub.watch('/big', { authorization: 'Bearer other' }, () => undefined)).toThrow(/limit/);
  });

  it('reads at most maxConcurrentReads paths at once; the others wait their turn', async () => {
    let inFlight = 0;
    let most = 0;
    const clock = new ManualClock();
    const hub = new WatchHub({
      clock,
      intervalMs: 10,
      deadlineMs: 1000,
      maxBodyBytes: 1024,
      maxReaders: 10,
      maxConcurrentReads: 2,
      read: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => clock.setTimeout(() => r(undefined), 15));
        inFlight--;
        return { status: 200, text: '{}' };
      },
    });
    open.push(hub);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) hub.watch(`/p${i}`, {}, (a) => seen.add(a.path));
    for (let i = 0; i < 100 && seen.size < 6; i++) await clock.advanceAsync(5);
    expect(seen.size).toBe(6);
    expect(most).toBe(2);
  });

  it('checks paths without a gateway', () => {
    expect(watchPathProblem('/health')).toBeUndefined();
    expect(watchPathProblem('/x-medkit-watchdog')).toBeUndefined();
    expect(watchPathProblem('/faults?status=all&include_muted=true')).toBeUndefined();
    expect(watchPathProblem('/apps/x/data/stream')).toMatch(/stream/);
    expect(watchPathProblem('/' + 'a'.repeat(600))).toMatch(/characters/);
  });
});
