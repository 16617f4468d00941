// One opening of an incident page in chromium, measured phase by phase (bench/web/run.mjs): the browser's own
// record of every request to the gateway (CDP Network: when the page asked, how long it queued for a
// connection, when its headers and its last byte came), the page's long main-thread tasks, and the UI's marks
// (recording asked, bytes in the page, decoded) — so a slow run says where its time went. With `traceFile` the
// whole chromium performance trace is written there too (open it in DevTools' Performance panel).
/* global window, document, requestAnimationFrame -- the callbacks given to page.evaluate and addInitScript run in the browser */
import { writeFileSync } from 'node:fs';
import { openTab } from './browser.mjs';

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'loading', 'blink.user_timing', 'netlog', 'disabled-by-default-network', 'disabled-by-default-v8.cpu_profiler'];

/** Milliseconds, rounded; -1 when unknown. */
const ms = (x) => (x === undefined || Number.isNaN(x) ? -1 : Math.round(x));

/**
 * Opens `url` (an incident route) in a new tab of an open window (browser.mjs, openTab) and waits until every topic's
 * plot is drawn. The tab is a new browser profile's unless `context` is given (a profile that may hold the UI's
 * scripts in its cache).
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ gatewayOrigin: string, traceFile?: string, timeoutMs?: number, keepBodies?: boolean, context?: import('playwright-core').BrowserContext, newWindow?: boolean, onNavigate?: () => void, onPlotted?: () => void }} opts
 *   `newWindow`: open it as a new window's first tab (browser.mjs, openTab). `onNavigate` runs just before the navigation, `onPlotted` as soon as the plots are drawn (bench/web/cpu-share.mjs).
 */
