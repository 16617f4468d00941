import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshScheduler, STARTUP_WINDOW_MS, type RefreshReason } from '../../src/entities/scheduler.js';

describe('refresh scheduler (debounce + backstop)', () => {
  let calls: RefreshReason[];
  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
  });
  afterEach(() => vi.useRealTimers());

  const make = (debounceMs?: number, intervalMs?: number, warn?: (m: string) => void) =>
    new RefreshScheduler({ debounceMs, intervalMs, refresh: (r) => calls.push(r), warn });

  it('services the first change on the next tick, then at most one graph refresh per window', async () => {
    const s = make(1000, 60000);
    s.start();
    await vi.advanceTimersByTimeAsync(STARTUP_WINDOW_MS + 500);
    expect(calls).toEqual([]); // nothing changed, nothing refreshed
    s.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['graph']);
    // A burst right after: held back until the window since the last graph refresh has passed.
    for (let i = 0; i < 5; i++) s.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(800);
    expect(calls).toEqual(['graph']);
    expect(s.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(300); // window + one tick
    expect(calls).toEqual(['graph', 'graph']);
    expect(s.pending).toBe(false);
    s.stop();
  });

  it('refreshes a change outside the window at once, not a tick later; one refresh for a burst', async () => {
    const s = make(1000, 60000);
    s.start();
    for (let i = 0; i < 3; i++) s.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['graph']);
    expect(s.pending).toBe(false);
    s.stop();
  });

  it('refreshes on every tick that saw a change while starting, then once per window', async () => {
    const s = make(1000, 60000);
    s.start();
    // Nodes discovered over the first few hundred ms: each tick's changes are listed by that tick's pass.
    for (let i = 0; i < 5; i++) {
      s.notifyGraphChanged();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls).toEqual(['graph', 'graph', 'graph', 'graph', 'graph']);
    // A change every 10 ms for the whole start-up window: at most one pass per half tick, about one per tick.
    calls = [];
    for (let t = 500; t < STARTUP_WINDOW_MS; t += 10) {
      s.notifyGraphChanged();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.length).toBeLessThanOrEqual((STARTUP_WINDOW_MS - 500) / 50 + 1);
    // After the start-up window: the configured window again.
    await vi.advanceTimersByTimeAsync(1000);
    calls = [];
    for (let i = 0; i < 10; i++) {
      s.notifyGraphChanged();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls).toEqual(['graph']);
    s.stop();
  });

  it('debounce 0 refreshes on every tick that saw a change', async () => {
    const s = make(0, 60000);
    s.start();
    s.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(100);
    s.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['graph', 'graph']);
    s.stop();
  });

  it('runs the backstop unconditionally every interval; stop() ends everything', async () => {
    const s = make(1000, 30000);
    s.start();
    await vi.advanceTimersByTimeAsync(90000);
    expect(calls).toEqual(['backstop', 'backstop', 'backstop']);
    s.stop();
    s.notifyGraphChanged();
    await vi.advanceTimersByTimeAsync(90000);
    expect(calls).toHaveLength(3);
  });

  it('rejects out-of-range values and uses the defaults', () => {
    const warnings: string[] = [];
    const s = make(60001, 50, (m) => warnings.push(m));
    expect([s.debounceMs, s.intervalMs]).toEqual([1000, 30000]);
    expect(warnings).toEqual(['discovery.refresh_debounce_ms 60001 is outside 0–60000; using 1000', 'refresh_interval_ms 50 is outside 100–60000; using 30000']);
    const ok = make(0, 100);
    expect([ok.debounceMs, ok.intervalMs]).toEqual([0, 100]);
  });
});
