// The fault dashboard follows the stream alone (issue 58): in Debian's chromium against a real gateway with the
// demo's correlation rule (packages/demo/config/main-correlation.yaml), a root cause and its muted symptom appear, the symptom under its root, and the symptom's new
// occurrence shows, each from its event (`fault_confirmed`, `fault_muted`, `fault_cleared`), with no GET of the fault list
// after the ones the page makes when the stream opens. The watch stream is refused here, so the page is on its own
// list reads (a gateway without the watch route), the case where it used to read the list again after each event.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { loadConfig } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { FAULTS_SERVICE } from '@medkit/gateway';
import { buildUi } from './support/build-ui.js';
import { serveStatic, type StaticServer } from './support/static-server.js';
import { launchChromium, type Browser } from './support/browser.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describeWith(CHROMIUM, 'fault dashboard from the stream alone', () => {
  let gw: TestGateway;
  let ui: StaticServer;
  let browser: Browser;
  let dist: string;

  beforeAll(async () => {
    const flags = { 'discovery.manifest_path': join(REPO, 'examples/amr/manifest.yaml'), 'discovery.mode': 'manifest_only', 'faults.correlation.config_file': join(REPO, 'packages/demo/config/main-correlation.yaml'), 'faults.healing_enabled': true };
    dist = await buildUi();
    const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'ros.enabled': false, ...flags } });
    gw = await startTestGateway({ flags, features: defaultFeatures(config) });
    ui = await serveStatic(dist);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await gw?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it("shows a muted symptom's changes from its events, under its root cause, without reading the list again", async () => {
    const faults = gw.gateway.ctx.services.get(FAULTS_SERVICE);
    const report = (code: string, source: string, event_type: number) => faults.report({ fault_code: code, event_type, severity: 3, description: `${code} happened`, source_id: source });
    const fail = (code: string, source: string) => report(code, source, 0);
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => {
      throw new Error(`uncaught error in the page: ${err.message}`);
    });
    await page.route('**/api/v1/x-medkit-watch**', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error_code: 'resource-not-found', message: 'no watch route here' }) }));
    const listReads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/faults') listReads.push(r.url());
    });
    await page.goto(`${ui.url}/?gateway=${encodeURIComponent(gw.url)}#/faults`);
    await expect.poll(() => page.getByTestId('stream-state').textContent(), { timeout: 15_000 }).toBe('Fault stream: live');
    await expect.poll(() => page.getByTestId('fault-dashboard').textContent()).toContain('No faults reported');
    // The page reads the list before the stream and once more when it is live (the gap between the two).
    await expect.poll(() => listReads.length).toBe(2);

    fail('PROTECTIVE_STOP', '/safety/safety_gate');
    fail('NAVIGATION_GOAL_ABORTED', '/navigation/bt_navigator');
    expect(faults.manager.correlation?.isMuted('NAVIGATION_GOAL_ABORTED')).toBe(true);
    const symptom = page.locator('tr[data-code="NAVIGATION_GOAL_ABORTED"]');
    await expect.poll(() => symptom.getAttribute('data-root-cause'), { timeout: 5000 }).toBe('PROTECTIVE_STOP');
    expect(await symptom.locator('td.num').textContent()).toBe('1');
    // It heals (a plain fault_cleared) and confirms again while its root is active: a new occurrence, still muted.
    for (let i = 0; i < 50 && faults.manager.getFault('NAVIGATION_GOAL_ABORTED')?.status !== 'HEALED'; i++) report('NAVIGATION_GOAL_ABORTED', '/navigation/bt_navigator', 1);
    expect(faults.manager.getFault('NAVIGATION_GOAL_ABORTED')?.status).toBe('HEALED');
    fail('NAVIGATION_GOAL_ABORTED', '/navigation/bt_navigator');
    expect(faults.manager.getFault('NAVIGATION_GOAL_ABORTED')).toMatchObject({ status: 'CONFIRMED', occurrence_count: 2 });
    await expect.poll(() => symptom.locator('td.num').textContent()).toBe('2');
    expect(await symptom.getAttribute('class')).toContain('row-confirmed');
    expect(await symptom.getAttribute('data-root-cause')).toBe('PROTECTIVE_STOP');
    // Longer than the 1.5 s after an event at which the page used to read the list again.
    await page.waitForTimeout(2500);
    expect(listReads).toHaveLength(2);
    await page.close();
  });
});
