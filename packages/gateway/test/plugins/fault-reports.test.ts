// The [ours] fault seam of the plugin context: reportFault goes to the gateway's own fault manager
// (validated, listed under the reporting entity), clearFault clears only the plugin's own codes, including
// codes its entities reported in an earlier run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginContext, type PluginModule } from '@medkit/plugin-api';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { startPluginGateway } from '../support/plugin-gateway.js';
import { eventually, http } from '../../../../test-support/gateway/ros-robot.js';

class Reporter implements MedkitPlugin {
  ctx?: PluginContext;
  name() {
    return 'reporter';
  }
  configure() {}
  setContext(ctx: PluginContext) {
    this.ctx = ctx;
  }
  introspect() {
    return { new_entities: { components: [{ id: 'cell_plc', name: 'Cell PLC', external: true }] } };
  }
}

const plugin = new Reporter();
const module: PluginModule = { pluginApiVersion: PLUGIN_API_VERSION, createPlugin: () => plugin, getIntrospectionProvider: () => plugin };

let g: TestGateway;
beforeAll(async () => {
  g = await startPluginGateway('reporter', module);
  await eventually(async () => (await http(`${g.url}/api/v1/components/cell_plc`)).status === 200, 'the plugin component');
}, 120_000);
afterAll(async () => {
  await g?.close();
});

const codes = async () => ((await http(`${g.url}/api/v1/components/cell_plc/faults`)).body.items as { fault_code: string }[]).map((f) => f.fault_code);

describe('plugin fault reports', () => {
  it('raises a fault under the reporting entity and clears only its own codes', async () => {
    const ctx = plugin.ctx!;
    expect(ctx.reportFault({ fault_code: 'CELL_DOOR_OPEN', event: 'FAILED', severity: 'ERROR', description: 'door open', entity_id: 'cell_plc' })).toBe(true);
    expect(await codes()).toContain('CELL_DOOR_OPEN');
    expect(ctx.reportFault({ fault_code: 'BAD CODE', event: 'FAILED', entity_id: 'cell_plc' })).toBe(false);
    expect(ctx.clearFault('NEVER_REPORTED')).toBe(false);

    // Another source's fault is not the plugin's to clear; a code its entity reported earlier is.
    const faults = g.gateway.ctx.services.get(FAULTS_SERVICE);
    faults.report({ fault_code: 'ROBOT_ESTOP', event_type: 0, severity: 2, description: 'e-stop', source_id: '/robot/safety' });
    faults.report({ fault_code: 'CELL_LIGHT_CURTAIN', event_type: 0, severity: 2, description: 'earlier run', source_id: 'cell_plc' });
    expect(ctx.clearFault('ROBOT_ESTOP')).toBe(false);
    expect(faults.manager.getFault('ROBOT_ESTOP')?.status).toBe('CONFIRMED');
    expect(ctx.clearFault('CELL_LIGHT_CURTAIN')).toBe(true);

    expect(ctx.clearFault('CELL_DOOR_OPEN')).toBe(true);
    expect(await codes()).not.toContain('CELL_DOOR_OPEN');
    expect(faults.manager.getFault('CELL_DOOR_OPEN')?.status).toBe('CLEARED');
  });

  it('lists an entity\'s faults of every status to the plugin, and only that entity\'s', async () => {
    const ctx = plugin.ctx!;
    expect(ctx.reportFault({ fault_code: 'CELL_FAN_STALLED', event: 'FAILED', severity: 'ERROR', description: 'fan', entity_id: 'cell_plc' })).toBe(true);
    const listed = () => (ctx.listEntityFaults('cell_plc') as { fault_code: string; 'x-medkit'?: { status?: string } }[]);
    expect(listed().map((f) => f.fault_code)).toContain('CELL_FAN_STALLED');
    expect(listed().map((f) => f.fault_code)).not.toContain('ROBOT_ESTOP');
    // A cleared fault stays listed with its status, as listAllFaults does; callers filter.
    expect(listed().find((f) => f.fault_code === 'CELL_DOOR_OPEN')?.['x-medkit']?.status).toBe('CLEARED');
    expect(ctx.listEntityFaults('no_such_entity')).toEqual([]);
  });
});
