// The one JSON body every failed tool call carries (docs/mcp.md, "Errors"): a stable code an agent can
// branch on, a message it can read, and where the error came from.
import type { z } from 'zod';
import type { SovdCallError } from './gateway.js';

export interface ToolErrorBody {
  /** SOVD error code (`invalid-parameter`, `resource-not-found`, `lock-broken`, …) or `x-medkit-*`. */
  error_code: string;
  message: string;
  /** The HTTP status the gateway answered; absent when the call never reached it. */
  status?: number;
  /** `mcp`: refused by the MCP server before any REST call; `gateway`: the gateway's answer. */
  source: 'mcp' | 'gateway';
  /** The gateway's vendor code when the SOVD code was mapped (e.g. a vendor not-found code). */
  vendor_code?: string;
  /** The offending arguments (input errors) or the gateway's error body. */
  details?: unknown;
}

/** Arguments that do not match the tool's input schema: refused before any request. */
export function invalidArguments(tool: string, error: z.ZodError, callerName: (key: string) => string = (k) => k): ToolErrorBody {
  // Issues are named as the caller named the argument (a reference alias, not our name for it).
  const pathOf = (path: PropertyKey[]) => [...(path.length ? [callerName(String(path[0]))] : []), ...path.slice(1).map(String)].join('.');
  const issues = error.issues.slice(0, 20).map((i) => ({ path: pathOf(i.path) || '(arguments)', message: i.message }));
  return { error_code: 'invalid-parameter', source: 'mcp', message: `invalid arguments for ${tool}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, details: { issues } };
}

/** An argument combination the schema alone cannot express (e.g. entity_type without entity_id). */
export function invalidCombination(message: string): ToolErrorBody {
  return { error_code: 'invalid-parameter', source: 'mcp', message };
}

/** A gateway error as the tool error; every 404 is `resource-not-found`, the gateway's own code kept as vendor_code. */
export function fromGateway(err: SovdCallError): ToolErrorBody {
  const notFound = err.status === 404;
  const code = notFound ? 'resource-not-found' : err.errorCode;
  const vendor = notFound && err.errorCode !== code ? err.errorCode : undefined;
  return { error_code: code, status: err.status, source: err.answered ? 'gateway' : 'mcp', message: err.message, ...(vendor ? { vendor_code: vendor } : {}), details: err.body };
}

export class ToolInputError extends Error {
  readonly code: string = 'tool-input-invalid';
  constructor(readonly body: ToolErrorBody) {
    super(body.message);
  }
}
