// Requested-vs-offered matching (DDS 1.4 §2.2.3). Returns null when compatible, else the reason
// in words so that a user can see why a reader and a writer refuse each other.

import { durabilityRank, livelinessRank, type QoS } from './qos.js';

/** Checks a writer's offered QoS against a reader's requested QoS. */
export function qosIncompatibility(writer: QoS, reader: QoS): string | null {
  if (reader.reliability === 'reliable' && writer.reliability !== 'reliable') {
    return 'reliability: reader requests RELIABLE, writer offers BEST_EFFORT';
  }
  if (durabilityRank(reader.durability) > durabilityRank(writer.durability)) {
    return `durability: reader requests ${upper(reader.durability)}, writer offers ${upper(writer.durability)}`;
  }
  if (reader.ownership !== writer.ownership) {
    return `ownership: reader requests ${upper(reader.ownership)}, writer offers ${upper(writer.ownership)}`;
  }
  if (reader.deadlineSec < writer.deadlineSec) {
    return `deadline: reader period ${reader.deadlineSec}s is shorter than writer period ${writer.deadlineSec}s`;
  }
  if (livelinessRank(reader.liveliness.kind) > livelinessRank(writer.liveliness.kind)) {
    return `liveliness: reader requests ${upper(reader.liveliness.kind)}, writer offers ${upper(writer.liveliness.kind)}`;
  }
  if (reader.liveliness.leaseSec < writer.liveliness.leaseSec) {
    return `liveliness: reader lease ${reader.liveliness.leaseSec}s is shorter than writer lease ${writer.liveliness.leaseSec}s`;
  }
  if (!partitionsMatch(writer.partitions, reader.partitions)) {
    return `partition: writer [${writer.partitions.join(', ')}] and reader [${reader.partitions.join(', ')}] share none`;
  }
  const wrep = writer.dataRepresentation[0] ?? 0;
  if (!(reader.dataRepresentation.length === 0 ? [0] : reader.dataRepresentation).includes(wrep)) {
    return `data representation: writer uses ${wrep}, reader accepts [${reader.dataRepresentation.join(', ')}]`;
  }
  return null;
}

function upper(s: string): string {
  return s.toUpperCase().replace(/-/g, '_');
}

/** Two partition lists match when any name of one matches any of the other (wildcards allowed on one side). */
function partitionsMatch(a: string[], b: string[]): boolean {
  const aa = a.length === 0 ? [''] : a;
  const bb = b.length === 0 ? [''] : b;
  for (const x of aa) {
    for (const y of bb) {
      if (x === y || globMatch(x, y) || globMatch(y, x)) return true;
    }
  }
  return false;
}

function globMatch(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return false;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}
