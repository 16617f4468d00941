// The built UI in Debian's chromium against a real in-process gateway serving the example AMR
// manifest: shell and health, entity tree, keyboard navigation, search, entity detail tabs,
// the fault dashboard and its live stream, the unreachable case, the connection
// dialog (focus trap, Escape) and the tablet layout. Screenshots go to .test-artifacts/ui/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { loadConfig } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { buildUi, bundleSizes } from './support/build-ui.js';
import { serveStatic, type StaticServer } from './support/static-server.js';
import { launchChromium, type Browser } from './support/browser.js';
import { treeItem } from './support/pages.js';
import { FAULTS_SERVICE } from '@medkit/gateway';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(REPO, '.test-artifacts', 'ui');
const FLAGS = { 'discovery.manifest_path': join(REPO, 'examples/amr/manifest.yaml'), 'discovery.mode': 'manifest_only' };

describeWith(CHROMIUM, 'web UI against a real gateway (AMR manifest)', () => {
  let gw: TestGateway;
  let ui: StaticServer;
  let browser: Browser;
  let dist: string;
  let endpoints: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dist = await buildUi();
    const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'ros.enabled': false, ...FLAGS } });
    gw = await startTestGateway({ flags: FLAGS, features: defaultFeatures(config) });
    ui = await serveStatic(dist);
    browser = await launchChromium();
    endpoints = ((await (await fetch(`${gw.url}/api/v1`)).json()) as { endpoints: string[] }).endpoints;
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await gw?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  const serves = (route: string) => endpoints.includes(`GET /api/v1${route}`);

  async function open(hash = '', gateway = gw.url): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => {
      throw new Error(`uncaught error in the page: ${err.message}`);
    });
    await page.goto(`${ui.url}/?gateway=${encodeURIComponent(gateway)}${hash}`);
    return page;
  }


  it('shows the connection, the gateway version and the AMR entity tree, and records paint timings', async () => {
    const page = await open();
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('Connected');
    const version = ((await (await fetch(`${gw.url}/api/v1/version-info`)).json()) as { items: { vendor_info: { name: string; version: string } }[] }).items[0].vendor_info;
    await expect.poll(() => page.locator('.app-header').textContent()).toContain(`${version.name} ${version.version}`);
    // The overview names what the gateway runs on, from /health's x-medkit-runtime (issue 68).
    const rtps = ((await (await fetch(`${gw.url}/api/v1/health`)).json()) as { 'x-medkit-runtime': { rtps: { path: string } } })['x-medkit-runtime'].rtps.path;
    await expect
      .poll(() => page.getByTestId('gateway-runtime').textContent())
      .toMatch(new RegExp(`^Gateway runtime: Node\\.js ${process.version.replaceAll('.', '\\.')} · SQLite 3\\.[0-9.]+ \\(better-sqlite3\\) · RTPS ${rtps === 'addon' ? 'native addon' : 'in JavaScript'}`));

    // Nesting from the relationship routes: area → subarea → component → hosted app; functions.
    await treeItem(page, 'Battery Monitor').waitFor();
    const rows = await page.locator('[role="treeitem"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-level')} ${e.querySelector('.tree-label')?.textContent}`));
    const at = (label: string) => rows.findIndex((r) => r.endsWith(` ${label}`));
    expect(rows).toContain('2 Mobile Base');
    expect(rows).toContain('3 Power System');
    expect(rows).toContain('4 Battery Pack');
    expect(rows).toContain('5 Battery Monitor');
    expect(at('Power System')).toBeLessThan(at('Battery Pack'));
    expect(at('Battery Pack')).toBeLessThan(at('Battery Monitor'));
    expect(rows).toContain('1 Functions');
    expect(rows).toContain('2 Power Management');
    // No ROS in this gateway: manifest apps are offline, said in words.
    await expect.poll(() => treeItem(page, 'Battery Monitor').locator('.state').textContent()).toBe('offline');
    // The discovery source: manifest entities say so in the row's title; other sources get a tag.
    expect(await treeItem(page, 'Battery Monitor').getAttribute('title')).toBe('Battery Monitor (app battery-monitor · source: manifest)');

    const paint = await page.evaluate(() => ({
      paint: performance.getEntriesByType('paint').map((p) => ({ name: p.name, ms: Math.round(p.startTime) })),
      treeRenderedMs: Math.round(performance.getEntriesByName('medkit:tree-rendered')[0]?.startTime ?? -1),
    }));
    expect(paint.paint.map((p) => p.name)).toContain('first-contentful-paint');
    expect(paint.treeRenderedMs).toBeGreaterThan(0);
    writeFileSync(join(ARTIFACTS, 'metrics.json'), JSON.stringify({ ...paint, bundle: bundleSizes(dist), viewport: '1280x800' }, null, 2));
    await page.screenshot({ path: join(ARTIFACTS, 'tree-1280x800.png') });
    await page.close();
  });

  it('moves through the tree with arrow keys, opens an entity with Enter and switches tabs with arrows', async () => {
    const page = await open();
    await treeItem(page, 'Mobile Base').waitFor();
    await page.locator('[role="treeitem"][tabindex="0"]').focus();
    const focused = () => page.evaluate(() => document.activeElement?.querySelector('.tree-label')?.textContent ?? document.activeElement?.textContent);
    // A person never presses faster than a frame; wait for each key's effect before the next.
    const press = async (key: string, expected: string) => {
      await page.keyboard.press(key);
      await expect.poll(focused).toBe(expected);
    };
    expect(await focused()).toBe('Areas');
    await press('ArrowDown', 'Mobile Base');
    await page.keyboard.press('ArrowLeft'); // collapses the expanded area first
    await expect.poll(() => page.locator('[role="treeitem"][data-key="areas/area:base"]').getAttribute('aria-expanded')).toBe('false');
    await press('ArrowLeft', 'Areas'); // then moves to the parent group
    await page.keyboard.press('ArrowLeft'); // collapse it
    await expect.poll(() => page.locator('[role="treeitem"]', { hasText: 'Mobile Base' }).count()).toBe(0);
    expect(await page.locator('[role="treeitem"][data-key="areas"]').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight'); // expand again
    await expect.poll(() => page.locator('[role="treeitem"][data-key="areas"]').getAttribute('aria-expanded')).toBe('true');
    await press('ArrowRight', 'Mobile Base'); // first child
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/entity/areas/base');
    await expect.poll(() => page.locator('.entity-head h1').textContent()).toContain('Mobile Base');
    expect(await treeItem(page, 'Mobile Base').getAttribute('aria-selected')).toBe('true');

    const tabs = page.locator('[role="tab"]');
    await tabs.first().focus();
    await page.keyboard.press('ArrowRight');
    const second = await tabs.nth(1).textContent();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(second);
    expect(await tabs.nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('End');
    expect(await tabs.last().getAttribute('aria-selected')).toBe('true');
    await page.close();
  });

  it('filters the tree by name or id, keeping the path to each match', async () => {
    const page = await open();
    await treeItem(page, 'Mobile Base').waitFor();
    await page.locator('#tree-search').fill('battery');
    await expect.poll(() => page.locator('[role="treeitem"] .tree-label').allTextContents()).toEqual(expect.arrayContaining(['Battery Pack', 'Battery Monitor', 'Power System', 'Mobile Base']));
    expect(await page.locator('[role="treeitem"] .tree-label').allTextContents()).not.toContain('Front Lidar Unit');
    await page.locator('#tree-search').fill('no-such-entity');
    await expect.poll(() => page.locator('.tree-empty').textContent()).toContain('No entity matches');
    await page.close();
  });

  it('opens an entity with one tab per capability and shows what each resource route gives', async () => {
    const page = await open('#/entity/components/battery-pack');
    await expect.poll(() => page.locator('.entity-head h1').textContent()).toContain('Battery Pack');
    const detail = (await (await fetch(`${gw.url}/api/v1/components/battery-pack`)).json()) as { capabilities: { name: string }[] };
    const names = detail.capabilities.map((c) => c.name);
    const tabs = await page.locator('[role="tab"]').allTextContents();
    expect(tabs[0]).toBe('Overview');
    for (const [cap, label] of [
      ['data', 'Data'],
      ['configurations', 'Configurations'],
      ['faults', 'Faults'],
      ['logs', 'Logs'],
      ['status', 'Lifecycle'],
    ]) {
      expect(tabs.includes(label), label).toBe(names.includes(cap));
    }
    // Overview: identity from the manifest.
    await expect.poll(() => page.locator('.facts').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Acme Energy')]));

    // Data tab: without ROS the manifest component has no topics; said plainly (never a crash).
    expect(serves('/components/{component_id}/data')).toBe(true);
    await page.locator('[role="tab"]', { hasText: 'Data' }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/entity/components/battery-pack/data');
    await expect.poll(() => page.locator('[role="tabpanel"]').textContent()).toMatch(/Value \(live\)|no data items/);
    await page.screenshot({ path: join(ARTIFACTS, 'entity-battery-pack.png') });
    await page.close();
  });

  it('shows the fault dashboard with the live stream connected', async () => {
    expect(serves('/faults')).toBe(true);
    expect(serves('/faults/stream')).toBe(true);
    const page = await open('#/faults');
    await page.getByTestId('fault-dashboard').waitFor();
    await expect.poll(() => page.getByTestId('stream-state').textContent()).toBe('Fault stream: live');
    await expect.poll(() => page.getByTestId('fault-dashboard').textContent()).toContain('No faults reported');
    await page.screenshot({ path: join(ARTIFACTS, 'faults-dashboard.png') });
    await page.close();
  });

  it('says clearly when the gateway is unreachable', async () => {
    const page = await open('', 'http://127.0.0.1:9');
    await expect.poll(() => page.getByTestId('connection-state').textContent(), { timeout: 20_000 }).toBe('Unreachable');
    await expect.poll(() => page.getByTestId('unreachable').textContent()).toContain('http://127.0.0.1:9 is unreachable');
    await page.getByTestId('home-unreachable').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'unreachable.png') });
    await page.close();
  });

  it('connection dialog traps focus, closes on Escape, and switches gateway (remembered)', async () => {
    const page = await open('', 'http://127.0.0.1:9');
    const opener = page.locator('.gateway-button');
    await opener.click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('gateway-url');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('gateway-button'))).toBe(true);

    await opener.click();
    await page.locator('#gateway-url').fill('not a url at all ::');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.locator('[role="alert"]').textContent()).toContain('http://');
    await page.locator('#gateway-url').fill(gw.url);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('Connected');
    expect(await page.evaluate(() => localStorage.getItem('medkit.gateway'))).toBe(gw.url);
    // A later visit without ?gateway= uses the remembered gateway.
    await page.goto(`${ui.url}/`);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('Connected');
    await page.close();
  });

  it('fits a 768px tablet without horizontal scrolling', async () => {
    const page = await open();
    await page.setViewportSize({ width: 768, height: 1024 });
    await treeItem(page, 'Battery Monitor').waitFor();
    await treeItem(page, 'Battery Monitor').click();
    await expect.poll(() => page.locator('.entity-head h1').textContent()).toContain('Battery Monitor');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet-768.png'), fullPage: true });
    await page.close();
  });

  it('says when a lazily loaded view\'s chunk fails to load, and loads it on Try again', async () => {
    const page = await open();
    await page.getByTestId('connection-state').waitFor();
    // The fault detail is a chunk of its own (ui/app.tsx): refused once, then served.
    await page.route('**/assets/detail-*.js', (route) => route.abort());
    await page.evaluate(() => (window.location.hash = '#/fault/apps/battery-monitor/BATTERY_LOW'));
    await expect.poll(() => page.getByTestId('lazy-load-error').textContent()).toContain('Could not load the fault detail');
    await page.unroute('**/assets/detail-*.js');
    await page.getByTestId('lazy-load-error').locator('button', { hasText: 'Try again' }).click();
    // The detail's own page: its heading, or its error if the gateway has no such fault yet (not "Loading…").
    await expect.poll(() => page.locator('#main h1').first().textContent()).toMatch(/^(?!Loading).*BATTERY_LOW/);
    expect(await page.getByTestId('lazy-load-error').count()).toBe(0);
    await page.close();
  });

  it('shows a fault\'s stored history, changes before the page opened included, and acknowledges it with a note', async () => {
    const faults = gw.gateway.ctx.services.get(FAULTS_SERVICE);
    const report = (event_type: number) => faults.report({ fault_code: 'BATTERY_LOW', event_type, severity: 3, description: 'Battery below 15 %', source_id: '/base/battery_monitor' });
    report(0);
    faults.manager.clear('BATTERY_LOW', { by: 'night-shift' });
    report(0); // the second occurrence
    const page = await open('#/fault/apps/battery-monitor/BATTERY_LOW');
    const history = page.getByTestId('status-history');
    await expect.poll(() => history.locator('li').count()).toBe(5);
    // Newest first: the second occurrence's confirmation on top, the night shift's clear below it.
    expect(await history.locator('li').first().textContent()).toMatch(/confirmed.*by \/base\/battery_monitor.*occurrence 2/);
    expect(await history.locator('li[data-change="cleared"]').textContent()).toMatch(/by night-shift.*occurrence 1/);
    await page.getByTestId('acknowledge').click();
    // Sign-in is off: the dialog asks for a name and says how it is kept; it speaks of the active occurrence 2.
    expect(await page.getByTestId('acknowledge-scope').textContent()).toContain('until this occurrence ends (occurrence 2, active now)');
    await page.getByTestId('acknowledge-note').fill('swapping the pack');
    await page.getByTestId('acknowledge-name').fill('');
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect.poll(() => page.locator('dialog[open] [role="alert"]').textContent()).toContain('Give your name');
    await page.getByTestId('acknowledge-name').fill('Dana');
    expect(await page.getByTestId('acknowledge-unauthenticated').textContent()).toContain('“Dana (unauthenticated)”');
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect.poll(() => page.getByTestId('acknowledgement').textContent()).toMatch(/Acknowledged by Dana \(unauthenticated\) at .+: “swapping the pack”/);
    await expect.poll(() => history.locator('li').first().textContent()).toMatch(/acknowledged.*by Dana \(unauthenticated\).*swapping the pack/);

    await page.screenshot({ path: join(ARTIFACTS, 'fault-history-acknowledged.png'), fullPage: true });
    await page.goto(`${ui.url}/?gateway=${encodeURIComponent(gw.url)}#/faults`);
    await expect.poll(() => page.locator('tr[data-code="BATTERY_LOW"] [data-testid="acknowledged-by"]').count()).toBe(1);
    // At 800 px the tree shows full names (wrapped, not cut) and every fault badge inside the panel.
    await page.setViewportSize({ width: 800, height: 900 });
    const badge = page.locator('[role="treeitem"] .count-badge').first();
    await badge.waitFor();
    const panel = (await page.locator('.tree-panel').boundingBox())!;
    const box = (await badge.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(panel.x + panel.width);
    const cut = await page.locator('[role="treeitem"] .tree-label').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    expect(cut).toEqual([]);
    await page.close();
  });

  it('is a phone page at 390 px (the tree a drawer, tables scrolling inside themselves) and a desktop page at 1280 px', async () => {
    const page = await open('#/faults');
    await page.setViewportSize({ width: 390, height: 844 });
    const toggle = page.getByTestId('tree-drawer-toggle');
    const tree = page.locator('#entity-tree-panel');
    await toggle.waitFor();
    expect(await tree.isVisible()).toBe(false);
    // Opened, the drawer lies over the page; choosing an entity goes there and closes it.
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await treeItem(page, 'Battery Monitor').click();
    await expect.poll(() => page.locator('.entity-head h1').textContent()).toContain('Battery Monitor');
    await expect.poll(() => tree.isVisible()).toBe(false);
    // Escape closes it too.
    await toggle.click();
    await treeItem(page, 'Battery Monitor').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => tree.isVisible()).toBe(false);
    // No page scrolls sideways; a table wider than the screen scrolls inside its own box.
    for (const hash of ['#/faults', '#/fault/apps/battery-monitor/BATTERY_LOW', '#/entity/apps/battery-monitor/data', '#/entity/apps/battery-monitor/configurations', '#/entity/apps/battery-monitor/faults', '#/']) {
      await page.goto(`${ui.url}/?gateway=${encodeURIComponent(gw.url)}${hash}`);
      await page.locator('#main > *').first().waitFor();
      // Drawn: nothing on the page is still loading (its tables are there).
      await expect.poll(async () => /Loading/.test(await page.locator('#main').innerText()), { timeout: 15_000 }).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(390);
      const outside = await page.locator('table').evaluateAll((ts) => ts.filter((t) => t.getBoundingClientRect().right > 391).length);
      expect(outside, hash).toBe(0);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'phone-390.png'), fullPage: true });
    // At 1280 the tree is beside the content, without a drawer button.
    await page.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(() => tree.isVisible()).toBe(true);
    expect(await toggle.isVisible()).toBe(false);
    expect((await tree.boundingBox())!.x + (await tree.boundingBox())!.width).toBeLessThanOrEqual((await page.locator('#main').boundingBox())!.x + 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.close();
  });
});
