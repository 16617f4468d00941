// The PluginContext members that read the gateway itself (plugin-api host-access.ts, docs/plugins.md): its metrics
// registry as structured values, a data directory per plugin, and the TLS client settings of its outgoing links.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readOutboundTls, str } from '@medkit/kit';
import { METRICS_SERVICE, type ServiceRegistry } from '@medkit/server';
import type { PluginClientTls, PluginMetricFamily, PluginMetricsAccess, PluginMetricType, PluginTlsLink } from '@medkit/plugin-api';
import type { GatewayConfig } from '../config/index.js';

const TYPES: readonly PluginMetricType[] = ['counter', 'gauge', 'histogram', 'summary'];

/** prom-client's JSON form of one family (its declared types name the enum; at run time `type` is the text). */
interface PromFamily {
  name: string;
  help: string;
  type: unknown;
  values: { value: number; labels: Record<string, string | number | undefined>; metricName?: string }[];
}

/** The registry `/metrics` serves, read through prom-client's own JSON form; undefined while metrics are off. */
export function metricsAccess(services: ServiceRegistry): PluginMetricsAccess | undefined {
  const m = services.find(METRICS_SERVICE);
  if (!m) return undefined;
  return {
    async collect(): Promise<PluginMetricFamily[]> {
      const families = (await m.registry.getMetricsAsJSON()) as unknown as PromFamily[];
      const out: PluginMetricFamily[] = [];
      for (const f of families) {
        const type = String(f.type) as PluginMetricType;
        if (!TYPES.includes(type)) continue;
        out.push({
          name: f.name,
          help: f.help,
          type,
          samples: f.values.map((v) => ({
            name: v.metricName ?? f.name,
            labels: Object.fromEntries(Object.entries(v.labels ?? {}).filter(([, x]) => x !== undefined).map(([k, x]) => [k, String(x)])),
            value: v.value,
          })),
        });
      }
      return out;
    },
  };
}

/** `<data_dir>/plugins/<name>`, created when first asked; a name that is not a plain file name is made one. */
export function pluginDataDir(dataDir: string, plugin: string): string {
  const safe = plugin.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  const dir = join(dataDir, 'plugins', safe);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * The links' file keys, declared by the features that own them: aggregation (a sibling folder plugins may not import)
 * and @medkit/fleet-link (a package the gateway does not depend on; the `medkit` command composes both). Read
 * through this table they answer what those features registered, or nothing without them.
 */
const LINK_TLS_KEYS = {
  'fleet.nats.ca_file': str('', ''),
  'fleet.nats.cert_file': str('', ''),
  'fleet.nats.key_file': str('', ''),
  'aggregation.ca_file': str('', ''),
  'aggregation.client_cert_file': str('', ''),
  'aggregation.client_key_file': str('', ''),
};

const LINKS: readonly PluginTlsLink[] = ['fleet.nats', 'aggregation'];

/** The files of one link, read and checked as the link itself reads them (kit's readOutboundTls: throws naming the key). */
function linkTls(config: GatewayConfig, link: PluginTlsLink): PluginClientTls | undefined {
  const agg = { ca: 'aggregation.ca_file', cert: 'aggregation.client_cert_file', key: 'aggregation.client_key_file' } as const;
  const nats = { ca: 'fleet.nats.ca_file', cert: 'fleet.nats.cert_file', key: 'fleet.nats.key_file' } as const;
  const keys = link === 'aggregation' ? agg : nats;
  const m = readOutboundTls(config, LINK_TLS_KEYS, keys);
  if (!m) return undefined;
  return { link, ...m, keys: { ...(m.ca ? { ca: keys.ca } : {}), ...(m.cert ? { cert: keys.cert, key: keys.key } : {}) } };
}

/** The link asked for, or the first of fleet.nats, aggregation with any file set. */
export function clientTls(config: GatewayConfig, link?: PluginTlsLink): PluginClientTls | undefined {
  if (link !== undefined) {
    if (!LINKS.includes(link)) throw new Error(`unknown link '${String(link)}' (one of ${LINKS.join(', ')})`);
    return linkTls(config, link);
  }
  for (const l of LINKS) {
    const t = linkTls(config, l);
    if (t) return t;
  }
  return undefined;
}
