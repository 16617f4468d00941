// Writes whose outcome is unknown (docs/opcua.md "A server that stops answering"): the write request was
// sent, but no answer came within request_timeout_ms, so the server may have applied it (a hung PLC that
// resumes works off its backlog) or not. The client is told so at once (504
// x-medkit-opcua-write-outcome-unknown); once the server answers again (a keep-alive, or a new connection)
// the node is read back and the outcome recorded, logged and shown in x-plc-status `write_checks`.

/** What became of one write that timed out. */
interface WriteCheck {
  data_id: string;
  node_id: string;
  value_sent: unknown;
  sent_at: string;
  /** `pending` until read back; `applied` when the node holds the value sent, else `not_applied`. */
  outcome: 'pending' | 'applied' | 'not_applied';
  value_read?: unknown;
  checked_at?: string;
}

/** Unresolved checks kept (the oldest is dropped above, and counted). */
const MAX_PENDING = 32;
/** Resolved checks shown in x-plc-status. */
const MAX_RECENT = 20;

/** Equal as the server stores it: a Float node holds the single-precision neighbour of the number sent. */
function sameValue(sent: unknown, read: unknown): boolean {
  if (typeof sent === 'number' && typeof read === 'number') return sent === read || Math.fround(sent) === Math.fround(read);
  return JSON.stringify(sent) === JSON.stringify(read);
}

/** A value for the log line: an array node's value (sent or read back) can be any size. */
function brief(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 256 ? `${text.slice(0, 256)}…` : text;
}

export class WriteChecks {
  private readonly pending: WriteCheck[] = [];
  private readonly recent: WriteCheck[] = [];
  private dropped = 0;
  private running = false;

  add(data_id: string, node_id: string, value_sent: unknown): WriteCheck {
    const check: WriteCheck = { data_id, node_id, value_sent, sent_at: new Date().toISOString(), outcome: 'pending' };
    this.pending.push(check);
    if (this.pending.length > MAX_PENDING) {
      this.pending.shift();
      this.dropped++;
    }
    return check;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Reads each pending node back (`read` answers the node's value as JSON, with the request deadline) and
   * resolves the checks it could read; the others stay pending for the next chance. One run at a time.
   */
  async verify(read: (nodeId: string, dataId: string) => Promise<unknown>, log: (message: string) => void): Promise<void> {
    if (this.running || this.pending.length === 0) return;
    this.running = true;
    try {
      for (const check of [...this.pending]) {
        let value: unknown;
        try {
          value = await read(check.node_id, check.data_id);
        } catch {
          continue;
        }
        // Dropped (and counted) by `add` while the read was under way: splice(-1) would resolve the newest instead.
        const at = this.pending.indexOf(check);
        if (at < 0) continue;
        // A server string, bounded before it reaches any answer.
        check.value_read = typeof value === 'string' ? value.slice(0, 256) : value;
        check.checked_at = new Date().toISOString();
        check.outcome = sameValue(check.value_sent, value) ? 'applied' : 'not_applied';
        this.pending.splice(at, 1);
        this.recent.unshift(check);
        this.recent.length = Math.min(this.recent.length, MAX_RECENT);
        log(
          `the write of ${check.data_id} = ${brief(check.value_sent)} that timed out at ${check.sent_at} was ${check.outcome === 'applied' ? 'applied' : 'not applied'} (read back ${brief(value)})`,
        );
      }
    } finally {
      this.running = false;
    }
  }

  /** The `write_checks` field of x-plc-status (absent until a write timed out). */
  status(): Record<string, unknown> | undefined {
    if (!this.pending.length && !this.recent.length && !this.dropped) return undefined;
    return { pending: this.pending.map((c) => ({ ...c })), recent: this.recent.map((c) => ({ ...c })), ...(this.dropped ? { dropped: this.dropped } : {}) };
  }
}
