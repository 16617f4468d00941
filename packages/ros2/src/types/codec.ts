/**
 * CDR (de)serialization of one resolved message type with @foxglove/rosmsg2-serialization, wrapped
 * so bad payloads become typed errors and JSON-form values go in and come out (json-codec.ts).
 */
import { createRequire } from 'node:module';
import type * as Serialization from '@foxglove/rosmsg2-serialization';
import { cdrBoundsProblem } from './cdr-bounds.js';
import { installCdrStringFix } from './cdr-string-fix.js';
import { padToFour, readPlainCdrHeader } from './encapsulation.js';
import { CdrDecodeError, DecodeBudgetError, ValidationError } from './errors.js';
import { valueBudget } from './decode-budget.js';

// CommonJS, loaded with require(): an import makes Node.js scan the package's whole source for its export names,
// a good part of the gateway's start-up CPU on Node.js 20 (issue 69). Same module object either way.
const { MessageReader, MessageWriter } = createRequire(import.meta.url)('@foxglove/rosmsg2-serialization') as typeof Serialization;
import { jsonToWire, wireToJson, type JsonFormOptions } from './json-codec.js';
import type { MessageType } from './model.js';
import { validateMessage } from './validate.js';

/** Options of {@link MessageCodec.decode}. */
export interface DecodeOptions extends JsonFormOptions {
  /**
   * `json` (default): the JSON form (README-types.md). `native`: what the reader produces (bigint for
   * 64-bit integers, typed arrays for primitive arrays), for code that wants raw bytes.
   */
  form?: 'json' | 'native';
  /**
   * Most values the decoded message may hold (decode-budget.ts: each struct, string and number); a payload that would
   * make more is refused with {@link DecodeBudgetError} before anything is decoded. Default: no bound.
   */
  maxValues?: number;
}

/** A decoded payload and how much of it the type used. */
export interface Decoded {
  value: Record<string, unknown>;
  /** Bytes consumed, the 4-byte header included. */
  byteLength: number;
  /** Bytes after the message (padding is normal: 0-3). */
  trailingBytes: number;
}

installCdrStringFix();

/** Serializer and deserializer of one message type. Build through the registry, which caches them. */
export class MessageCodec {
  readonly #reader: Serialization.MessageReader;
  readonly #writer: Serialization.MessageWriter;

  constructor(readonly type: MessageType) {
    // Constants do not go on the wire, and a constant-only definition would be mistaken for an IDL
    // constant module by the library: hand it data fields only.
    const defs = type.definitions.map((d) => ({ name: d.name, definitions: d.definitions.filter((f) => f.isConstant !== true) }));
    this.#reader = new MessageReader(defs);
    this.#writer = new MessageWriter(defs);
  }

  /** Validates and serializes: CDR_LE with the encapsulation header, padded to a multiple of 4. */
  encode(value: unknown): Uint8Array {
    const issues = validateMessage(value ?? {}, this.type.fields, this.type.graph);
    if (issues.length > 0) throw new ValidationError(this.type.name, issues);
    return padToFour(this.#writer.writeMessage(jsonToWire(value, this.type.fields, this.type.graph)));
  }

  /** Deserializes a payload that starts with its encapsulation header. */
  decode(payload: Uint8Array, opts: DecodeOptions = {}): Decoded {
    const header = readPlainCdrHeader(this.type.name, payload);
    const problem = cdrBoundsProblem(this.type.fields, this.type.graph, payload, header.littleEndian, valueBudget(opts));
    if (problem) throw problem.kind === 'budget' ? new DecodeBudgetError(this.type.name, problem.message) : new CdrDecodeError(this.type.name, problem.message);
    // The reader hands out typed-array views into its buffer: copy when the buffer is misaligned
    // (slow path that allocates) or when those views would escape to the caller (native form).
    const bytes = opts.form === 'native' || payload.byteOffset % 8 !== 0 ? payload.slice() : payload;
    let raw: Record<string, unknown>;
    try {
      raw = this.#reader.readMessage<Record<string, unknown>>(bytes);
    } catch (err) {
      throw new CdrDecodeError(this.type.name, (err as Error).message);
    }
    const byteLength = this.#reader.lastReadByteLength();
    const value = opts.form === 'native' ? raw : wireToJson(raw, this.type.fields, this.type.graph, opts);
    return { value, byteLength, trailingBytes: payload.length - byteLength };
  }
}
