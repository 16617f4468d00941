// The opcua fault mapper's rules (unit level; the end-to-end path through a real server and the fault
// manager is in opcua.test.ts): the alarm state machine of docs/opcua.md, ConditionRefresh brackets,
// severity mapping and threshold edges.
import { describe, expect, it } from 'vitest';
import { parseOpcuaConfig } from '../src/config.js';
import { OpcuaFaults, severityOf, type AlarmEvent } from '../src/faults.js';
import type { PluginFaultReport } from '@medkit/plugin-api';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

async function mapper(extra: Record<string, unknown> = {}) {
  const cfg = await parseOpcuaConfig(
    {
      endpoint_url: 'opc.tcp://127.0.0.1:4840',
      component_id: 'plc',
      nodes: [{ node_id: 'ns=1;s=P', data_name: 'pressure', alarm: { fault_code: 'OVERPRESSURE', threshold: 5 } }],
      event_alarms: [
        { alarm_source: 'ns=1;s=Hot', fault_code: 'HOT' },
        { alarm_source: 'ns=1;s=Pump', fault_code: 'PUMP', severity_override: 'WARNING' },
      ],
      ...extra,
    },
    {},
  );
  const log: string[] = [];
  const sink = {
    report: (r: PluginFaultReport) => (log.push(`${r.event} ${r.fault_code}${r.event === 'FAILED' ? ` ${r.severity} ${r.entity_id} ${r.description}` : ''}`), true),
    clear: (c: string) => (log.push(`CLEAR ${c}`), true),
  };
  return { f: new OpcuaFaults(cfg, sink, silent, (s) => s.replace(/^(?!ns=)/, 'ns=0;')), log };
}

const ev = (condition: string, active: boolean, extra: AlarmEvent = {}): AlarmEvent => ({
  EventType: 'ns=0;i=2915',
  ConditionId: condition,
  SourceNode: 'ns=1;s=PLC',
  BranchId: 'ns=0;i=0',
  'EnabledState.Id': true,
  'ActiveState.Id': active,
  'AckedState.Id': active ? false : true,
  Severity: 700,
  Message: 'too hot',
  ...extra,
});

describe('opcua fault mapping', () => {
  it('maps OPC-UA severities 1–1000 to fault severities', () => {
    expect([1, 200, 201, 500, 501, 800, 801, 1000].map(severityOf)).toEqual(['INFO', 'INFO', 'WARNING', 'WARNING', 'ERROR', 'ERROR', 'CRITICAL', 'CRITICAL']);
  });

  it('raises an active alarm on its component and heals it (PASSED, then clear) when it goes inactive', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Hot', true));
    f.onEvent(ev('ns=1;s=Hot', false));
    expect(log).toEqual(['FAILED HOT ERROR plc too hot', 'PASSED HOT', 'CLEAR HOT']);
    expect(f.active.size).toBe(0);
  });

  it('ignores branches, non-conditions and unmapped conditions; never clears what it did not raise', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Hot', true, { BranchId: 'ns=1;i=77' }));
    f.onEvent(ev('ns=0;i=0', true));
    f.onEvent({ EventType: 'ns=0;i=2041', ConditionId: null });
    f.onEvent(ev('ns=1;s=Other', true));
    f.onEvent(ev('ns=1;s=Hot', false));
    expect(log).toEqual([]);
  });

  it('heals a disabled alarm; keeps an alarm that needs its acknowledgement until acked', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Hot', true));
    f.onEvent(ev('ns=1;s=Hot', true, { 'EnabledState.Id': false }));
    f.onEvent(ev('ns=1;s=Pump', true, { Severity: 900 }));
    f.onEvent(ev('ns=1;s=Pump', false, { 'AckedState.Id': false }));
    f.onEvent(ev('ns=1;s=Pump', false, { 'AckedState.Id': true }));
    expect(log).toEqual(['FAILED HOT ERROR plc too hot', 'PASSED HOT', 'CLEAR HOT', 'FAILED PUMP WARNING plc too hot', 'PASSED PUMP', 'CLEAR PUMP']);
  });

  it('after a ConditionRefresh heals raised alarms the refresh no longer reports', async () => {
    const { f, log } = await mapper();
    f.onEvent(ev('ns=1;s=Hot', true));
    f.onEvent(ev('ns=1;s=Pump', true));
    log.length = 0;
    f.onEvent({ EventType: 'ns=0;i=2787', ConditionId: null });
    f.onEvent(ev('ns=1;s=Pump', true));
    f.onEvent({ EventType: 'ns=0;i=2788', ConditionId: null });
    expect(log).toEqual(['PASSED HOT', 'CLEAR HOT']); // PUMP is still active: no second FAILED
  });

  it('edge-triggers threshold rules; undecidable values keep the state', async () => {
    const { f, log } = await mapper();
    const node = (await parseOpcuaConfig({ endpoint_url: 'opc.tcp://h:1', nodes: [{ node_id: 'i=1', data_name: 'pressure', alarm: { fault_code: 'OVERPRESSURE', threshold: 5 } }] }, {})).nodes[0];
    for (const v of [1, 6, 7, 'garbage', null, 4, 3]) f.onValue(node, v);
    expect(log).toEqual(['FAILED OVERPRESSURE ERROR plc pressure above 5: 6', 'PASSED OVERPRESSURE', 'CLEAR OVERPRESSURE']);
  });

  it('takes over its faults left active by an earlier run and heals them', async () => {
    const { f, log } = await mapper();
    const node = (await parseOpcuaConfig({ endpoint_url: 'opc.tcp://h:1', nodes: [{ node_id: 'i=1', data_name: 'pressure', alarm: { fault_code: 'OVERPRESSURE', threshold: 5 } }] }, {})).nodes[0];
    f.adopt(['OVERPRESSURE', 'HOT', 'PLC_COMMS_LOST', 'SOMEONE_ELSES'].map((code) => ({ code, entity: 'plc' })));
    f.onValue(node, 3);
    f.onEvent({ EventType: 'ns=0;i=2787', ConditionId: null });
    f.onEvent({ EventType: 'ns=0;i=2788', ConditionId: null });
    f.onUp();
    expect(log).toEqual(['PASSED OVERPRESSURE', 'CLEAR OVERPRESSURE', 'PASSED HOT', 'CLEAR HOT', 'PASSED PLC_COMMS_LOST', 'CLEAR PLC_COMMS_LOST']);
    expect(f.active.size).toBe(0);
  });
});
