// Child process of bench/faults/run.mjs: opens N streams on the fault SSE URL (node:http, one socket each)
// and records, for every event, report → arrival latency (the event's `timestamp` is the report's wall time).
// Prints `ready` once every stream answered; on SIGTERM prints {count, samples, p50, p99, max} as JSON and exits.
import { request } from 'node:http';

const [url, nArg] = process.argv.slice(2);
const N = Number(nArg);
const latencies = [];
let count = 0;
let open = 0;
const now = () => performance.timeOrigin + performance.now();

for (let i = 0; i < N; i++) {
  const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      process.stderr.write(`stream ${i}: HTTP ${res.statusCode}\n`);
      return;
    }
    if (++open === N) process.stdout.write('ready\n');
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (chunk) => {
      buf += chunk;
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const at = frame.indexOf('data: ');
        if (at < 0) continue;
        count++;
        // Sample latency on a subset of streams to keep the client's own cost low.
        if (i % 10 === 0) {
          const t = JSON.parse(frame.slice(at + 6)).timestamp * 1000;
          latencies.push(now() - t);
        }
      }
    });
  });
  req.on('error', (e) => process.stderr.write(`stream ${i}: ${e.message}\n`));
  req.end();
}

const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.on('SIGTERM', () => {
  latencies.sort((a, b) => a - b);
  // Summaries only: a large JSON write could be cut off by exit().
  process.stdout.write(JSON.stringify({ count, samples: latencies.length, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? NaN }) + '\n', () => process.exit(0));
});
