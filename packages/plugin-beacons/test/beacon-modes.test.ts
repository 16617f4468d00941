// The parameter beacon behaves the same in every discovery mode (docs/manifest.md [OURS], docs/beacons.md [OURS]):
// registered in-process like the built-in, with an injected client factory and a static graph, it
// enriches the App of the example AMR in manifest_only, hybrid and runtime_only, and its function
// membership reaches the manifest Function's hosts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginsFeature } from '@medkit/gateway';
import { createEntitiesFeature } from '@medkit/gateway';
import { parameterBeaconModule } from '../src/index.js';
import type { ParamClient } from '../src/parameter/poller.js';
import { graph, node, StaticGraphSource } from '../../../test-support/gateway/graph-fixtures.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';

const MANIFEST = fileURLToPath(new URL('../../../examples/amr/manifest.yaml', import.meta.url));

for (const [mode, appId] of [
  ['manifest_only', 'battery-monitor'],
  ['hybrid', 'battery-monitor'],
  ['runtime_only', 'battery_monitor'],
] as const) {
  describe(`parameter beacon in ${mode}`, () => {
    let g: TestGateway;
    const reads: string[] = [];
    beforeAll(async () => {
      const client = (fqn: string): ParamClient => ({
        read: async (prefix) => {
          reads.push(fqn);
          return [
            { name: `${prefix}.entity_id`, type: 4, value: appId },
            { name: `${prefix}.function_ids`, type: 9, value: ['perception'] },
            { name: `${prefix}.metadata.cells`, type: 4, value: '14' },
          ];
        },
        close: () => {},
      });
      const module = parameterBeaconModule({ clientFactory: () => ({ factory: client, close: () => {} }), graphNodes: () => ['/base/battery_monitor'] });
      g = await startTestGateway({
        features: [createPluginsFeature({ plugins: [{ name: 'parameter_beacon', module, config: { poll_interval_sec: 0.1 } }] }), createEntitiesFeature({ source: new StaticGraphSource(graph(node('/base/battery_monitor'))) })],
        flags: { 'discovery.mode': mode, ...(mode === 'runtime_only' ? {} : { 'discovery.manifest_path': MANIFEST }) },
      });
    });
    afterAll(async () => g?.close());

    it('enriches the app and its function', async () => {
      const d = await eventually(async () => {
        const r = await http(`${g.url}/api/v1/apps/${appId}`);
        return r.body?.['x-medkit']?.plugins?.parameter_beacon ? r.body : undefined;
      }, `beacon metadata on ${appId}`, 15_000);
      expect(d['x-medkit'].plugins.parameter_beacon).toMatchObject({ 'x-medkit-beacon-status': 'active', 'x-medkit-beacon-cells': '14', 'x-medkit-beacon-functions': ['perception'] });
      expect(reads[0]).toBe('/base/battery_monitor');
      expect((await http(`${g.url}/api/v1/apps/${appId}/x-medkit-param-beacon`)).body).toMatchObject({ entity_id: appId, metadata: { cells: '14' } });
      if (mode !== 'runtime_only') {
        const hosts = await http(`${g.url}/api/v1/functions/perception/hosts`);
        expect(hosts.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(['lidar-driver', 'battery-monitor']));
      }
    });
  });
}
