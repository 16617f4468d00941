// One file to hand on (docs/faults.md "Incident export"): the incident's recording copied message by message into a
// new MCAP, with the faults, their histories, freeze frames, log lines and the gateway's identity as MCAP metadata
// and attachments, so Foxglove shows the topics and the metadata, and medkit's incident view opens it from disk.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import type { IReadable } from '@mcap/core';
import { FileWritable } from './mcap-bag.js';

/** One JSON (or other) document attached to the incident file. */
export interface IncidentAttachment {
  name: string;
  mediaType: string;
  data: Uint8Array;
  /** When it applies (the fault's time), ns since the Unix epoch. */
  logTimeNs: bigint;
}

export interface IncidentContent {
  /** The recording's MCAP files in order (none: an incident without a recording). */
  recordingFiles: readonly string[];
  /** The `medkit_incident` metadata record: string values only (MCAP metadata). */
  metadata: Record<string, string>;
  attachments: readonly IncidentAttachment[];
}

/** The name of the metadata record medkit writes into an incident file. */
export const INCIDENT_RECORD = 'medkit_incident';

class FileReadable implements IReadable {
  constructor(private readonly file: FileHandle, private readonly bytes: bigint) {}
  static async open(path: string): Promise<FileReadable> {
    const file = await openFile(path, 'r');
    return new FileReadable(file, BigInt((await file.stat()).size));
  }
  async size(): Promise<bigint> {
    return this.bytes;
  }
  async read(offset: bigint, length: bigint): Promise<Uint8Array> {
    const out = new Uint8Array(Number(length));
    let done = 0;
    while (done < out.length) {
      const { bytesRead } = await this.file.read(out, done, out.length - done, Number(offset) + done);
      if (bytesRead === 0) throw new Error(`unexpected end of file at ${Number(offset) + done}`);
      done += bytesRead;
    }
    return out;
  }
  close(): Promise<void> {
    return this.file.close();
  }
}

/** Writes the incident file to `path`; resolves with how many messages it copied. */
export async function writeIncidentMcap(path: string, content: IncidentContent): Promise<{ messages: number }> {
  const { McapIndexedReader, McapWriter } = await import('@mcap/core');
  const file = await openFile(path, 'w');
  let messages = 0;
  try {
    const writer = new McapWriter({ writable: new FileWritable(file) });
    await writer.start({ profile: 'ros2', library: 'medkit incident export' });
    // Schemas and channels of all files under one id each: a split recording is one recording.
    const schemaIds = new Map<string, number>();
    const channelIds = new Map<string, number>();
    for (const path of content.recordingFiles) {
      const readable = await FileReadable.open(path);
      try {
        const reader = await McapIndexedReader.Initialize({ readable });
        const local = new Map<number, number>();
        for (const [id, ch] of reader.channelsById) {
          const schema = reader.schemasById.get(ch.schemaId);
          const schemaKey = schema ? `${schema.name}\n${schema.encoding}\n${Buffer.from(schema.data).toString('base64')}` : '';
          let schemaId = schema ? schemaIds.get(schemaKey) : 0;
          if (schema && schemaId === undefined) {
            schemaId = await writer.registerSchema({ name: schema.name, encoding: schema.encoding, data: schema.data });
            schemaIds.set(schemaKey, schemaId);
          }
          const channelKey = `${ch.topic}\n${ch.messageEncoding}\n${schemaId}`;
          let channelId = channelIds.get(channelKey);
          if (channelId === undefined) {
            channelId = await writer.registerChannel({ topic: ch.topic, messageEncoding: ch.messageEncoding, schemaId: schemaId ?? 0, metadata: ch.metadata });
            channelIds.set(channelKey, channelId);
          }
          local.set(id, channelId);
        }
        for await (const m of reader.readMessages()) {
          await writer.addMessage({ ...m, channelId: local.get(m.channelId)! });
          messages++;
        }
        // The recording's own notes (what it lost, the limits it ran under) come along.
        for await (const meta of reader.readMetadata()) await writer.addMetadata(meta);
      } finally {
        await readable.close();
      }
    }
    await writer.addMetadata({ name: INCIDENT_RECORD, metadata: new Map(Object.entries(content.metadata)) });
    for (const a of content.attachments) {
      await writer.addAttachment({ name: a.name, mediaType: a.mediaType, data: a.data, logTime: a.logTimeNs, createTime: a.logTimeNs });
    }
    await writer.end();
  } finally {
    await file.close();
  }
  return { messages };
}
