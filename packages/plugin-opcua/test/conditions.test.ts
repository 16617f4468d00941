// Native alarms & conditions at unit level (the end-to-end path against a real server is alarms.test.ts):
// the state machine of docs/opcua.md over every combination of its inputs, the auto-mapping of
// conditions (codes, collisions, the bound against a hostile server), the replay strategies with a fake
// session (including `auto` falling back to `read`), the operations' parameter checks and refusal mapping,
// and the configuration keys.
import { describe, expect, it } from 'vitest';
import { OpcuaConfigError, parseOpcuaConfig } from '../src/config.js';
import { conditionAction, stateOf, type ConditionAction, type ConditionState } from '../src/condition-state.js';
import { autoFaultCode, ConditionMap } from '../src/condition-map.js';
import { replayConditions, type ReplayPort } from '../src/condition-replay.js';
import { conditionParams, runConditionOperation, type ConditionCaller } from '../src/condition-operations.js';
import { OpcuaFaults, type AlarmEvent } from '../src/faults.js';
import { MAX_FAULT_CODE_LENGTH, PluginError, type PluginFaultReport } from '@medkit/plugin-api';

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const canonical = (s: string) => s.replace(/^(?!ns=)/, 'ns=0;');
const config = (extra: Record<string, unknown> = {}) =>
  parseOpcuaConfig(
    {
      endpoint_url: 'opc.tcp://127.0.0.1:4840',
      component_id: 'plc',
      nodes: [
        { node_id: 'ns=1;s=P', data_name: 'pressure', alarm: { fault_code: 'OVERPRESSURE', threshold: 5 } },
        { node_id: 'ns=1;s=S', data_name: 'speed', entity_id: 'pump' },
      ],
      event_alarms: [
        { alarm_source: 'ns=1;s=Hot', fault_code: 'HOT' },
        { alarm_source: 'ns=1;s=PumpAlarm', fault_code: 'PUMP', entity_id: 'pump', require_confirm_for_clear: false },
      ],
      ...extra,
    },
    {},
  );

async function mapper(extra: Record<string, unknown> = {}) {
  const cfg = await config(extra);
  const log: string[] = [];
  const sink = {
    report: (r: PluginFaultReport) => (log.push(`${r.event} ${r.fault_code} @${r.entity_id}`), true),
    clear: (c: string) => (log.push(`CLEAR ${c}`), true),
  };
  return { f: new OpcuaFaults(cfg, sink, silent, canonical), log, cfg };
}

const ev = (condition: string, fields: AlarmEvent = {}): AlarmEvent => ({
  EventType: 'ns=0;i=2915',
  ConditionId: condition,
  SourceNode: 'ns=1;s=PLC',
  SourceName: 'PLC',
  ConditionName: condition.replace(/^.*=/, ''),
  BranchId: 'ns=0;i=0',
  EventId: 'a1b2',
  'EnabledState.Id': true,
  'ActiveState.Id': true,
  'AckedState.Id': false,
  'ConfirmedState.Id': null,
  Severity: 700,
  Message: 'm',
  ...fields,
});

