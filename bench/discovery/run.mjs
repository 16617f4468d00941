// Discovery benchmark: how long until our RosContext's graph shows every node of N nodes started in
// child processes (each child: one participant carrying several nodes), and our RSS when idle.
// Usage: npx tsc -b packages/ros2 && node --expose-gc bench/discovery/run.mjs [nodes=200] [nodesPerProcess=10]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RosContext } from '@medkit/ros2';

const total = Number(process.argv[2] ?? 200);
const perProcess = Number(process.argv[3] ?? 10);
const domain = Number(process.env.BENCH_DOMAIN ?? 79);
const procs = Math.ceil(total / perProcess);
const child = fileURLToPath(new URL('./child.mjs', import.meta.url));

const ros = await RosContext.create({ domainId: domain, localhostOnly: true, rtps: { peerIndexCount: 64 } });
const children = [];
for (let p = 0; p < procs; p++) {
  const n = Math.min(perProcess, total - p * perProcess);
  const c = spawn(process.execPath, [child, String(domain), String(n), String(p), ros.participant.guidPrefix], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: c.stdout });
  c.ready = new Promise((resolve) => lines.on('line', (l) => l === 'ready' && resolve(performance.now())));
  c.loaded = new Promise((resolve) => lines.on('line', (l) => l === 'loaded' && resolve()));
  children.push(c);
}
await Promise.all(children.map((c) => c.loaded));
await new Promise((r) => setTimeout(r, 500));
global.gc?.();
const rssBefore = process.memoryUsage().rss;

// Complete = every node listed with its publishers and its six parameter services.
const complete = () => {
  let n = 0;
  for (const node of ros.graph.nodes({ includeLocal: false })) {
    if (node.namespace.startsWith('/bench/') && node.publishers.length >= 3 && node.serviceServers.length >= 6) n++;
  }
  return n;
};
const t0 = performance.now();
for (const c of children) c.stdin.write('go\n');
let tAll;
let firstSeen;
await new Promise((resolve) => {
  const check = () => {
    const n = complete();
    if (n > 0 && firstSeen === undefined) firstSeen = performance.now();
    if (n >= total) {
      tAll = performance.now();
      ros.graph.off('change', check);
      resolve();
    }
  };
  ros.graph.on('change', check);
  setTimeout(() => {
    ros.graph.off('change', check);
    resolve();
  }, 60_000);
});
const readyTimes = await Promise.all(children.map((c) => c.ready));
const lastReady = Math.max(...readyTimes);
await new Promise((r) => setTimeout(r, 3000));
global.gc?.();
const rssIdle = process.memoryUsage().rss;
const endpoints = ros.graph.endpoints().length;
const result = {
  nodes: total,
  processes: procs,
  nodesSeen: complete(),
  endpoints,
  msUntilAllVisibleFromGo: tAll === undefined ? null : Math.round(tAll - t0),
  msUntilAllVisibleAfterLastChildReady: tAll === undefined ? null : Math.round(tAll - lastReady),
  msLastChildReadyFromGo: Math.round(lastReady - t0),
  rssBeforeMB: Math.round(rssBefore / 1048576),
  rssIdleMB: Math.round(rssIdle / 1048576),
  heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1048576),
};
console.log(JSON.stringify(result));
for (const c of children) c.stdin.write('stop\n');
await Promise.all(children.map((c) => once(c, 'exit')));
await ros.close();
process.exit(0);
