// The one start-up summary: where it listens, where the docs are, where data lives, which ROS domain,
// which discovery mode, and what each feature reports (entity counts first).
import type { Gateway } from '@medkit/gateway';
import { DISCOVERY_KEYS, nativePartsSummary, ROS_KEYS } from '@medkit/gateway';

export function formatSummary(gateway: Gateway, url: string): string {
  const { config } = gateway.ctx;
  // The address actually bound; for a wildcard, also a local URL that works for this machine.
  const wildcard = /:\/\/(0\.0\.0\.0|\[::\])(:|$)/.test(url);
  const base = wildcard ? url.replace(/:\/\/(0\.0\.0\.0|\[::\])/, '://127.0.0.1') : url;
  const rosEnabled = config.read(ROS_KEYS, 'ros.enabled');
  const rows: [string, string][] = [
    ['listening', wildcard ? `${url}/api/v1 (all interfaces; on this machine ${base}/api/v1)` : `${url}/api/v1`],
    ['docs', config.get('docs.enabled') ? `${base}/docs (OpenAPI: ${base}/api/v1/docs)` : 'disabled'],
    ['data dir', gateway.ctx.dataDir],
    // The runtime, the SQLite driver and the RTPS path (addon or JavaScript), as /health's x-medkit-runtime.
    ['runtime', nativePartsSummary()],
    [
      'ROS domain',
      rosEnabled ? `${config.read(ROS_KEYS, 'ros.domain_id')}${config.read(ROS_KEYS, 'ros.localhost_only') ? ' (localhost only)' : ''}` : 'not joined (--no-ros)',
    ],
    ['discovery', `${config.read(DISCOVERY_KEYS, 'discovery.mode')}${config.read(DISCOVERY_KEYS, 'discovery.manifest_path') ? ` (manifest ${config.read(DISCOVERY_KEYS, 'discovery.manifest_path')})` : ''}`],
    ...gateway.summary(),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `medkit gateway ready\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
