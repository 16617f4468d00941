// What a failed call throws. Three kinds a caller must tell apart: the gateway answered with an
// error (SovdClientError: the SOVD GenericError of docs/api.md, or the OAuth2 body of docs/api.md on auth
// routes), the gateway could not be reached (MedkitNetworkError), or it did not answer before the
// call's deadline (MedkitTimeoutError). A caller's own abort is rethrown as the AbortSignal's reason.

/** Base class of every error the client throws for a failed call. */
export abstract class MedkitError extends Error {
  /** HTTP status of the answer; 0 when there was no answer (network failure, timeout). */
  abstract readonly status: number;
  /** The code a user can search for: the vendor code, the SOVD/OAuth2 code, or `unreachable`/`timeout`. */
  abstract readonly code: string;

  /** One line for people: the message and, when the gateway answered, the status and code. */
  describe(): string {
    return this.status === 0 ? this.message : `${this.message} (${this.status} ${this.code})`;
  }
}

/** Fields of a SOVD GenericError (docs/api.md). */
export interface SovdErrorBody {
  error_code: string;
  vendor_code?: string;
  message: string;
  parameters?: Record<string, unknown>;
}

/** The gateway answered with an HTTP error status. */
export class SovdClientError extends MedkitError {
  override readonly name = 'SovdClientError';

  constructor(
    /** HTTP status (400–599). */
    readonly status: number,
    /** SOVD `error_code` (e.g. `entity-not-found`, `vendor-error`), the OAuth2 `error` (e.g. `invalid_token`), or `http-error` for a body of neither shape. */
    readonly errorCode: string,
    message: string,
    /** `vendor_code` (`x-medkit-…`) when `errorCode` is `vendor-error`. */
    readonly vendorCode?: string,
    /** SOVD `parameters` (context such as `entity_id`); undefined when absent. */
    readonly parameters?: Record<string, unknown>,
    /** The parsed response body as received (JSON value or text). */
    readonly body?: unknown,
  ) {
    super(message);
  }

  get code(): string {
    return this.vendorCode ?? this.errorCode;
  }

  /** True for the auth middleware's answers: 401 (no or bad token) and 403 (role lacks the right). */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** The SOVD body, as sent. */
  toJSON(): SovdErrorBody & { status: number } {
    return { status: this.status, error_code: this.errorCode, vendor_code: this.vendorCode, message: this.message, parameters: this.parameters };
  }
}

/** No HTTP answer: connection refused, DNS failure, reset, CORS refusal in a browser. */
export class MedkitNetworkError extends MedkitError {
  override readonly name = 'MedkitNetworkError';
  readonly status = 0;
  readonly code = 'unreachable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The call's deadline passed before the gateway answered. */
export class MedkitTimeoutError extends MedkitError {
  override readonly name = 'MedkitTimeoutError';
  readonly status = 0;
  readonly code = 'timeout';
  constructor(
    message: string,
    /** The deadline that passed, in ms. */
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/**
 * The gateway answered, but with a body larger than the client's `maxResponseBytes`: refused rather
 * than buffered, so a huge or hostile answer cannot exhaust the caller's memory.
 */
export class MedkitResponseTooLargeError extends MedkitError {
  override readonly name = 'MedkitResponseTooLargeError';
  readonly code = 'response-too-large';
  constructor(
    message: string,
    /** HTTP status of the refused answer. */
    readonly status: number,
    /** The cap that was passed, in bytes. */
    readonly maxBytes: number,
  ) {
    super(message);
  }
}

/** Longest text body kept in an error message (an HTML error page must not flood a UI). */
const MAX_TEXT = 300;

/** Turns an error response body into a SovdClientError: SOVD GenericError, OAuth2 error, or plain text. */
export function errorFromBody(status: number, body: unknown, fallback: string): SovdClientError {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.error_code === 'string') {
      return new SovdClientError(
        status,
        b.error_code,
        typeof b.message === 'string' ? b.message : fallback,
        typeof b.vendor_code === 'string' ? b.vendor_code : undefined,
        b.parameters && typeof b.parameters === 'object' ? (b.parameters as Record<string, unknown>) : undefined,
        body,
      );
    }
    if (typeof b.error === 'string') {
      return new SovdClientError(status, b.error, typeof b.error_description === 'string' ? b.error_description : b.error, undefined, undefined, body);
    }
  }
  if (typeof body === 'string' && body.trim() !== '') return new SovdClientError(status, 'http-error', body.trim().slice(0, MAX_TEXT), undefined, undefined, body);
  return new SovdClientError(status, 'http-error', fallback, undefined, undefined, body);
}
