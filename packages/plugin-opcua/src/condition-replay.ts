// Replay of the conditions already active when the plugin (re)subscribes (docs/opcua.md "Replay"):
// `method` calls ConditionRefresh (the states arrive as events between RefreshStart and RefreshEnd),
// `read` reads each known condition's state variables and feeds them through the same state machine,
// `auto` tries the method and reads when the server refuses it, `off` does neither.
import type { ClientSession, NodeId } from 'node-opcua-client';
import type { ConditionReplayStrategy } from './config.js';
import type { OpcuaLib } from './lib.js';
import { plainEventValue, type AlarmEvent, type EventField } from './faults.js';
import type { PluginLogger } from '@medkit/plugin-api';

/** The condition variables a read-based replay reads (relative to the condition node). */
const REPLAY_FIELDS = [
  'ActiveState.Id', 'AckedState.Id', 'ConfirmedState.Id', 'EnabledState.Id', 'ShelvingState.CurrentState.Id',
  'Severity', 'Message', 'EventId', 'ConditionName', 'SourceName', 'SourceNode',
] as const satisfies readonly EventField[];

/** Paths per TranslateBrowsePaths / nodes per Read request (below common server operation limits). */
const CHUNK = 500;

/** What the replay needs from the server; the session-backed one is `sessionReplayPort`. */
export interface ReplayPort {
  /** Calls ConditionRefresh on the subscription; resolves with the StatusCode name (`Good`, `BadNotSupported`, …). */
  conditionRefresh(): Promise<string>;
  /** The current state of each condition that could be read (ConditionId set, BranchId null). */
  readConditions(conditionIds: readonly string[]): Promise<AlarmEvent[]>;
}

/** How the last replay went (shown in `x-plc-status.condition_replay`). */
export interface ReplayOutcome {
  strategy: ConditionReplayStrategy;
  /** What actually ran: the method, a read of `conditions` conditions, or nothing. */
  used: 'method' | 'read' | 'none';
  conditions?: number;
  error?: string;
  at: string;
}

/**
 * Runs the configured replay. `apply` takes each read state (the same path as an event); `conditionIds`
 * lists the condition nodes to read. Never throws: a failure is logged and returned.
 */
export async function replayConditions(
  strategy: ConditionReplayStrategy,
  port: ReplayPort,
  conditionIds: () => readonly string[],
  apply: (e: AlarmEvent) => void,
  log: PluginLogger,
): Promise<ReplayOutcome> {
  const at = () => new Date().toISOString();
  if (strategy === 'off') return { strategy, used: 'none', at: at() };
  let refused: string | undefined;
  if (strategy === 'method' || strategy === 'auto') {
    try {
      const status = await port.conditionRefresh();
      if (status === 'Good') return { strategy, used: 'method', at: at() };
      refused = `ConditionRefresh answered ${status}`;
    } catch (err) {
      refused = `ConditionRefresh failed: ${(err as Error)?.message ?? String(err)}`;
    }
    if (strategy === 'method') {
      log.warn(`${refused}: conditions active before now are not known`);
      return { strategy, used: 'none', error: refused, at: at() };
    }
    log.info(`${refused}; replaying conditions by reading their state`);
  }
  try {
    const ids = conditionIds();
    const states = await port.readConditions(ids);
    for (const s of states) apply(s);
    return { strategy, used: 'read', conditions: states.length, ...(refused ? { error: refused } : {}), at: at() };
  } catch (err) {
    const error = `${refused ? `${refused}; ` : ''}reading the conditions failed: ${(err as Error)?.message ?? String(err)}`;
    log.warn(error);
    return { strategy, used: 'none', error, at: at() };
  }
}

/** The replay port of a live session; every request goes through `deadline`. */
export function sessionReplayPort(
  lib: OpcuaLib,
  session: ClientSession,
  subscriptionId: number,
  deadline: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
): ReplayPort {
  return {
    async conditionRefresh() {
      const status = await deadline('ConditionRefresh', () => lib.callConditionRefresh(session, subscriptionId));
      return status.name;
    },
    async readConditions(conditionIds) {
      const paths = conditionIds.flatMap((id) => REPLAY_FIELDS.map((f) => ({ id, field: f, path: lib.makeBrowsePath(id, `.${f}`) })));
      const found: { id: string; field: EventField; nodeId: NodeId }[] = [];
      for (let i = 0; i < paths.length; i += CHUNK) {
        const chunk = paths.slice(i, i + CHUNK);
        const results = await deadline('translateBrowsePath', () => session.translateBrowsePath(chunk.map((p) => p.path)));
        results.forEach((r, k) => {
          const target = r.statusCode.isGood() ? r.targets?.[0]?.targetId : undefined;
          if (target) found.push({ id: chunk[k].id, field: chunk[k].field, nodeId: lib.resolveNodeId(target.toString()) });
        });
      }
      const byCondition = new Map<string, AlarmEvent>();
      for (let i = 0; i < found.length; i += CHUNK) {
        const chunk = found.slice(i, i + CHUNK);
        const dvs = await deadline('read conditions', () => session.read(chunk.map((f) => ({ nodeId: f.nodeId, attributeId: lib.AttributeIds.Value }))));
        dvs.forEach((dv, k) => {
          const { id, field } = chunk[k];
          let e = byCondition.get(id);
          if (!e) byCondition.set(id, (e = { ConditionId: id, BranchId: null }));
          e[field] = dv.statusCode.isGood() ? plainEventValue(dv.value?.value) : null;
        });
      }
      // Only conditions whose ActiveState could be read have a state to replay.
      return [...byCondition.values()].filter((e) => typeof e['ActiveState.Id'] === 'boolean');
    },
  };
}
