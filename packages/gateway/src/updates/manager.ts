// Software update bookkeeping (docs/updates.md): registration checks, the
// status/phase state machine, one background operation per package, persistence, and progress from
// the provider mapped into `progress` / `sub_progress`.
import type { Logger } from '@medkit/kit';
import { SovdError, isValidEntityId } from '@medkit/sovd';
import { ORIGINS, type UpdatePackage, type UpdatePhase, type UpdateState, type UpdateStatusView } from './model.js';
import type { UpdateProvider, UpdateReporter } from './provider.js';
import type { UpdateStore } from './store.js';

type Operation = 'prepare' | 'execute' | 'automated';
export type StatusListener = (id: string, status: UpdateStatusView) => void;

function bad(field: string, details: string): SovdError {
  return new SovdError('invalid-parameter', `Invalid update metadata: ${field}`, { parameter: field, details });
}

function isStringList(v: unknown): boolean {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Checks the conventional fields of a registration (docs/updates.md); unknown fields are kept as they are. */
function checkRegistration(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SovdError('invalid-request', 'Update registration must be a JSON object');
  const m = body as Record<string, unknown>;
  if (m.id === undefined) throw new SovdError('invalid-request', "Update registration needs an 'id'", { parameter: 'id' });
  if (typeof m.id !== 'string' || !isValidEntityId(m.id)) {
    throw new SovdError('invalid-parameter', 'Invalid update id', { parameter: 'id', details: 'ids are 1–256 characters of A–Z, a–z, 0–9, _ and -', value: m.id });
  }
  for (const key of ['update_name', 'target_version', 'description']) {
    if (m[key] !== undefined && typeof m[key] !== 'string') throw bad(key, 'must be a string');
  }
  if (m.automated !== undefined && typeof m.automated !== 'boolean') throw bad('automated', 'must be a boolean');
  if (m.origins !== undefined && (!Array.isArray(m.origins) || !m.origins.every((o) => (ORIGINS as readonly unknown[]).includes(o)))) {
    throw bad('origins', `must be an array of ${ORIGINS.join(', ')}`);
  }
  if (m.duration !== undefined && (typeof m.duration !== 'number' || !Number.isFinite(m.duration) || m.duration < 0)) {
    throw bad('duration', 'must be a number of seconds ≥ 0');
  }
  if (m.size !== undefined && (typeof m.size !== 'number' || !Number.isInteger(m.size) || m.size < 0)) throw bad('size', 'must be a byte count ≥ 0');
  for (const key of ['updated_components', 'affected_components']) {
    if (m[key] !== undefined && !isStringList(m[key])) throw bad(key, 'must be an array of strings');
  }
  return m;
}

function now(): string {
  return new Date().toISOString();
}

function seedStatus(): UpdateStatusView {
  return { status: 'pending', progress: 0, sub_progress: [], 'x-medkit': { phase: 'none', updated_at: now() } };
}

export class UpdateManager {
  private readonly busy = new Map<string, { op: Operation; abort: AbortController; done: Promise<void> }>();
  private readonly listeners = new Set<StatusListener>();

  constructor(
    private readonly store: UpdateStore,
    readonly provider: UpdateProvider,
    private readonly log?: Logger,
  ) {
    // An operation cannot survive a restart: what was running is failed, so a client sees why.
    for (const p of store.all()) {
      if (p.status.status === 'inProgress') {
        this.set(p, { status: 'failed', phase: 'failed', error: 'Interrupted by a gateway restart' });
      }
    }
  }

  /** Status changes (for triggers / subscriptions on the `updates` collection). */
  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(filter: { origin?: string; targetVersion?: string } = {}): string[] {
    return this.store
      .all()
      .filter((p) => !filter.origin || (Array.isArray(p.metadata.origins) && (p.metadata.origins as unknown[]).includes(filter.origin)))
      .filter((p) => !filter.targetVersion || p.metadata.target_version === filter.targetVersion)
      .map((p) => p.id);
  }

  get(id: string): UpdatePackage {
    const p = this.store.get(id);
    if (!p) throw new SovdError('x-medkit-update-not-found', `Update package '${id}' not found`, { update_id: id });
    return p;
  }

  async register(body: unknown): Promise<UpdatePackage> {
    const metadata = checkRegistration(body);
    const id = metadata.id as string;
    if (this.store.get(id)) throw new SovdError('x-medkit-update-already-exists', `Update package '${id}' is already registered`, { update_id: id });
    await this.provider.validate(metadata);
    // Re-check: validation may have awaited while another registration of the same id landed.
    if (this.store.get(id)) throw new SovdError('x-medkit-update-already-exists', `Update package '${id}' is already registered`, { update_id: id });
    const p: UpdatePackage = { id, metadata, status: seedStatus() };
    this.store.insert(p);
    this.emit(p);
    return p;
  }

  async remove(id: string): Promise<void> {
    const p = this.get(id);
    this.assertIdle(id);
    const before = p.status;
    this.set(p, { phase: 'deleting' }, false);
    try {
      await this.provider.remove?.(id, p.metadata);
    } catch (err) {
      p.status = before;
      throw new SovdError('internal-error', `Update provider could not delete '${id}'`, { details: (err as Error).message });
    }
    this.store.delete(id);
  }

  /** Starts an operation in the background; answers at once with the seeded status. */
  start(id: string, op: Operation): UpdateStatusView {
    const p = this.get(id);
    this.assertIdle(id);
    if (op === 'execute' && !(p.status.status === 'completed' && p.status['x-medkit'].phase === 'prepared')) {
      throw new SovdError('x-medkit-update-not-prepared', `Update package '${id}' must be prepared before it is executed`, { update_id: id, phase: p.status['x-medkit'].phase });
    }
    if (op === 'automated' && (p.metadata.automated !== true || !this.provider.supportsAutomated(p.metadata))) {
      throw new SovdError('x-medkit-update-not-automated', `Update package '${id}' does not support automated installation`, { update_id: id });
    }
    const abort = new AbortController();
    const parts = op === 'automated' ? ['prepare', 'execute'] : [op];
    p.status.sub_progress = parts.map((name) => ({ name, progress: 0 }));
    this.set(p, { status: 'inProgress', phase: op === 'execute' ? 'executing' : 'preparing', progress: 0, error: undefined, message: undefined });
    const done = this.run(p, op, abort.signal).finally(() => this.busy.delete(id));
    this.busy.set(id, { op, abort, done });
    return p.status;
  }

  /** Waits for a running operation (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.busy.get(id)?.done;
  }

  /** Shutdown: abort every running operation and wait for them to wind down. */
  async stopAll(): Promise<void> {
    const all = [...this.busy.values()];
    for (const b of all) b.abort.abort();
    await Promise.all(all.map((b) => b.done));
  }

  private async run(p: UpdatePackage, op: Operation, signal: AbortSignal): Promise<void> {
    try {
      if (op === 'prepare' || op === 'automated') {
        await this.provider.prepare(p.id, p.metadata, this.reporter(p, 'prepare', op === 'automated' ? [0, 50] : [0, 100]), signal);
        const sub = p.status.sub_progress.find((x) => x.name === 'prepare');
        if (sub) sub.progress = 100;
        this.set(p, op === 'automated' ? { phase: 'executing', progress: 50 } : { status: 'completed', phase: 'prepared', progress: 100 });
      }
      if (op === 'execute' || op === 'automated') {
        await this.provider.execute(p.id, p.metadata, this.reporter(p, 'execute', op === 'automated' ? [50, 100] : [0, 100]), signal);
        this.set(p, { status: 'completed', phase: 'executed', progress: 100 });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log?.warn({ update_id: p.id, op, err: message }, 'update operation failed');
      this.set(p, { status: 'failed', phase: 'failed', error: message });
    }
  }

  /** Maps one part's 0–100 into [from, to] of the overall progress, and into its sub_progress entry. */
  private reporter(p: UpdatePackage, part: string, [from, to]: [number, number]): UpdateReporter {
    const clamp = (v: number) => Math.max(0, Math.min(100, Math.round(v)));
    return {
      progress: (percent, message) => {
        if (p.status.status !== 'inProgress') return;
        const sub = p.status.sub_progress.find((s) => s.name === part);
        if (sub) sub.progress = clamp(percent);
        this.set(p, { progress: clamp(from + ((to - from) * clamp(percent)) / 100), ...(message ? { message } : {}) });
      },
      subProgress: (name, percent) => {
        if (p.status.status !== 'inProgress') return;
        const sub = p.status.sub_progress.find((s) => s.name === name);
        if (sub) sub.progress = clamp(percent);
        else p.status.sub_progress.push({ name, progress: clamp(percent) });
        this.set(p, {});
      },
    };
  }

  private assertIdle(id: string): void {
    const b = this.busy.get(id);
    if (b) throw new SovdError('x-medkit-update-in-progress', `Update package '${id}' is busy (${b.op} running)`, { update_id: id, operation: b.op });
  }

  private set(
    p: UpdatePackage,
    change: { status?: UpdateState; phase?: UpdatePhase; progress?: number; error?: string | undefined; message?: string | undefined },
    persist = true,
  ): void {
    const s = p.status;
    if (change.status) s.status = change.status;
    if (change.phase) s['x-medkit'].phase = change.phase;
    if (change.progress !== undefined) s.progress = change.progress;
    if ('error' in change) {
      if (change.error === undefined) delete s.error;
      else s.error = change.error;
    }
    if ('message' in change) {
      if (change.message === undefined) delete s['x-medkit'].message;
      else s['x-medkit'].message = change.message;
    }
    if (change.status === 'completed') for (const sub of s.sub_progress) sub.progress = 100;
    s['x-medkit'].updated_at = now();
    if (persist) this.store.saveStatus(p);
    this.emit(p);
  }

  private emit(p: UpdatePackage): void {
    for (const l of this.listeners) {
      try {
        l(p.id, p.status);
      } catch (err) {
        this.log?.error({ err }, 'update status listener failed');
      }
    }
  }
}
