// A 50 MB recording in the browser (bench/web/run.mjs --big): a stand-in gateway on one port serves the built
// UI and just the routes the incident view reads (fault detail with a rosbag snapshot, the bulk-data listing, the
// file), so the run measures the browser alone: download, decode in the worker, plots, and the longest task
// the page's main thread ran meanwhile (a long task there is what makes a page unresponsive).
/* global window, document, MutationObserver -- the callbacks given to page.evaluate run in the browser */
import { serveStandIn } from './standin-server.mjs';
import { openTab } from './browser.mjs';


export function serveBig(dist, bytes) {
  const now = Date.now() / 1000;
  const path = '/api/v1/apps/lidar/bulk-data/rosbags/fault_BIG_1';
  const detail = {
    item: { code: 'BIG', fault_name: 'A 50 MB recording', severity: 2, first_occurred: now - 60, last_occurred: now - 60, reporting_sources: ['/sensors/lidar'] },
    environment_data: { snapshots: [{ type: 'rosbag', name: 'fault_BIG_1', bulk_data_uri: path, size_bytes: bytes.length, format: 'mcap' }] },
    'x-medkit': { status: 'CONFIRMED' },
  };
  const api = {
    '/api/v1/health': { status: 'healthy', warnings: [] },
    '/api/v1/apps': { items: [{ id: 'lidar', name: 'lidar', type: 'app' }] },
    '/api/v1/areas': { items: [] },
    '/api/v1/components': { items: [] },
    '/api/v1/functions': { items: [] },
    '/api/v1/faults': { items: [], 'x-medkit': { count: 0 } },
    '/api/v1/apps/lidar/faults/BIG': detail,
    '/api/v1/apps/lidar/bulk-data/rosbags': { items: [] },
    '/api/v1/apps/lidar/logs': { items: [] },
  };
  return serveStandIn(dist, api, (p, res) => p === path && (res.writeHead(200, { 'content-type': 'application/x-mcap', 'content-length': String(bytes.length) }).end(bytes), true));
}

/** Opens the incident of the big recording; the time until plotted and the longest main-thread task meanwhile. */
export async function measureBig(browser, url) {
  const tab = await openTab(browser);
  const { page } = tab;
  await page.addInitScript(() => {
    window.__longest = 0;
    window.__progress = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // Progress shown: count the distinct progress texts the page displayed.
    const seen = new Set();
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="recording-progress"]')?.textContent;
      if (t && !seen.has(t)) {
        seen.add(t);
        window.__progress = seen.size;
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${url}/#/incident/apps/lidar/BIG`);
  await page.waitForFunction(() => document.querySelector('[data-testid="topic-plots"] canvas') || document.querySelector('[data-testid="recording-error"]'), undefined, { timeout: 120_000, polling: 100 });
  const r = await page.evaluate(() => ({
    plottedMs: Math.round(performance.now()),
    fetchedAtMs: Math.round(performance.getEntriesByName('medkit:recording-fetched')[0]?.startTime ?? -1),
    decodedAtMs: Math.round(performance.getEntriesByName('medkit:incident-decoded')[0]?.startTime ?? -1),
    longestTaskMs: Math.round(window.__longest),
    progressTexts: window.__progress,
    error: document.querySelector('[data-testid="recording-error"]')?.textContent ?? undefined,
  }));
  await tab.close();
  return r;
}
