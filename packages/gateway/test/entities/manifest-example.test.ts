import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/entities/manifest/load.js';

describe('examples/amr manifest', () => {
  it('loads with its fragment, no errors and no warnings', async () => {
    const r = await loadManifest({ path: 'examples/amr/manifest.yaml', fragmentsDir: 'examples/amr/fragments' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.ok).toBe(true);
    const m = r.manifest!;
    expect(m.files).toEqual(['examples/amr/manifest.yaml', 'examples/amr/fragments/docking.yaml']);
    expect(m.metadata).toEqual({
      name: 'amr-example',
      version: '1.2.0',
      description: 'Differential-drive AMR with a front lidar, a battery pack and a safety controller',
    });
    expect(m.areas.map((a) => [a.id, a.parent_area_id, a.namespace])).toEqual([
      ['base', undefined, '/base'],
      ['power', 'base', '/base/power'],
      ['sensors', undefined, '/sensors'],
      ['navigation', undefined, '/navigation'],
      ['safety', undefined, '/safety'],
    ]);
    const gpu = m.components.find((c) => c.id === 'gpu-module')!;
    expect(gpu.parent_component_id).toBe('main-computer');
    expect(gpu.fqn).toBe('/gpu-module');
    const battery = m.components.find((c) => c.id === 'battery-pack')!;
    expect(battery.identity?.fields).toMatchObject({ serial_number: 'BP-2024-00731', firmware_version: '3.4.1', hardware_revision: 'C' });
    expect(battery.identity?.extra).toEqual({ chemistry: 'LiFePO4', nominal_voltage: '48' });
    expect(battery.identity?.provenance['extra.chemistry']).toBe('manifest');
    expect(m.components.find((c) => c.id === 'safety-controller')!.external).toBe(true);
    expect(m.components.find((c) => c.id === 'drive-controller')!.external).toBeUndefined();
    const lidar = m.apps.find((a) => a.id === 'lidar-driver')!;
    expect(lidar).toMatchObject({ source: 'manifest', component_id: 'lidar-unit', is_online: false, ros_binding: { node_name: 'lidar_driver', namespace: '/sensors' } });
    expect(m.apps.map((a) => a.id)).toContain('docking-controller');
    expect(m.functions.find((f) => f.id === 'autonomous-navigation')!.hosts).toEqual(['bt-navigator', 'controller-server', 'planner-server']);
    expect(m.config).toEqual({ unmanifested_nodes: 'warn', inherit_runtime_resources: true, allow_manifest_override: true });
  });
});
