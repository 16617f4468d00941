// The gateway under test of bench/logs-export, in its own process: the default `medkit gateway` features, no ROS,
// with otlp_export off, on, or on with its fault outbox, sending to the bench's collector. The process makes its own
// load, the same on every side: 100 /rosout lines/s (through the logs service, as the /rosout subscription hands
// them over) and 10 fault events/s (a CRITICAL fault confirmed, then cleared, alternately, over 50 codes), in ticks of
// 100 ms. Prints "READY <port>"; answers an IPC 'stats' message with what it generated.
// `node bench/logs-export/gateway.mjs <dataDir> <off|on|outbox> <collector logs URL>`
import { join } from 'node:path';
import { loadConfig, createGateway, FAULTS_SERVICE, LOGS_SERVICE } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';

const [dataDir, mode, collector] = process.argv.slice(2);
const flags = { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false };
if (mode !== 'off') {
  Object.assign(flags, { plugins: ['otlp_export'], 'plugins.otlp_export.url': collector, 'plugins.otlp_export.resource.robot_id': 'bench-robot' });
  if (mode === 'outbox') Object.assign(flags, { 'plugins.otlp_export.outbox.enabled': true, 'plugins.otlp_export.outbox.file': join(dataDir, 'otlp-outbox.db') });
}
const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags });
const gw = await createGateway({ config, features: defaultFeatures(config) });
const logs = gw.ctx.services.get(LOGS_SERVICE);
const faults = gw.ctx.services.get(FAULTS_SERVICE);

const made = { lines: 0, fault_events: 0 };
let tick = 0;
setInterval(() => {
  const sec = Math.floor(Date.now() / 1000);
  for (let k = 0; k < 10; k++, made.lines++) {
    logs.ingestRosout({ stamp: { sec, nanosec: k * 1000 }, level: made.lines % 10 === 0 ? 30 : 20, name: 'bench.talker', msg: `line ${made.lines}: position x=${(made.lines % 97) * 0.1} y=${(made.lines % 89) * 0.1}`, file: 'talker.cpp', function: 'on_timer', line: 42, node: `/bench/node_${made.lines % 20}` });
  }
  const code = `BENCH_${String(Math.floor(tick / 2) % 50).padStart(2, '0')}`;
  const ok = tick % 2 === 0
    ? faults.report({ fault_code: code, event_type: 0, severity: 3, description: 'bench fault', source_id: '/bench/node_1' }).accepted
    : faults.manager.clear(code).success;
  if (ok) made.fault_events++;
  tick++;
}, 100);

const url = await gw.listen(0);
console.log(`READY ${new URL(url).port}`);
process.on('message', (m) => {
  if (m === 'stats') process.send({ ...made });
});
process.on('SIGTERM', async () => {
  await gw.close();
  process.exit(0);
});
