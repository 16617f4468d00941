// Watches the SQLite file under an open connection (docs/faults.md "Storage outages"). An open connection
// keeps writing to a file that was removed or replaced at its path, and those writes are gone on the next
// start; a full disk or a corrupt page shows only when a write fails. The probe turns both into the store's
// status, and finds by itself when the store works again.
import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteDatabase } from '@medkit/kit';
import { storeProblemOf } from './store-errors.js';
import type { FaultStoreStatus } from './store-status.js';

/** Free space the file system must have again before a disk-full store is tried (a WAL frame, an index page, headroom). */
const MIN_FREE_BYTES = 1 << 20;

export class SqliteStoreProbe {
  private readonly path: string;
  private readonly identity: { dev: number; ino: number } | undefined;

  constructor(private readonly db: SqliteDatabase, private readonly status: FaultStoreStatus) {
    this.path = db.memory ? '' : db.name;
    if (!this.path) return;
    const st = statSync(this.path);
    this.identity = { dev: st.dev, ino: st.ino };
  }

  /**
   * Before a write: false (status marked) when the file at the path is not the one the connection writes to,
   * because then the write would be acknowledged and lost. A stat per write transaction, no I/O on the file.
   */
  fileIsHere(): boolean {
    if (!this.identity) return true;
    let why: string | undefined;
    try {
      const st = statSync(this.path);
      if (!st.isFile()) why = `${this.path} is no longer a file`;
      else if (st.dev !== this.identity.dev || st.ino !== this.identity.ino) why = `${this.path} was replaced by another file (a restart opens the new one)`;
    } catch (err) {
      why = `${this.path} is gone (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
    if (why === undefined) return true;
    this.status.connected = false;
    this.status.fail('file-missing', `database file ${why}; writes are refused until it is back`, false);
    return false;
  }

  /** Periodic check: the file's identity and access, and while unavailable a trial write that ends the outage. */
  check(nowNs: bigint): void {
    if (!this.fileIsHere()) return;
    try {
      if (this.path) accessSync(this.path, constants.R_OK | constants.W_OK);
    } catch (err) {
      this.status.fail('read-only', `database file ${this.path} cannot be read and written: ${(err as Error).message}`, false);
      return;
    }
    if (this.status.current === 'ok') {
      this.status.connected = true;
      return;
    }
    try {
      if (this.status.why === 'disk-full' && this.path) {
        const fs = statfsSync(dirname(this.path));
        if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return;
      }
      if (this.status.why === 'corrupt') {
        // Drop cached pages first, so the check reads the file and not what was cached before the damage.
        this.db.pragma('shrink_memory');
        const verdict = String(this.db.pragma('quick_check(1)', { simple: true }));
        if (verdict !== 'ok') throw Object.assign(new Error(`integrity check: ${verdict}`), { code: 'SQLITE_CORRUPT' });
      }
      this.db.prepare('INSERT INTO fault_store_probe (id, at_ns) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at_ns = excluded.at_ns').run(nowNs);
      this.status.recover();
    } catch (err) {
      const problem = storeProblemOf(err);
      if (problem) this.status.fail(problem, (err as Error).message, false);
      else this.status.fail('error', (err as Error).message, false);
    }
  }
}
