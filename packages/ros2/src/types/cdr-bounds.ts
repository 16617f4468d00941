/**
 * A dry walk over a plain-CDR payload that checks every length prefix against the bytes that are
 * left, without allocating. The reader allocates a typed array before reading a big-endian (or
 * misaligned) sequence, so a forged count must be caught first. Cost: one pass over the structure.
 * With a value budget (decode-budget.ts) it also counts the values decoding would make, and stops at
 * the first sequence that would pass the budget, before walking it: 4,000,000 key-values cost one read.
 */
import type { MessageDefinitionField, TypeGraph } from './model.js';
import { PRIMITIVE_SIZES } from './primitives.js';
import { NO_BUDGET, type ValueBudget } from './decode-budget.js';

/** What stops a payload from being decoded: lengths that do not fit, or more values than the budget. */
export interface CdrProblem {
  kind: 'bounds' | 'budget';
  message: string;
}

/** Why the payload cannot hold the type or is over `budget`, or `undefined` when it can be decoded. */
export function cdrBoundsProblem(fields: readonly MessageDefinitionField[], graph: TypeGraph, bytes: Uint8Array, littleEndian: boolean, budget: ValueBudget = NO_BUDGET): CdrProblem | undefined {
  const walker = new Walker(bytes, littleEndian, graph, budget);
  try {
    walker.struct(fields);
    return undefined;
  } catch (err) {
    if (err instanceof BoundsError) return { kind: err.kind, message: err.message };
    throw err;
  }
}

class BoundsError extends Error {
  readonly code: string = 'cdr-bounds';
  constructor(
    message: string,
    readonly kind: CdrProblem['kind'] = 'bounds',
  ) {
    super(message);
  }
}

class Walker {
  offset = 4; // alignment counts from the first byte after the encapsulation header
  readonly view: DataView;
  /** Values decoding would make so far (decode-budget.ts). */
  values = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly graph: TypeGraph,
    readonly budget: ValueBudget,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  struct(fields: readonly MessageDefinitionField[]): void {
    this.charge(this.budget.structCost, 'struct');
    if (fields.length === 0) return this.skip(1, 'empty-struct placeholder'); // ROS's hidden uint8 member
    for (const f of fields) {
      const count = f.isArray === true ? (f.arrayLength ?? this.count(f.name)) : 1;
      if (f.isComplex === true) {
        const sub = this.graph.get(f.type) ?? [];
        this.check(count * this.budget.structCost, f.name); // each element is at least its object: refused before walking them
        for (let i = 0; i < count; i++) this.struct(sub);
      } else if (f.type === 'string' || f.type === 'wstring') {
        this.charge(count, f.name);
        for (let i = 0; i < count; i++) this.skip(this.count(f.name), f.name);
      } else {
        this.charge(this.budget.primitiveCost(f.type, f.isArray === true ? count : undefined), f.name);
        const size = PRIMITIVE_SIZES[f.type] ?? 1;
        if (count > 0) this.align(size);
        this.skip(size * count, f.name);
      }
    }
  }

  /** Adds `n` values; past the budget, decoding is refused. */
  charge(n: number, name: string): void {
    this.check(n, name);
    this.values += n;
  }

  /** Refuses decoding when `n` more values would pass the budget. */
  check(n: number, name: string): void {
    if (this.values + n > this.budget.maxValues) throw new BoundsError(`decoding would make more than ${this.budget.maxValues} values (at field '${name}')`, 'budget');
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
