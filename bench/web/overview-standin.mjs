// The overview of a Nav2-sized robot in chromium (bench/web/run.mjs --overview): a stand-in gateway serves the
// built UI and a robot of 30 online Apps and 100 topics (synthetic.mjs) through the routes the overview reads
// (/apps and /x-medkit-topology, as a gateway answers them; each App's /data and /operations too, which the UI reads
// only for Apps the topology does not cover); the run measures navigation start → the graph drawn.
/* global document -- the callbacks given to page.evaluate run in the browser */
import { serveStandIn } from './standin-server.mjs';
import { openTab } from './browser.mjs';


export function serveOverview(dist, apps) {
  const api = {
    '/api/v1/': { name: 'bench stand-in', api_base: '/api/v1', auth: { enabled: false } },
    '/api/v1/version-info': { items: [{ version: '1.0.0', base_uri: '/api/v1', vendor_info: { name: 'bench stand-in', version: '0' } }] },
    '/api/v1/health': { status: 'healthy', warnings: [] },
    '/api/v1/apps': { items: apps.map((a) => ({ id: a.appId, name: a.appId, type: 'app', 'x-medkit': { is_online: true, ros2: { node: a.fqn } } })) },
    '/api/v1/areas': { items: [] },
    '/api/v1/components': { items: [] },
    '/api/v1/functions': { items: [] },
    '/api/v1/faults': { items: [], 'x-medkit': { count: 0 } },
    '/api/v1/x-medkit-topology': {
      items: apps.map((a) => ({
        id: a.appId,
        name: a.appId,
        is_online: true,
        node: a.fqn,
        publishes: a.topics.filter((t) => t.direction === 'publish').map((t) => t.name),
        subscribes: a.topics.filter((t) => t.direction === 'subscribe').map((t) => t.name),
        services: a.services,
        actions: [],
      })),
      'x-medkit': { total_count: apps.length, remote_app_ids: [] },
    },
  };
  for (const a of apps) {
    api[`/api/v1/apps/${a.appId}/data`] = { items: a.topics.map((t) => ({ id: t.name, name: t.name, 'x-medkit': { ros2: { topic: t.name, direction: t.direction, type: 'std_msgs/msg/Float64' } } })) };
    api[`/api/v1/apps/${a.appId}/operations`] = { items: a.services.map((s) => ({ id: s.split('/').pop(), name: s, 'x-medkit': { ros2: { service: s, kind: 'service' } } })) };
  }
  // The fault stream stays open as a gateway's does, holding one of the browser's six connections.
  const stream = (path, res) => path === '/api/v1/faults/stream' && !!res.writeHead(200, { 'content-type': 'text/event-stream' }).write('retry: 1000\n\n');
  return serveStandIn(dist, api, stream);
}

export async function measureOverview(browser, url) {
  const tab = await openTab(browser);
  const { page } = tab;
  await page.goto(`${url}/#/`);
  await page.waitForFunction(() => document.querySelectorAll('svg[data-testid="robot-graph"] g.graph-node').length >= 30, undefined, { timeout: 60_000, polling: 'raf' });
  const r = await page.evaluate(() => ({
    drawnMs: Math.round(performance.now()),
    graphDataMs: Math.round(performance.getEntriesByName('medkit:overview-graph')[0]?.startTime ?? -1),
    nodes: document.querySelectorAll('svg[data-testid="robot-graph"] g.graph-node').length,
    topics: document.querySelectorAll('svg[data-testid="robot-graph"] g.graph-topic').length,
  }));
  await tab.close();
  return r;
}
