// The opcua plugin's own error codes that a client sees by name (docs/opcua.md), declared by the module
// (`errorCodes`) so the gateway answers them as `vendor-error` with that `vendor_code` (docs/plugins.md).
import { createError } from '@medkit/plugin-api';

/** A write sent but not answered in time: the server may or may not have applied it (docs/opcua.md). */
export const WRITE_OUTCOME_UNKNOWN = createError(
  'x-medkit-opcua-write-outcome-unknown',
  'writing %s: the OPC-UA server did not answer within %s ms; the write may or may not have been applied. The value is read back once the server answers again (x-plc-status write_checks)',
  504,
);

/** Every code the module declares. */
export const OPCUA_ERROR_CODES = [WRITE_OUTCOME_UNKNOWN] as const;
