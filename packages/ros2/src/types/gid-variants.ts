/**
 * rmw_dds_common/msg/Gid is 24 bytes on Humble and 16 on Iron/Jazzy under the same type name, so
 * ros_discovery_info samples must be read with the layout that fits (docs/ros2.md).
 */
import { CdrDecodeError } from './errors.js';
import type { Decoded, DecodeOptions } from './codec.js';
import { TypeRegistry } from './registry.js';

/** The Gid type name. */
export const GID_TYPE = 'rmw_dds_common/msg/Gid';
/** The type of ros_discovery_info samples. */
export const PARTICIPANT_ENTITIES_INFO_TYPE = 'rmw_dds_common/msg/ParticipantEntitiesInfo';
/** Gid on Iron, Jazzy and later. */
export const GID_16_DEFINITION = 'char[16] data\n';
/** Gid on Humble and earlier: the 16-byte GUID followed by 8 zero bytes. */
export const GID_24_DEFINITION = 'char[24] data\n';

/** Gid sizes that exist in the wild. */
export type GidSize = 16 | 24;

const variants = new WeakMap<TypeRegistry, Record<GidSize, TypeRegistry>>();

/** A registry that reads rmw_dds_common types with the given Gid size (cached per base registry). */
export function registryWithGidSize(size: GidSize, base: TypeRegistry = TypeRegistry.default()): TypeRegistry {
  let pair = variants.get(base);
  if (!pair) {
    pair = {
      16: base.withOverrides({ [GID_TYPE]: GID_16_DEFINITION }),
      24: base.withOverrides({ [GID_TYPE]: GID_24_DEFINITION }),
    };
    variants.set(base, pair);
  }
  return pair[size];
}

/** A ros_discovery_info sample and the Gid size it was written with. */
export interface ParticipantEntitiesInfoSample extends Decoded {
  gidSize: GidSize;
}

/**
 * Decodes a ParticipantEntitiesInfo payload with whichever Gid size consumes it exactly (0-3 bytes of
 * padding allowed); 16 wins if both fit. Throws {@link CdrDecodeError} when neither does.
 */
export function decodeParticipantEntitiesInfo(
  payload: Uint8Array,
  opts: DecodeOptions = {},
  base: TypeRegistry = TypeRegistry.default(),
): ParticipantEntitiesInfoSample {
  const reasons: string[] = [];
  for (const size of [16, 24] as const) {
    try {
      const decoded = registryWithGidSize(size, base).decode(PARTICIPANT_ENTITIES_INFO_TYPE, payload, opts);
      if (decoded.trailingBytes <= 3) return { ...decoded, gidSize: size };
      reasons.push(`Gid ${size}: ${decoded.trailingBytes} bytes left over`);
    } catch (err) {
      if (!(err instanceof CdrDecodeError)) throw err;
      reasons.push(`Gid ${size}: ${err.message}`);
    }
  }
  throw new CdrDecodeError(PARTICIPANT_ENTITIES_INFO_TYPE, `fits neither Gid layout (${reasons.join('; ')})`);
}
