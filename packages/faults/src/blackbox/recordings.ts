// Read side of the black box (docs/faults.md GetRosbag/ListRosbags, docs/resources.md, docs/faults.md): descriptors for the
// bulk-data `rosbags` category and the file to serve for a recording id (or, legacy, a fault code).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultRepository, RosbagLink } from '../storage/repository.js';
import { validateFaultCode, validateRecordingId } from '@medkit/sovd';
import { inEntityScope } from '../query/list.js';
import { isoFromNs } from '../query/time.js';
import type { BulkDataDescriptorBody } from '../query/rest-schemas.js';

const ROSBAG_MIMETYPES = { mcap: 'application/x-mcap', sqlite3: 'application/x-sqlite3' } as const;
const EXTENSIONS = { mcap: 'mcap', sqlite3: 'db3' } as const;

/** Bulk-data descriptor of one recording (docs/faults.md); its `x-medkit` is the recording's own. */
type RosbagDescriptor = BulkDataDescriptorBody & { 'x-medkit': { fault_codes: string[]; recording_id: string; duration_sec: number; format: string } };

/** The first bag file of a recording directory (`.mcap` / `.db3`), or null. */
export function firstBagFile(link: RosbagLink): string | null {
  const dir = link.file_path;
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.mcap') || f.endsWith('.db3')).sort();
  return files.length > 0 ? join(dir, files[0]) : null;
}

/** Every MCAP file of a recording directory, in recording order (`<id>_0.mcap`, `<id>_1.mcap`, …). */
export function mcapFiles(link: RosbagLink): string[] {
  const dir = link.file_path;
  if (!existsSync(dir)) return [];
  const index = (f: string) => Number(/_(\d+)\.mcap$/.exec(f)?.[1] ?? 0);
  return readdirSync(dir).filter((f) => f.endsWith('.mcap')).sort((a, b) => index(a) - index(b) || (a < b ? -1 : 1)).map((f) => join(dir, f));
}

/**
 * Bytes a download of the recording serves (its first bag file): what REST lists as `size` / `size_bytes`,
 * so a client can check the download. The stored `size_bytes` (whole directory, metadata.yaml and split
 * files included, docs/resources.md) stays the measure of the disk quota. Falls back to it when the file is gone.
 */
export function downloadSize(link: RosbagLink): number {
  const file = firstBagFile(link);
  return file ? (statSync(file, { throwIfNoEntry: false })?.size ?? link.size_bytes) : link.size_bytes;
}

/** Drops a recording whose directory vanished (lazy stale-row removal, docs/api.md). True if it was stale. */
function dropIfStale(repo: FaultRepository, link: RosbagLink): boolean {
  if (firstBagFile(link)) return false;
  repo.deleteRecording(link.recording_id);
  return true;
}

/**
 * Descriptors, one per recording, newest first. `belongsToEntity` limits to recordings of faults in an
 * entity's scope (docs/faults.md); absent = all.
 */
export function listRosbagDescriptors(repo: FaultRepository, belongsToEntity?: (source: string) => boolean): RosbagDescriptor[] {
  const byRec = new Map<string, RosbagLink[]>();
  for (const l of repo.allRosbagLinks()) {
    if (belongsToEntity) {
      const f = repo.getFault(l.fault_code);
      if (!f || !inEntityScope(f, belongsToEntity)) continue;
    }
    const list = byRec.get(l.recording_id) ?? [];
    list.push(l);
    byRec.set(l.recording_id, list);
  }
  const out: RosbagDescriptor[] = [];
  for (const [id, links] of byRec) {
    const l = links[0];
    if (dropIfStale(repo, l)) continue;
    const created = isoFromNs(l.created_at_ns);
    out.push({
      id,
      name: `${id} recording ${created}`,
      mimetype: ROSBAG_MIMETYPES[l.format],
      size: downloadSize(l),
      creation_date: created,
      'x-medkit': { fault_codes: [...new Set(links.map((x) => x.fault_code))].sort(), recording_id: id, duration_sec: l.duration_sec, format: l.format },
    });
  }
  return out;
}

interface RosbagFile {
  recording_id: string;
  path: string;
  mimetype: string;
  /** `Content-Disposition` filename: `<recording_id>.<ext>`. */
  filename: string;
  fault_codes: string[];
  link: RosbagLink;
}

/**
 * The file to download for `{file_id}` (docs/faults.md): a recording id, or a fault code meaning that fault's
 * newest recording. `belongsToEntity` applies the entity scope. Null = not found (a vanished bag's rows are
 * removed).
 */
export function resolveRosbagFile(repo: FaultRepository, fileId: string, belongsToEntity?: (source: string) => boolean): RosbagFile | null {
  let links = validateRecordingId(fileId) ? [] : repo.linksForRecording(fileId);
  if (links.length === 0 && !validateFaultCode(fileId)) {
    const newest = repo.rosbagLinksForFault(fileId)[0];
    if (newest) links = repo.linksForRecording(newest.recording_id);
  }
  if (belongsToEntity) {
    links = links.filter((l) => {
      const f = repo.getFault(l.fault_code);
      return f !== undefined && inEntityScope(f, belongsToEntity);
    });
  }
  if (links.length === 0) return null;
  const link = links[0];
  const path = firstBagFile(link);
  if (!path) {
    repo.deleteRecording(link.recording_id);
    return null;
  }
  return {
    recording_id: link.recording_id, path, mimetype: ROSBAG_MIMETYPES[link.format],
    filename: `${link.recording_id}.${EXTENSIONS[link.format]}`, fault_codes: [...new Set(links.map((l) => l.fault_code))].sort(), link,
  };
}

/** GetRosbag.srv semantics (docs/api.md). */
export function getRosbag(repo: FaultRepository, faultCode: string, recordingId: string): {
  success: boolean; error_message: string; file_path: string; recording_id: string; fault_codes: string[]; format: string; duration_sec: number; size_bytes: number;
} {
  const fail = (error_message: string) => ({ success: false, error_message, file_path: '', recording_id: '', fault_codes: [], format: '', duration_sec: 0, size_bytes: 0 });
  let links: RosbagLink[] = [];
  if (recordingId) {
    const bad = validateRecordingId(recordingId);
    if (bad) return fail(bad);
    links = repo.linksForRecording(recordingId);
    if (links.length === 0 && !faultCode) return fail(`Recording not found: ${recordingId}`);
  }
  if (links.length === 0) {
    const bad = validateFaultCode(faultCode);
    if (bad) return fail(bad);
    if (!repo.getFault(faultCode)) return fail(`Fault not found: ${faultCode}`);
    const newest = repo.rosbagLinksForFault(faultCode)[0];
    if (!newest) return fail(`No rosbag recording for fault: ${faultCode}`);
    links = repo.linksForRecording(newest.recording_id);
  }
  const l = links[0];
  const file = firstBagFile(l);
  if (!file) {
    repo.deleteRecording(l.recording_id);
    return fail(`Rosbag file no longer exists: ${l.file_path}`);
  }
  return {
    success: true, error_message: '', file_path: file, recording_id: l.recording_id,
    fault_codes: [...new Set(links.map((x) => x.fault_code))].sort(), format: l.format, duration_sec: l.duration_sec, size_bytes: l.size_bytes,
  };
}
