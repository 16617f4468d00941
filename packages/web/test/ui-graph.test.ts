// The Function pipeline graph in Debian's chromium (graph_provider plugin, docs/graph.md): the demo
// robot's nodes in their own process (ROS domain testDomain(216), loopback), the default gateway with the demo
// manifest, both graph plugins and the built UI. The function page draws its Apps as nodes, the topics between
// them as edges (with topic_monitor's rates), and the pipeline status. Issue 66: a value rule input that falls
// silent while its node lives degrades /health, and the overview says so, naming the warning, topic and node.
// Screenshot: .test-artifacts/ui/.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RosContext } from '@medkit/ros2';
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
/** A topic of the test's own node that a value rule of the gateway reads (issue 66's silent input). */
const RANGE = '/ui_test/range';

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
    gw = await startTestGateway({
      defaults: true,
      flags: {
        ...demoGraphGatewayFlags(DOMAIN),
        'ui.dir': dist,
        'plugins.graph_watchdog.detectors.value.rules': [{ id: 'ui_range', fault_code: 'UI_RANGE_HIGH', sources: { r: `${RANGE}.data` }, stat: 'max', op: '>', threshold: 100, window_ms: 1000 }],
      },
    });
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

  it("shows a degraded gateway on the overview: a value rule input fell silent while its node lives, named with its topic and node (issue 66)", async () => {
    const api = `${gw.url}/api/v1`;
    const json = async (path: string) => (await fetch(`${api}${path}`)).json();
    const silent = (h: { warnings?: { code: string }[] }) => h.warnings?.some((w) => w.code === 'graph_watchdog.value_rule_input_silent') ?? false;
    const ros = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
    const pub = ros.createNode('range_sensor', '/ui_test').createPublisher(RANGE, 'std_msgs/msg/Float64');
    let on = true;
    const timer = setInterval(() => on && pub.publish({ data: 1 }), 100);
    try {
      // The rule's input comes regularly first (the watchdog learns its period), then stops while the node lives.
      const received = async () => ((await json('/x-medkit-watchdog')).detectors?.value?.subscriptions?.topics ?? []).find((t: { topic: string }) => t.topic === RANGE)?.messages ?? 0;
      await expect.poll(received, SLOW).toBeGreaterThanOrEqual(10);
      on = false;
      await expect.poll(async () => silent(await json('/health')), SLOW).toBe(true);
      expect((await json('/health')).status).toBe('degraded');

      const page = await pages.open(`${gw.url}/#/`);
      const warning = page.locator('[data-testid="health-warning"][data-code="graph_watchdog.value_rule_input_silent"]');
      await warning.waitFor({ timeout: 30_000 });
      expect(await warning.getAttribute('data-degrades')).toBe('true');
      const text = await warning.textContent();
      expect(text).toContain(RANGE);
      expect(text).toContain('/ui_test/range_sensor');
      expect(await page.getByTestId('health-degraded').textContent()).toContain('graph_watchdog.value_rule_input_silent');
      await page.getByTestId('header-degraded').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'overview-degraded.png'), fullPage: true });
      // The input flows again: the page follows /health and the warning goes.
      on = true;
      await warning.waitFor({ state: 'detached', timeout: 30_000 });
    } finally {
      clearInterval(timer);
      await ros.close();
    }
  }, 120_000);
});
