// The otlp_export built-in plugin (docs/logs-export.md), enabled by naming it in `plugins`: the gateway's log entries
// and fault events as OpenTelemetry log records over OTLP/HTTP. A gateway that does not name it never loads it.
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginModule } from '@medkit/plugin-api';
import { OTLP_CONFIG_KEYS } from './config.js';
import { OTLP_PLUGIN, OtlpExportPlugin, type OtlpPluginOptions } from './plugin.js';

export { OTLP_PLUGIN, OtlpExportPlugin, OTLP_CONFIG_KEYS };
export type { OtlpPluginOptions, OtlpStatus } from './plugin.js';
export type { EndpointStatus, DropReason } from './pipeline.js';
export type { MetricsStatus, MetricsEndpointStatus, MetricsFailure } from './metrics.js';
export { logRecordOf, faultRecordOf, faultEventName, SEVERITY_NUMBER } from './records.js';

const STATUS_ROUTE = {
  get: {
    summary: '[x-medkit] OTLP log export: records observed, and per endpoint queued, sent and dropped by reason',
    responses: { '200': { description: 'Counters of the otlp_export plugin', content: { 'application/json': { schema: { type: 'object' } } } } },
  },
};

/** The plugin module; `serviceVersion` is the medkit version the records' resource names. */
export function otlpExportModule(opts: OtlpPluginOptions = {}): PluginModule {
  return {
    pluginApiVersion: PLUGIN_API_VERSION,
    createPlugin: () => new OtlpExportPlugin(opts),
    getLogProvider: (p: MedkitPlugin) => p as OtlpExportPlugin,
    describePluginRoutes: () => ({ 'x-medkit-otlp': STATUS_ROUTE }),
    configKeys: OTLP_CONFIG_KEYS,
  };
}
export { SYSLOG_PLUGIN, SD_ID, formatRfc5424, syslogExportModule } from './syslog.js';
