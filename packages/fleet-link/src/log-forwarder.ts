// The robot's `logs` events (docs/fleet.md: optional, WARN and above, rate-limited): log entries of the
// gateway's log manager at WARN or above become fleet events, through a token bucket so a node that floods
// its log cannot flood the outbox. Entries past the rate are counted and the count rides on the next event.
import type { RobotLogEntry } from './robot-services.js';
import type { LogsBody } from '@medkit/fleet-protocol';

/** ROS level of WARN; lower levels are never sent. */
const WARN = 30;
/** Characters of a message sent (a longer one is cut and flagged). */
const MAX_LOG_MESSAGE = 2048;

function severityOf(level: number): LogsBody['severity'] {
  return level >= 50 ? 'fatal' : level >= 40 ? 'error' : 'warning';
}

export class LogForwarder {
  private tokens: number;
  private last: number;
  private suppressedSince = 0;
  /** Entries not sent because of the rate, since start. */
  suppressedTotal = 0;

  constructor(
    /** Sustained events per second; also the burst size. */
    private readonly perSecond: number,
    private readonly send: (body: LogsBody) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** Offers one stored log entry; sends it when it is WARN or above and the rate allows. */
  offer(e: RobotLogEntry): void {
    if (e.level < WARN) return;
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) {
      this.suppressedSince++;
      this.suppressedTotal++;
      return;
    }
    this.tokens -= 1;
    const cut = e.message.length > MAX_LOG_MESSAGE;
    this.send({
      time: new Date(Number(e.stampNs / 1_000_000n)).toISOString(),
      severity: severityOf(e.level),
      level: e.level,
      source: e.source.slice(0, 512),
      logger: e.logger.slice(0, 512),
      message: cut ? e.message.slice(0, MAX_LOG_MESSAGE) : e.message,
      ...(cut ? { truncated: true } : {}),
      ...(this.suppressedSince > 0 ? { suppressed_before: this.suppressedSince } : {}),
    });
    this.suppressedSince = 0;
  }
}
