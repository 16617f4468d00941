// TLS of the `https:` endpoints (docs/logs-export.md, "HTTPS and mutual TLS"): the gateway's own TLS client settings
// of an outgoing link (fleet.nats.* or aggregation.*, via the plugin context) by default, the plugin's `tls.*` files
// over them. A file that cannot be read throws (naming the key) in setContext, which disables the plugin: it never
// falls back to sending in the clear or unverified.
import { rootCertificates } from 'node:tls';
import type { PluginContext } from '@medkit/plugin-api';
import type { OtlpSettings } from './config.js';

/** What the HTTPS agents get, and where each part came from (shown on /x-medkit-otlp). */
export interface EndpointTls {
  agent?: { ca?: Buffer | (string | Buffer)[]; cert?: Buffer; key?: Buffer };
  /** `tls.ca_file`, a gateway key (`aggregation.ca_file`, …), or `system`. */
  ca: string;
  /** `tls.cert_file`, a gateway key, or `none`. */
  client_cert: string;
}

export function resolveTls(s: OtlpSettings, ctx: PluginContext): EndpointTls {
  const own = s.tls;
  const https = [...s.endpoints.map((e) => e.url), ...s.endpoints.map((e) => e.metricsUrl ?? '')].some((u) => u.startsWith('https:'));
  // Only asked when it would be used: a broken fleet CA does not stop a plugin that sends over http://.
  const wanted = https && s.tls.inherit !== 'none' && !(own.ca && own.cert);
  const link = s.tls.inherit === 'auto' || s.tls.inherit === 'none' ? undefined : s.tls.inherit;
  const inherited = wanted ? ctx.clientTls?.(link) : undefined;
  // The gateway's CA is added to the system's rather than replacing them: it was chosen for another link, and an
  // endpoint on a public CA (a cloud collector) must keep working. The plugin's own tls.ca_file is the only CA.
  const ca = own.ca ?? (inherited?.ca ? [...rootCertificates, inherited.ca] : undefined);
  const pair = own.cert && own.key ? { cert: own.cert, key: own.key } : inherited?.cert && inherited.key ? { cert: inherited.cert, key: inherited.key } : undefined;
  return {
    ...(ca || pair ? { agent: { ...(ca ? { ca } : {}), ...pair } } : {}),
    ca: own.ca ? 'tls.ca_file' : (inherited?.keys.ca ? `${inherited.keys.ca} (and the system CAs)` : 'system'),
    client_cert: own.cert ? 'tls.cert_file' : (inherited?.keys.cert ?? 'none'),
  };
}

/** The exporter's `httpAgentOptions` for one URL: only `https:` URLs with TLS material get an agent of their own. */
export function agentOptions(url: string, tls: EndpointTls): { httpAgentOptions?: Record<string, unknown> } {
  return url.startsWith('https:') && tls.agent ? { httpAgentOptions: { keepAlive: true, ...tls.agent } } : {};
}
