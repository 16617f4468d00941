// Child process of bench/fleet/run.mjs: reads the fleet's /faults/stream and records, per event, the lag from
// the robot's report (`timestamp`) to arrival. Reconnects with Last-Event-ID if the replica goes away.
// argv: url[,url2 fallback]. On SIGTERM prints {count, p50, p99, max} as JSON.
const urls = process.argv[2].split(',');
const lags = [];
let lastId;
let stopping = false;
let reconnects = 0;
const ids = new Set();
process.on('SIGTERM', () => {
  stopping = true;
  lags.sort((a, b) => a - b);
  const q = (p) => (lags.length ? lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] : null);
  process.stdout.write(`${JSON.stringify({ count: lags.length, distinct_ids: ids.size, reconnects, p50: q(0.5), p99: q(0.99), max: lags.at(-1) ?? null })}\n`);
  process.exit(0);
});
let k = 0;
while (!stopping) {
  const url = urls[k++ % urls.length];
  try {
    const res = await fetch(`${url}/api/v1/faults/stream`, { headers: lastId ? { 'last-event-id': lastId } : {} });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    if (k === 1) process.stdout.write('ready\n');
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      buf += dec.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const now = Date.now();
        let id;
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) id = line.slice(4);
          else if (line.startsWith('data: ')) lags.push(now - Date.parse(JSON.parse(line.slice(6)).timestamp));
        }
        if (id) {
          lastId = id;
          ids.add(id);
        }
      }
    }
    process.stderr.write(`sse-lag: stream ended after id ${lastId}; reconnecting\n`);
  } catch (err) {
    process.stderr.write(`sse-lag: ${err.message}; reconnecting\n`);
    await new Promise((r) => setTimeout(r, 200));
  }
  reconnects++;
}
