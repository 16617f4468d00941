// What linters (Spectral's `oas` ruleset) and API browsers want of every operation and can't get from the
// route schemas alone: a description on every operation and a top-level `tags` entry, with a description,
// for every tag an operation uses. Applied to the generated document and again after plugin paths join it.
import type { OpenApiDocShape } from './openapi-components.js';

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Descriptions of the gateway's tags, in the order the document lists them. */
const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  server: 'Root overview, SOVD version info, health and this API description.',
  auth: 'Tokens: client-credentials authorization, refresh and revocation.',
  discovery: 'The entity tree: areas, components, apps, functions and their relations.',
  data: 'Data items (ROS topics): list, read the latest sample, publish; categories and groups.',
  'data-lists': 'Named lists of data items read together.',
  operations: 'Operations (ROS services and actions) and their executions.',
  configurations: 'Configurations (ROS parameters): read, write, reset.',
  faults: 'Faults of the fault manager: lists, details with environment data, snapshots, clearing, the event stream.',
  'bulk-data': 'Bulk data: fault recordings (rosbags) and uploaded files.',
  logs: 'Log entries (rosout) and the log configuration.',
  'communication-logs': 'Communication logs of an entity.',
  locks: 'Locks that reserve an entity for one client.',
  triggers: 'Triggers: conditions on resources, with an event stream each.',
  'fault-triggers': 'Fault-trigger rules: thresholds on data values that raise and clear faults.',
  'cyclic-subscriptions': 'Cyclic subscriptions: periodic resource values over an event stream.',
  scripts: 'Scripts uploaded to an entity and their executions.',
  updates: 'Software updates: register, prepare, execute.',
  status: 'Status and lifecycle transitions of apps and components.',
  modes: 'Modes of an entity.',
  'clear-data': 'Clearing cached and stored data of an entity.',
};

interface Operation {
  summary?: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  responses?: Record<string, { headers?: Record<string, unknown> } | undefined>;
}

/**
 * The `Location` a created (201) or accepted (202) answer carries: every such route sets it (the reference's
 * 0.7.0 derives it from the status; http/locations.test.ts checks each one answers).
 */
const LOCATION_HEADER = {
  description: 'Absolute path of the created resource, or of the status to poll, API prefix included (`/api/v1/...`).',
  schema: { type: 'string', format: 'uri-reference' },
};

/**
 * Gives every operation of `doc` a description (its summary, else its operationId, when the route states
 * none) and its 201/202 answers their `Location` header, and declares every tag in use in the top-level `tags`: the known ones in {@link TAG_DESCRIPTIONS}
 * order, others (plugin tags) after them, sorted. Returns `doc`, changed in place.
 */
export function completeOperations<D extends OpenApiDocShape>(doc: D): D {
  const used = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item || typeof item !== 'object') continue;
    // Vendor (plugin) routes answer as their plugin chooses: only the gateway's own promise a Location.
    const vendor = /\/x-[^/]*/.test(path);
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !raw || typeof raw !== 'object') continue;
      const op = raw as Operation;
      if (!op.description) op.description = op.summary ?? op.operationId ?? `${method.toUpperCase()} operation`;
      for (const code of vendor ? [] : ['201', '202']) {
        const r = op.responses?.[code];
        if (r && typeof r === 'object' && !r.headers?.Location) r.headers = { ...r.headers, Location: LOCATION_HEADER };
      }
      for (const t of op.tags ?? []) used.add(t);
    }
  }
  const known = Object.keys(TAG_DESCRIPTIONS).filter((t) => used.has(t));
  const other = [...used].filter((t) => !(t in TAG_DESCRIPTIONS)).sort();
  (doc as Record<string, unknown>).tags = [
    ...known.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] })),
    ...other.map((name) => ({ name, description: `Routes tagged ${name}.` })),
  ];
  return doc;
}
