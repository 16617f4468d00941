/**
 * One manifest or fragment file → a draft with locations (docs/manifest.md).
 */
import { isMap } from 'yaml';
import { RULE, type IssueSink } from './issues.js';
import { readConfig, readMetadata } from './parse-config.js';
import { readApps, readAreas, readAssets, readComponents, readFunctions } from './parse-entities.js';
import { readScripts } from './parse-scripts.js';
import { emptyDraft, type ManifestDraft } from './types.js';
import { kindOf, MapReader, scalarText, YamlFile } from './yaml-reader.js';

/** Top-level keys of a base manifest. */
const MANIFEST_KEYS = [
  'manifest_version',
  'metadata',
  'config',
  'discovery',
  'areas',
  'components',
  'assets',
  'apps',
  'functions',
  'scripts',
  'capabilities',
] as const;

/** Keys a fragment may not set; each occurrence is a FRAGMENT_FORBIDDEN_FIELD error. */
const FRAGMENT_FORBIDDEN_KEYS = ['areas', 'metadata', 'discovery', 'config', 'scripts', 'capabilities', 'lock_overrides'];

/** Keys a fragment contributes. */
const FRAGMENT_KEYS = ['manifest_version', 'apps', 'components', 'functions'];

const SUPPORTED_MANIFEST_VERSION = '1.0';

/**
 * Parses one file. `kind = 'fragment'` applies the fragment rules (no areas/config/..., version optional).
 * Returns undefined when the file is not usable at all (syntax error, not a map).
 */
export function parseManifestText(file: string, text: string, issues: IssueSink, kind: 'base' | 'fragment'): ManifestDraft | undefined {
  const src = new YamlFile(file, text, issues);
  if (src.root === null) {
    if (!issues.hasErrors()) issues.error({ file, line: 1 }, kind === 'base' ? 'R001' : RULE.fragment, 'file is empty');
    return undefined;
  }
  if (!isMap(src.root)) {
    issues.error(src.loc(src.root), RULE.schema, `top level must be a map, got ${kindOf(src.root)}`);
    return undefined;
  }
  const top = new MapReader(src, src.root, (loc, msg) => issues.error(loc, RULE.schema, msg), kind === 'base' ? 'manifest' : 'fragment');
  checkVersion(top, issues, kind);
  const draft = emptyDraft();
  if (kind === 'base') {
    for (const k of top.keys()) {
      if (!(MANIFEST_KEYS as readonly string[]).includes(k)) {
        issues.advisory(top.at(k), RULE.unknownKey, `unknown top-level key '${k}' ignored (known keys: ${MANIFEST_KEYS.join(', ')})`);
      }
    }
    draft.metadata = readMetadata(top);
    draft.config = readConfig(top, issues);
    readAreas(top.maps('areas', 'area'), issues, undefined, draft.areas);
    readAssets(top.maps('assets', 'asset'), issues, draft.assets);
    readScripts(top.maps('scripts', 'script'), issues, draft.scripts);
    const caps = top.sub('capabilities');
    if (caps) draft.capabilities = caps.map.toJSON() as Record<string, unknown>;
  } else {
    for (const k of top.keys()) {
      if (FRAGMENT_FORBIDDEN_KEYS.includes(k)) {
        issues.error(top.at(k), RULE.fragmentForbidden, `fragments may not set '${k}' (fragments add only apps, components, functions)`);
      } else if (!FRAGMENT_KEYS.includes(k)) {
        issues.advisory(top.at(k), RULE.unknownKey, `unknown key '${k}' in fragment ignored (known keys: ${FRAGMENT_KEYS.join(', ')})`);
      }
    }
  }
  readComponents(top.maps('components', 'component'), issues, undefined, draft.components);
  readApps(top.maps('apps', 'app'), issues, draft.apps);
  readFunctions(top.maps('functions', 'function'), issues, draft.functions);
  return draft;
}

/** R001: `manifest_version` present and "1.0" (optional in fragments, but "1.0" when given). */
function checkVersion(top: MapReader, issues: IssueSink, kind: 'base' | 'fragment'): void {
  if (!top.has('manifest_version')) {
    if (kind === 'base') issues.error(top.loc, 'R001', `manifest_version is missing (must be "${SUPPORTED_MANIFEST_VERSION}")`);
    return;
  }
  const v = scalarText(top.node('manifest_version'));
  if (v !== SUPPORTED_MANIFEST_VERSION) {
    issues.error(top.at('manifest_version'), 'R001', `manifest_version '${v ?? kindOf(top.node('manifest_version'))}' is not supported (must be "${SUPPORTED_MANIFEST_VERSION}")`);
  }
}
