// Stale data (issue 12 point 5): a read of a topic whose publisher stopped sending says how old the
// sample is and that it is stale. The end-to-end case freezes the fixture robot (SIGSTOP), so its
// publisher stays on the graph but sends nothing, exactly the case that used to answer a 20 s old
// sample with nothing to mark it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../../test-support/domains.js';
import { createDataFeature } from '../../src/data/index.js';
import { freshness, readStats } from '../../src/data/staleness.js';
import { TopicPool, type TopicTransport } from '../../src/data/topic-pool.js';
import { ManualClock } from '@medkit/sovd';
import { eventually, http, startRobotWithGateway, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';

const ns = (ms: number) => BigInt(ms) * 1_000_000n;

describe('freshness of a sample', () => {
  it('uses 3 × the observed period, at least 1 s, when no bound is configured', () => {
    const now = 100_000;
    expect(freshness({ value: {}, timestampNs: ns(now - 250), periodMs: 100 }, now, 0)).toEqual({ age_sec: 0.25, stale: false });
    expect(freshness({ value: {}, timestampNs: ns(now - 1200), periodMs: 100 }, now, 0)).toEqual({ age_sec: 1.2, stale: true });
    expect(freshness({ value: {}, timestampNs: ns(now - 25_000), periodMs: 10_000 }, now, 0).stale).toBe(false);
    expect(freshness({ value: {}, timestampNs: ns(now - 31_000), periodMs: 10_000 }, now, 0).stale).toBe(true);
  });

  it('does not call a topic with a single message stale unless a bound is configured', () => {
    const now = 1_000_000;
    expect(freshness({ value: {}, timestampNs: ns(now - 600_000) }, now, 0)).toEqual({ age_sec: 600, stale: false });
    expect(freshness({ value: {}, timestampNs: ns(now - 600_000) }, now, 60_000).stale).toBe(true);
    expect(freshness({ value: {}, timestampNs: ns(now - 30_000), periodMs: 5 }, now, 60_000).stale).toBe(false);
  });

  it('never reports a negative age (clock steps)', () => {
    expect(freshness({ value: {}, timestampNs: ns(2000), periodMs: 100 }, 1000, 0)).toEqual({ age_sec: 0, stale: false });
  });
});

describe('measured rate of a read', () => {
  it('gives the rate the subscription measured (1 / the moving average gap), none before two messages or while stale', () => {
    const now = 100_000;
    expect(readStats({ value: {}, timestampNs: ns(now - 50), periodMs: 100 }, now, 0)).toEqual({ age_sec: 0.05, stale: false, rate_hz: 10 });
    expect(readStats({ value: {}, timestampNs: ns(now - 50), periodMs: 30 }, now, 0).rate_hz).toBe(33.33);
    expect(readStats({ value: {}, timestampNs: ns(now - 50) }, now, 0)).toEqual({ age_sec: 0.05, stale: false });
    // The publisher stopped: its old rate is not reported.
    expect(readStats({ value: {}, timestampNs: ns(now - 5000), periodMs: 100 }, now, 0)).toEqual({ age_sec: 5, stale: true });
  });
});

describe('topic pool period', () => {
  it('learns a topic period from the gaps between its messages', async () => {
    let deliver: (v: Record<string, unknown>) => void = () => {};
    const transport: TopicTransport = {
      subscribe: (_t, _ty, onMessage) => {
        deliver = onMessage;
        return { close() {} };
      },
    };
    const clock = new ManualClock();
    const pool = new TopicPool(transport, { maxPoolSize: 4, coldWaitCap: 0, idleMs: 60_000, sweepMs: 60_000, clock });
    await pool.latest('/t', 'std_msgs/msg/Int32', { timeoutMs: 0, wait: false });
    deliver({ data: 1 });
    const first = await pool.latest('/t', 'std_msgs/msg/Int32', { timeoutMs: 0, wait: false });
    expect(first?.periodMs).toBeUndefined();
    for (let i = 2; i <= 4; i++) {
      clock.advance(30);
      deliver({ data: i });
    }
    const later = await pool.latest('/t', 'std_msgs/msg/Int32', { timeoutMs: 0, wait: false });
    expect(later?.value).toEqual({ data: 4 });
    expect(later?.periodMs).toBeGreaterThan(0);
    expect(later?.periodMs).toBe(30); // the clock moved exactly 30 ms between messages
    pool.close();
  });
});

describe('a read of a topic whose publisher stopped', () => {
  const DOMAIN = testDomain(191);
  let robot: RobotProcess;
  let g: TestGateway;
  beforeAll(async () => {
    ({ robot, g } = await startRobotWithGateway(DOMAIN, { only: ['battery'], features: [createDataFeature()], app: 'battery_monitor' }));
  }, 120_000);
  afterAll(async () => {
    if (robot?.child.exitCode === null) robot.child.kill('SIGCONT');
    await g?.close();
    await robot?.stop();
  });

  const read = () => http(`${g.url}/api/v1/apps/battery_monitor/data/demo%2Fbattery%2Fvoltage`);

  it('marks the sample stale with its age once the publisher goes quiet, and fresh again when it resumes', async () => {
    const fresh = await eventually(async () => {
      const r = await read();
      return r.body?.['x-medkit']?.status === 'data' && r.body['x-medkit'].stale === false ? r : undefined;
    }, 'a fresh sample');
    expect(fresh.status).toBe(200);
    expect(typeof fresh.body['x-medkit'].age_sec).toBe('number');
    // A later message, so the pool has seen the topic's period.
    await eventually(async () => (await read()).body?.['x-medkit']?.timestamp > fresh.body['x-medkit'].timestamp, 'a second message');
    robot.child.kill('SIGSTOP');
    try {
      let last: unknown;
      const stale = await eventually(async () => {
        const r = await read();
        last = { status: r.status, xm: r.body?.['x-medkit'] };
        return r.body?.['x-medkit']?.stale === true ? r : undefined;
      }, 'a stale sample', 20_000).catch((err: Error) => {
        throw new Error(`${err.message}; last answer ${JSON.stringify(last)}`);
      });
      expect(stale.status).toBe(200);
      expect(stale.body['x-medkit'].age_sec).toBeGreaterThanOrEqual(1);
      expect(typeof stale.body.data.data).toBe('number');
    } finally {
      robot.child.kill('SIGCONT');
    }
    await eventually(async () => (await read()).body?.['x-medkit']?.stale === false, 'fresh again', 20_000);
  });
});
