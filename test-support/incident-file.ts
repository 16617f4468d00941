// Reads an incident file (docs/faults.md "Incident export") back for tests: the medkit_incident metadata, the JSON
// attachments by name and the number of messages.
import { McapIndexedReader } from '@mcap/core';

export interface IncidentFile {
  meta: Record<string, string>;
  attachments: Map<string, unknown>;
  messages: number;
}

export async function readIncidentFile(bytes: Uint8Array): Promise<IncidentFile> {
  const reader = await McapIndexedReader.Initialize({ readable: { size: async () => BigInt(bytes.length), read: async (o, l) => bytes.subarray(Number(o), Number(o + l)) } });
  let meta: Record<string, string> = {};
  for await (const m of reader.readMetadata()) if (m.name === 'medkit_incident') meta = Object.fromEntries(m.metadata);
  const attachments = new Map<string, unknown>();
  for await (const a of reader.readAttachments()) attachments.set(a.name, JSON.parse(new TextDecoder().decode(a.data)));
  let messages = 0;
  for await (const _ of reader.readMessages()) messages++;
  return { meta, attachments, messages };
}
