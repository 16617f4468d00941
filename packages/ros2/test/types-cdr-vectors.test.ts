// Golden payloads captured from real rmw_cyclonedds / Cyclone / Fast DDS traffic (shared/vectors).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeParticipantEntitiesInfo, registryWithGidSize, TypeRegistry } from '../src/types/index.js';
import { ddsTypeToRos, nodeFqn } from '../src/names/index.js';

interface Vector {
  name: string;
  ddsType: string;
  hex: string;
  gidSize?: number;
  decoded: Record<string, unknown>;
}
const vectors = (JSON.parse(readFileSync('/work/shared/vectors/ros2-cdr-vectors.json', 'utf8')) as { vectors: Vector[] }).vectors;
const byName = (part: string): Vector => {
  const v = vectors.find((x) => x.name.includes(part));
  if (!v) throw new Error(`no vector named like ${part}`);
  return v;
};
const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const registry = new TypeRegistry({ amentPrefixPath: '' });

describe('golden CDR vectors', () => {
  it('has the eight vectors the spec lists', () => {
    expect(vectors).toHaveLength(8);
  });

  it('std_msgs/String from rmw_cyclonedds decodes and re-encodes byte for byte (padding included)', () => {
    const v = byName('std_msgs/String from rmw_cyclonedds');
    const type = ddsTypeToRos(v.ddsType)!;
    expect(registry.deserialize(type, bytes(v.hex))).toEqual(v.decoded);
    expect(hex(registry.serialize(type, v.decoded))).toBe(v.hex);
  });

  it('std_msgs/String from Cyclone native serializer: options carry the padding count; rmw form has options 0', () => {
    const v = byName('native serializer');
    const type = ddsTypeToRos(v.ddsType)!;
    const decoded = registry.decode(type, bytes(v.hex));
    expect(decoded.value).toEqual(v.decoded);
    expect(decoded.trailingBytes).toBe(1);
    expect(hex(registry.serialize(type, v.decoded))).toBe(`00010000${v.hex.slice(8)}`);
  });

  for (const gidSize of [24, 16] as const) {
    it(`ParticipantEntitiesInfo with ${gidSize}-byte Gid: detected, decoded, re-encoded exactly`, () => {
      const v = vectors.find((x) => x.gidSize === gidSize)!;
      const payload = bytes(v.hex);
      const sample = decodeParticipantEntitiesInfo(payload, {}, registry);
      expect(sample.gidSize).toBe(gidSize);
      const value = sample.value as {
        gid: { data: number[] };
        node_entities_info_seq: Array<{ node_namespace: string; node_name: string; reader_gid_seq: unknown[]; writer_gid_seq: unknown[] }>;
      };
      expect(value.gid.data).toHaveLength(gidSize);
      expect(value.node_entities_info_seq).toHaveLength(1);
      const node = value.node_entities_info_seq[0];
      expect(nodeFqn(node.node_namespace, node.node_name)).toBe(v.decoded.node);
      expect(node.reader_gid_seq).toHaveLength(v.decoded.readers as number);
      expect(node.writer_gid_seq).toHaveLength(v.decoded.writers as number);
      // The participant GID starts with the RTPS GUID prefix that opens the payload body.
      expect(hex(new Uint8Array(value.gid.data.slice(0, 12)))).toBe(v.hex.slice(8, 32));
      expect(hex(registryWithGidSize(gidSize, registry).serialize('rmw_dds_common/msg/ParticipantEntitiesInfo', sample.value))).toBe(v.hex);
    });
  }

  it('the default registry reads Iron+ Gids and refuses the Humble layout as trailing garbage', () => {
    const humble = registry.decode('rmw_dds_common/msg/ParticipantEntitiesInfo', bytes(vectors.find((x) => x.gidSize === 24)!.hex));
    expect(humble.trailingBytes).toBeGreaterThan(3);
  });

  it('AddTwoInts request and response in the Fast DDS convention (plain payload)', () => {
    const req = byName('AddTwoInts request, Fast DDS');
    expect(registry.deserialize(ddsTypeToRos(req.ddsType)!, bytes(req.hex))).toEqual({ a: req.decoded.a, b: req.decoded.b });
    expect(hex(registry.serialize('example_interfaces/srv/AddTwoInts_Request', { a: 1, b: 40 }))).toBe(req.hex);
    const res = byName('AddTwoInts response, Fast DDS');
    expect(registry.deserialize(ddsTypeToRos(res.ddsType)!, bytes(res.hex))).toEqual({ sum: 41 });
    expect(hex(registry.serialize('example_interfaces/srv/AddTwoInts_Response', { sum: 41 }))).toBe(res.hex);
  });

  it('AddTwoInts in the Cyclone convention: the 16-byte header is 8-aligned, the body decodes after it', () => {
    const withHeader = new TypeRegistry({ amentPrefixPath: '' });
    // The rmw_cyclonedds request header (client id, sequence number) ahead of the request fields.
    withHeader.registerDefinition('medkit_test/msg/CycloneRequest', 'uint64 client_id\nint64 seq\nint64 a\nint64 b\n');
    withHeader.registerDefinition('medkit_test/msg/CycloneResponse', 'uint64 client_id\nint64 seq\nint64 sum\n');
    const req = byName('AddTwoInts request, Cyclone');
    const full = withHeader.deserialize('medkit_test/msg/CycloneRequest', bytes(req.hex));
    expect(full).toEqual({ client_id: BigInt(req.decoded.clientId as string).toString(), seq: 1, a: 1, b: 40 });
    expect(hex(withHeader.serialize('medkit_test/msg/CycloneRequest', full))).toBe(req.hex);
    // Header + separately serialized message gives the same bytes (packages/ros2/README.md).
    const body = registry.serialize('example_interfaces/srv/AddTwoInts_Request', { a: 1, b: 40 });
    expect(hex(body.subarray(4))).toBe(req.hex.slice(8 + 32));
    const res = byName('AddTwoInts response, Cyclone');
    const sum = new Uint8Array([...bytes(res.hex).subarray(0, 4), ...bytes(res.hex).subarray(20)]);
    expect(registry.deserialize('example_interfaces/srv/AddTwoInts_Response', sum)).toEqual({ sum: 41 });
  });
});
