// The PostgreSQL store's write-ahead journal (docs/faults.md "PostgreSQL"): every batch of statements is written to
// a local SQLite file before the write is acknowledged, and removed once PostgreSQL committed it. What a crash or a
// stop leaves in it (PostgreSQL was down, or slow) is sent first at the next start, in order, before the store
// loads: an acknowledged fault survives the gateway's death whatever PostgreSQL was doing. The same outbox pattern
// as the fleet link's.
import { openDatabase, type SqliteDatabase } from '@medkit/kit';
import type { PgStatement } from './pg-statements.js';

/** The journal's file in the data dir. */
export const PG_JOURNAL_FILE = 'faults-pg-journal.db';

export interface JournalEntry {
  id: number;
  statements: PgStatement[];
}

export class PgJournal {
  private readonly appendStmt;
  private readonly removeStmt;
  private readonly listStmt;
  private readonly countStmt;

  private constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS pg_journal (id INTEGER PRIMARY KEY AUTOINCREMENT, statements TEXT NOT NULL)');
    this.appendStmt = db.prepare('INSERT INTO pg_journal (statements) VALUES (?)');
    this.removeStmt = db.prepare('DELETE FROM pg_journal WHERE id <= ?');
    this.listStmt = db.prepare('SELECT id, statements FROM pg_journal ORDER BY id LIMIT ?');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM pg_journal');
  }

  /** The journal of `dataDir` (created when missing); `:memory:` keeps it in memory (tests, throw-away gateways). */
  static open(dataDir: string | ':memory:'): PgJournal {
    return new PgJournal(openDatabase(dataDir, PG_JOURNAL_FILE));
  }

  /** Writes one batch durably (WAL: a process crash cannot lose it); returns its id. Throws when the file cannot. */
  append(statements: PgStatement[]): number {
    return Number(this.appendStmt.run(JSON.stringify(statements)).lastInsertRowid);
  }

  /** PostgreSQL committed every batch up to `id`. */
  removeThrough(id: number): void {
    this.removeStmt.run(id);
  }

  /** The oldest `limit` batches not yet committed, in order. */
  oldest(limit: number): JournalEntry[] {
    return (this.listStmt.all(limit) as { id: number; statements: string }[]).map((r) => ({ id: r.id, statements: JSON.parse(r.statements) as PgStatement[] }));
  }

  get size(): number {
    return (this.countStmt.get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
