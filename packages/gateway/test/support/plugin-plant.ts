// A plugin that owns a small plant (an external component and its apps) and serves each app's data items from
// a table the test changes, plus a real gateway (default features, no ROS) with it loaded in-process. For tests
// of what the gateway does with plugin data: fault-trigger rules, entity freeze frames.
import { loadConfig, type FlatConfig } from '../../src/config/index.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { createPluginsFeature } from '../../src/plugins/feature.js';
import { PLUGIN_API_VERSION, PluginError, type JsonValue, type MedkitPlugin, type PluginContext, type PluginEntityRef, type PluginModule } from '@medkit/plugin-api';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../../test-support/gateway/ros-robot.js';

/** App id → data item → value; an app in `down` answers its last values with `connected: false`. */
export interface Plant {
  component: string;
  apps: Record<string, Record<string, JsonValue>>;
  down: Set<string>;
}

export class PlantPlugin implements MedkitPlugin {
  ctx?: PluginContext;
  constructor(readonly plant: Plant) {}
  name() {
    return 'plant';
  }
  configure() {}
  setContext(ctx: PluginContext) {
    this.ctx = ctx;
  }
  introspect() {
    return {
      new_entities: {
        components: [{ id: this.plant.component, name: this.plant.component, external: true }],
        apps: Object.keys(this.plant.apps).map((id) => ({ id, name: id, component_id: this.plant.component })),
      },
    };
  }
  listData(e: PluginEntityRef): JsonValue {
    return { items: Object.keys(this.plant.apps[e.id] ?? {}).map((id) => ({ id, name: id })) };
  }
  readData(e: PluginEntityRef, name: string): JsonValue {
    const values = this.plant.apps[e.id] ?? {};
    if (!(name in values)) throw new PluginError('resource-not-found', `no data item '${name}'`, 404);
    return { id: name, data: values[name], 'x-medkit': { connected: !this.plant.down.has(e.id), source_timestamp: '2026-08-27T10:00:00Z' } };
  }
  writeData(): JsonValue {
    return {};
  }
}

export function plantModule(plugin: PlantPlugin): PluginModule {
  return {
    pluginApiVersion: PLUGIN_API_VERSION,
    createPlugin: () => plugin,
    getIntrospectionProvider: (p) => p as PlantPlugin,
    getDataProvider: (p) => p as PlantPlugin,
  };
}

/** A default gateway (no ROS, no UI) with `plugin` loaded, once its first app is discovered. */
export async function startPlantGateway(plugin: PlantPlugin, opts: { dataDir?: string; flags?: FlatConfig } = {}): Promise<TestGateway> {
  const flags = { 'ros.enabled': false, 'ui.enabled': false, 'logging.level': 'silent', ...opts.flags } as FlatConfig;
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags });
  const features = defaultFeatures(config).map((f) => (f.name === 'plugins' ? createPluginsFeature({ plugins: [{ name: 'plant', module: plantModule(plugin) }] }) : f));
  const g = await startTestGateway({ features, flags, dataDir: opts.dataDir });
  const first = Object.keys(plugin.plant.apps)[0];
  await eventually(async () => (await http(`${g.url}/api/v1/apps/${first}`)).status === 200, 'the plugin app');
  return g;
}
