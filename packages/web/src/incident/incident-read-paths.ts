// The paths the incident view reads first. Kept apart from the prefetch so the entry script can start the same
// reads before the app has loaded (api/early-reads.ts) without pulling the client in.

/** The paths the incident view reads first: the fault's detail and the entity's recording list. */
export function incidentReadPaths(base: string, code: string): { detail: string; recordings: string } {
  return { detail: `${base}/faults/${encodeURIComponent(code)}`, recordings: `${base}/bulk-data/rosbags` };
}

/**
 * The fault's newest recording, asked by the fault alone: beside the first reads when the newest occurrence is
 * opened, before either read has named the recording (the gateway's answer says which one it served; 204: none).
 */
export function newestRecordingPath(base: string, code: string): string {
  return `${base}/faults/${encodeURIComponent(code)}/recording`;
}
