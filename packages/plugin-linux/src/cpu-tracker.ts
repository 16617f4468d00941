// cpu_percent from two samples (docs/introspection.md [OURS]): the tick delta of a process between two reads at
// least 1 s apart, as a percentage of one CPU (a process busy on two cores reads 200, like top). The first
// read of a process answers null; a read within 1 s of the baseline answers the last computed figure.

/** Minimum spacing of the two samples. */
const MIN_SPACING_MS = 1000;
/** Processes remembered at once; the least recently sampled is forgotten first. */
const MAX_TRACKED = 8192;

interface Baseline {
  /** Start time in ticks: a reused pid is another process. */
  startTime: number;
  ticks: number;
  atMs: number;
  percent: number | null;
}

export class CpuTracker {
  private readonly byPid = new Map<number, Baseline>();

  constructor(
    private readonly ticksPerSecond: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records a sample (user + system ticks) and returns the CPU percentage, or null on the first one. */
  sample(pid: number, startTime: number, ticks: number): number | null {
    const at = this.now();
    const prev = this.byPid.get(pid);
    if (!prev || prev.startTime !== startTime || ticks < prev.ticks) return this.keep(pid, { startTime, ticks, atMs: at, percent: null });
    const elapsedMs = at - prev.atMs;
    if (elapsedMs < MIN_SPACING_MS) return prev.percent;
    const percent = Math.round((((ticks - prev.ticks) / this.ticksPerSecond()) * 1000 * 100 * 10) / elapsedMs) / 10;
    return this.keep(pid, { startTime, ticks, atMs: at, percent });
  }

  private keep(pid: number, b: Baseline): number | null {
    this.byPid.delete(pid);
    this.byPid.set(pid, b);
    if (this.byPid.size > MAX_TRACKED) this.byPid.delete(this.byPid.keys().next().value as number);
    return b.percent;
  }
}
