// The gateway of the big-sample bench (bench/rtps/big-sample.mjs), in its own process so its event loop, RSS and
// heap are its own: default features (the diagnostics bridge subscribes /diagnostics), ROS on `domain` (loopback).
// Prints `READY <port>`, then every 200 ms `STATS <json>`: RSS, heap, external memory, the event loop's largest delay
// since the last line (BENCH_CPU_PROFILE=<dir>: a CPU profile until `stop`). `gc` on stdin runs a full garbage collection (with --expose-gc) before the next line.
// Usage: node [--expose-gc] bench/rtps/big-sample-gateway.mjs <dataDir> <domain> [flags-json]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { loadConfig, createGateway } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { startCpuProfile } from '../support/cpu-profile.mjs';

const [dataDir, domain, extra] = process.argv.slice(2);
const config = loadConfig({
  env: {},
  extraKeys: FEATURE_KEYS,
  flags: { data_dir: dataDir, 'logging.level': 'warn', 'ui.enabled': false, 'ros.enabled': true, 'ros.domain_id': Number(domain), 'ros.localhost_only': true, ...JSON.parse(extra ?? '{}') },
});
const gw = await createGateway({ config, features: defaultFeatures(config) });
const url = await gw.listen(0);
// BENCH_CPU_PROFILE=<dir>: a CPU profile from here to `stop`.
const stopProfile = await startCpuProfile(process.env.BENCH_CPU_PROFILE, 'big-sample-gateway');
console.log(`READY ${new URL(url).port}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'gc') globalThis.gc?.();
  else if (line.trim() === 'stop') void stopProfile().then(() => gw.close()).then(() => process.exit(0));
});

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
setInterval(() => {
  const m = process.memoryUsage();
  const loopMaxMs = loopDelay.max / 1e6;
  loopDelay.reset();
  console.log(`STATS ${JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, external: m.external, loopMaxMs })}`);
}, 200).unref();
