// Topic stream statistics and decimation (unit, issue 56): the rate window as ros2 topic hz / bw figure it, with
// injected times; the decimator's event budget, stats-only events and drops for a client that does not read; the
// stream cap; and the pool closing a stream's subscription with its last listener.
import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../src/data/rate-window.js';
import { SampleDecimator, SampleStreams, type SampleEventData } from '../../src/data/sample-stream.js';
import { TopicPool, type TopicSample } from '../../src/data/topic-pool.js';
import { SovdError } from '@medkit/sovd';

const MS = 1_000_000n;
const T0 = 1_774_232_073_000_000_000n;
const at = (ms: number) => T0 + BigInt(ms) * MS;
const sample = (ms: number, bytes = 100): TopicSample => ({ value: { n: ms }, timestampNs: at(ms), bytes });

describe('rate window', () => {
  it('gives the mean rate, interval min / max / std, bandwidth and size over the window', () => {
    const w = new RateWindow();
    // 90, 110, 90, 110 ms: mean 100 ms (10 Hz), std 10 ms.
    [0, 90, 200, 290, 400].forEach((ms) => w.record(at(ms), 1000));
    const s = w.stats(at(400));
    expect(s.rate_hz).toBeCloseTo(10, 9);
    expect(s.interval_min_sec).toBeCloseTo(0.09, 12);
    expect(s.interval_max_sec).toBeCloseTo(0.11, 12);
    expect(s.interval_std_sec).toBeCloseTo(0.01, 12);
    expect(s.window_count).toBe(4);
    // 4 messages of 1000 bytes after the first, over 0.4 s.
    expect(s.bandwidth_bytes_per_sec).toBeCloseTo(10_000, 6);
    expect(s.mean_size_bytes).toBe(1000);
    expect(s.received).toBe(5);
  });

  it('has no rate before two messages, and forgets messages older than the window', () => {
    const w = new RateWindow(10_000n * MS);
    expect(w.stats(at(0))).toMatchObject({ rate_hz: null, interval_std_sec: null, bandwidth_bytes_per_sec: null, window_count: 0, received: 0 });
    w.record(at(0), 10);
    expect(w.stats(at(0))).toMatchObject({ rate_hz: null, window_count: 0, mean_size_bytes: 10, received: 1 });
    w.record(at(100), 10);
    expect(w.stats(at(100)).rate_hz).toBeCloseTo(10, 9);
    // 10.05 s later the first message has left the window, 10.15 s later both: a silent topic loses its rate.
    expect(w.stats(at(10_050))).toMatchObject({ rate_hz: null, window_count: 0, received: 2 });
    expect(w.stats(at(10_150))).toMatchObject({ mean_size_bytes: null });
  });

  it('keeps at most its capacity of messages (the oldest go)', () => {
    const w = new RateWindow(10_000n * MS, 3);
    [0, 10, 20, 120, 220].forEach((ms) => w.record(at(ms), 1));
    expect(w.stats(at(220))).toMatchObject({ window_count: 2, rate_hz: 10, received: 5 });
  });

  it('measures nanosecond intervals exactly on 64-bit epoch times', () => {
    const w = new RateWindow();
    w.record(T0 + 1n, 0);
    w.record(T0 + 2n, 0);
    w.record(T0 + 3n, 0);
    expect(w.stats(T0 + 3n)).toMatchObject({ rate_hz: 1e9, interval_min_sec: 1e-9, interval_std_sec: 0 });
  });
});

describe('sample decimator', () => {
  const data = (ev: { data: unknown } | undefined) => ev?.data as SampleEventData;

  it('sends at most max_rate events in any second, each with the newest message, and measures every message', () => {
    const d = new SampleDecimator(5);
    const sent: SampleEventData[] = [];
    // A 100 Hz topic ticked every 10 ms for 2 s.
    for (let ms = 0; ms < 2000; ms += 10) {
      d.onSample(sample(ms));
      const ev = d.tick(at(ms));
      if (ev?.event === 'sample') sent.push(data(ev));
    }
    expect(sent.length).toBe(10);
    expect(sent[1].data).toEqual({ n: 10 });
    expect(sent.at(-1)!.stats.rate_hz).toBeCloseTo(100, 6);
    // Every message up to the last event was measured, not only the ten sent.
    expect(sent.at(-1)!.stats.received).toBe(105);
    // The 6th event waited until the 1st was a second old.
    expect(sent[5].timestamp).toBe(Number(at(1000)));
  });

  it('sends a stats event once a second when nothing came, with the growing age', () => {
    const d = new SampleDecimator(30);
    expect(data(d.tick(at(0)))).toMatchObject({ timestamp: null, age_sec: null, stats: { rate_hz: null } });
    d.onSample(sample(100));
    expect(d.tick(at(150))).toMatchObject({ event: 'sample', data: { data: { n: 100 }, age_sec: 0.05 } });
    expect(d.tick(at(600))).toBeUndefined();
    const stats = d.tick(at(1150));
    expect(stats).toMatchObject({ event: 'stats', data: { age_sec: 1.05, timestamp: Number(at(100)) } });
    expect(data(stats).data).toBeUndefined();
  });

  it('counts the events a busy client misses and never queues them; the newest message goes when it reads again', () => {
    const d = new SampleDecimator(30);
    d.onSample(sample(0));
    expect(d.tick(at(0), true)).toBeUndefined();
    d.onSample(sample(40));
    expect(d.tick(at(40), true)).toBeUndefined();
    d.onSample(sample(80));
    expect(d.tick(at(80), false)).toMatchObject({ event: 'sample', data: { data: { n: 80 }, stats: { dropped: 2, received: 3 } } });
  });

  it('leaves a message over the size bound off', () => {
    const d = new SampleDecimator(30);
    d.onSample(sample(0, 10 * 1024 * 1024));
    const ev = d.tick(at(0));
    expect(ev).toMatchObject({ event: 'sample', data: { value_omitted: 'too_large' } });
    expect(data(ev).data).toBeUndefined();
  });
});

describe('topic streams', () => {
  it('refuses a stream over the cap with 503 and frees the slot when one ends', () => {
    const streams = new SampleStreams({ maxStreams: 1 });
    let listening = 0;
    const listen = () => {
      listening++;
      return () => listening--;
    };
    const first = streams.open(listen, 30);
    expect(() => streams.open(listen, 30)).toThrow(SovdError);
    expect(streams.stats()).toEqual({ streams: 1, max_streams: 1, refused_streams: 1 });
    first.cancel();
    expect(listening).toBe(0);
    streams.open(listen, 30).cancel();
    expect(streams.stats().streams).toBe(0);
  });

  it('closes the subscription a stream opened with its last listener, but not one a read uses', async () => {
    let closed = 0;
    const pool = new TopicPool({ subscribe: () => ({ close: () => closed++ }) }, { maxPoolSize: 4, coldWaitCap: 0, idleMs: 1000, sweepMs: 1000 });
    const a = pool.listen('/a', 'T', () => undefined, { closeWhenUnused: true });
    const b = pool.listen('/a', 'T', () => undefined, { closeWhenUnused: true });
    a();
    expect(pool.has('/a', 'T')).toBe(true);
    b();
    expect([pool.has('/a', 'T'), closed]).toEqual([false, 1]);
    const c = pool.listen('/b', 'T', () => undefined, { closeWhenUnused: true });
    await pool.latest('/b', 'T', { timeoutMs: 0, wait: false });
    c();
    expect(pool.has('/b', 'T')).toBe(true);
    pool.close();
  });
});
