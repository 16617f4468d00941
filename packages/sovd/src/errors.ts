// Every SOVD error the gateway sends comes from this table (docs/api.md), so codes and statuses
// cannot drift apart between resources. Domain code throws SovdError (without knowing about HTTP);
// the HTTP error stage renders it. The table holds the SOVD codes and the gateway's own x-medkit codes; a
// plugin defines its codes with createError, below, and declares them (PluginModule.errorCodes).

/** Standard SOVD error codes and the HTTP status each one is sent with by default. */
export const ERROR_STATUS = {
  'invalid-request': 400,
  'invalid-parameter': 400,
  'collection-not-supported': 400,
  'entity-not-found': 404,
  'resource-not-found': 404,
  'operation-not-found': 404,
  'precondition-not-fulfilled': 409,
  'lock-broken': 409,
  unauthorized: 401,
  forbidden: 403,
  'insufficient-access-rights': 403,
  'payload-too-large': 413,
  'rate-limit-exceeded': 429,
  'internal-error': 500,
  'not-implemented': 501,
  'service-unavailable': 503,
  'not-responding': 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Vendor (`x-medkit-*`) codes, sent inside the `vendor-error` envelope, with their default status. */
export const VENDOR_STATUS = {
  'x-medkit-ros2-service-unavailable': 500,
  'x-medkit-ros2-action-rejected': 400,
  'x-medkit-ros2-action-unavailable': 500,
  'x-medkit-ros2-parameter-read-only': 403,
  'x-medkit-ros2-node-unavailable': 503,
  'x-medkit-ros2-topic-unavailable': 404,
  'x-medkit-ros2-type-introspection-failed': 500,
  // [ours] SROS2: the gateway's own permissions (or governance) deny it the topic, service or action (docs/sros2.md).
  'x-medkit-ros2-permission-denied': 403,
  'x-medkit-gateway-shutdown': 503,
  'x-medkit-subscribe-failed': 500,
  'x-medkit-cold-wait-cap-exceeded': 503,
  'x-medkit-invalid-resource-uri': 400,
  'x-medkit-entity-mismatch': 400,
  'x-medkit-collection-not-supported': 400,
  'x-medkit-collection-not-available': 400,
  'x-medkit-unsupported-protocol': 400,
  'x-medkit-update-not-found': 404,
  'x-medkit-update-already-exists': 400,
  'x-medkit-update-in-progress': 409,
  'x-medkit-update-not-prepared': 400,
  'x-medkit-update-not-automated': 400,
  'x-medkit-script-already-exists': 409,
  'x-medkit-managed-script': 409,
  'x-medkit-script-running': 409,
  'x-medkit-script-not-running': 409,
  'x-medkit-concurrency-limit': 429,
  'x-medkit-script-too-large': 413,
  'x-medkit-plugin-error': 500,
  'x-medkit-peer-unavailable': 502,
  // [ours] request-level limits that SOVD has no code for.
  'x-medkit-header-too-large': 431,
  'x-medkit-uri-too-long': 414,
  'x-medkit-request-timeout': 408,
  // [ours] a Host header the gateway does not serve (DNS-rebinding defence, docs/hardening.md).
  'x-medkit-misdirected-request': 421,
} as const;

export type VendorCode = keyof typeof VENDOR_STATUS;

/** A vendor code outside the table: one a plugin defines with {@link createError}. */
export type DeclaredVendorCode = `x-${string}`;

/**
 * A coded error as {@link createError} defines it: its code, the status it is sent with and its message
 * template, so that every error of the code is built from one definition (as Fastify's `createError` does).
 */
export interface ErrorDefinition<C extends string = string> {
  /** A code of ERROR_STATUS, or an `x-…` vendor code. */
  readonly code: C;
  /** HTTP status, 400–599. */
  readonly status: number;
  /** The message, each `%s` standing for one argument of {@link ErrorDefinition.format}, in order. */
  readonly template: string;
  /** The template with each `%s` replaced by the next argument (`String(arg)`); a `%s` without one stays as it is. */
  format(...args: unknown[]): string;
}

/**
 * The one factory of coded errors: `createError('x-acme-sensor-offline', "sensor '%s' does not answer", 503)`.
 * The code is a SOVD code of ERROR_STATUS or an `x-` code of lower-case letters, digits and single `-`; the
 * status is 400–599. Throws otherwise, so a wrong definition fails when its module loads, not when its error is
 * first sent. Build the error with `new SovdError(definition, definition.format(…), parameters)` (the gateway),
 * or `PluginError.of(definition, [...args], parameters)` (a plugin).
 */
export function createError<C extends string>(code: C, template: string, status: number): ErrorDefinition<C> {
  if (!Object.hasOwn(ERROR_STATUS, code) && !/^x-[a-z0-9]+(?:-[a-z0-9]+)*$/.test(code)) {
    throw new TypeError(`error code '${code}' is neither a SOVD code nor an x- code of a-z, 0-9 and single '-'`);
  }
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`error code '${code}': status ${status} is not 400–599`);
  return Object.freeze({
    code,
    status,
    template,
    format: (...args: unknown[]) => {
      let i = 0;
      return template.replace(/%s/g, (placeholder) => (i < args.length ? String(args[i++]) : placeholder));
    },
  });
}

/** The GenericError body of docs/api.md. */
export interface GenericErrorBody {
  error_code: string;
  vendor_code?: string;
  message: string;
  parameters?: Record<string, unknown>;
}

/** An error that becomes a SOVD GenericError response. */
export class SovdError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'vendor-error';
  readonly vendorCode?: VendorCode | DeclaredVendorCode;
  readonly parameters?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers?: Record<string, string>;

  /**
   * `code` is a code of the table (its status the default) or a definition of {@link createError} (a plugin's
   * own code, its status the default).
   */
  constructor(
    code: ErrorCode | VendorCode | ErrorDefinition,
    message: string,
    parameters?: Record<string, unknown>,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'SovdError';
    const defined = typeof code === 'string' ? undefined : code;
    const name = defined ? defined.code : (code as ErrorCode | VendorCode);
    if (name.startsWith('x-')) {
      this.code = 'vendor-error';
      this.vendorCode = name as VendorCode | DeclaredVendorCode;
      this.status = options.status ?? defined?.status ?? VENDOR_STATUS[name as VendorCode];
    } else {
      this.code = name as ErrorCode;
      this.status = options.status ?? defined?.status ?? ERROR_STATUS[name as ErrorCode];
    }
    // Error statuses stay within 400–599 whatever a caller (or plugin) asks for.
    this.status = Math.min(599, Math.max(400, Math.trunc(this.status)));
    if (parameters && Object.keys(parameters).length > 0) this.parameters = parameters;
    this.headers = options.headers;
  }

  toBody(): GenericErrorBody {
    const body: GenericErrorBody = { error_code: this.code, message: this.message };
    if (this.vendorCode) body.vendor_code = this.vendorCode;
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

/** Renders any GenericError body with the vendor envelope rule applied. */
export function errorBody(code: ErrorCode | VendorCode, message: string, parameters?: Record<string, unknown>): GenericErrorBody {
  return new SovdError(code, message, parameters).toBody();
}

/** True for ids of docs/api.md: 1–256 characters of [A-Za-z0-9_-]. */
export function isValidEntityId(id: string): boolean {
  return id.length >= 1 && id.length <= 256 && /^[A-Za-z0-9_-]+$/.test(id);
}
