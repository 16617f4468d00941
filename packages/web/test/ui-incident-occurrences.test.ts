// A fault that occurred twice, each time with its freeze frame and black-box recording (the gateway keeps every
// recording: max_bags_per_fault 0): the incident view lists both occurrences, opens on the newest, and picking
// the older one puts it in the URL and decodes that occurrence's own recording. The gateway runs in-process
// (ROS off); a sampler stands in for the ROS layer and the black box is fed a battery voltage topic.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { HistoryPoint } from '@medkit/gateway';
import { oneTopicSource } from './support/one-topic-source.js';
import { CHROMIUM, describeWith } from '../../../test-support/requirements.js';
import { startFaultGateway, until, type FaultGateway } from '../../../test-support/gateway/faults-gateway.js';
import { buildUi } from './support/build-ui.js';
import { launchChromium, type Browser } from './support/browser.js';
import { trackPages } from './support/pages.js';

const ARTIFACTS = fileURLToPath(new URL('../../../.test-artifacts/ui/', import.meta.url));
const NODE = '/base/battery_monitor';
const TOPIC = '/base/battery_voltage';
const DETAIL = '/api/v1/apps/battery-monitor/faults/BATTERY_SAG';

function cdrFloat64(v: number): Uint8Array {
  const out = Buffer.alloc(12);
  out.set([0, 1, 0, 0]);
  out.writeDoubleLE(v, 4);
  return out;
}

interface Snapshot {
  type: string;
  bulk_data_uri?: string;
  'x-medkit'?: { captured_at?: string };
}

