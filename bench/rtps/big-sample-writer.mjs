// The writer of the big-sample bench (bench/rtps/big-sample.mjs), in its own process so that sending 64 MB does not
// hold up the bench's /health requests: a medkit participant on `domain` (loopback) with a reliable writer of
// /diagnostics. Prints `MATCHED`, then for each stdin line `big <values>` or `normal <name>` writes that
// DiagnosticArray and prints `ACKED <true|false> <ms>` once the gateway acknowledged it (at most 120 s).
// Usage: node bench/rtps/big-sample-writer.mjs <domain>
import { createInterface } from 'node:readline';
import { createParticipant } from '@medkit/rtps';
import { diagnosticArrayCdr } from '../../test-support/diagnostic-array.mjs';

const domain = Number(process.argv[2]);
const p = await createParticipant({ domainId: domain, localhostOnly: true, peerIndexCount: 8 });
const qos = { reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 1 } };
const w = p.createWriter({ topic: 'rt/diagnostics', typeName: 'diagnostic_msgs::msg::dds_::DiagnosticArray_', qos });
if (!(await w.waitForMatch(1, 30_000))) throw new Error('the gateway did not match the writer');
console.log('MATCHED');
const built = new Map();

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'stop') break;
  const payload = cmd === 'big' ? (built.get(arg) ?? built.set(arg, diagnosticArrayCdr({ name: 'big_sample_bench', level: 0, values: Number(arg) })).get(arg)) : diagnosticArrayCdr({ name: arg, level: 2, values: 1 });
  const t0 = performance.now();
  w.write(payload);
  const acked = await w.waitForAcknowledgments(120_000);
  console.log(`ACKED ${acked} ${(performance.now() - t0).toFixed(0)} ${payload.length}`);
}
await p.close();
// stdin stays open (the bench holds its end): leave without waiting for it.
process.exit(0);
