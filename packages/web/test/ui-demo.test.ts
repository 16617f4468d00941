// The built UI in Debian's chromium on the demo robot as `npm start` runs it (packages/demo launcher:
// main gateway, safety island gateway, simulated AMR; ROS domains testDomain(51)/(52), loopback). A person is
// sent into the robot's path from the UI's operations tab; PROTECTIVE_STOP from the federated
// safety island reaches the dashboard over the live stream, and its detail charts min_range_m
// against stop_threshold_m from the freeze frame. Screenshots go to .test-artifacts/ui/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { buildDemo, eventually, freePort, http, launch, type Launched } from '../../demo/test/support/demo.js';
import { buildUi } from './support/build-ui.js';
import { serveStatic, type StaticServer } from './support/static-server.js';
import { launchChromium, type Browser } from './support/browser.js';
import { trackPages, treeItem } from './support/pages.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(51); // the safety island takes testDomain(52)
const ARTIFACTS = join(fileURLToPath(new URL('../../../', import.meta.url)), '.test-artifacts', 'ui');
const SLOW = { timeout: 30_000, interval: 250 };

describeWith(CHROMIUM, 'web UI on the demo robot (launcher, two gateways)', () => {
  let demo: Launched;
  let api: string;
  let ui: StaticServer;
  let browser: Browser;
  let dist: string;
  const pages = trackPages(() => browser);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dist = await buildUi();
    buildDemo();
    const [port, islandPort] = [await freePort(), await freePort()];
    demo = launch(['--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--speed', '10', '--no-autoplay', '--peer-check-ms', '500']);
    await demo.waitFor(/Press Ctrl-C to stop everything/, 180_000);
    api = `http://127.0.0.1:${port}/api/v1`;
    // The robot's nodes online and the island's safety gate federated in.
    await eventually(async () => {
      const items = ((await http(`${api}/apps`)).body?.items ?? []) as { id: string; 'x-medkit'?: { is_online?: boolean } }[];
      return ['scenario', 'bt_navigator', 'safety_gate'].every((id) => items.find((a) => a.id === id)?.['x-medkit']?.is_online === true);
    }, 'demo apps online', 60_000);
    // The UI from this build, talking to the main gateway across origins (its default CORS allows 127.0.0.1:*).
    ui = await serveStatic(dist);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    const code = await demo?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  afterEach(async () => {
    expect(await pages.closeAll()).toEqual([]);
  });

  it('shows PROTECTIVE_STOP live after trigger_person and charts min_range_m against stop_threshold_m', async () => {
    const page = await pages.open(`${ui.url}/?gateway=${encodeURIComponent(api.replace(/\/api\/v1$/, ''))}#/entity/apps/scenario/operations`);
    await expect.poll(() => page.getByTestId('stream-state').textContent(), SLOW).toBe('Fault stream: live');
    await treeItem(page, 'safety_gate').or(treeItem(page, 'Safety Gate')).first().waitFor({ timeout: 30_000 });
    const paint = await page.evaluate(() => ({
      paint: performance.getEntriesByType('paint').map((e) => ({ name: e.name, ms: Math.round(e.startTime) })),
      treeRenderedMs: Math.round(performance.getEntriesByName('medkit:tree-rendered')[0]?.startTime ?? -1),
    }));
    expect(paint.treeRenderedMs).toBeGreaterThan(0);
    const entities = await Promise.all(['areas', 'components', 'apps', 'functions'].map(async (c) => ((await http(`${api}/${c}`)).body.items as unknown[]).length));
    writeFileSync(join(ARTIFACTS, 'metrics-demo.json'), JSON.stringify({ ...paint, viewport: '1280x800', entities: entities.reduce((a, b) => a + b, 0), servedBy: 'static server, gateway cross-origin' }, null, 2));
    // Nothing raised yet; this document must survive until the fault shows (no reload).
    expect(((await http(`${api}/faults?status=all`)).body.items as { fault_code: string }[]).map((f) => f.fault_code)).not.toContain('PROTECTIVE_STOP');
    await page.evaluate(() => ((window as unknown as { medkitMark: number }).medkitMark = 1));

    // The operator sends the person from the UI (service /demo/trigger_person).
    const op = page.locator('[data-operation="trigger_person"]');
    await op.waitFor({ timeout: 15_000 });
    await op.locator('button', { hasText: 'Execute' }).click();
    await op.locator('button[type="submit"]').click();
    await expect.poll(() => op.locator('.result').textContent(), SLOW).toContain('"success": true');

    await page.locator('.main-nav a', { hasText: 'Faults' }).click();
    await page.locator('#f-status').selectOption('all'); // the stop heals once the person has left
    const row = page.locator('tr[data-code="PROTECTIVE_STOP"]');
    await expect.poll(() => row.count(), SLOW).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { medkitMark?: number }).medkitMark)).toBe(1);
    expect(await row.locator('.badge').textContent()).toBe('CRITICAL');
    expect(await row.textContent()).toContain('safety_gate');
    for (const code of ['ACTION_NAVIGATE_TO_POSE_ABORTED', 'NAVIGATION_GOAL_ABORTED']) {
      await expect.poll(() => page.locator(`tr[data-code="${code}"]`).count(), SLOW).toBe(1);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'demo-faults-live.png') });

    await row.locator('a').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/fault/apps/safety_gate/PROTECTIVE_STOP');
    const chart = page.locator('[data-testid="freeze-chart"][data-signal="min_range_m"]');
    await chart.waitFor({ timeout: 20_000 });
    expect(await chart.locator('figcaption').textContent()).toBe('min_range_m vs stop_threshold_m');
    // uPlot is built in an effect after paint, and the detail re-renders when the fault stream brings an update:
    // wait for the plot rather than read it once.
    await expect.poll(() => chart.locator('canvas').count(), SLOW).toBe(1);
    await expect.poll(() => chart.locator('.u-legend .u-series').allTextContents(), SLOW).toEqual(expect.arrayContaining([expect.stringContaining('min_range_m'), expect.stringContaining('stop_threshold_m')]));
    // The chart's numbers: min_range_m went below the 0.8 m threshold it is drawn against.
    await chart.locator('summary').click();
    const rows = await chart.locator('details tbody tr').evaluateAll((trs) => trs.map((r) => [...r.querySelectorAll('td')].slice(1).map((c) => c.textContent ?? '')));
    const range = rows.map((r) => r[0]).filter((v) => v !== '').map(Number);
    const threshold = rows.map((r) => Number(r[1]));
    expect(range.length).toBeGreaterThan(0);
    expect(Math.min(...range)).toBeLessThan(0.8);
    expect(new Set(threshold)).toEqual(new Set([0.8]));
    await page.screenshot({ path: join(ARTIFACTS, 'demo-protective-stop.png'), fullPage: true });
  });
});
