// The beacon plugins' own error codes that a client sees by name (docs/beacons.md), declared by both modules
// (`errorCodes`, docs/plugins.md).
import { createError } from '@medkit/plugin-api';

/** An entity the beacon has no hint for. */
export const BEACON_NOT_FOUND = createError('x-medkit-beacon-not-found', "no beacon hint for '%s'", 404);

/** Every code the modules declare. */
export const BEACON_ERROR_CODES = [BEACON_NOT_FOUND] as const;
