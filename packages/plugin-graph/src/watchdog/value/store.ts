// Where the value rules created over REST are kept (docs/graph.md): in memory (no `storage_path`, lost on
// restart, as fault-trigger rules without a storage path), or in a JSON file written whole to a temporary file
// and renamed over the old one, so a crash mid-write leaves the previous file. The last id handed out is kept
// with the rules, so ids are never reused. A file that cannot be read is left untouched and the store refuses
// writes (it would otherwise overwrite rules it could not read).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

interface StoredRules {
  lastId: number;
  /** Rule bodies as they were created (re-checked when loaded). */
  rules: unknown[];
}

export interface RuleStore {
  load(): StoredRules;
  save(data: StoredRules): void;
  /** Why the store cannot be written, when it cannot. */
  readonly broken?: string;
  readonly kind: 'memory' | 'file';
}

export class MemoryRuleStore implements RuleStore {
  readonly kind = 'memory';
  load(): StoredRules {
    return { lastId: 0, rules: [] };
  }
  save(): void {}
}

/** Files larger than this are not read (a rule is well under 4 KiB; max_rules bounds the count). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export class FileRuleStore implements RuleStore {
  readonly kind = 'file';
  broken?: string;

  constructor(readonly path: string) {}

  load(): StoredRules {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lastId: 0, rules: [] };
      this.broken = `cannot read ${this.path}: ${(err as Error).message}`;
      return { lastId: 0, rules: [] };
    }
    try {
      if (text.length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      const doc = JSON.parse(text) as { version?: unknown; last_id?: unknown; rules?: unknown };
      if (doc?.version !== 1 || !Number.isSafeInteger(doc.last_id) || (doc.last_id as number) < 0 || !Array.isArray(doc.rules)) throw new Error('not a version 1 rule file');
      return { lastId: doc.last_id as number, rules: doc.rules };
    } catch (err) {
      this.broken = `${this.path} is not a readable rule file (${(err as Error).message}); fix or remove it`;
      return { lastId: 0, rules: [] };
    }
  }

  save(data: StoredRules): void {
    if (this.broken) throw new Error(this.broken);
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, last_id: data.lastId, rules: data.rules }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
