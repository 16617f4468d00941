/**
 * The manifest `config` block (deprecated alias `discovery`) and `metadata` (docs/manifest.md).
 * Problems here are advisory (R014/R015): they are logged and the default is used.
 */
import { isMap, type Node } from 'yaml';
import { RULE, type IssueSink } from './issues.js';
import { DEFAULT_MANIFEST_CONFIG, UNMANIFESTED_POLICIES, type ManifestConfig, type ManifestMetadata, type UnmanifestedPolicy } from './types.js';
import { kindOf, MapReader } from './yaml-reader.js';

const CONFIG_KEYS = ['unmanifested_nodes', 'inherit_runtime_resources', 'allow_manifest_override'];

/** Reads `config` (or `discovery`) from the top-level map. */
export function readConfig(top: MapReader, issues: IssueSink): ManifestConfig {
  const config = { ...DEFAULT_MANIFEST_CONFIG };
  const hasConfig = top.has('config');
  const hasDiscovery = top.has('discovery');
  let key: 'config' | 'discovery' | undefined = hasConfig ? 'config' : hasDiscovery ? 'discovery' : undefined;
  if (hasConfig && hasDiscovery) {
    issues.advisory(top.at('discovery'), RULE.unknownKey, "both 'config' and its deprecated alias 'discovery' are present; 'config' wins");
  } else if (hasDiscovery) {
    issues.advisory(top.at('discovery'), RULE.unknownKey, "'discovery' is a deprecated alias of 'config'");
  }
  if (key === undefined) return config;
  const node = top.node(key) as Node;
  if (!isMap(node)) {
    issues.advisory(top.at(key), 'R015', `'${key}' must be a map, got ${kindOf(node)}; defaults used`);
    key = undefined;
    return config;
  }
  const m = new MapReader(top.src, node, (loc, msg) => issues.advisory(loc, 'R015', msg + '; default used'), key);
  const policy = m.str('unmanifested_nodes');
  if (policy !== undefined) {
    if ((UNMANIFESTED_POLICIES as readonly string[]).includes(policy)) config.unmanifested_nodes = policy as UnmanifestedPolicy;
    else
      issues.advisory(
        m.at('unmanifested_nodes'),
        'R014',
        `unmanifested_nodes '${policy}' is not one of ${UNMANIFESTED_POLICIES.join(', ')}; using 'warn'`,
      );
  }
  const inherit = m.bool('inherit_runtime_resources');
  if (inherit !== undefined) config.inherit_runtime_resources = inherit;
  const override = m.bool('allow_manifest_override');
  if (override !== undefined) config.allow_manifest_override = override;
  for (const k of m.keys()) {
    if (!CONFIG_KEYS.includes(k)) issues.advisory(m.at(k), RULE.unknownKey, `unknown key '${k}' in '${key}' ignored (known: ${CONFIG_KEYS.join(', ')})`);
  }
  return config;
}

/** Reads `metadata` (all optional strings). */
export function readMetadata(top: MapReader): ManifestMetadata {
  const m = top.sub('metadata');
  const out: ManifestMetadata = {};
  if (!m) return out;
  for (const k of ['name', 'version', 'description', 'created_at'] as const) {
    const v = m.str(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
