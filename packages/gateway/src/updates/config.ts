// Configuration keys of the software-updates feature (docs/updates.md); [ours] marks additions.
import { bool, guarded, int, str, type KeySpec } from '@medkit/kit';

export const UPDATES_KEYS = {
  'updates.enabled': guarded('security', bool(false, 'Serve /updates with the configured provider (false: every update route answers 501).')),
  'updates.packages_dir': guarded('security', str('', '[ours] Directory the built-in script provider resolves package step `path`s against (empty = <data_dir>/updates).')),
  'updates.step_timeout_sec': guarded('limit', int(3600, '[ours] Timeout of one prepare/execute script of the built-in provider when the package does not set timeout_sec.', {
    min: 1,
    max: 86400,
  })),
} satisfies Record<string, KeySpec>;
