// The process metrics panel in Debian's chromium against a real gateway running procfs_introspection over
// a fixture proc_root (one App process, one more process on the Component): the App's overview shows its
// PID, memory, open files and — after the gateway's second reading ≥ 1 s later — its CPU percentage; the
// Component's overview lists every process with the Apps it hosts.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { FixtureProc } from '../../../test-support/fixture-proc.js';
import { buildUi } from './support/build-ui.js';
import { serveStatic, type StaticServer } from './support/static-server.js';
import { launchChromium, type Browser } from './support/browser.js';

describeWith(CHROMIUM, 'web UI: process metrics panel', () => {
  let proc: FixtureProc;
  let gw: TestGateway;
  let ui: StaticServer;
  let browser: Browser;
  let dist: string;
  let ticks = 1000;

  beforeAll(async () => {
    proc = new FixtureProc(5000);
    proc.add({ pid: 4242, cmdline: ['/opt/robot/driver', '--ros-args', '-r', '__node:=driver', '-r', '__ns:=/base'], rssKb: 51200, threads: 6, fds: 17, utime: ticks });
    proc.add({ pid: 4243, cmdline: ['/opt/robot/planner', '--ros-args', '-r', '__node:=planner'], rssKb: 20480, fds: 5 });
    const manifest = join(proc.root, 'robot.yaml');
    writeFileSync(
      manifest,
      [
        'manifest_version: "1.0"',
        'components:',
        '  - { id: computer, name: Computer }',
        'apps:',
        '  - { id: driver, name: Motor Driver, is_located_on: computer, ros_binding: { node_name: driver, namespace: /base } }',
        '  - { id: planner, name: Planner, is_located_on: computer, ros_binding: { node_name: planner, namespace: / } }',
      ].join('\n'),
    );
    dist = await buildUi();
    gw = await startTestGateway({
      defaults: true,
      flags: { 'discovery.mode': 'manifest_only', 'discovery.manifest_path': manifest, plugins: ['procfs_introspection'], 'plugins.procfs_introspection.proc_root': proc.root, 'plugins.procfs_introspection.clock_ticks': 100 },
    });
    ui = await serveStatic(dist);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await gw?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
    proc?.remove();
  });

  it("shows an App's process with memory, open files and a CPU percentage", async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => {
      throw new Error(`uncaught error in the page: ${err.message}`);
    });
    await page.goto(`${ui.url}/?gateway=${encodeURIComponent(gw.url)}#/entity/apps/driver`);
    const panel = page.getByTestId('process-metrics');
    await panel.waitFor();
    await expect.poll(() => panel.locator('td code').first().textContent()).toBe('4242');
    expect(await panel.getByTestId('process-rss').textContent()).toBe('50.0 MiB');
    expect(await panel.getByTestId('process-fds').textContent()).toBe('17');
    // The process burns 50 ticks per second of our clock from now on; the panel polls every 2 s.
    const started = Date.now();
    const timer = setInterval(() => {
      ticks = 1000 + Math.round(((Date.now() - started) / 1000) * 50);
      proc.set({ pid: 4242, cmdline: ['/opt/robot/driver', '--ros-args', '-r', '__node:=driver', '-r', '__ns:=/base'], rssKb: 51200, threads: 6, utime: ticks });
    }, 100);
    try {
      // Once a whole measuring window lies in the busy phase the figure is 50 % (± the sampling jitter).
      const cpu = async () => Number(((await panel.getByTestId('process-cpu').textContent()) ?? '').replace(' %', ''));
      await expect.poll(cpu, { timeout: 20_000 }).toBeGreaterThan(35);
      expect(await cpu()).toBeLessThan(65);
    } finally {
      clearInterval(timer);
    }
    await page.close();
  }, 60_000);

  it("lists a Component's processes with the Apps each hosts", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${ui.url}/?gateway=${encodeURIComponent(gw.url)}#/entity/components/computer`);
    const panel = page.getByTestId('process-metrics');
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(2);
    const rows = await panel.locator('tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('4242') && r.includes('driver'))).toBe(true);
    expect(rows.some((r) => r.includes('4243') && r.includes('planner'))).toBe(true);
    await page.close();
  }, 60_000);
});
