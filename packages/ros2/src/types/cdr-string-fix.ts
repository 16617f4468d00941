/**
 * @foxglove/cdr 3.5.0 `CdrWriter.string` sizes a string by its UTF-16 length, so any non-ASCII text
 * ("Überhitzt", emoji) is cut short on the wire. CDR strings are UTF-8 bytes + NUL with a uint32
 * length that counts both. Replace the method once with one built on the writer's public byte API;
 * every CdrWriter in the process (including the one inside rosmsg2-serialization) gets the fix.
 */
import { createRequire } from 'node:module';
import type * as Cdr from '@foxglove/cdr';

// CommonJS, loaded with require(): an import makes Node.js scan the package's whole source for its export names,
// a good part of the gateway's start-up CPU on Node.js 20 (issue 69). Same module object either way.
const { CdrWriter } = createRequire(import.meta.url)('@foxglove/cdr') as typeof Cdr;
type CdrWriter = Cdr.CdrWriter;

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
