// What to do with a configured key no key table declares (issue 31 point 6). Ignoring it with a warning
// suits keys of the reference stack medkit does not implement (a migrated `fault_manager.use_sim_time`),
// but not a misspelt protection: `scripts.sandbox.mod=strict` or `auth.enable` would leave the gateway
// other than asked. A key is refused when
//   - it lies in a section made only of keys that guard security or a limit (`scripts.limits.disk_gb`,
//     `server.tls.require_client_certs`, any unknown `auth.*`, `scripts.*`): such a section is complete, or
//   - it is spelt like such a key, wherever it lies (`scritps.sandbox.mode`, `server.allowed_host`).
// Everything else is reported and ignored. Plugins' sections are checked against what each plugin declares.
import { editDistance } from '@medkit/sovd';
import type { KeySpec } from '@medkit/kit';

/** The verdict on one unknown key. */
export interface UnknownKeyVerdict {
  refuse: boolean;
  /** Why it is refused (a sentence naming the section or the guarded key it is spelt like). */
  why?: string;
  /** The declared key it is most likely a misspelling of. */
  near?: string;
}

/** Edits that still make a misspelling (`enable`/`enabled`, `mod`/`mode`, `sandbox`/`sanbdox`). */
const MAX_TYPO_EDITS = 2;

/** The declared key closest to `key` within MAX_TYPO_EDITS (guarded keys win ties), if any. */
export function nearestKey(key: string, declared: readonly string[], isGuarded: (k: string) => boolean = () => false): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of declared) {
    const d = editDistance(key, k, MAX_TYPO_EDITS);
    const score = d * 2 + (isGuarded(k) ? 0 : 1);
    if (d <= MAX_TYPO_EDITS && score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The section an unknown key falls in: its longest dotted prefix under which keys are declared, and the keys
 * that make it up (the section's own keys, or all below it when it only has subsections).
 */
function sectionOf(key: string, keys: readonly string[]): { name: string; members: string[] } | undefined {
  const parts = key.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const name = parts.slice(0, n).join('.');
    const below = keys.filter((k) => k.startsWith(`${name}.`));
    if (below.length === 0) continue;
    const own = below.filter((k) => !k.slice(name.length + 1).includes('.'));
    return { name, members: own.length > 0 ? own : below };
  }
  return undefined;
}

/** Decides whether start-up stops for `key`, which none of `keys` declares. */
export function judgeUnknownKey(key: string, keys: Readonly<Record<string, KeySpec>>): UnknownKeyVerdict {
  const names = Object.keys(keys);
  const isGuarded = (k: string) => keys[k]?.guards !== undefined;
  const near = nearestKey(key, names, isGuarded);
  const section = sectionOf(key, names);
  if (section && section.members.every(isGuarded)) {
    return { refuse: true, why: `every ${section.name}.* key guards security or a limit, and one that is not honoured would leave the gateway other than asked`, ...(near ? { near } : {}) };
  }
  if (near && isGuarded(near)) return { refuse: true, why: `it is spelt like '${near}', which guards ${keys[near].guards === 'limit' ? 'a limit' : 'security'}`, near };
  return { refuse: false, ...(near ? { near } : {}) };
}
