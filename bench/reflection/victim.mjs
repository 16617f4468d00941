// The victim of the reflection bench (bench/reflection/run.mjs), run in its own network namespace: a UDP socket on
// `address` that counts what reaches it. Prints `PORT <n>`; on stdin `report`, prints one JSON line and exits.
// Usage: node bench/reflection/victim.mjs <address>
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';

const s = dgram.createSocket('udp4');
const got = { datagrams: 0, bytes: 0, lastAt: 0 };
s.on('message', (m) => {
  got.datagrams++;
  got.bytes += m.length;
  got.lastAt = Date.now();
});
s.bind(0, process.argv[2], () => console.log(`PORT ${s.address().port}`));
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'report') continue;
  console.log(JSON.stringify(got));
  s.close();
  process.exit(0);
}