describe('condition state machine (docs/opcua.md)', () => {
  const tri = [true, false, null] as const;

  it('decides every combination of its inputs by the rules, in their order', () => {
    let rows = 0;
    for (const hasCondition of [true, false])
      for (const branch of [true, false])
        for (const enabled of tri)
          for (const shelved of [true, false])
            for (const active of tri)
              for (const acked of tri)
                for (const confirmed of tri)
                  for (const requireConfirm of [true, false]) {
                    const s: ConditionState = { hasCondition, branch, enabled, shelved, active, acked, confirmed };
                    let want: ConditionAction;
                    if (!hasCondition) want = 'ignore'; // ConditionId null
                    else if (branch) want = 'history'; // BranchId non-null
                    else if (enabled === false || shelved) want = 'clear'; // disabled or shelved: clear if active
                    else if (active === true) want = 'raise';
                    else if (active === null) want = 'ignore'; // no ActiveState: nothing to decide
                    // inactive: cleared once acked and (confirmed or confirmation not required); else healed, shown confirmed
                    else want = (acked ?? true) && ((confirmed ?? true) || !requireConfirm) ? 'clear' : 'heal';
                    expect(conditionAction(s, requireConfirm), JSON.stringify({ ...s, requireConfirm })).toBe(want);
                    rows++;
                  }
    expect(rows).toBe(2 * 2 * 3 * 2 * 3 * 3 * 3 * 2);
  });

  it('the spec table, row by row', () => {
    const base: ConditionState = { hasCondition: true, branch: false, enabled: true, shelved: false, active: true, acked: false, confirmed: false };
    const rows: [Partial<ConditionState>, boolean, ConditionAction][] = [
      [{ hasCondition: false }, true, 'ignore'],
      [{ branch: true }, true, 'history'],
      [{ branch: true, enabled: false }, true, 'history'],
      [{ enabled: false }, true, 'clear'],
      [{ shelved: true }, true, 'clear'],
      [{}, true, 'raise'],
      [{ acked: true, confirmed: true }, true, 'raise'],
      [{ active: false, acked: false, confirmed: false }, true, 'heal'],
      [{ active: false, acked: false, confirmed: true }, true, 'heal'],
      [{ active: false, acked: true, confirmed: false }, true, 'heal'],
      [{ active: false, acked: true, confirmed: true }, true, 'clear'],
      [{ active: false, acked: true, confirmed: false }, false, 'clear'],
      [{ active: false, acked: false, confirmed: true }, false, 'heal'],
      [{ active: false, acked: true, confirmed: null }, true, 'clear'], // no ConfirmedState: nothing to confirm
      [{ active: false, acked: null, confirmed: null }, true, 'clear'], // plain ConditionType
    ];
    for (const [patch, rc, want] of rows) expect(conditionAction({ ...base, ...patch }, rc), JSON.stringify(patch)).toBe(want);
  });

  it('reads the state from event fields: null nodes, shelving states, non-boolean flags', () => {
    expect(stateOf({ ConditionId: 'ns=0;i=0' }).hasCondition).toBe(false);
    expect(stateOf({ ConditionId: null }).hasCondition).toBe(false);
    expect(stateOf({ ConditionId: 'ns=1;s=A', BranchId: 'ns=0;i=0' })).toMatchObject({ hasCondition: true, branch: false });
    expect(stateOf({ BranchId: 'ns=1;i=77' }).branch).toBe(true);
    expect(stateOf({ 'ShelvingState.CurrentState.Id': 'ns=0;i=2932' }).shelved).toBe(true);
    expect(stateOf({ 'ShelvingState.CurrentState.Id': 'ns=0;i=2933' }).shelved).toBe(true);
    expect(stateOf({ 'ShelvingState.CurrentState.Id': 'ns=0;i=2930' }).shelved).toBe(false);
    expect(stateOf({ 'ActiveState.Id': 'true', 'AckedState.Id': 1 })).toMatchObject({ active: null, acked: null });
  });
});

