// The fault manager logs through this small interface; pino loggers satisfy it as they are.

export interface FaultLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Discards everything (default when no logger is given). */
export const silentLogger: FaultLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Keeps every line in memory; tests read `lines` to check that warnings were given. */
export class MemoryLogger implements FaultLogger {
  readonly lines: { level: 'debug' | 'info' | 'warn' | 'error'; msg: string }[] = [];
  debug(msg: string): void { this.lines.push({ level: 'debug', msg }); }
  info(msg: string): void { this.lines.push({ level: 'info', msg }); }
  warn(msg: string): void { this.lines.push({ level: 'warn', msg }); }
  error(msg: string): void { this.lines.push({ level: 'error', msg }); }
  /** Messages at `level`. */
  at(level: 'debug' | 'info' | 'warn' | 'error'): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.msg);
  }
}

/** Calls `fn` at most once per `periodMs` (monotonic), for throttled warnings (docs/faults.md). */
export class Throttle {
  private last = -Infinity;
  constructor(private readonly periodMs: number, private readonly now: () => number) {}
  run(fn: () => void): boolean {
    const t = this.now();
    if (t - this.last < this.periodMs) return false;
    this.last = t;
    fn();
    return true;
  }
}
