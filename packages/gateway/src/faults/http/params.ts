// Parameters of the fault routes (docs/faults.md): the status filter, the [ours] severity minimum, and the 404 of a code.
import { SovdError } from '@medkit/sovd';
import type { FaultStatus } from '@medkit/faults';
import { parseSeverityFilter, statusesForFilter, STATUS_FILTER_VALUES } from '@medkit/faults';

/** `?status=` → raw statuses; unknown → 400 invalid-parameter with the allowed values. */
export function statusesParam(value: string | undefined): FaultStatus[] {
  const statuses = statusesForFilter(value);
  if (!statuses) {
    throw new SovdError('invalid-parameter', `Invalid status filter '${value}'`, { parameter: 'status', value, allowed_values: STATUS_FILTER_VALUES.join(', ') });
  }
  return statuses;
}

/** `?severity=` → minimum severity 0–3 (absent → undefined); invalid → 400 invalid-parameter. */
export function severityParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const sev = parseSeverityFilter(value);
  if (sev === null) {
    throw new SovdError('invalid-parameter', `Invalid severity filter '${value}'`, { parameter: 'severity', value, allowed_values: '0, 1, 2, 3, info, warn, error, critical' });
  }
  return sev;
}


/** The 404 of a fault code, naming the peers that could not say when peers were asked (docs/aggregation.md). */
export function faultNotFound(code: string, entityId?: string, failedPeers: string[] = []): SovdError {
  return new SovdError('resource-not-found', `Fault not found: ${code}`, {
    fault_code: code,
    ...(entityId ? { entity_id: entityId } : {}),
    ...(failedPeers.length > 0 ? { failed_peers: failedPeers } : {}),
  });
}
