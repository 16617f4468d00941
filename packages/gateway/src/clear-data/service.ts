// clear-data (SOVD, docs/sovd-resources.md [ours]): wipes what the gateway holds about one entity,
// by kind — `cached-data` (cached topic values), `learned-data` (the entity's fault memory) and
// `client-defined-resources` (data lists, triggers, cyclic subscriptions, mode values) — or all of them.
// Each kind is a list of clearers that other features contribute; the last run per entity is the status.
import type { Entity, EntityType } from '../entities/model.js';

export const CLEAR_KINDS = ['cached-data', 'learned-data', 'client-defined-resources'] as const;
export type ClearKind = (typeof CLEAR_KINDS)[number];

interface ClearRef {
  type: EntityType;
  entity: Entity;
}

/** One thing a kind clears: `name` keys its count in the status (`faults`, `data_lists`, ...). */
interface Clearer {
  kind: ClearKind;
  name: string;
  clear(ref: ClearRef): number;
}

/** `GET …/clear-data/status`. */
interface ClearStatus {
  status: 'idle' | 'completed' | 'failed';
  kinds?: ClearKind[];
  started_at?: string;
  finished_at?: string;
  /** What was cleared, by clearer name. */
  cleared?: Record<string, number>;
  error?: { clearer: string; message: string };
}

/** At most this many entities keep a status (oldest forgotten first). */
const MAX_STATUSES = 4096;

export class ClearDataService {
  private readonly clearers: Clearer[] = [];
  private readonly statuses = new Map<string, ClearStatus>();

  add(c: Clearer): void {
    this.clearers.push(c);
  }

  /** Clearer names per kind (what each kind covers on this gateway). */
  describe(): Record<ClearKind, string[]> {
    return Object.fromEntries(CLEAR_KINDS.map((k) => [k, this.clearers.filter((c) => c.kind === k).map((c) => c.name)])) as Record<ClearKind, string[]>;
  }

  /** Runs the clearers of `kinds` on the entity; a failing clearer stops the run and marks it failed. */
  run(ref: ClearRef, kinds: readonly ClearKind[]): ClearStatus {
    const started = new Date().toISOString();
    const cleared: Record<string, number> = {};
    let status: ClearStatus;
    try {
      for (const c of this.clearers.filter((x) => kinds.includes(x.kind))) {
        try {
          cleared[c.name] = (cleared[c.name] ?? 0) + c.clear(ref);
        } catch (err) {
          throw Object.assign(new Error((err as Error).message), { clearer: c.name });
        }
      }
      status = { status: 'completed', kinds: [...kinds], started_at: started, finished_at: new Date().toISOString(), cleared };
    } catch (err) {
      status = { status: 'failed', kinds: [...kinds], started_at: started, finished_at: new Date().toISOString(), cleared, error: { clearer: (err as { clearer?: string }).clearer ?? '', message: (err as Error).message } };
    }
    const key = `${ref.type}/${ref.entity.id}`;
    this.statuses.delete(key);
    this.statuses.set(key, status);
    if (this.statuses.size > MAX_STATUSES) this.statuses.delete(this.statuses.keys().next().value!);
    return status;
  }

  status(ref: ClearRef): ClearStatus {
    return this.statuses.get(`${ref.type}/${ref.entity.id}`) ?? { status: 'idle' };
  }
}
