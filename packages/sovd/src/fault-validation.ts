// Input validation of fault-manager requests (docs/faults.md). Returns a reason instead of throwing,
// so a bad report is rejected with a message and never touches stored faults.

const CODE_ALPHABET = /^[A-Za-z0-9_.-]+$/;
/** docs/faults.md (1–256 characters), as the reference accepts since 0.7.0 (docs/faults.md said 128). */
export const MAX_FAULT_CODE_LENGTH = 256;
export const MAX_RECORDING_ID_LENGTH = 160;
/** [ours] Upper bounds on free-text fields, so one report cannot bloat the store (docs/faults.md). */
const MAX_DESCRIPTION_LENGTH = 4096;
const MAX_SOURCE_ID_LENGTH = 512;

function checkId(kind: string, value: unknown, max: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return `${kind} is empty`;
  if (value.length > max) return `${kind} is longer than ${max} characters`;
  if (!CODE_ALPHABET.test(value)) return `${kind} contains a character outside [A-Za-z0-9_.-]`;
  if (value.includes('..')) return `${kind} contains '..'`;
  return null;
}

/** `null` when `code` is a valid fault code; otherwise the reason. Used by report, clear, get, snapshots, rosbag. */
export function validateFaultCode(code: unknown): string | null {
  return checkId('fault_code', code, MAX_FAULT_CODE_LENGTH);
}

/** `null` when `id` is a valid recording id (same alphabet, up to 160 characters). */
export function validateRecordingId(id: unknown): string | null {
  return checkId('recording_id', id, MAX_RECORDING_ID_LENGTH);
}

/** A `report_fault` request as it arrives (ReportFault.srv request, docs/faults.md). */
export interface ReportFaultRequest {
  fault_code: string;
  /** 0 = FAILED, 1 = PASSED. */
  event_type: number;
  severity: number;
  description: string;
  source_id: string;
}

/**
 * `null` when the report may be applied; otherwise why it was rejected (docs/faults.md plus size limits).
 * `sourceProblem` is the rule of the path the report came by on `source_id` (over ROS: a node's name); what it
 * returns follows `source_id ` in the reason.
 */
export function validateReport(req: ReportFaultRequest, sourceProblem?: (sourceId: string) => string | undefined): string | null {
  const codeError = validateFaultCode(req.fault_code);
  if (codeError) return codeError;
  if (req.event_type !== 0 && req.event_type !== 1) return `event_type ${String(req.event_type)} is not 0 (FAILED) or 1 (PASSED)`;
  if (req.event_type === 0 && !(Number.isInteger(req.severity) && req.severity >= 0 && req.severity <= 3)) {
    return `severity ${String(req.severity)} is not 0..3`;
  }
  if (typeof req.source_id !== 'string' || req.source_id.length === 0) return 'source_id is empty';
  if (req.source_id.length > MAX_SOURCE_ID_LENGTH) return `source_id is longer than ${MAX_SOURCE_ID_LENGTH} characters`;
  const sourceError = sourceProblem?.(req.source_id);
  if (sourceError) return `source_id ${sourceError}`;
  if (typeof req.description !== 'string') return 'description is not a string';
  if (req.description.length > MAX_DESCRIPTION_LENGTH) return `description is longer than ${MAX_DESCRIPTION_LENGTH} characters`;
  return null;
}
