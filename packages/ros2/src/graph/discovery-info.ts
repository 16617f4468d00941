/**
 * ros_discovery_info (docs/ros2.md): the ParticipantEntitiesInfo samples that map nodes to their
 * endpoints. Decoding detects the Gid layout per sample (Humble 24 bytes, Iron+ 16); encoding writes
 * the layout the caller picks.
 */
import { decodeParticipantEntitiesInfo, PARTICIPANT_ENTITIES_INFO_TYPE, registryWithGidSize, type GidSize, type TypeRegistry } from '../types/index.js';

/** The DDS topic (no `rt/` prefix: it is participant-level, not a ROS topic). */
export const DISCOVERY_INFO_TOPIC = 'ros_discovery_info';
/** Its DDS type name. */
export const DISCOVERY_INFO_DDS_TYPE = 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_';

/** One node of a ParticipantEntitiesInfo: its names and the GUIDs (32 hex) of its endpoints. */
export interface NodeEntities {
  namespace: string;
  name: string;
  readers: string[];
  writers: string[];
}

/** A decoded ParticipantEntitiesInfo. */
export interface ParticipantEntities {
  /** Participant GUID (32 hex). */
  gid: string;
  gidSize: GidSize;
  nodes: NodeEntities[];
}

function gidHex(g: unknown): string {
  const data = (g as { data?: Uint8Array | number[] } | undefined)?.data;
  if (!data || data.length < 16) return '';
  return Buffer.from(Uint8Array.from(data).subarray(0, 16)).toString('hex');
}

/** Decodes one sample; throws CdrDecodeError when it fits neither Gid layout. */
export function decodeDiscoveryInfo(payload: Uint8Array, registry?: TypeRegistry): ParticipantEntities {
  const d = decodeParticipantEntitiesInfo(payload, { form: 'native' }, registry);
  const v = d.value as { gid: unknown; node_entities_info_seq: Array<{ node_namespace: string; node_name: string; reader_gid_seq: unknown[]; writer_gid_seq: unknown[] }> };
  return {
    gid: gidHex(v.gid),
    gidSize: d.gidSize,
    nodes: v.node_entities_info_seq.map((n) => ({
      namespace: n.node_namespace,
      name: n.node_name,
      readers: n.reader_gid_seq.map(gidHex).filter((x) => x !== ''),
      writers: n.writer_gid_seq.map(gidHex).filter((x) => x !== ''),
    })),
  };
}

function gidValue(guidHex: string, size: GidSize): { data: number[] } {
  const out = new Array<number>(size).fill(0);
  const b = Buffer.from(guidHex, 'hex');
  for (let i = 0; i < 16 && i < b.length; i++) out[i] = b[i];
  return { data: out };
}

/** Encodes our own ParticipantEntitiesInfo with the given Gid layout. */
export function encodeDiscoveryInfo(info: Omit<ParticipantEntities, 'gidSize'>, gidSize: GidSize, registry?: TypeRegistry): Uint8Array {
  return registryWithGidSize(gidSize, registry).serialize(PARTICIPANT_ENTITIES_INFO_TYPE, {
    gid: gidValue(info.gid, gidSize),
    node_entities_info_seq: info.nodes.map((n) => ({
      node_namespace: n.namespace,
      node_name: n.name,
      reader_gid_seq: n.readers.map((g) => gidValue(g, gidSize)),
      writer_gid_seq: n.writers.map((g) => gidValue(g, gidSize)),
    })),
  });
}
