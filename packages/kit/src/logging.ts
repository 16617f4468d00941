// The logger type every module takes (pino's), so domain code does not name the HTTP framework's logger.
import type { BaseLogger } from 'pino';

/** A pino logger, or any child of one. */
export interface Logger extends BaseLogger {
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): Logger;
}
