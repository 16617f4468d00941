// /health tells the truth (docs/api.md "Health", issue 55), one cause at a time on a real gateway: the ROS transport
// that could not start, a configured peer gateway that does not answer and a configured plugin that failed each make
// `status: "degraded"` (still HTTP 200) with the documented warning code, and /metrics says
// `medkit_health_degraded 1`; a gateway with nothing wrong says `healthy` (its notices do not degrade it).
// The fault store's outage is covered where a store can be taken down (test/faults/postgres-ros.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRosFeature } from '../../src/ros/index.js';
import { createMetricsFeature } from '../../src/metrics/feature.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually } from '../aggregation/support.js';

interface HealthBody {
  status: string;
  warnings: { code: string; peer_names: string[] }[];
}

const started: TestGateway[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const g of started.splice(0)) await g.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(opts: Parameters<typeof startTestGateway>[0]): Promise<TestGateway> {
  const g = await startTestGateway(opts);
  started.push(g);
  return g;
}

async function health(g: TestGateway): Promise<{ http: number; body: HealthBody }> {
  const res = await fetch(`${g.url}/api/v1/health`);
  return { http: res.status, body: (await res.json()) as HealthBody };
}

const degradedGauge = async (g: TestGateway) => (await (await fetch(`${g.url}/metrics`)).text()).split('\n').find((l) => l.startsWith('medkit_health_degraded '));

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `/health` once it is degraded by `code` (causes found by a background check are polled for). */
async function degradedBy(g: TestGateway, code: string): Promise<{ http: number; body: HealthBody }> {
  return eventually(async () => {
    const h = await health(g);
    return h.body.warnings.some((w) => w.code === code) && h;
  }, 150, 100);
}

describe('/health degraded, per cause (docs/api.md "Health")', () => {
  it('a gateway with nothing wrong is healthy, its notices notwithstanding', async () => {
    const g = await start({ defaults: true, flags: { 'metrics.enabled': true, 'ui.enabled': false } });
    const h = await health(g);
    expect(h.http).toBe(200);
    // ROS is off by choice here: a notice, not a fault of the gateway.
    expect(h.body.warnings.map((w) => w.code)).toContain('ros_disabled');
    expect(h.body.status).toBe('healthy');
    expect(await degradedGauge(g)).toBe('medkit_health_degraded 0');
  });

  it('ROS transport unavailable (the ROS context failed to start): degraded, ros_unavailable', async () => {
    const g = await start({
      features: [createRosFeature(undefined, { connect: () => Promise.reject(new Error('no usable network interface')) }), createMetricsFeature()],
      flags: { 'ros.enabled': true, 'metrics.enabled': true },
    });
    const h = await degradedBy(g, 'ros_unavailable');
    expect(h.http).toBe(200);
    expect(h.body.status).toBe('degraded');
    expect(await degradedGauge(g)).toBe('medkit_health_degraded 1');
  });

  it('a configured aggregation peer offline: degraded, peer_offline naming the peer', async () => {
    const port = await closedPort();
    const g = await start({
      defaults: true,
      flags: {
        'metrics.enabled': true,
        'ui.enabled': false,
        'aggregation.enabled': true,
        'aggregation.peer_names': ['island'],
        'aggregation.peer_urls': [`http://127.0.0.1:${port}`],
        'aggregation.health_check_interval_ms': 200,
        'aggregation.timeout_ms': 1000,
      },
    });
    const h = await degradedBy(g, 'peer_offline');
    expect(h.http).toBe(200);
    expect(h.body.status).toBe('degraded');
    expect(h.body.warnings.find((w) => w.code === 'peer_offline')?.peer_names).toEqual(['island']);
    expect(await degradedGauge(g)).toBe('medkit_health_degraded 1');
  });

  it('a configured plugin that failed to load: degraded, plugin_disabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-health-plugin-'));
    dirs.push(dir);
    const g = await start({
      defaults: true,
      flags: { 'metrics.enabled': true, 'ui.enabled': false, plugins: ['missing'], 'plugins.missing.path': join(dir, 'not-there.mjs') },
    });
    const h = await degradedBy(g, 'plugin_disabled');
    expect(h.http).toBe(200);
    expect(h.body.status).toBe('degraded');
    expect(await degradedGauge(g)).toBe('medkit_health_degraded 1');
  });
});
