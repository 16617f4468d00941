// The pause of a background loop (outbox drain, ingest): sleeps until a deadline or until woken early (new
// work, or stop), so a loop never needs polling and stop() never waits out a backoff.
export class WakeableSleep {
  private wakeNow?: () => void;

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        if (this.wakeNow === done) this.wakeNow = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeNow = done;
    });
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    this.wakeNow?.();
  }
}
