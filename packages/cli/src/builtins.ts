// The plugins the `medkit` command ships (docs/plugins.md), enabled by naming them in `plugins`. Each is its
// own package built on @medkit/plugin-api alone, imported only when a configuration enables it: a gateway
// that does not name OPC-UA never loads node-opcua.
import { GATEWAY_VERSION, type BuiltinPluginCatalog } from '@medkit/gateway';

export const BUILTIN_PLUGINS: BuiltinPluginCatalog = {
  parameter_beacon: async () => (await import('@medkit/plugin-beacons')).parameterBeaconModule(),
  topic_beacon: async () => (await import('@medkit/plugin-beacons')).topicBeaconModule(),
  procfs_introspection: async () => (await import('@medkit/plugin-linux')).procfsModule(),
  systemd_introspection: async () => (await import('@medkit/plugin-linux')).systemdModule(),
  container_introspection: async () => (await import('@medkit/plugin-linux')).containerModule(),
  graph_provider: async () => (await import('@medkit/plugin-graph')).graphProviderModule,
  graph_watchdog: async () => (await import('@medkit/plugin-graph')).graphWatchdogModule,
  opcua: () => import('@medkit/plugin-opcua'),
  otlp_export: async () => (await import('@medkit/plugin-otlp')).otlpExportModule({ serviceVersion: GATEWAY_VERSION }),
  syslog_export: async () => (await import('@medkit/plugin-otlp')).syslogExportModule(),
};

export const BUILTIN_PLUGIN_NAMES: readonly string[] = Object.keys(BUILTIN_PLUGINS);
