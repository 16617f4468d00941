/**
 * Manifest `scripts[]` (docs/manifest.md): parsed always; the scripts feature decides whether to use them.
 */
import { RULE, type IssueSink } from './issues.js';
import type { Located, ManifestScript, ManifestScriptArg } from './types.js';
import type { MapReader } from './yaml-reader.js';

const FORMATS = ['bash', 'python', 'sh'] as const;
const ARG_TYPES = ['positional', 'named', 'flag'] as const;
const DEFAULT_TIMEOUT_SEC = 300;

export function readScripts(list: MapReader[], issues: IssueSink, out: Located<ManifestScript>[]): void {
  for (const m of list) {
    const id = m.str('id');
    const path = m.str('path');
    const format = m.str('format');
    if (id === undefined) {
      issues.error(m.loc, RULE.schema, "script without 'id'");
      continue;
    }
    if (!path) issues.error(m.loc, RULE.schema, `script '${id}' needs 'path'`);
    if (!format || !(FORMATS as readonly string[]).includes(format)) {
      issues.error(m.at('format'), RULE.schema, `script '${id}' 'format' must be one of ${FORMATS.join(', ')}`);
    }
    const timeout = m.num('timeout_sec');
    if (timeout !== undefined && timeout <= 0) issues.error(m.at('timeout_sec'), RULE.schema, `script '${id}' 'timeout_sec' must be > 0`);
    const args: ManifestScriptArg[] = [];
    for (const a of m.maps('args', `script '${id}' arg`)) {
      const name = a.str('name');
      const type = a.str('type') ?? 'positional';
      if (!name || !(ARG_TYPES as readonly string[]).includes(type)) {
        issues.error(a.loc, RULE.schema, `script '${id}' arg needs 'name' and a 'type' of ${ARG_TYPES.join(', ')}`);
        continue;
      }
      const arg: ManifestScriptArg = { name, type: type as ManifestScriptArg['type'] };
      const flag = a.str('flag');
      if (flag) arg.flag = flag;
      args.push(arg);
    }
    const script: ManifestScript = {
      id,
      name: m.str('name') || id,
      path: path ?? '',
      format: (format ?? 'sh') as ManifestScript['format'],
      timeout_sec: timeout && timeout > 0 ? timeout : DEFAULT_TIMEOUT_SEC,
      entity_filter: m.strList('entity_filter'),
      env: m.strMap('env'),
      args,
      managed: true,
    };
    const description = m.str('description');
    if (description) script.description = description;
    const schema = m.js('parameters_schema');
    if (schema !== undefined) script.parameters_schema = schema;
    out.push({ value: script, loc: m.loc, at: (k) => m.at(k) });
  }
}
