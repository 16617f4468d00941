// Child process of bench/faults/run.mjs: opens N streams on the fault SSE URL and records, for every event,
// report → arrival latency (the event's `timestamp` is the report's wall time).
// Each stream is a plain TCP socket with a minimal HTTP/SSE reader (no node:http parser or stream objects per
// socket): the 1,000 clients stand for 1,000 separate machines, so they should cost the two shared cores as
// little as possible. Events are counted by their `data:` lines (the server writes whole frames per chunk, and
// a frame split across TCP reads is completed before it is parsed).
// Prints `ready` once every stream answered 200; on SIGTERM prints {count, samples, p50, p99, max} as JSON.
import { connect } from 'node:net';

const [url, nArg] = process.argv.slice(2);
const N = Number(nArg);
const target = new URL(url);
const latencies = [];
let count = 0;
let open = 0;
const now = () => performance.timeOrigin + performance.now();
const requestText = `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`;

function openStream(i) {
  const socket = connect(Number(target.port), target.hostname);
  socket.setNoDelay(true);
  socket.setEncoding('latin1'); // bytes as-is; only ASCII markers and JSON numbers are read
  let headerDone = false;
  let buf = '';
  socket.on('connect', () => socket.write(requestText));
  socket.on('data', (chunk) => {
    const at = now();
    buf += chunk;
    if (!headerDone) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!buf.startsWith('HTTP/1.1 200')) {
        process.stderr.write(`stream ${i}: ${buf.slice(0, buf.indexOf('\r\n'))}\n`);
        socket.destroy();
        return;
      }
      headerDone = true;
      buf = buf.slice(end + 4);
      if (++open === N) process.stdout.write('ready\n');
    }
    // Up to the last complete frame; the rest waits for the next read.
    const cut = buf.lastIndexOf('\n\n');
    if (cut < 0) return;
    const frames = buf.slice(0, cut);
    buf = buf.slice(cut + 2);
    let from = 0;
    for (;;) {
      const d = frames.indexOf('\ndata: ', from);
      if (d < 0) break;
      count++;
      from = d + 7;
      // Sample latency on a subset of streams to keep the client's own cost low.
      if (i % 10 === 0) {
        const t = frames.indexOf('"timestamp":', from);
        if (t >= 0) latencies.push(at - parseFloat(frames.slice(t + 12, t + 40)) * 1000);
      }
    }
  });
  socket.on('error', (e) => process.stderr.write(`stream ${i}: ${e.message}\n`));
}

for (let i = 0; i < N; i++) openStream(i);

const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
process.on('SIGTERM', () => {
  latencies.sort((a, b) => a - b);
  // Summaries only: a large JSON write could be cut off by exit().
  process.stdout.write(JSON.stringify({ count, samples: latencies.length, p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? NaN }) + '\n', () => process.exit(0));
});