export async function measureIncident(browser, url, opts) {
  const tab = await openTab(browser, opts.context, { newWindow: opts.newWindow });
  const { page } = tab;
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
    // The page itself says when every plot is drawn (or the recording failed), checked once a frame: playwright's
    // waitForFunction would inject its own script into the page, 70-100 ms of the main thread while it loads.
    const check = () => {
      const plots = document.querySelectorAll('[data-testid="topic-plot"]');
      const drawn = plots.length > 0 && [...plots].every((p) => p.querySelector('canvas') || !p.querySelector('.chart-box'));
      if (drawn || document.querySelector('[data-testid="recording-error"]')) console.log(`medkit-bench:plotted ${performance.now()}`);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  const cdp = await page.context().newCDPSession(page);
  /** @type {Map<string, any>} */
  const reqs = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!reqs.has(e.requestId)) reqs.set(e.requestId, { url: e.request.url, method: e.request.method, type: e.type, issued: e.timestamp });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId);
    // Content-Location: the recording a download by fault code served (the UI asks the newest one that way).
    const served = Object.entries(e.response.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-location')?.[1];
    if (r) Object.assign(r, { status: e.response.status, timing: e.response.timing, connectionId: e.response.connectionId, reused: e.response.connectionReused, served });
  });
  const bodies = [];
  cdp.on('Network.loadingFinished', (e) => {
    const r = reqs.get(e.requestId);
    if (!r) return;
    Object.assign(r, { finished: e.timestamp, bytes: e.encodedDataLength });
    // The reads that name the recording, kept to see why a run did not ask for it.
    if (opts.keepBodies && /\/faults\/[^/?]+$|\/bulk-data\/rosbags$/.test(r.url)) {
      bodies.push(cdp.send('Network.getResponseBody', { requestId: e.requestId }).then((b) => ({ url: r.url, at: r.finished, body: b.body }), () => undefined));
    }
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = reqs.get(e.requestId);
    if (r) Object.assign(r, { finished: e.timestamp, failed: e.errorText });
  });
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  if (opts.traceFile) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const timeout = opts.timeoutMs ?? 30_000;
  let timer;
  const plotted = new Promise((resolve) => {
    page.on('console', (m) => m.text().startsWith('medkit-bench:plotted ') && resolve(Number(m.text().split(' ')[1])));
    timer = setTimeout(resolve, timeout);
  });
  opts.onNavigate?.();
  await page.goto(url);
  await plotted;
  opts.onPlotted?.();
  clearTimeout(timer);
  const ui = await page.evaluate((plottedMs) => {
    const mark = (n) => performance.getEntriesByName(n)[0]?.startTime;
    return {
      plottedMs,
      askedMs: mark('medkit:recording-asked'),
      fetchedMs: mark('medkit:recording-fetched'),
      decodedMs: mark('medkit:incident-decoded'),
      chunkMs: performance.getEntriesByType('resource').find((e) => e.name.includes('/incident-page'))?.responseEnd,
      topics: document.querySelectorAll('[data-testid="topic-plot"]').length,
      messages: Number(document.querySelector('[data-testid="topic-plots"]')?.getAttribute('data-message-count')),
      error: document.querySelector('[data-testid="recording-error"]')?.textContent ?? undefined,
      longTasks: window.__longTasks,
      marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('medkit:')).map((m) => [m.name.slice(7), Math.round(m.startTime)]),
    };
  }, await plotted);
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  if (opts.traceFile) writeFileSync(opts.traceFile, await browser.stopTracing());
  await tab.close();

  // CDP's clock (seconds, monotonic) to the page's (ms since navigation start).
  const nav = metrics.NavigationStart;
  const at = (t) => (t === undefined ? undefined : (t - nav) * 1000);
  const api = [...reqs.values()].filter((r) => r.url.startsWith(opts.gatewayOrigin) && r.method !== 'OPTIONS');
  const requests = api
    .map((r) => {
      const t = r.timing;
      const start = t ? at(t.requestTime) : undefined;
      // Queued in the browser: from the page's call to the network stack taking it up; stalled: until the
      // request went on the wire (a free connection, or a new one opened).
      return {
        path: new URL(r.url).pathname.replace(/^\/api\/v1/, '') + new URL(r.url).search,
        issued: ms(at(r.issued)),
        queued: t ? ms(start - at(r.issued)) : -1,
        stalled: t ? ms(t.sendStart) : -1,
        connect: t && t.connectStart >= 0 ? ms(t.connectEnd - t.connectStart) : 0,
        headers: t ? ms(start + t.receiveHeadersEnd) : -1,
        done: ms(at(r.finished)),
        connection: r.connectionId,
        status: r.status,
        ...(r.served ? { served: new URL(r.served, r.url).pathname.replace(/^\/api\/v1/, '') } : {}),
        ...(r.failed ? { failed: r.failed } : {}),
      };
    })
    .sort((a, b) => a.issued - b.issued);
  // The download the view drew: the last that came in whole (the fault's newest asked by the fault is aborted when it
  // is not the recording the view opens; a new occurrence during the load makes the view open its recording after
  // the first), else the first asked.
  const downloads = requests.filter((r) => r.path.includes('/bulk-data/rosbags/') || /\/faults\/[^/]+\/recording$/.test(r.path));
  const rec = downloads.filter((r) => r.status === 200 && !r.failed).at(-1) ?? downloads[0];
  // What else was open at the gateway's origin when the recording was asked for (HTTP/1.1: six connections).
  const openAtAsk = rec ? requests.filter((r) => r !== rec && r.issued <= rec.issued && (r.done < 0 || r.done > rec.issued)).map((r) => r.path) : [];
  const busy = (from, to) => ui.longTasks.filter(([s, d]) => s + d > from && s < to).reduce((sum, [s, d]) => sum + Math.min(s + d, to) - Math.max(s, from), 0);
  const phases = {
    chunkIn: ms(ui.chunkMs),
    detailIn: ms(requests.find((r) => /\/faults\/[^/?]+$/.test(r.path))?.done),
    asked: ms(ui.askedMs),
    recIssued: rec?.issued ?? -1,
    recSent: rec && rec.stalled >= 0 ? rec.issued + rec.queued + rec.stalled : -1,
    recHeaders: rec?.headers ?? -1,
    recDone: rec?.done ?? -1,
    fetched: ms(ui.fetchedMs),
    decoded: ms(ui.decodedMs),
    plotted: ms(ui.plottedMs),
  };
  return {
    plottedMs: ms(ui.plottedMs),
    fetchedAtMs: ms(ui.fetchedMs),
    decodedAtMs: ms(ui.decodedMs),
    topics: ui.topics,
    messages: ui.messages,
    ...(ui.error ? { error: ui.error } : {}),
    phases,
    recording: rec,
    openAtAsk,
    longTasks: ui.longTasks,
    marks: ui.marks,
    mainThreadBusyAskToFetchedMs: ui.askedMs !== undefined && ui.fetchedMs !== undefined ? ms(busy(ui.askedMs, ui.fetchedMs)) : -1,
    requests,
    ...(opts.keepBodies ? { bodies: (await Promise.all(bodies)).filter(Boolean).map((b) => ({ ...b, at: ms(at(b.at)) })) } : {}),
  };
}
