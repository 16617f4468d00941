// The gateway under test of bench/metrics, in its own process: the default `medkit gateway` features with
// metrics on and no ROS, `faults` distinct faults reported at start, then `rate` more reports/s for as long as
// it runs (so the fault gauges are recounted on every scrape, the worst case). Times every registry scrape
// in-process and answers {scrapes: [ms...]} to an IPC 'stats' message. Prints "READY <port>".
// `node bench/metrics/gateway.mjs <dataDir> <faults> <rate>`
import { loadConfig, createGateway, FAULTS_SERVICE, METRICS_SERVICE } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';

const [dataDir, faultCount, rate] = process.argv.slice(2);
const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, 'metrics.enabled': true } });
const gw = await createGateway({ config, features: defaultFeatures(config) });
const faults = gw.ctx.services.get(FAULTS_SERVICE);
const metrics = gw.ctx.services.get(METRICS_SERVICE);

// Every scrape's own cost, without the HTTP queueing in front of it.
const scrapes = [];
const scrape = metrics.scrape.bind(metrics);
metrics.scrape = async () => {
  const t = performance.now();
  const out = await scrape();
  scrapes.push(performance.now() - t);
  return out;
};

const report = (i, failed) => faults.report({ fault_code: `BENCH_${String(i).padStart(4, '0')}`, event_type: failed ? 0 : 1, severity: i % 4, description: `bench fault ${i}`, source_id: `/bench/node_${i % 20}` });
for (let i = 0; i < Number(faultCount); i++) report(i, true);
let n = 0;
const every = 10;
const perTick = Math.max(1, Math.round((Number(rate) * every) / 1000));
setInterval(() => {
  for (let k = 0; k < perTick; k++, n++) report(n % Number(faultCount), n % 3 !== 0);
}, every);

const url = await gw.listen(0);
console.log(`READY ${new URL(url).port} ${faults.manager.repository.faultCount()}`);
process.on('message', (m) => {
  if (m === 'stats') process.send({ scrapes: scrapes.splice(0), reports: faults.manager.reportCounts() });
});
process.on('SIGTERM', async () => {
  await gw.close();
  process.exit(0);
});
