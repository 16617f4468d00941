// What a reader takes from one DATA_FRAG submessage (reliable-reader.ts's onDataFrag): named fields rather than a
// dozen positional ones, several of the same type, that a call could swap unseen.
import type { FragmentOrigin } from './fragment-placement.js';
import type { RtpsTime } from './time.js';

/**
 * The fragments of one DATA_FRAG submessage, as receive.ts hands them to each matched reader (one object for all of
 * them): what the submessage says, and when and where it arrived.
 */
export interface DataFragInput {
  /** The sample's sequence number. */
  sn: number;
  /** First fragment number in `data` (1-based) and how many fragments it holds. */
  start: number;
  count: number;
  fragmentSize: number;
  /** The whole sample's size, bytes. */
  sampleSize: number;
  data: Buffer;
  inlineQos: Buffer | undefined;
  /** Byte order of the inline QoS and of the submessage (true: little-endian). */
  inlineLe: boolean;
  /** The INFO_TS in force, if any. */
  timestamp: RtpsTime | undefined;
  /** The payload is the key (K flag), not the data. */
  key: boolean;
  /** Receive time, ms (the reassembly's clock). */
  now: number;
  /** Where it came from, when the receiver may be aimed for this writer (fragment-placement.ts). */
  origin?: FragmentOrigin;
}
