// The MCP server reaches the robot only through the gateway's public REST API, with @medkit/client, so
// every call an agent makes goes through the same validation, locks and roles as any other client.
// This module configures that client as the server needs it (X-Client-Id on every call, a 4 MiB cap,
// a fetch that may serve calls in-process) and turns its errors into the gateway call errors that
// tool-errors.ts maps to tool errors.
import { MedkitClient, MedkitNetworkError, MedkitResponseTooLargeError, MedkitTimeoutError, SovdClientError } from '@medkit/client';

/** A SOVD error answered by the gateway (docs/api.md), or a transport failure mapped to one. */
export class SovdCallError extends Error {
  readonly code: string = 'sovd-call-failed';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly body?: unknown,
    /** False when the gateway never answered usefully (deadline, unreachable, oversized answer). */
    readonly answered = true,
  ) {
    super(message);
    this.name = 'SovdCallError';
  }
}

export interface McpClientOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080/api/v1` (the `/api/v1` may be left out). */
  baseUrl: string;
  /** Deadline of each call in milliseconds. */
  timeoutMs: number;
  /** Sent as `Authorization: Bearer …` when set. */
  bearerToken?: string;
  /** Sent as `X-Client-Id` on every call (the identity locks are held under). */
  clientId?: string;
  /** Largest response body read, in bytes (default 4 MiB); a larger body is an error, not an allocation. */
  maxResponseBytes?: number;
  /**
   * The fetch to use (default: the global one). The gateway's own `/mcp` passes one that serves the call
   * in-process, so it needs no network path to itself (TLS, client certificates, bind address).
   */
  fetch?: typeof fetch;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Hands a call to `inner` as (url, init) with the body as bytes. The client passes a Request; the
 * gateway's in-process fetch reads method, headers and body from `init` only, and a multipart body
 * must reach it serialised (boundary and all).
 */
function asUrlAndInit(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    if (!(input instanceof Request)) return inner(input, init);
    const hasBody = input.method !== 'GET' && input.method !== 'HEAD';
    // JSON as text, anything else (a multipart upload) as the bytes it is.
    const body = !hasBody ? undefined : /json|^text\//.test(input.headers.get('content-type') ?? '') ? await input.text() : Buffer.from(await input.arrayBuffer());
    return inner(input.url, { method: input.method, headers: input.headers, body: body?.length ? body : undefined, signal: input.signal });
  };
}

/** @medkit/client's client with the MCP server's options: what the gateway's `/mcp` and `medkit mcp` use. */
export function createMcpClient(opts: McpClientOptions): MedkitClient {
  const url = new URL(opts.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`gateway URL must be http(s), got '${opts.baseUrl}'`);
  return new MedkitClient({
    baseUrl: url.href,
    timeoutMs: opts.timeoutMs,
    token: opts.bearerToken,
    clientId: opts.clientId,
    maxResponseBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ...(opts.fetch ? { fetch: asUrlAndInit(opts.fetch) } : {}),
  });
}

interface GatewayResponse {
  status: number;
  /** Parsed JSON (text when the answer is not JSON), or undefined for an empty body. */
  body: unknown;
  headers: Headers;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** The absolute URL of a path the gateway gave (a link, a Location), or the URL as it is when already absolute. */
export function absoluteUrl(client: MedkitClient, path: string): string {
  return /^https?:\/\//i.test(path) ? path : client.url(path);
}

/** The client's error as the gateway call error; anything else is rethrown as is. */
export function callError(client: MedkitClient, method: string, path: string, err: unknown): unknown {
  const what = `${method} ${new URL(client.url(path)).pathname}`;
  if (err instanceof SovdClientError) {
    const code = err.errorCode === 'http-error' ? `http-${err.status}` : err.code;
    return new SovdCallError(err.status, code, `${what} answered ${err.status} ${code}: ${err.message}`, err.body);
  }
  if (err instanceof MedkitTimeoutError) return new SovdCallError(504, 'x-medkit-timeout', `the gateway did not answer ${what} within ${err.timeoutMs} ms`, undefined, false);
  if (err instanceof MedkitResponseTooLargeError) return new SovdCallError(502, 'x-medkit-response-too-large', `the gateway's response to ${what} exceeded ${err.maxBytes} bytes`, undefined, false);
  if (err instanceof MedkitNetworkError) return new SovdCallError(502, 'x-medkit-gateway-unreachable', `cannot reach the gateway at ${client.baseUrl}: ${err.message}`, undefined, false);
  return err;
}

/** One JSON call, X-Client-Id always sent (lock listings then say which locks are the agent's). */
export async function gatewayCall(client: MedkitClient, method: string, path: string, body?: unknown, query?: Query): Promise<GatewayResponse> {
  try {
    const r = await client.request(method, path, { query, body, identify: true });
    return { status: r.status, body: r.data, headers: r.headers };
  } catch (err) {
    throw callError(client, method, path, err);
  }
}

/** A HEAD: status and headers only. */
export async function gatewayHead(client: MedkitClient, path: string): Promise<{ status: number; headers: Headers }> {
  try {
    const r = await client.request('HEAD', path, { identify: true, headers: { accept: '*/*' } });
    return { status: r.status, headers: r.headers };
  } catch (err) {
    throw callError(client, 'HEAD', path, err);
  }
}
