// Thin fetch wrapper for the SOVD API: JSON in and out, every failure turned into an ApiError that
// carries the SOVD error body (spec/api.md §2), and a deadline on every request so a dead gateway
// never leaves the UI waiting.
import { apiUrl } from './gateway-url';

/** A failed request: HTTP status 0 means the gateway could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly vendorCode?: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line for the UI: the message and the code a user can search for. */
  describe(): string {
    const code = this.vendorCode ?? this.code;
    return this.status === 0 ? this.message : `${this.message} (${this.status} ${code})`;
  }
}

/** Turns a response body into an ApiError: SOVD GenericError, OAuth2 error, or plain text. */
export function errorFromBody(status: number, body: unknown, fallback: string): ApiError {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.error_code === 'string') {
      return new ApiError(
        status,
        b.error_code,
        typeof b.message === 'string' ? b.message : fallback,
        typeof b.vendor_code === 'string' ? b.vendor_code : undefined,
        b.parameters && typeof b.parameters === 'object' ? (b.parameters as Record<string, unknown>) : undefined,
      );
    }
    if (typeof b.error === 'string') {
      return new ApiError(status, b.error, typeof b.error_description === 'string' ? b.error_description : b.error);
    }
  }
  if (typeof body === 'string' && body.trim() !== '') return new ApiError(status, 'http-error', body.trim().slice(0, 300));
  return new ApiError(status, 'http-error', fallback);
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Deadline in ms (default 10 s). */
  timeoutMs?: number;
  query?: Record<string, string | undefined>;
  /** Send X-Client-Id on a GET too (lock listings report `owned` for this client). */
  identify?: boolean;
}

/** Talks to one gateway; `base` is '' for the page's own origin. */
export class ApiClient {
  /**
   * @param base gateway URL, '' for the page's own origin
   * @param clientId sent as X-Client-Id on mutating requests so locks (spec/api.md §12) can tell clients apart
   */
  constructor(
    readonly base: string,
    readonly clientId = 'medkit-web',
  ) {}

  /** Full URL of an API path (for links, downloads and EventSource). */
  url(path: string, query?: Record<string, string | undefined>): string {
    const q = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString() : '';
    return apiUrl(this.base, path) + (q ? `?${q}` : '');
  }

  async get<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('GET', path, undefined, opts)).body;
  }

  /** Any method; resolves for 2xx (body undefined for 204), rejects with ApiError otherwise. */
  async request<T = unknown>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(this.url(path, opts.query), {
        method,
        signal,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(method === 'GET' && !opts.identify ? {} : { 'x-client-id': this.clientId }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const why = timeout.aborted ? 'did not answer in time' : 'could not be reached';
      throw new ApiError(0, 'unreachable', `Gateway ${this.base || window.location.origin} ${why}`);
    }
    const text = res.status === 204 ? '' : await res.text();
    let parsed: unknown = text;
    if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!res.ok) throw errorFromBody(res.status, parsed, `${method} ${path} failed with HTTP ${res.status}`);
    return { status: res.status, body: (text === '' ? undefined : parsed) as T, headers: res.headers };
  }
}
