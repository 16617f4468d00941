// The Function pipeline graph in Debian's chromium (graph_provider plugin, docs/graph.md): the demo
// robot's nodes in their own process (ROS domain testDomain(216), loopback), the default gateway with the demo
// manifest, both graph plugins and the built UI. The function page draws its Apps as nodes, the topics between
// them as edges (with topic_monitor's rates), and the pipeline status. Screenshot: .test-artifacts/ui/.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { testDomain } from '../../../test-support/domains.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { buildDemo } from '../../../test-support/demo/demo.js';
import { demoGraphGatewayFlags, startRobotProcess, type RobotChild } from '../../../test-support/demo/robot-process.js';
import { buildUi } from './support/build-ui.js';
import { launchChromium, type Browser } from './support/browser.js';
import { trackPages } from './support/pages.js';

const DOMAIN = testDomain(216);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(REPO, '.test-artifacts', 'ui');
const SLOW = { timeout: 30_000, interval: 250 };

describeWith(CHROMIUM, 'the Function pipeline graph in the web UI', () => {
  let robot: RobotChild | undefined;
  let gw: TestGateway;
  let browser: Browser;
  let dist: string;
  const pages = trackPages(() => browser);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dist = await buildUi();
    buildDemo();
    robot = await startRobotProcess(DOMAIN);
    gw = await startTestGateway({ defaults: true, flags: { ...demoGraphGatewayFlags(DOMAIN), 'ui.dir': dist } });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    robot?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  }, 60_000);

  afterEach(async () => {
    expect(await pages.closeAll()).toEqual([]);
  });

  it('draws environment-sensing: its Apps, the /scan edges with rates, and the pipeline status', async () => {
    const page = await pages.open(`${gw.url}/#/entity/functions/environment-sensing`);
    const graph = page.getByTestId('function-graph');
    await graph.waitFor({ timeout: 30_000 });
    for (const id of ['lidar', 'scan_filter', 'obstacle_detector', 'sensor_monitor', 'topic_monitor']) {
      await expect.poll(() => graph.locator(`[data-node="${id}"]`).count(), SLOW).toBe(1);
    }
    await expect.poll(() => graph.locator('[data-node="lidar"]').getAttribute('data-node-status'), SLOW).toBe('reachable');
    // lidar → scan_filter on /scan, once topic_monitor's /diagnostics rates arrived.
    await expect.poll(() => graph.locator('[data-topic="/scan"][data-metrics-status="active"]').count(), SLOW).toBeGreaterThan(0);
    expect(await graph.locator('[data-topic="/scan"] text').first().textContent()).toMatch(/^\/scan · \d+\.\d Hz$/);
    expect(['healthy', 'degraded', 'broken']).toContain(await page.getByTestId('pipeline-status').textContent());
    expect(await graph.locator('svg').getAttribute('aria-label')).toBe('Pipeline graph of environment-sensing');
    await page.screenshot({ path: join(ARTIFACTS, 'function-graph.png'), fullPage: true });
  });
});
