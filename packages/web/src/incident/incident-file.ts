// An incident file exported by a gateway (docs/faults.md "Incident export"): its `medkit_incident` metadata and
// JSON attachments, read from the MCAP's summary (the messages are decoded by the recording worker).
import { McapIndexedReader } from '@mcap/core';
import { normalizeFaultDetail, type FaultDetailView } from '../model/fault-detail';
import { isObj, num, obj, str, toEpochMs } from '../model/json';

export interface IncidentLogLine {
  atMs?: number;
  level: string;
  node: string;
  message: string;
}

export interface IncidentFile {
  /** The `medkit_incident` record; empty when the file is a plain recording. */
  metadata: Record<string, string>;
  /** The fault the file was exported for, then the others of the incident. */
  faults: { view: FaultDetailView; body: unknown }[];
  logs: IncidentLogLine[];
  /** Whether the file is an incident export (else only its messages are shown). */
  isIncident: boolean;
}

const MAX_ATTACHMENT_BYTES = 32 << 20;

function parse(data: Uint8Array): unknown {
  if (data.byteLength > MAX_ATTACHMENT_BYTES) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/** Reads the metadata and attachments of `bytes`; throws when it is no MCAP file. */
export async function readIncidentFile(bytes: Uint8Array): Promise<IncidentFile> {
  const reader = await McapIndexedReader.Initialize({
    readable: { size: async () => BigInt(bytes.byteLength), read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)) },
  });
  const metadata: Record<string, string> = {};
  let isIncident = false;
  for await (const m of reader.readMetadata({ name: 'medkit_incident' })) {
    isIncident = true;
    for (const [k, v] of m.metadata) metadata[k] = v;
  }
  const attached = new Map<string, unknown>();
  for await (const a of reader.readAttachments()) if (a.mediaType === 'application/json') attached.set(a.name, parse(a.data));
  const details = Array.isArray(attached.get('faults.json')) ? (attached.get('faults.json') as unknown[]).filter(isObj) : [];
  const faults = details.map((body) => ({ view: normalizeFaultDetail(body, str(obj(obj(body).item).code) ?? '?'), body }));
  const primary = metadata.fault_code;
  faults.sort((a, b) => Number(b.view.code === primary) - Number(a.view.code === primary));
  const items = obj(attached.get('logs.json')).items;
  const logs: IncidentLogLine[] = (Array.isArray(items) ? items : []).filter(isObj).map((l) => ({
    atMs: toEpochMs(l.timestamp),
    level: str(l.level) ?? '?',
    node: str(obj(l.context).node) ?? str(l.logger_name) ?? '',
    message: str(l.message) ?? '',
  }));
  return { metadata, faults, logs, isIncident: isIncident || num(details.length) !== 0 };
}