describe('fault mapping of conditions', () => {
  it('reports an event alarm with its entity_id, once per activation, and clears per its require_confirm_for_clear', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=PumpAlarm'));
    f.onEvent(ev('ns=1;s=PumpAlarm', { 'AckedState.Id': true })); // acknowledged while active: no second FAILED
    f.onEvent(ev('ns=1;s=PumpAlarm', { 'ActiveState.Id': false, 'AckedState.Id': true, 'ConfirmedState.Id': false }));
    f.onEvent(ev('ns=1;s=Hot'));
    f.onEvent(ev('ns=1;s=Hot', { 'ActiveState.Id': false, 'AckedState.Id': false }));
    f.onEvent(ev('ns=1;s=Hot', { 'ActiveState.Id': false, 'AckedState.Id': false })); // no second PASSED
    f.onEvent(ev('ns=1;s=Hot', { 'ActiveState.Id': false, 'AckedState.Id': true, 'ConfirmedState.Id': false })); // confirmation required
    f.onEvent(ev('ns=1;s=Hot', { 'ActiveState.Id': false, 'AckedState.Id': true, 'ConfirmedState.Id': true }));
    expect(log).toEqual(['FAILED PUMP @pump', 'PASSED PUMP @pump', 'CLEAR PUMP', 'FAILED HOT @plc', 'PASSED HOT @plc', 'CLEAR HOT']);
  });

  it('a healed alarm that becomes active again is raised again', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Hot'));
    f.onEvent(ev('ns=1;s=Hot', { 'ActiveState.Id': false }));
    f.onEvent(ev('ns=1;s=Hot'));
    expect(log).toEqual(['FAILED HOT @plc', 'PASSED HOT @plc', 'FAILED HOT @plc']);
  });

  it('branches are history: they neither change the fault nor replace the EventId used to acknowledge', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Hot', { EventId: 'aa' }));
    f.onEvent(ev('ns=1;s=Hot', { BranchId: 'ns=1;i=9', 'ActiveState.Id': false, 'AckedState.Id': true, EventId: 'bb' }));
    expect(log).toEqual(['FAILED HOT @plc']);
    expect(f.conditions.get('HOT')?.event_id).toBe('aa');
  });

  it('auto_alarms maps unconfigured conditions; configured event_alarms take precedence', async () => {
    const { f, log } = await mapper({ auto_alarms: true });
    f.onEvent(ev('ns=1;s=Hot'));
    f.onEvent(ev('ns=1;s=Door', { SourceName: '1:Cabinet', ConditionName: 'Door open' }));
    expect(log).toEqual(['FAILED HOT @plc', 'FAILED Cabinet.Door_open @plc']);
    expect(f.conditions.get('Cabinet.Door_open')).toMatchObject({ auto: true, condition_id: 'ns=1;s=Door', require_confirm_for_clear: true });
  });

  it('without auto_alarms unconfigured conditions are ignored', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Door'));
    expect(log).toEqual([]);
  });

  it('after a ConditionRefresh heals auto-mapped and adopted condition faults the refresh no longer reports', async () => {
    const { f, log } = await mapper({ auto_alarms: true });
    f.adopt([{ code: 'PLC.OldAlarm', entity: 'plc' }, { code: 'HOT', entity: 'plc' }, { code: 'NOT_OURS', entity: 'someone' }]);
    f.onEvent(ev('ns=1;s=Door'));
    log.length = 0;
    f.onEvent({ EventType: 'ns=0;i=2787', ConditionId: null });
    f.onEvent(ev('ns=1;s=Hot', { 'ActiveState.Id': false, 'AckedState.Id': false })); // retained, waiting for its ack
    f.onEvent({ EventType: 'ns=0;i=2788', ConditionId: null });
    expect(log.sort()).toEqual(['CLEAR PLC.Door', 'CLEAR PLC.OldAlarm', 'PASSED HOT @plc', 'PASSED PLC.Door @plc', 'PASSED PLC.OldAlarm @plc'].sort());
    expect([...f.active]).toEqual(['HOT']);
  });
});

