// /api/v1/health polled while a gateway is fuzzed: every latency and every failure (a 5xx or no answer).

export interface HealthPoll {
  stop(): Promise<void>;
  latencies: number[];
  failures: string[];
}

/** Polls `${url}/api/v1/health` every 50 ms until stopped. */
export function pollHealth(url: string): HealthPoll {
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.status >= 500) failures.push(`status ${res.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    latencies,
    failures,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Checks, p99 and max latency (ms, one decimal) and failures of a poll. */
export function healthSummary(h: HealthPoll): { healthChecks: number; p99HealthMs: number; maxHealthMs: number; healthFailures: number } {
  const sorted = [...h.latencies].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { healthChecks: sorted.length, p99HealthMs: round(sorted[Math.floor(sorted.length * 0.99)] ?? 0), maxHealthMs: round(sorted[sorted.length - 1] ?? 0), healthFailures: h.failures.length };
}
