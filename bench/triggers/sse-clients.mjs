// Child process of bench/triggers/run.mjs: opens one SSE stream per URL given on argv and records,
// for every event, how long after the sample's publish time (`payload.t`, ms on the shared wall clock)
// it arrived. On SIGTERM prints {count, latencies} as JSON and exits. Kept out of the gateway process
// so its parsing does not count as trigger-evaluation CPU.
const urls = process.argv.slice(2);
const latencies = [];
const now = () => performance.timeOrigin + performance.now();

async function follow(url) {
  const res = await fetch(url, { headers: { accept: 'text/event-stream' } });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const env = JSON.parse(data.slice(6));
      if (env.payload && typeof env.payload.t === 'number') latencies.push(now() - env.payload.t);
    }
  }
}

process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ count: latencies.length, latencies }));
  process.exit(0);
});
await Promise.all(urls.map((u) => follow(u).catch((e) => process.stderr.write(`${e.message}\n`))));
process.stdin.resume(); // stay alive until SIGTERM
