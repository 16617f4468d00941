// The built UI in Debian's chromium, served by the real default gateway (ui.dir = a fresh build)
// with ROS enabled on domain 170, and the fixture robot (packages/gateway/test/fixtures/ros-robot.mjs)
// in its own process: the tree from the live ROS graph; a fault reported over the fault manager's
// ROS service arriving on the dashboard live, its freeze frame charted, its black-box recording
// downloadable, clearing it from the detail; parameter edits applied on the node (also through the
// function that aggregates it); a service and an action run; a published message's log line in the
// logs tab; a lifecycle transition. No page may log a console error. Screenshots: .test-artifacts/ui/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RosContext, type RosNode } from '@medkit/ros2';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { buildRos2, http, startRobot, waitForApp, type RobotProcess } from '../../../test-support/gateway/ros-robot.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { buildUi, bundleSizes } from './support/build-ui.js';
import { launchChromium, type Browser } from './support/browser.js';
import { trackPages, treeItem } from './support/pages.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(50);
const ARTIFACTS = join(fileURLToPath(new URL('../../../', import.meta.url)), '.test-artifacts', 'ui');
/** Waits for things that cross processes (DDS discovery, polls of 1–3 s). */
const SLOW = { timeout: 20_000, interval: 200 };

describeWith(CHROMIUM, 'web UI on the real gateway with a ROS robot in another process', () => {
  let robot: RobotProcess;
  let gw: TestGateway;
  let browser: Browser;
  let dist: string;
  let peer: RosContext;
  let reporter: RosNode;
  const pages = trackPages(() => browser);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dist = await buildUi();
    buildRos2();
    robot = await startRobot(DOMAIN, { only: ['battery', 'lifecycle'] });
    gw = await startTestGateway({
      defaults: true,
      flags: {
        'ros.enabled': true,
        'ros.domain_id': DOMAIN,
        'ros.localhost_only': true,
        'discovery.refresh_debounce_ms': 0,
        'ui.dir': dist,
        // The black box records the reporting node's topics around each confirmed fault.
        'faults.snapshots.rosbag.enabled': true,
        'faults.snapshots.rosbag.duration_sec': 2,
        'faults.snapshots.rosbag.duration_after_sec': 0.5,
      },
    });
    await waitForApp(gw, 'battery_monitor');
    await waitForApp(gw, 'lifecycle_node');
    // A second participant on the domain reports faults the way a node's reporter does.
    peer = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
    reporter = peer.createNode('ui_test_reporter', '/test');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await peer?.close();
    await gw?.close();
    await robot?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  }, 60_000);

  // Every page of every test: no console error, no uncaught exception.
  afterEach(async () => {
    expect(await pages.closeAll()).toEqual([]);
  });

  /** Opens the UI the gateway serves (same origin as the API). */
  const open = (hash = '') => pages.open(`${gw.url}/${hash}`);

  const api = (path: string) => `${gw.url}/api/v1${path}`;
  const entityCount = async () => (await Promise.all(['/areas', '/components', '/apps', '/functions'].map(async (c) => (await http(api(c))).body.items.length as number))).reduce((a, b) => a + b, 0);

  async function reportFault(code: string, source: string, severity: number, description: string): Promise<void> {
    const client = reporter.createClient('/fault_manager/report_fault', 'ros2_medkit_msgs/srv/ReportFault');
    try {
      await client.waitForService({ timeoutMs: 15_000 });
      expect(await client.call({ fault_code: code, event_type: 0, severity, description, source_id: source }, { timeoutMs: 5000 })).toEqual({ accepted: true });
    } finally {
      client.close();
    }
  }

  it('shows the robot apps from the live ROS graph, the ROS domain, and records paint timings', async () => {
    const page = await open();
    await expect.poll(() => page.getByTestId('connection-state').textContent(), SLOW).toBe('Connected');
    await expect.poll(() => page.locator('.app-header').textContent(), SLOW).toContain(`ROS domain ${DOMAIN}`);
    await treeItem(page, 'battery_monitor').waitFor();
    await treeItem(page, 'lifecycle_node').waitFor();
    // Runtime discovery: the host component holds the nodes; the namespace makes a function.
    const apps = ((await http(api('/apps'))).body.items as { id: string; 'x-medkit': { component_id: string } }[]).map((a) => a.id);
    expect(apps).toEqual(expect.arrayContaining(['battery_monitor', 'lifecycle_node']));
    const rows = await page.locator('[role="treeitem"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-level')} ${e.querySelector('.tree-label')?.textContent}`));
    expect(rows).toContain('1 Components');
    expect(rows).toContain('3 battery_monitor');
    expect(rows).toContain('1 Functions');
    await expect.poll(() => treeItem(page, 'battery_monitor').locator('.state').textContent(), SLOW).toBe('online');

    const paint = await page.evaluate(() => ({
      paint: performance.getEntriesByType('paint').map((p) => ({ name: p.name, ms: Math.round(p.startTime) })),
      treeRenderedMs: Math.round(performance.getEntriesByName('medkit:tree-rendered')[0]?.startTime ?? -1),
    }));
    expect(paint.paint.map((p) => p.name)).toContain('first-contentful-paint');
    expect(paint.treeRenderedMs).toBeGreaterThan(0);
    writeFileSync(
      join(ARTIFACTS, 'metrics-ros-gateway.json'),
      JSON.stringify({ ...paint, bundle: bundleSizes(dist), viewport: '1280x800', entities: await entityCount(), servedBy: 'gateway (ui.dir)' }, null, 2),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'ros-tree.png') });
  });

  it('adds a fault reported over the fault manager ROS service to the dashboard live, charts its freeze frame, links its recording, clears it', async () => {
    const page = await open('#/faults');
    await expect.poll(() => page.getByTestId('stream-state').textContent(), SLOW).toBe('Fault stream: live');
    await page.getByTestId('no-faults').waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { medkitMark: number }).medkitMark = 1));

    await reportFault('BATTERY_SAG', '/demo/battery_monitor', 2, 'Battery voltage sagged under load');
    const row = page.locator('tr[data-code="BATTERY_SAG"]');
    await expect.poll(() => row.count(), SLOW).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { medkitMark?: number }).medkitMark)).toBe(1);
    expect(await row.locator('.badge').textContent()).toBe('ERROR');
    expect(await row.locator('.status').textContent()).toBe('confirmed');
    expect(await row.textContent()).toContain('battery_monitor');
    await expect.poll(() => treeItem(page, 'battery_monitor').locator('.count-badge').textContent(), SLOW).toBe('1');
    await page.screenshot({ path: join(ARTIFACTS, 'ros-fault-live.png') });

    // The detail: the gateway sampled the reporting node's topic (/demo/battery/voltage) on confirmation.
    await row.locator('a', { hasText: 'BATTERY_SAG' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/fault/apps/battery_monitor/BATTERY_SAG');
    await page.getByTestId('fault-detail').waitFor();
    const chart = page.locator('[data-testid="freeze-chart"][data-signal="voltage"]');
    await chart.waitFor({ timeout: 20_000 });
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.locator('.u-legend .u-series').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('voltage')]));
    const detail = (await http(api('/apps/battery_monitor/faults/BATTERY_SAG'))).body;
    const frame = (detail.environment_data.snapshots as { type: string; data: unknown; 'x-medkit'?: { topic?: string } }[]).find((s) => s['x-medkit']?.topic === '/demo/battery/voltage');
    expect(typeof frame?.data).toBe('number');
    // The chart's data points are the frame's sampled value.
    await chart.locator('summary').click();
    const cells = await chart.locator('details tbody tr td:nth-child(2)').allTextContents();
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => Number(c) === frame!.data)).toBe(true);

    // The black-box recording: listed with the fault, downloadable as MCAP from the gateway.
    const link = page.getByTestId('recordings').locator('a').first();
    await link.waitFor({ timeout: 20_000 });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/api\/v1\/apps\/battery_monitor\/bulk-data\/rosbags\/[^/]+$/);
    const bag = await fetch(`${gw.url}${href}`);
    expect(await page.getByTestId('recordings').textContent()).toMatch(/mcap · [\d.]+ KiB · \d+\.\d s/);
    expect(bag.status).toBe(200);
    expect(Buffer.from(await bag.arrayBuffer()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a])); // MCAP magic
    await page.screenshot({ path: join(ARTIFACTS, 'ros-fault-detail.png'), fullPage: true });

    // The Bulk data tab lists the same recording with the fault it belongs to.
    await page.goto(`${gw.url}/#/entity/apps/battery_monitor/bulk-data`);
    const file = page.locator('ul.files li', { hasText: 'BATTERY_SAG' });
    await file.waitFor({ timeout: 15_000 });
    expect(await file.locator('a').getAttribute('href')).toBe(href);

    // Cleared from the detail (with confirmation): the gateway's event takes it off the active list.
    await page.goto(`${gw.url}/#/fault/apps/battery_monitor/BATTERY_SAG`);
    await page.locator('button', { hasText: 'Clear fault…' }).click();
    await page.locator('dialog[open] button', { hasText: 'Clear fault' }).click();
    await expect.poll(async () => (await http(api('/faults/BATTERY_SAG'))).body?.item?.status?.aggregatedStatus, SLOW).toBe('cleared');
    await page.locator('.main-nav a', { hasText: 'Faults' }).click();
    await page.getByTestId('no-faults').waitFor();
    await page.locator('#f-status').selectOption('all');
    await expect.poll(() => page.locator('tr[data-code="BATTERY_SAG"] .status').textContent(), SLOW).toBe('cleared');
    await expect.poll(() => treeItem(page, 'battery_monitor').locator('.count-badge').count(), SLOW).toBe(0);
  });

  it('edits a parameter on the node and refuses a read-only one', async () => {
    const page = await open('#/entity/apps/battery_monitor/configurations');
    const row = page.locator('tr[data-param="scan_frequency"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('td').first().textContent()).toBe('double');
    await row.locator('button', { hasText: 'Edit' }).click();
    const input = row.locator('input');
    await input.fill('fast');
    await input.press('Enter');
    await expect.poll(() => row.locator('.field-error').textContent()).toContain('double: expected a number');
    await input.fill('17.25');
    await input.press('Enter');
    // Confirmed first, naming the node (its ROS name, from the parameter's read), the old value and the new.
    const confirm = row.getByTestId('param-confirm');
    await expect.poll(() => confirm.textContent(), SLOW).toMatch(/^Set scan_frequency on \/\S*battery_monitor: \S+ → 17\.25\?/);
    await confirm.locator('button', { hasText: 'Set' }).click();
    await expect.poll(() => row.locator('.value').textContent(), SLOW).toBe('17.25');
    expect(await row.getByRole('status').textContent()).toMatch(/Set scan_frequency on \/\S*battery_monitor: \S+ → 17\.25/);
    // Read back through the gateway from the node.
    const back = await http(api('/apps/battery_monitor/configurations/scan_frequency'));
    expect(back.body).toMatchObject({ data: 17.25, 'x-medkit': { parameter: { type: 'double', read_only: false } } });

    // A read-only parameter offers no Edit or Reset at all (issue 56): it says read-only.
    const serial = page.locator('tr[data-param="serial"]');
    await expect.poll(() => serial.getByTestId('param-locked').textContent()).toBe('read-only');
    expect(await serial.locator('button', { hasText: /^(Edit|Reset)$/ }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'ros-configurations.png') });
  });

  it('edits and resets a member parameter from the function that aggregates the node', async () => {
    const page = await open('#/entity/functions/demo/configurations');
    const row = page.locator('tr[data-param="battery_monitor:mode"]');
    await row.waitFor({ timeout: 15_000 });
    // The parameter's description shows in the list, without opening the editor.
    expect(await row.locator('th').textContent()).toBe('mode (battery_monitor)Operating mode');
    expect(await row.getByTestId('param-description').textContent()).toBe('Operating mode');
    await row.locator('button', { hasText: 'Edit' }).click();
    await row.locator('input').fill('manual');
    await row.locator('input').press('Enter');
    // Confirmed first; from the function too, the node it goes to is named.
    const confirm = row.getByTestId('param-confirm');
    await expect.poll(() => confirm.textContent(), SLOW).toMatch(/^Set mode on \/\S*battery_monitor: auto → manual\?/);
    await confirm.locator('button', { hasText: 'Set' }).click();
    await expect.poll(() => row.locator('.value').textContent(), SLOW).toBe('manual');
    expect((await http(api('/apps/battery_monitor/configurations/mode'))).body.data).toBe('manual');
    await row.locator('button', { hasText: 'Reset' }).click();
    await expect.poll(() => row.locator('.value').textContent(), SLOW).toBe('auto');
    expect((await http(api('/apps/battery_monitor/configurations/mode'))).body.data).toBe('auto');
  });

  it('calls a service and follows an action to its result', async () => {
    const page = await open('#/entity/apps/battery_monitor/operations');
    const service = page.locator('[data-operation="add_two_ints"]');
    await service.waitFor({ timeout: 15_000 });
    await service.locator('button', { hasText: 'Execute' }).click();
    const inputs = service.locator('form input');
    // The form starts from the request type's defaults.
    expect(await inputs.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['0', '0']);
    await inputs.nth(0).fill('2');
    await inputs.nth(1).fill('40');
    await service.locator('button[type="submit"]').click();
    await expect.poll(() => service.locator('.result').textContent(), SLOW).toContain('"sum": 42');

    const action = page.locator('[data-operation="fibonacci"]');
    await action.locator('button', { hasText: 'Execute' }).click();
    await action.locator('form input').fill('6');
    await action.locator('button[type="submit"]').click();
    await expect.poll(() => action.locator('.exec-completed').count(), SLOW).toBe(1);
    expect(JSON.parse((await action.getByTestId('execution-result').textContent()) ?? '')).toEqual({ sequence: [0, 1, 1, 2, 3, 5, 8] });
    await page.screenshot({ path: join(ARTIFACTS, 'ros-operations.png'), fullPage: true });
  });

  it('shows live topic values, publishes a message, and the node logs it in the logs tab', async () => {
    const page = await open('#/entity/apps/battery_monitor/data');
    const volt = page.locator('tr[data-item="/demo/battery/voltage"] .value');
    await volt.waitFor({ timeout: 15_000 });
    const first = await volt.textContent();
    // A message shows as its numeric fields (std_msgs/Float64: `data <value>`), the JSON behind a click.
    expect(Number(/^data (\S+)$/.exec(first ?? '')?.[1])).toBeGreaterThan(19);
    await expect.poll(() => volt.textContent(), SLOW).not.toBe(first);
    // The plot is a chunk of its own (uPlot stays out of the first paint), loaded on the first click.
    await page.locator('tr[data-item="/demo/battery/voltage"] button', { hasText: 'Plot' }).click();
    const plotRow = page.locator('tr[data-plot-for="/demo/battery/voltage"]');
    await expect.poll(() => plotRow.locator('[data-testid="live-plot"] canvas').count(), SLOW).toBe(1);

    const text = `hello from the browser ${Date.now()}`;
    await page.locator('tr[data-item="/demo/cmd"] button', { hasText: 'Write' }).click();
    await page.locator('dialog[open] input').first().fill(text);
    // Review…, then the confirmation naming the topic: only that sends (issue 56).
    await page.locator('dialog[open] button[type="submit"]').click();
    const confirm = page.locator('dialog[open] [data-testid="write-confirm"]');
    await expect.poll(() => confirm.getAttribute('data-topic'), SLOW).toBe('/demo/cmd');
    await page.locator('dialog[open] button', { hasText: 'Publish on /demo/cmd' }).click();
    await expect.poll(() => page.locator('dialog[open] [data-testid="write-result"]').textContent(), SLOW).toContain('Published');
    await robot.waitForLine(new RegExp(`^cmd ${text}$`));
    await page.keyboard.press('Escape');

    await page.locator('[role="tab"]', { hasText: 'Logs' }).click();
    const line = page.locator('.log-line', { hasText: `cmd received: ${text}` });
    await expect.poll(() => line.count(), SLOW).toBe(1);
    expect(await line.locator('.log-level').textContent()).toBe('INFO');
    expect(await line.locator('.log-node').textContent()).toContain('battery_monitor');
    // At least WARNING: the gateway filters (?severity=warning), the node's once-a-200-ms INFO ticks go.
    // (Its one warning, at start, may have left the gateway's per-node buffer by now.)
    await page.locator('#log-severity').selectOption('warning');
    await expect.poll(() => page.locator('.log-line', { hasText: 'battery tick' }).count(), SLOW).toBe(0);
    await expect.poll(() => page.locator('[role="log"]').textContent(), SLOW).toMatch(/No log lines|WARNING|ERROR|FATAL/);
    expect(await page.locator('.log-line .log-level').allTextContents()).not.toContain('INFO');
    await page.screenshot({ path: join(ARTIFACTS, 'ros-logs.png') });
  });

  it('shows a managed node lifecycle and starts it', async () => {
    const page = await open('#/entity/apps/lifecycle_node/status');
    await expect.poll(() => page.locator('.lifecycle').textContent(), SLOW).toBe('not ready');
    expect(await page.getByTestId('lifecycle-state').textContent()).toBe('unconfigured');
    // Only what an unconfigured node allows: no restart (the gateway offers the state's transitions).
    expect(await page.locator('.button-row button').allTextContents()).toEqual(['start', 'force-restart', 'shutdown', 'force-shutdown']);
    await page.locator('.button-row button', { hasText: /^start$/ }).click();
    await robot.waitForLine(/^lifecycle activating -> active$/);
    await expect.poll(() => page.locator('.lifecycle').textContent(), SLOW).toBe('ready');
    await expect.poll(() => page.getByTestId('lifecycle-state').textContent(), SLOW).toBe('active');
    await expect.poll(() => page.getByTestId('last-transition').textContent(), SLOW).toContain('start succeeded (configure → activate)');
    await expect.poll(() => page.locator('.button-row button').allTextContents(), SLOW).toEqual(['restart', 'force-restart', 'shutdown', 'force-shutdown']);
    await page.screenshot({ path: join(ARTIFACTS, 'ros-lifecycle.png') });
  });
});
