// Which live servers stopped answering this context's calls (issue 66, docs/ros2.md "Never blind"). Every call has a
// deadline, so a server that no longer answers costs each caller a timeout and nothing more; but nothing told an
// operator that, say, a node's parameters can no longer be read, while /health said healthy. A server whose calls
// timed out UNANSWERED_AFTER times in a row (its request reader matched, the request sent) is listed until a call to
// it is answered, it goes away, or nobody has called it for FORGET_AFTER_MS.

/** Consecutive timed-out calls that make a server "not answering": one timeout is a slow reply. */
export const UNANSWERED_AFTER = 2;
/** A server nobody has called for this long is no longer listed (ms): we no longer know. */
export const FORGET_AFTER_MS = 10 * 60_000;
/** Servers tracked at most (the oldest call is forgotten first): bounded whatever the graph does. */
const MAX_TRACKED = 256;

/** One server that stopped answering. */
export interface UnansweredServer {
  /** The service's ROS name (`/base/battery_monitor/get_parameters`). */
  service: string;
  /** The server's request reader GUID (32 hex). */
  serverGuid: string;
  /** Calls timed out in a row. */
  timedOut: number;
  /** When the first of them was sent, and the last timed out (ms, Date.now()). */
  since: number;
  lastAt: number;
}

export class UnansweredCalls {
  private readonly servers = new Map<string, UnansweredServer>();

  /** A call to `serverGuid` got no reply by its deadline. */
  timedOut(service: string, serverGuid: string, sentAt: number, now: number): void {
    const key = `${serverGuid}|${service}`;
    const s = this.servers.get(key);
    if (s) {
      this.servers.delete(key);
      s.timedOut++;
      s.lastAt = now;
      this.servers.set(key, s);
      return;
    }
    if (this.servers.size >= MAX_TRACKED) this.servers.delete(this.servers.keys().next().value!);
    this.servers.set(key, { service, serverGuid, timedOut: 1, since: sentAt, lastAt: now });
  }

  /** A call to `serverGuid` was answered: it answers. */
  answered(service: string, serverGuid: string): void {
    this.servers.delete(`${serverGuid}|${service}`);
  }

  /** The server's request reader went away: its node's departure is reported elsewhere. */
  gone(serverGuid: string): void {
    for (const [k, s] of this.servers) if (s.serverGuid === serverGuid) this.servers.delete(k);
  }

  /** The servers not answering now, the longest silent first. */
  list(now = Date.now()): UnansweredServer[] {
    const out: UnansweredServer[] = [];
    for (const [k, s] of this.servers) {
      if (now - s.lastAt >= FORGET_AFTER_MS) this.servers.delete(k);
      else if (s.timedOut >= UNANSWERED_AFTER) out.push({ ...s });
    }
    return out.sort((a, b) => a.since - b.since);
  }
}
