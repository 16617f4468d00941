// A robot gateway's own API paths re-addressed into the fleet's id space: `/api/v1/apps/lidar/...` on robot
// `amr-07` is `/api/v1/components/amr-07/apps/amr-07__lidar/...` on the fleet (docs/fleet.md). Fault details
// forwarded from a robot carry `bulk_data_uri` links to its black-box recordings; rewritten, those links
// work against the fleet (which forwards them) instead of pointing at a gateway the browser may not reach.
import { escapesPath } from '@medkit/server';
import { API_BASE } from '@medkit/sovd';

// With or without the API base: a fault's `bulk_data_uri` is written under it (`/apps/…`, the reference's form).
const ENTITY_PATH = /^(\/api\/v1)?\/(areas|components|apps|functions)\/([^/?#]+)(\/[^?#]*)?$/;

/** The fleet path of a robot-local API path; undefined when it is not one entity's path. */
export function fleetPathOf(robot: string, robotPath: string): string | undefined {
  const m = ENTITY_PATH.exec(robotPath);
  // A robot's answer is peer data: a link that climbs (`..`, encoded or not) is not re-addressed.
  if (!m || escapesPath(`${m[3]}${m[4] ?? ''}`.replace(/^\//, ''))) return undefined;
  return `${m[1] === undefined ? '' : API_BASE}/components/${robot}/${m[2]}/${robot}__${m[3]}${m[4] ?? ''}`;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Snapshots carry at most this many entries worth rewriting (the robot caps them per fault). */
const MAX_SNAPSHOTS = 1000;

function rewriteSnapshots(robot: string, env: unknown): void {
  if (!isObj(env) || !Array.isArray(env.snapshots)) return;
  for (const s of env.snapshots.slice(0, MAX_SNAPSHOTS)) {
    if (!isObj(s) || typeof s.bulk_data_uri !== 'string') continue;
    // A link the fleet cannot forward is dropped rather than left pointing at the robot's own address space.
    const p = fleetPathOf(robot, s.bulk_data_uri);
    if (p) s.bulk_data_uri = p;
    else delete s.bulk_data_uri;
  }
}

/**
 * Rewrites the `bulk_data_uri` links of a robot's fault detail (`environment_data` at the top or in `item`)
 * or fault list (`items[].environment_data`) in place; other bodies are left alone.
 */
export function rewriteFaultBody(robot: string, body: unknown): void {
  if (!isObj(body)) return;
  rewriteSnapshots(robot, body.environment_data);
  if (isObj(body.item)) rewriteSnapshots(robot, body.item.environment_data);
  if (Array.isArray(body.items)) for (const i of body.items.slice(0, MAX_SNAPSHOTS)) if (isObj(i)) rewriteSnapshots(robot, i.environment_data);
}
