// A real gateway (default features, no ROS, no UI, silent) with one plugin module loaded in-process, the same
// contract a plugin file uses (docs/plugins.md): for tests of what the gateway does with a plugin.
import { loadConfig, type FlatConfig } from '../../src/config/index.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { createPluginsFeature } from '../../src/plugins/feature.js';
import type { PluginModule } from '@medkit/plugin-api';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';

export async function startPluginGateway(name: string, module: PluginModule, opts: { dataDir?: string; flags?: FlatConfig } = {}): Promise<TestGateway> {
  const flags = { 'ros.enabled': false, 'ui.enabled': false, 'logging.level': 'silent', ...opts.flags } as FlatConfig;
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags });
  const features = defaultFeatures(config).map((f) => (f.name === 'plugins' ? createPluginsFeature({ plugins: [{ name, module }] }) : f));
  return startTestGateway({ features, flags, dataDir: opts.dataDir });
}