describe('auto_alarms fault codes and bounds', () => {
  const map = async (extra: Record<string, unknown> = {}) => {
    const cfg = await config({ auto_alarms: true, ...extra });
    const warnings: string[] = [];
    return { m: new ConditionMap(cfg, canonical, new Set(['OVERPRESSURE', 'PLC_COMMS_LOST']), { ...silent, warn: (s: string) => warnings.push(s) }), warnings };
  };

  it('derives valid fault codes from the source and condition names', () => {
    expect(autoFaultCode('Tank1', 'HighLevel', 'ns=2;i=5')).toBe('Tank1.HighLevel');
    expect(autoFaultCode('2:Tank 1', 'Level > max!', 'ns=2;i=5')).toBe('Tank_1.Level___max_');
    expect(autoFaultCode('..', '..x..', 'ns=2;i=5')).toBe('x');
    expect(autoFaultCode(null, null, 'ns=2;s=Cond')).toBe('ns_2_s_Cond');
    expect(autoFaultCode('', '', '')).toMatch(/^condition_[0-9a-f]{8}$/);
    const long = autoFaultCode('S'.repeat(5000), 'C', 'ns=1;i=1');
    // Room for a '_<counter>' suffix within the longest code (9 characters).
    expect(long.length).toBeLessThanOrEqual(MAX_FAULT_CODE_LENGTH - 9);
    for (const c of ['Tank1.HighLevel', long, autoFaultCode('ü', 'é', 'x')]) expect(c).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('resolves collisions deterministically: the later condition gets a hash suffix; reserved codes are never taken', async () => {
    const a = await map();
    const first = a.m.resolve({ ConditionId: 'ns=1;s=A', SourceName: 'Tank', ConditionName: 'Hot' });
    const second = a.m.resolve({ ConditionId: 'ns=1;s=B', SourceName: 'Tank', ConditionName: 'Hot' });
    const reserved = a.m.resolve({ ConditionId: 'ns=1;s=C', ConditionName: 'OVERPRESSURE' });
    const configured = a.m.resolve({ ConditionId: 'ns=1;s=D', ConditionName: 'HOT' });
    expect(first?.fault_code).toBe('Tank.Hot');
    expect(second?.fault_code).toMatch(/^Tank\.Hot_[0-9a-f]{8}$/);
    expect(reserved?.fault_code).toMatch(/^OVERPRESSURE_[0-9a-f]{8}$/);
    expect(configured?.fault_code).toMatch(/^HOT_[0-9a-f]{8}$/);
    // The same sequence gives the same codes.
    const b = await map();
    expect(b.m.resolve({ ConditionId: 'ns=1;s=A', SourceName: 'Tank', ConditionName: 'Hot' })?.fault_code).toBe(first?.fault_code);
    expect(b.m.resolve({ ConditionId: 'ns=1;s=B', SourceName: 'Tank', ConditionName: 'Hot' })?.fault_code).toBe(second?.fault_code);
    expect(a.m.resolve({ ConditionId: 'ns=1;s=B', SourceName: 'Other', ConditionName: 'Name' })).toBe(second); // stable per ConditionId
  });

  it('a hostile server with 10^5 distinct conditions: at most auto_alarms_max are mapped, the rest counted, one warning', async () => {
    const { m, warnings } = await map({ auto_alarms_max: 100 });
    for (let i = 0; i < 100_000; i++) m.resolve({ ConditionId: `ns=1;i=${i}`, SourceName: 'S', ConditionName: `C${i}` });
    expect(m.all().filter((t) => t.auto)).toHaveLength(100);
    expect(m.overflow).toBe(99_900);
    expect(warnings).toHaveLength(1);
    expect(m.conditionNodes().length).toBeLessThanOrEqual(100 + 2);
    // Configured alarms still resolve after the cap.
    expect(m.resolve({ ConditionId: 'ns=1;s=Hot' })?.fault_code).toBe('HOT');
  });

  it('ignores oversized ConditionIds and EventIds', async () => {
    const { m } = await map();
    expect(m.resolve({ ConditionId: `ns=1;s=${'x'.repeat(5000)}` })).toBeUndefined();
    const t = m.resolve({ ConditionId: 'ns=1;s=Hot' })!;
    m.remember(t, { ConditionId: 'ns=1;s=Hot', EventId: 'ab'.repeat(3000) });
    expect(t.event_id).toBeUndefined();
  });
});

describe('condition replay strategies', () => {
  const port = (refresh: string | Error, states: AlarmEvent[] = [{ ConditionId: 'ns=1;s=Hot', 'ActiveState.Id': true }]) => {
    const calls: string[] = [];
    const p: ReplayPort = {
      conditionRefresh: async () => {
        calls.push('refresh');
        if (refresh instanceof Error) throw refresh;
        return refresh;
      },
      readConditions: async (ids) => {
        calls.push(`read ${ids.join(',')}`);
        return states;
      },
    };
    return { p, calls };
  };
  const ids = () => ['ns=1;s=Hot'];

  it('auto: ConditionRefresh when the server accepts it', async () => {
    const { p, calls } = port('Good');
    const applied: AlarmEvent[] = [];
    expect(await replayConditions('auto', p, ids, (e) => applied.push(e), silent)).toMatchObject({ strategy: 'auto', used: 'method' });
    expect(calls).toEqual(['refresh']);
    expect(applied).toEqual([]);
  });

  it('auto: falls back to reading when the server refuses ConditionRefresh or the call fails', async () => {
    for (const refusal of ['BadNotSupported', 'BadMethodInvalid', new Error('timeout')]) {
      const { p, calls } = port(refusal);
      const applied: AlarmEvent[] = [];
      const out = await replayConditions('auto', p, ids, (e) => applied.push(e), silent);
      expect(out).toMatchObject({ strategy: 'auto', used: 'read', conditions: 1 });
      expect(out.error).toContain(refusal instanceof Error ? 'timeout' : refusal);
      expect(calls).toEqual(['refresh', 'read ns=1;s=Hot']);
      expect(applied).toHaveLength(1);
    }
  });

  it('method: no fallback; read: no ConditionRefresh; off: nothing', async () => {
    const m = port('BadNotSupported');
    expect(await replayConditions('method', m.p, ids, () => {}, silent)).toMatchObject({ used: 'none', error: 'ConditionRefresh answered BadNotSupported' });
    expect(m.calls).toEqual(['refresh']);
    const r = port('Good');
    expect(await replayConditions('read', r.p, ids, () => {}, silent)).toMatchObject({ used: 'read' });
    expect(r.calls).toEqual(['read ns=1;s=Hot']);
    const o = port('Good');
    expect(await replayConditions('off', o.p, ids, () => {}, silent)).toMatchObject({ used: 'none' });
    expect(o.calls).toEqual([]);
  });

  it('a failing read is reported, not thrown', async () => {
    const p: ReplayPort = { conditionRefresh: async () => 'BadNotSupported', readConditions: async () => Promise.reject(new Error('BadTooManyOperations')) };
    const out = await replayConditions('auto', p, ids, () => {}, silent);
    expect(out.used).toBe('none');
    expect(out.error).toContain('BadTooManyOperations');
  });

  it('read states go through the same state machine as events', async () => {
    const { f, log } = await mapper();
    const { p } = port('Good', [
      { ConditionId: 'ns=1;s=Hot', BranchId: null, 'ActiveState.Id': true, 'AckedState.Id': false, 'EnabledState.Id': true, Severity: 900, Message: 'hot', EventId: 'cc' },
      { ConditionId: 'ns=1;s=PumpAlarm', BranchId: null, 'ActiveState.Id': false, 'AckedState.Id': true, 'EnabledState.Id': true },
    ]);
    await replayConditions('read', p, () => f.conditions.conditionNodes().map((c) => c.nodeId), (e) => f.onConditionState(e), silent);
    expect(log).toEqual(['FAILED HOT @plc']);
    expect(f.conditions.get('HOT')?.event_id).toBe('cc');
  });
});

describe('acknowledge_fault / confirm_fault', () => {
  const caller = (answer: string): ConditionCaller & { calls: unknown[][] } => {
    const calls: unknown[][] = [];
    return { calls, call: async (...args) => (calls.push(args), answer) };
  };
  const seen = async () => {
    const { f } = await mapper();
    f.onEvent(ev('ns=1;s=PumpAlarm', { EventId: '00ff10' }));
    return f.conditions;
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    return err as PluginError;
  };

  it('checks the parameters: a JSON object {fault_code, comment?} with a valid code and a bounded comment', () => {
    expect(conditionParams('acknowledge_fault', { fault_code: 'PUMP' })).toEqual({ fault_code: 'PUMP', comment: '' });
    expect(conditionParams('acknowledge_fault', { fault_code: 'PUMP', comment: 'ok' })).toEqual({ fault_code: 'PUMP', comment: 'ok' });
    for (const bad of [null, 7, 'PUMP', [], {}, { fault_code: ['PUMP'] }, { fault_code: 'a..b' }, { fault_code: 'x'.repeat(257) }, { fault_code: 'PUMP', comment: {} }, { fault_code: 'PUMP', comment: 'c'.repeat(1025) }, { fault_code: 'PUMP', x: 1 }]) {
      expect(() => conditionParams('acknowledge_fault', bad), JSON.stringify(bad)?.slice(0, 40)).toThrow(PluginError);
      try {
        conditionParams('acknowledge_fault', bad);
      } catch (e) {
        expect((e as PluginError).status).toBe(400);
      }
    }
  });

  it('calls Acknowledge / Confirm with the latest ConditionId and EventId', async () => {
    const c = caller('Good');
    const r = await runConditionOperation(await seen(), c, 'pump', 'confirm_fault', { fault_code: 'PUMP', comment: 'done' });
    expect(r).toEqual({ status: 'success', operation: 'confirm_fault', fault_code: 'PUMP', condition_id: 'ns=1;s=PumpAlarm', status_code: 'Good' });
    expect(c.calls).toEqual([['Confirm', 'ns=1;s=PumpAlarm', Buffer.from([0, 255, 16]), 'done']]);
  });

  it('404 for a code the entity does not report, 409 before any event of the condition', async () => {
    const conditions = await seen();
    expect((await refusal(runConditionOperation(conditions, caller('Good'), 'pump', 'acknowledge_fault', { fault_code: 'NOPE' }))).status).toBe(404);
    expect((await refusal(runConditionOperation(conditions, caller('Good'), 'plc', 'acknowledge_fault', { fault_code: 'PUMP' }))).status).toBe(404);
    const e = await refusal(runConditionOperation(conditions, caller('Good'), 'plc', 'acknowledge_fault', { fault_code: 'HOT' }));
    expect(e.status).toBe(409);
    expect(e.code).toBe('x-medkit-opcua-condition-unknown');
  });

  it('maps the server refusal: state → 409, access → 403, others → 502, with the StatusCode name', async () => {
    const conditions = await seen();
    for (const [status, http] of [['BadConditionBranchAlreadyAcked', 409], ['BadEventIdUnknown', 409], ['BadUserAccessDenied', 403], ['BadMethodInvalid', 502], ['BadInternalError', 502]] as const) {
      const e = await refusal(runConditionOperation(conditions, caller(status), 'pump', 'acknowledge_fault', { fault_code: 'PUMP' }));
      expect(e.status, status).toBe(http);
      expect(e.code).toBe('x-medkit-opcua-condition-refused');
      expect(e.parameters).toMatchObject({ status_code: status, fault_code: 'PUMP' });
      expect(e.message).toContain(status);
    }
  });
});

describe('alarm configuration keys', () => {
  const refused = async (extra: Record<string, unknown>, key: string) => {
    const err = await config(extra).then(() => undefined, (e: unknown) => e);
    expect(err, key).toBeInstanceOf(OpcuaConfigError);
    expect((err as OpcuaConfigError).key).toBe(key);
    return err as OpcuaConfigError;
  };

  it('documented defaults', async () => {
    const c = await config();
    expect(c).toMatchObject({ auto_alarms: false, auto_alarms_max: 500, require_confirm_for_clear: true, condition_replay_strategy: 'auto' });
    expect(c.event_alarms).toEqual([
      { alarm_source: 'ns=1;s=Hot', fault_code: 'HOT', message: undefined, require_confirm_for_clear: true },
      { alarm_source: 'ns=1;s=PumpAlarm', fault_code: 'PUMP', message: undefined, entity_id: 'pump', require_confirm_for_clear: false },
    ]);
    const top = await config({ require_confirm_for_clear: false });
    expect(top.event_alarms[0].require_confirm_for_clear).toBe(false);
  });

  it('entity_id must be an App of the node map or the component', async () => {
    const alarms = (entity_id: unknown) => ({ event_alarms: [{ alarm_source: 'ns=1;s=Hot', fault_code: 'HOT', entity_id }] });
    expect((await config(alarms('plc'))).event_alarms[0].entity_id).toBe('plc');
    const e = await refused(alarms('tank_process'), 'event_alarms[0].entity_id');
    expect(e.message).toContain('not an App of the node map');
    await refused(alarms('../x'), 'event_alarms[0].entity_id');
    await refused(alarms(['pump']), 'event_alarms[0].entity_id');
  });

  it('refuses the replaced require_ack_for_clear with a message naming its successor', async () => {
    const e = await refused({ event_alarms: [{ alarm_source: 'ns=1;s=Hot', fault_code: 'HOT', require_ack_for_clear: true }] }, 'event_alarms[0].require_ack_for_clear');
    expect(e.message).toContain('require_confirm_for_clear');
  });

  it('bounds and enumerations of the new keys', async () => {
    await refused({ condition_replay_strategy: 'refresh' }, 'condition_replay_strategy');
    await refused({ auto_alarms: 'yes' }, 'auto_alarms');
    await refused({ auto_alarms_max: 0 }, 'auto_alarms_max');
    await refused({ auto_alarms_max: 10_001 }, 'auto_alarms_max');
    await refused({ require_confirm_for_clear: 1 }, 'require_confirm_for_clear');
    await refused({ event_alarms: [{ alarm_source: 'ns=1;s=Hot', fault_code: 'HOT', require_confirm_for_clear: 'no' }] }, 'event_alarms[0].require_confirm_for_clear');
    for (const s of ['method', 'read', 'auto', 'off']) expect((await config({ condition_replay_strategy: s })).condition_replay_strategy).toBe(s);
  });

  it('auto_alarms alone is something to bridge', async () => {
    const c = await parseOpcuaConfig({ endpoint_url: 'opc.tcp://h:1', auto_alarms: true }, {});
    expect(c.auto_alarms).toBe(true);
    await expect(parseOpcuaConfig({ endpoint_url: 'opc.tcp://h:1' }, {})).rejects.toThrow(OpcuaConfigError);
  });
});
