/**
 * @foxglove/cdr 3.5.0 `CdrWriter.string` sizes a string by its UTF-16 length, so any non-ASCII text
 * ("Überhitzt", emoji) is cut short on the wire. CDR strings are UTF-8 bytes + NUL with a uint32
 * length that counts both. Replace the method once with one built on the writer's public byte API;
 * every CdrWriter in the process (including the one inside rosmsg2-serialization) gets the fix.
 */
import { CdrWriter } from '@foxglove/cdr';

const encoder = new TextEncoder();
const FIXED = Symbol.for('medkit.cdrWriterUtf8StringFix');

type Patchable = typeof CdrWriter.prototype & { [FIXED]?: true };

export function installCdrStringFix(): void {
  const proto = CdrWriter.prototype as Patchable;
  if (proto[FIXED]) return;
  proto.string = function utf8String(this: CdrWriter, value: string, writeLength = true): CdrWriter {
    const bytes = encoder.encode(value);
    if (writeLength) this.uint32(bytes.length + 1); // the length counts the terminating NUL
    this.uint8Array(bytes, false);
    this.uint8(0);
    return this;
  };
  proto[FIXED] = true;
}
