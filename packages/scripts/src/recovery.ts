// What a gateway that was killed (SIGKILL, a crash, a power cut) left of its script executions, settled at
// the next start (issue 31): the processes still in their cgroups are killed (cgroups.ts reclaimStale),
// and every execution the audit trail saw start but never finish is recorded as failed with the reason,
// in the audit trail and in the execution history, so neither keeps saying "running".
import type { Logger } from '@medkit/kit';
import type { ScriptAudit } from './audit.js';
import type { ReclaimedCgroup } from './cgroups.js';
import type { ExecutionManager } from './executions.js';

/** Why an interrupted execution failed, with what the start-up found of it. */
function interruptedReason(killed: number | undefined): string {
  const left =
    killed === undefined
      ? 'it had no cgroup left to look for processes in'
      : killed === 0
        ? 'none of its processes were still running'
        : `${killed} of its processes were still running and were killed`;
  return `The gateway stopped while this execution ran (it was killed or crashed); when it started again, ${left}`;
}

/** Kills and records what the previous gateway process left; answers the executions marked failed. */
export function recoverInterrupted(audit: ScriptAudit, executions: ExecutionManager, reclaimed: ReclaimedCgroup[], log?: Logger): string[] {
  const killedBy = new Map(reclaimed.filter((r) => r.executionId).map((r) => [r.executionId!, r.killed]));
  for (const r of reclaimed) {
    if (r.killed > 0) log?.warn({ cgroup: r.name, killed: r.killed }, 'killed the processes a previous gateway left running in an execution cgroup');
  }
  const marked: string[] = [];
  for (const start of audit.unfinishedStarts()) {
    const id = start.execution_id!;
    const reason = interruptedReason(killedBy.get(id));
    executions.recordInterrupted({ id, entityId: start.entity_id, scriptId: start.script_id, startedAt: start.timestamp, reason });
    audit.record({ action: 'finish', entity_id: start.entity_id, script_id: start.script_id, execution_id: id, actor: null, parameters: null, status: 'failed', exit_code: null, duration_ms: null, message: reason });
    log?.warn({ execution_id: id, script_id: start.script_id }, 'a script execution of the previous gateway process never finished; recorded as failed');
    marked.push(id);
  }
  return marked;
}
