// The manifest mode table of an entity (`modes:` on an app or component, docs/sovd-resources.md):
//   modes:
//     drive_mode: { name: Drive mode, values: [manual, auto, docked], default: manual }
// Parsed defensively: the block is user input, so sizes are capped and bad entries are reported, not fatal.

/** One declared mode. */
export interface ModeDefinition {
  id: string;
  name: string;
  values: string[];
  default: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** At most this many modes per entity and values per mode. */
const MAX_MODES = 32;
export const MAX_VALUES = 64;

/** The mode table of a raw `modes` block; `problems` names what was skipped. */
export function parseModeTable(block: Record<string, unknown> | undefined): { modes: ModeDefinition[]; problems: string[] } {
  const modes: ModeDefinition[] = [];
  const problems: string[] = [];
  for (const [id, raw] of Object.entries(block ?? {})) {
    if (modes.length >= MAX_MODES) {
      problems.push(`more than ${MAX_MODES} modes: the rest are ignored`);
      break;
    }
    if (!ID.test(id) || id === LIFECYCLE_MODE) {
      problems.push(`mode id '${id.slice(0, 64)}' is not allowed (1-64 of A-Z a-z 0-9 _ -, not '${LIFECYCLE_MODE}')`);
      continue;
    }
    const def = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const values = Array.isArray(def.values) ? def.values.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64) : [];
    if (values.length === 0 || values.length > MAX_VALUES || values.length !== (def.values as unknown[]).length) {
      problems.push(`mode '${id}': values must be 1-${MAX_VALUES} strings of 1-64 characters`);
      continue;
    }
    const dflt = typeof def.default === 'string' ? def.default : values[0];
    if (!values.includes(dflt)) {
      problems.push(`mode '${id}': default '${String(def.default).slice(0, 64)}' is not one of its values`);
      continue;
    }
    modes.push({ id, name: typeof def.name === 'string' && def.name ? def.name : id, values: [...new Set(values)], default: dflt });
  }
  return { modes, problems };
}

/** The built-in mode every app and component has: its ROS 2 lifecycle state. */
export const LIFECYCLE_MODE = 'lifecycle';
