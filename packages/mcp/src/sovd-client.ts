// The MCP server reaches the robot only through the gateway's public REST API, so every call an
// agent makes goes through the same validation, locks and (later) roles as any other client.

/** A SOVD error answered by the gateway (docs/api.md), or a transport failure mapped to one. */
export class SovdCallError extends Error {
  readonly code: string = 'sovd-call-failed';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly body?: unknown,
    /** False when the gateway never answered (deadline, unreachable, oversized answer). */
    readonly answered = true,
  ) {
    super(message);
    this.name = 'SovdCallError';
  }
}

export interface SovdClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080/api/v1`. */
  baseUrl: string;
  /** Deadline of each call in milliseconds. */
  timeoutMs: number;
  /** Sent as `Authorization: Bearer …` when set. */
  bearerToken?: string;
  /** Sent as `X-Client-Id` (the identity locks are held under). */
  clientId?: string;
  /** Largest response body read, in bytes; a larger body is an error, not an allocation. */
  maxResponseBytes?: number;
  /**
   * The fetch to use (default: the global one). The gateway's own `/mcp` passes one that serves the call
   * in-process, so it needs no network path to itself (TLS, client certificates, bind address).
   */
  fetch?: typeof fetch;
}

export interface SovdResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  headers: Headers;
}

export interface SovdBinaryResponse {
  status: number;
  bytes: Buffer;
  headers: Headers;
}

const DEFAULT_MAX_RESPONSE = 4 * 1024 * 1024;

/** A small JSON client for one gateway with a deadline on every call and a cap on what it reads. */
export class SovdClient {
  private readonly base: string;

  constructor(private readonly opts: SovdClientOptions) {
    const url = new URL(opts.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`gateway URL must be http(s), got '${opts.baseUrl}'`);
    this.base = url.href.replace(/\/+$/, '');
  }

  /** The absolute URL of an API path (for links handed to the agent, e.g. recording downloads). */
  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    // Paths the gateway returns are absolute from the server root (`/api/v1/...`).
    if (path.startsWith('/api/')) return new URL(path, this.base).href;
    return `${this.base}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  get(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<SovdResponse> {
    return this.call('GET', path, undefined, query);
  }

  post(path: string, body: unknown): Promise<SovdResponse> {
    return this.call('POST', path, body);
  }

  put(path: string, body: unknown): Promise<SovdResponse> {
    return this.call('PUT', path, body);
  }

  delete(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<SovdResponse> {
    return this.call('DELETE', path, undefined, query);
  }

  async call(method: string, path: string, body?: unknown, query?: Record<string, string | number | boolean | undefined>): Promise<SovdResponse> {
    const { res, bytes, url } = await this.exchange(method, path, body, query, this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE);
    const text = bytes.toString('utf8');
    const parsed = text.length > 0 ? jsonOr(text, text) : undefined;
    if (!res.ok) throw errorOf(method, url, res, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** A HEAD: status and headers only (a body some server sends anyway is read up to the JSON cap and dropped). */
  async head(path: string): Promise<SovdBinaryResponse> {
    const { res, bytes, url } = await this.exchange('HEAD', path, undefined, undefined, this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE, '*/*');
    if (!res.ok) throw errorOf('HEAD', url, res, jsonOr(bytes.toString('utf8'), undefined));
    return { status: res.status, bytes: Buffer.alloc(0), headers: res.headers };
  }

  /** A binary GET read whole up to `maxBytes` (a larger body is a `x-medkit-response-too-large` error). */
  async download(path: string, maxBytes: number): Promise<SovdBinaryResponse> {
    const { res, bytes, url } = await this.exchange('GET', path, undefined, undefined, maxBytes, '*/*');
    if (!res.ok) throw errorOf('GET', url, res, jsonOr(bytes.toString('utf8'), undefined));
    return { status: res.status, bytes, headers: res.headers };
  }

  private async exchange(method: string, path: string, body: unknown, query: Record<string, string | number | boolean | undefined> | undefined, maxBytes: number, accept = 'application/json') {
    const url = new URL(this.url(path));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept };
    let payload: string | Buffer | undefined;
    if (body instanceof FormData) {
      // Serialised here (boundary and all) so the in-process fetch of the gateway's /mcp gets plain bytes.
      const encoded = new Response(body);
      payload = Buffer.from(await encoded.arrayBuffer());
      headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    if (this.opts.bearerToken) headers.authorization = `Bearer ${this.opts.bearerToken}`;
    if (this.opts.clientId) headers['x-client-id'] = this.opts.clientId;
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(url, { method, headers, body: payload, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      const e = err as Error;
      if (err instanceof DOMException && err.code === DOMException.TIMEOUT_ERR) throw new SovdCallError(504, 'x-medkit-timeout', `the gateway did not answer ${method} ${url.pathname} within ${this.opts.timeoutMs} ms`, undefined, false);
      throw new SovdCallError(502, 'x-medkit-gateway-unreachable', `cannot reach the gateway at ${this.base}: ${e.message}`, undefined, false);
    }
    return { res, url, bytes: await readBounded(res, maxBytes) };
  }
}

/** `text` parsed as JSON, or `fallback` when it is not JSON. */
function jsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

function errorOf(method: string, url: URL, res: Response, parsed: unknown): SovdCallError {
  const e = (parsed ?? {}) as { error_code?: string; vendor_code?: string; message?: string };
  const code = e.vendor_code ?? e.error_code ?? `http-${res.status}`;
  return new SovdCallError(res.status, code, `${method} ${url.pathname} answered ${res.status} ${code}: ${e.message ?? res.statusText}`, parsed);
}

async function readBounded(res: Response, max: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new SovdCallError(502, 'x-medkit-response-too-large', `the gateway's response exceeded ${max} bytes`, undefined, false);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
