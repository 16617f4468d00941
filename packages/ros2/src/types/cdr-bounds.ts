/**
 * A dry walk over a plain-CDR payload that checks every length prefix against the bytes that are
 * left, without allocating. The reader allocates a typed array before reading a big-endian (or
 * misaligned) sequence, so a forged count must be caught first. Cost: one pass over the structure.
 */
import type { MessageDefinitionField, TypeGraph } from './model.js';
import { PRIMITIVE_SIZES } from './primitives.js';

/** Why the payload cannot hold the type, or `undefined` when every length fits. */
export function cdrBoundsProblem(fields: readonly MessageDefinitionField[], graph: TypeGraph, bytes: Uint8Array, littleEndian: boolean): string | undefined {
  const walker = new Walker(bytes, littleEndian, graph);
  try {
    walker.struct(fields);
    return undefined;
  } catch (err) {
    if (err instanceof BoundsError) return err.message;
    throw err;
  }
}

class BoundsError extends Error {
  readonly code: string = 'cdr-bounds';
}

class Walker {
  offset = 4; // alignment counts from the first byte after the encapsulation header
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly graph: TypeGraph,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  struct(fields: readonly MessageDefinitionField[]): void {
    if (fields.length === 0) return this.skip(1, 'empty-struct placeholder'); // ROS's hidden uint8 member
    for (const f of fields) {
      const count = f.isArray === true ? (f.arrayLength ?? this.count(f.name)) : 1;
      if (f.isComplex === true) {
        const sub = this.graph.get(f.type) ?? [];
        for (let i = 0; i < count; i++) this.struct(sub);
      } else if (f.type === 'string' || f.type === 'wstring') {
        for (let i = 0; i < count; i++) this.skip(this.count(f.name), f.name);
      } else {
        const size = PRIMITIVE_SIZES[f.type] ?? 1;
        if (count > 0) this.align(size);
        this.skip(size * count, f.name);
      }
    }
  }

  /** Reads a uint32 length and checks it against what is left. */
  count(name: string): number {
    this.align(4);
    this.need(4, name);
    const n = this.view.getUint32(this.offset, this.littleEndian);
    this.offset += 4;
    if (n > this.bytes.length - this.offset) {
      throw new BoundsError(`field '${name}' claims ${n} elements but only ${this.bytes.length - this.offset} bytes are left`);
    }
    return n;
  }

  align(size: number): void {
    const rest = (this.offset - 4) % size;
    if (rest !== 0) this.offset += size - rest;
  }

  skip(n: number, name: string): void {
    this.need(n, name);
    this.offset += n;
  }

  need(n: number, name: string): void {
    if (this.offset + n > this.bytes.length) throw new BoundsError(`payload ends inside field '${name}'`);
  }
}
