// The one TypeBox helper a domain package's REST schemas share with the server core: kit holds it because kit
// is the lowest package that may import a third-party library (sovd may not), so `faults` and `server` both reach it.
import { Type } from '@sinclair/typebox';

/** Opaque vendor objects: documented as open objects, serialised as they are. */
export const Opaque = (description?: string) =>
  Type.Object({}, { additionalProperties: true, 'x-medkit-opaque': true, ...(description ? { description } : {}) });