describeWith(CHROMIUM, 'incident view of a fault with two occurrences', () => {
  let g: FaultGateway;
  let browser: Browser;
  let dist: string;
  const points: HistoryPoint[] = [];
  const pages = trackPages(() => browser);

  beforeAll(async () => {
    dist = await buildUi();
    g = await startFaultGateway({
      feature: oneTopicSource(TOPIC, NODE, points),
      flags: {
        'ui.dir': dist,
        'faults.healing_enabled': true,
        'faults.healing_threshold': 0,
        'faults.snapshots.recapture_cooldown_sec': 0,
        'faults.snapshots.rosbag.enabled': true,
        'faults.snapshots.rosbag.topics': 'all',
        'faults.snapshots.rosbag.duration_after_sec': 0.3,
        'faults.snapshots.rosbag.max_bags_per_fault': 0,
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await g?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  // No console errors on the way.
  afterEach(async () => {
    expect(await pages.closeAll()).toEqual([]);
  });

  const feed = async (from: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const v = from - i * 0.05;
      const ns = BigInt(Date.now()) * 1_000_000n;
      points.push({ timestamp_ns: ns, value: v });
      g.faults.system.blackbox?.onMessage(TOPIC, 'std_msgs/msg/Float64', 'float64 data\n', cdrFloat64(v), ns);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const recordings = async () => {
    const d = (await (await fetch(`${g.url}${DETAIL}`)).json()) as { environment_data?: { snapshots?: Snapshot[] } };
    return (d.environment_data?.snapshots ?? []).filter((s) => s.type === 'rosbag');
  };

  it("lists both occurrences, opens on the newest, and decodes the older one's own recording once picked", async () => {
    // First occurrence around 24 V, healed, then a second around 20 V, each recorded on its own.
    await feed(24, 20);
    g.fail('BATTERY_SAG', NODE, 2, 'battery voltage sagging');
    await feed(23.5, 20);
    await until(async () => ((await recordings()).length === 1 ? true : undefined), 'the first recording', 15_000);
    g.pass('BATTERY_SAG', NODE);
    await feed(21, 20);
    g.fail('BATTERY_SAG', NODE, 2, 'battery voltage sagging again');
    await feed(20, 20);
    const bags = await until(async () => {
      const r = await recordings();
      return r.length === 2 ? r : undefined;
    }, 'the second recording', 15_000);

    // Every read of the fault list (GET /faults?…) from the moment the page opens, by when it was sent: the incident
    // view's correlation comes from the fault store's list, so opening the view does not ask for the same list twice.
    const listReads: number[] = [];
    browser.context.on('request', (r) => {
      const u = new URL(r.url());
      if (r.method() === 'GET' && u.pathname === '/api/v1/faults') listReads.push(Date.now());
    });
    const page = await pages.open(`${g.url}/#/incident/apps/battery-monitor/BATTERY_SAG`);
    const picker = page.getByTestId('occurrences');
    await picker.waitFor({ timeout: 20_000 });
    const links = picker.locator('a');
    expect(await links.count()).toBe(2);
    const [newest, older] = [Number(await links.nth(0).getAttribute('data-at')), Number(await links.nth(1).getAttribute('data-at'))];
    // Numbered from the stored history, the same count as the fault's own.
    expect([await links.nth(0).getAttribute('data-number'), await links.nth(1).getAttribute('data-number')]).toEqual(['2', '1']);
    expect(await page.locator('.entity-meta').first().textContent()).toContain('2 occurrences');
    expect(newest).toBeGreaterThan(older);
    expect(await links.nth(0).getAttribute('aria-current')).toBe('page');
    // Each occurrence's plot shows the voltage of its own recording: the newest ends near 19 V, the older near 23 V.
    const voltage = async () => {
      const plot = page.locator(`[data-testid="topic-plot"][data-topic="${TOPIC}"]`);
      await plot.locator('canvas').waitFor({ timeout: 20_000 });
      return Number(await plot.getAttribute('data-last-value'));
    };
    await expect.poll(voltage, { timeout: 20_000 }).toBeLessThan(20.5);
    // Picked by keyboard: the URL carries the occurrence, and the older recording is decoded.
    await links.nth(1).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/incident/apps/battery-monitor/BATTERY_SAG/${older}`);
    await expect.poll(() => links.nth(1).getAttribute('aria-current')).toBe('page');
    await expect.poll(voltage, { timeout: 20_000 }).toBeGreaterThan(22.5);
    const t = Number(await page.getByTestId('incident').getAttribute('data-fault-time'));
    const axis = page.getByTestId('time-axis');
    expect(t).toBeGreaterThanOrEqual(Number(await axis.getAttribute('data-start')));
    expect(t).toBeLessThanOrEqual(Number(await axis.getAttribute('data-end')));
    expect(t * 1000).toBeLessThan(newest);
    expect(bags.map((b) => b.bulk_data_uri)).toHaveLength(2);
    // The store reads the list at most every 1.5 s (after an event) or 10 s: never two reads together.
    expect(listReads.length).toBeGreaterThan(0);
    const closest = Math.min(...listReads.slice(1).map((t, i) => t - listReads[i]));
    expect(closest, `list reads at ${listReads.map((t) => t - listReads[0]).join(', ')} ms`).toBeGreaterThanOrEqual(1000);
  });

  it('opens the exported incident file from disk: the recording plotted, the fault with its history, without the gateway', async () => {
    const res = await fetch(`${g.url}${DETAIL}/incident`);
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'medkit-incident-ui-'));
    const file = join(dir, 'incident_BATTERY_SAG.mcap');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    try {
      const page = await pages.open(`${g.url}/#/incident/apps/battery-monitor/BATTERY_SAG`);
      await page.getByTestId('export-incident').waitFor({ timeout: 20_000 });
      await page.getByRole('link', { name: 'Open an incident file…' }).click();
      await page.getByTestId('incident-file-input').setInputFiles(file);
      await expect.poll(() => page.getByTestId('incident-file-summary').textContent(), { timeout: 20_000 }).toContain('fault BATTERY_SAG');
      const plot = page.locator(`[data-testid="topic-plot"][data-topic="${TOPIC}"]`);
      await plot.locator('canvas').waitFor({ timeout: 20_000 });
      expect(Number(await plot.getAttribute('data-last-value'))).toBeLessThan(20.5);
      const card = page.locator('[data-testid="incident-file-fault"][data-code="BATTERY_SAG"]');
      await expect.poll(() => card.locator('[data-testid="status-history"] li').count()).toBeGreaterThanOrEqual(3);
      expect(await card.locator('[data-testid="status-history"] li').first().textContent()).toMatch(/confirmed.*occurrence 2/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'incident-file.png') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an open incident page follows the stream: a new occurrence and its status show without a reload; each recording says whose it is', async () => {
    const page = await pages.open(`${g.url}/#/incident/apps/battery-monitor/BATTERY_SAG`);
    const picker = page.getByTestId('occurrences');
    await picker.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('recordings').textContent(), { timeout: 20_000 }).toContain('this occurrence');
    expect(await page.getByTestId('recordings').textContent()).toContain('occurrence #1');
    g.pass('BATTERY_SAG', NODE);
    await expect.poll(() => page.locator('.entity-meta').first().textContent(), { timeout: 20_000 }).toContain('healed');
    g.fail('BATTERY_SAG', NODE, 2, 'battery voltage sagging a third time');
    await expect.poll(() => picker.locator('a').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.locator('.entity-meta').first().textContent()).toContain('3 occurrences');
    expect(await picker.locator('a').first().getAttribute('data-number')).toBe('3');
  });

  it("shows each occurrence's own evidence and says whose; one without a freeze frame says so and names the nearest with one; the list pages", async () => {
    const history = async () => {
      const d = (await (await fetch(`${g.url}${DETAIL}`)).json()) as { 'x-medkit'?: { status_history?: { occurrence?: number }[] } };
      return Math.max(0, ...(d['x-medkit']?.status_history ?? []).map((h) => h.occurrence ?? 0));
    };
    const captures = async () => {
      const d = (await (await fetch(`${g.url}${DETAIL}`)).json()) as { environment_data?: { snapshots?: Snapshot[] } };
      return new Set((d.environment_data?.snapshots ?? []).filter((x) => x.type === 'freeze_frame').map((x) => x['x-medkit']?.captured_at)).size;
    };
    // #4 with the topic fresh: a capture of its own. (A capture is stamped with its newest message's time, so the
    // topic is fed right before.)
    const before = await captures();
    g.pass('BATTERY_SAG', NODE);
    await feed(19, 5);
    g.fail('BATTERY_SAG', NODE, 2, 'battery voltage sagging a fourth time');
    await until(async () => ((await captures()) > before ? true : undefined), 'the capture of occurrence 4', 15_000);
    // Then the topic falls silent, so the next occurrences capture nothing: 23 occurrences in all, more than a page.
    points.splice(0);
    for (let n = 5; n <= 23; n++) {
      g.pass('BATTERY_SAG', NODE);
      g.fail('BATTERY_SAG', NODE, 2, `battery voltage sagging, time ${n}`);
      await until(async () => ((await history()) >= n ? true : undefined), `occurrence ${n}`, 15_000);
    }
    const page = await pages.open(`${g.url}/#/fault/apps/battery-monitor/BATTERY_SAG`);
    const list = page.getByTestId('occurrences');
    await list.waitFor({ timeout: 20_000 });
    // 20 a page, newest first, each with what it has; the newest (#23) is the one shown.
    expect(await list.getAttribute('data-pages')).toBe('2');
    const rows = list.getByTestId('occurrence-row');
    await expect.poll(() => rows.count()).toBe(20);
    expect(await rows.first().locator('a').getAttribute('data-number')).toBe('23');
    expect(await rows.first().locator('a').getAttribute('aria-current')).toBe('page');
    expect(['recording', 'no freeze frame, no recording']).toContain(await rows.first().locator('td').nth(2).textContent());
    // #23 has no freeze frame: the page says so, shows none of another's, and links the nearest with one (#4).
    const missing = page.getByTestId('frames-missing');
    await expect.poll(() => missing.textContent(), { timeout: 20_000 }).toMatch(/^Occurrence #23 \(.+\) has no freeze frame; the nearest occurrence with one is #4 \(/);
    expect(await page.getByTestId('freeze-frame').count()).toBe(0);
    await page.getByTestId('occurrences-older').click();
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-number')))).toEqual(['3', '2', '1']);
    expect(await rows.nth(2).locator('td').nth(2).textContent()).toBe('freeze frame and recording');
    // The nearest one, followed: its own frames, said to be #4's.
    await missing.locator('a').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/fault\/apps\/battery-monitor\/BATTERY_SAG\/\d+$/);
    await expect.poll(() => page.getByTestId('freeze-frame').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator('h2', { hasText: 'Freeze frames' }).textContent()).toMatch(/of occurrence #4 \(/);
    // Its incident view: window, frames, recording and logs all #4's, and saying so.
    await page.getByTestId('open-incident').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/incident\/apps\/battery-monitor\/BATTERY_SAG\/\d+$/);
    const at4 = Number((await page.evaluate(() => window.location.hash)).split('/').pop());
    await page.getByTestId('incident').waitFor({ timeout: 20_000 });
    for (const h of ['Black-box recording', 'Correlation', 'Freeze frame at confirmation', 'Log lines of the window']) {
      await expect.poll(() => page.locator('h2', { hasText: h }).textContent(), { timeout: 20_000 }).toMatch(/of occurrence #4 \(/);
    }
    expect(Number(await page.getByTestId('incident').getAttribute('data-fault-time'))).toBe(at4 / 1000);
    await expect.poll(() => page.getByTestId('time-axis').locator('figcaption').textContent(), { timeout: 20_000 }).toMatch(/occurrence #4 \(/);
    // The correlation of #4's time, from its status history: none, and said so (no correlation rules here).
    await expect.poll(() => page.getByTestId('correlation-none').textContent(), { timeout: 20_000 }).toMatch(/^No correlation recorded for occurrence #4 \(.+\): it was muted under no root cause/);
    expect(await page.locator('[data-testid="correlation-past"]').getAttribute('data-occurrence')).toBe('4');
  });
});
