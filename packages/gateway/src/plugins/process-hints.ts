// The process-id seam between built-in plugins (docs/introspection.md [OURS]): a plugin that learns which process
// hosts an entity (the beacons' `process_id`) reports it here; the Linux introspection plugins ask here
// first and fall back to scanning command lines.

/** Largest process id a hint may carry (the beacon field is a uint32; Linux caps pid_max at 2^22). */
const MAX_PID = 0xffff_ffff;

/** Process ids of entities, one map per reporting source; the first source (in report order) wins. */
export class ProcessIdHints {
  private readonly bySource = new Map<string, ReadonlyMap<string, number>>();

  /**
   * Replaces everything `source` knows (entity id → process id). Call it with the full current set on every
   * pass (an entity left out is forgotten). Ids that are not integers in 1..2^32−1 are ignored.
   */
  set(source: string, pids: ReadonlyMap<string, number>): void {
    const clean = new Map<string, number>();
    for (const [id, pid] of pids) if (Number.isInteger(pid) && pid > 0 && pid <= MAX_PID) clean.set(id, pid);
    if (clean.size === 0) this.bySource.delete(source);
    else this.bySource.set(source, clean);
  }

  /** The hinted process of an entity, if any source knows one. */
  pidOf(entityId: string): { pid: number; source: string } | undefined {
    for (const [source, pids] of this.bySource) {
      const pid = pids.get(entityId);
      if (pid !== undefined) return { pid, source };
    }
    return undefined;
  }
}
