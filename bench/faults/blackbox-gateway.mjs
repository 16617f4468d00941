// The gateway of the black-box soak (bench/faults/blackbox-soak.mjs), in its own process so its RSS and CPU are
// its own: default features, ROS on `domain` (loopback), the black box recording the given topics. Reads
// `fault <code> <source>` lines on stdin (a CRITICAL report, which confirms at once, as ReportFault would hand it
// over) and prints `READY <port>`, then once a second `STATS <json>`: RSS, heap, CPU time, the recorder's counters.
// Usage: node bench/faults/blackbox-gateway.mjs <dataDir> <domain> <flags-json>
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadConfig, createGateway, FAULTS_SERVICE } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';

const [dataDir, domain, extra] = process.argv.slice(2);
const config = loadConfig({
  env: {},
  extraKeys: FEATURE_KEYS,
  flags: { data_dir: dataDir, 'logging.level': 'warn', 'ui.enabled': false, 'ros.enabled': true, 'ros.domain_id': Number(domain), 'ros.localhost_only': true, ...JSON.parse(extra) },
});
const gw = await createGateway({ config, features: defaultFeatures(config) });
const url = await gw.listen(0);
const faults = gw.ctx.services.get(FAULTS_SERVICE);
const recorder = faults.system.blackbox;
if (!recorder) throw new Error('the black box is not enabled');
console.log(`READY ${new URL(url).port}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, code, source] = line.trim().split(/\s+/);
  if (cmd === 'fault') {
    const out = faults.report({ fault_code: code, event_type: 0, severity: 3, description: 'black-box soak', source_id: source });
    console.log(`FAULT ${code} ${out.accepted ? 'accepted' : `rejected ${out.reason}`}`);
  } else if (cmd === 'stop') void gw.close().then(() => process.exit(0));
});

// BENCH_STALL=<every ms>,<ms>: the event loop is held up that long that often, as on a busy host (another process
// on the CPU, a long GC pause).
if (process.env.BENCH_STALL) {
  const [every, ms] = process.env.BENCH_STALL.split(',').map(Number);
  setInterval(() => {
    const end = Date.now() + ms;
    while (Date.now() < end);
  }, every).unref();
}
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

setInterval(() => {
  const m = process.memoryUsage();
  const loopMaxMs = loopDelay.max / 1e6;
  loopDelay.reset();
  const cpu = process.cpuUsage();
  console.log(`STATS ${JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, cpuMs: (cpu.user + cpu.system) / 1000, loopMaxMs, recorder: recorder.stats() })}`);
}, 1000).unref();
