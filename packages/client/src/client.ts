// The typed client: openapi-fetch over the types generated from the gateway's OpenAPI document,
// plus what every call needs and openapi-fetch leaves to the caller — a deadline, a cap on the size of
// an answer, the bearer token and X-Client-Id headers, and errors thrown as objects (SovdClientError,
// MedkitNetworkError, MedkitTimeoutError, MedkitResponseTooLargeError) instead of returned. Works wherever fetch does: Node 20+ and browsers.
import createClient, { type Client, type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import type { paths } from './generated.js';
import { ENTITY_ID_PARAM, type EntityCollection, type EntityQuery, type EntityResource, type EntityResponse, type Method, type PathOf, type ResourceParams, type ResponseData } from './typed-paths.js';
import { deadline } from './deadline.js';
import { errorFromBody, MedkitResponseTooLargeError, SovdClientError } from './errors.js';
import { boundedResponse, onSettled } from './bounded-body.js';
import { openEventStream, type EventStream, type EventStreamHandlers, type EventStreamOptions } from './sse/stream.js';
import { parseEnvelope, parseFaultEvent, parseFaultOrMutedEvent, parseTopicStreamEvent, parseWatchChange, type EventEnvelope, type FaultStreamEvent, type MutedFaultEvent, type ReplayTruncated, type TopicStreamEvent } from './sse/events.js';
import { FleetEventOrder } from './fleet-order.js';
import { fleetFaultCodeParams, fleetFaultParams, parseFleetStreamEvent, type FleetFaultCodePage, type FleetFaultCodeQuery, type FleetFaultPage, type FleetFaultQuery, type FleetRobot, type FleetRobotEntity, type FleetRobotFaultDetail, type FleetStreamEvent } from './fleet.js';

import { API_BASE, type SseMessage, type WatchChange } from '@medkit/sovd';

export { API_BASE };

/** Default deadline of one call, ms. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Default cap of one answer's body, bytes (the OpenAPI document, the largest JSON answer, is a few MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Returns the bearer token to send, or nothing for an anonymous call. Called before every request
 * and every stream (re)connect, so a UI can refresh the token behind it.
 */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

export interface MedkitClientOptions {
  /**
   * The gateway: `http://robot:8080` (a trailing `/api/v1` is accepted). `''` means the page's own
   * origin (browsers only).
   */
  baseUrl: string;
  /** Deadline of each call in ms unless the call sets its own (default 10 s; 0 = none). */
  timeoutMs?: number;
  /** Bearer token, or a provider called per request (docs/security.md). */
  token?: string | TokenProvider;
  /** Sent as `X-Client-Id` on mutating requests (locks tell clients apart by it, docs/locks.md). */
  clientId?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
  /**
   * Largest body of one answer read, in bytes (default 16 MiB; Infinity: no cap). A larger answer is
   * refused with MedkitResponseTooLargeError instead of being buffered. Streams have their own bounds.
   */
  maxResponseBytes?: number;
}

/** Options every call takes besides its typed params and body. */
export interface CallOptions {
  /** Deadline of this call in ms (default: the client's). */
  timeoutMs?: number;
  /** Aborts the call; the abort reason is rethrown as is. */
  signal?: AbortSignal;
  /** Send `X-Client-Id` on a GET too (lock listings then report `owned` for this client). */
  identify?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Cap of this answer's body in bytes (default: the client's `maxResponseBytes`). */
  maxResponseBytes?: number;
}

type Init<P extends keyof paths, M extends Method> = MaybeOptionalInit<paths[P], M>;
// The init argument: optional when the route needs no params or body (openapi-fetch's rule), plus CallOptions.
type InitArg<I> = [I] extends [undefined] ? [(NonNullable<I> & CallOptions)?] : undefined extends I ? [(NonNullable<I> & CallOptions)?] : [I & CallOptions];

/** Options of an `entityGet`: the resource's own path parameters (when it has any) and its query. */
export type EntityGetOptions<C extends EntityCollection, S extends string> = CallOptions & {
  query?: EntityQuery<C, S>;
} & ([ResourceParams<S>] extends [never] ? { path?: undefined } : { path: Record<ResourceParams<S>, string> });
// Optional when the resource names no parameter of its own.
type EntityGetArg<C extends EntityCollection, S extends string> = [ResourceParams<S>] extends [never] ? [EntityGetOptions<C, S>?] : [EntityGetOptions<C, S>];

/** A successful call: the parsed body (undefined for 204 or an empty body) and the response. */
export interface CallResult<T> {
  data: T;
  status: number;
  headers: Headers;
  /** The `Location` header of a 201/202 answer (docs/api.md), if any. */
  location?: string;
}

/** Options of an untyped `request` (paths built at run time). */
export interface RequestOptions extends CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/** A download (`download`): the answer's status and headers, and its body as a capped stream. */
export interface Download {
  status: number;
  headers: Headers;
  /** The body; reading it fails with MedkitResponseTooLargeError past the cap, or the deadline's error. */
  body: ReadableStream<Uint8Array>;
}

/** A resource template with its `{name}` parameters filled in, URL-encoded (`/faults/{fault_code}` → `/faults/X%2FY`). */
function filledResource(resource: string, params: Record<string, string>): string {
  return resource.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(params[n] ?? ''));
}

/** Normalises a gateway address to `scheme://host[:port][/prefix]` without `/api/v1` or a trailing slash. */
export function gatewayOrigin(baseUrl: string): string {
  let b = baseUrl.trim().replace(/\/+$/, '');
  if (b.endsWith(API_BASE)) b = b.slice(0, -API_BASE.length);
  return b;
}

/** A client for one gateway. */
export class MedkitClient {
  /** Gateway address without `/api/v1` ('' = same origin). */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly clientId?: string;
  readonly maxResponseBytes: number;
  /**
   * The underlying openapi-fetch client (base `…/api/v1`, bearer token added). It returns
   * `{data, error, response}` and applies no deadline: prefer `get`/`call`, which do.
   */
  readonly api: Client<paths>;
  private readonly token?: string | TokenProvider;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(opts: MedkitClientOptions) {
    this.baseUrl = gatewayOrigin(opts.baseUrl);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.clientId = opts.clientId;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.token = opts.token;
    // Late-bound so a test or a page can replace globalThis.fetch after the client exists.
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.api = createClient<paths>({ baseUrl: `${this.baseUrl}${API_BASE}`, fetch: (req) => this.fetchImpl(req) });
    this.api.use({ onRequest: async ({ request }) => this.authorize(request) });
  }

  /** Full URL of an API path such as `/faults` (for links, downloads and streams). */
  url(path: string, query?: RequestOptions['query']): string {
    const p = path.startsWith(API_BASE) ? path : `${API_BASE}${path.startsWith('/') ? '' : '/'}${path}`;
    return `${this.baseUrl}${p}${queryString(query)}`;
  }

  /** Typed GET: resolves to the success body, throws a MedkitError otherwise. */
  async get<P extends PathOf<'get'>>(path: P, ...init: InitArg<Init<P, 'get'>>): Promise<ResponseData<P, 'get'>> {
    return (await this.call('get', path, ...init)).data;
  }

  /**
   * Typed GET of an entity's resource when the entity's collection is known only at run time (a UI's selected entity):
   * `entityGet(collection, id, '/faults/{fault_code}', { path: { fault_code } })`. The resource must have a GET on
   * every collection `collection` may be, and the body is the document's type of it (a union when they differ).
   */
  async entityGet<C extends EntityCollection, S extends EntityResource<C>>(collection: C, id: string, resource: S, ...init: EntityGetArg<C, S>): Promise<EntityResponse<C, S>> {
    const { path, query, ...call } = init[0] ?? {};
    const own: Record<string, string> = path ?? {};
    const idParam = ENTITY_ID_PARAM[collection];
    const params = { path: { ...own, [idParam]: id }, ...(query ? { query } : {}) };
    // Errors name the path read, not its template.
    const label = `GET /${collection}/${encodeURIComponent(id)}${filledResource(resource, own)}`;
    return (await this.send('get', `/${collection}/{${idParam}}${resource}`, call, { params }, label)).data as EntityResponse<C, S>;
  }

  /** Typed call of any method: the success body with status and headers; throws a MedkitError otherwise. */
  async call<M extends Method, P extends PathOf<M>>(method: M, path: P, ...init: InitArg<Init<P, M>>): Promise<CallResult<ResponseData<P, M>>> {
    const { timeoutMs, signal, identify, headers, maxResponseBytes, ...typed } = (init[0] ?? {}) as CallOptions & Record<string, unknown>;
    return this.send(method, path, { timeoutMs, signal, identify, headers, maxResponseBytes }, typed) as Promise<CallResult<ResponseData<P, M>>>;
  }

  /**
   * Untyped call for paths built at run time (e.g. a resource of an entity whose type is only known
   * then). Same headers, deadline and errors as the typed calls.
   */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<CallResult<T>> {
    const { query, body, ...call } = opts;
    const relative = path.startsWith(API_BASE) ? path.slice(API_BASE.length) : path;
    const q = queryString(query);
    return this.send(method.toLowerCase(), `${relative}${q}`, call, body === undefined ? {} : { body }) as Promise<CallResult<T>>;
  }

  /** Untyped GET of a path built at run time: resolves to the body (see `request`). */
  async read<T = unknown>(path: string, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return (await this.request<T>('GET', path, opts)).data;
  }

  /**
   * A GET of a file (bulk data, a recording) as a stream, for paths built at run time: the same headers,
   * errors and cap as `request` (`maxResponseBytes` caps the file). The deadline covers the whole
   * transfer: it stops when the body has been read, failed or been cancelled, so read or cancel it.
   */
  async download(path: string, opts: Omit<RequestOptions, 'body'> = {}): Promise<Download> {
    const { query, ...call } = opts;
    const d = deadline(call.timeoutMs ?? this.timeoutMs, call.signal);
    const label = `GET ${path}`;
    try {
      const relative = path.startsWith(API_BASE) ? path.slice(API_BASE.length) : path;
      const r = await this.api.request('get', `${relative}${queryString(query)}` as PathOf<'get'>, {
        headers: this.headersFor('get', { ...call, headers: { accept: '*/*', ...call.headers } }),
        signal: d.signal,
        parseAs: 'stream',
        middleware: [this.cap(call.maxResponseBytes, label)],
      } as never);
      const res = r.response;
      if (!res.ok) throw errorFromBody(res.status, r.error, `${label} failed with HTTP ${res.status}`);
      const body = (r.data as ReadableStream<Uint8Array> | undefined) ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { status: res.status, headers: res.headers, body: onSettled(body, () => d.clear()) };
    } catch (err) {
      d.clear();
      if (err instanceof SovdClientError || err instanceof MedkitResponseTooLargeError) throw err;
      throw d.failure(err, `${label} to ${this.baseUrl || 'this origin'}`);
    }
  }

  /**
   * `GET /faults/stream` (docs/faults.md) with resume: each reconnect sends the last seen id as
   * `Last-Event-ID`, so the gateway replays what was missed. `lastEventId` resumes an earlier session.
   */
  faultStream(handlers: EventStreamHandlers<FaultStreamEvent>, opts: EventStreamOptions = {}): EventStream {
    return this.events('/faults/stream', parseFaultEvent, handlers, opts);
  }

  /**
   * `faultStream` plus the changes of muted symptoms (`fault_muted`) and `replay_truncated` (read the list again), for
   * a client that lists muted symptoms too (`GET /faults?include_muted=true`) and keeps that list from the stream alone.
   */
  faultStreamWithMuted(handlers: EventStreamHandlers<FaultStreamEvent | MutedFaultEvent | ReplayTruncated>, opts: EventStreamOptions = {}): EventStream {
    return this.events('/faults/stream', parseFaultOrMutedEvent, handlers, opts);
  }

  /**
   * A trigger's or cyclic subscription's event stream (docs/triggers.md, docs/subscriptions.md): pass the object's
   * `event_source`. Each event is an EventEnvelope (`payload` or `error`). The stream ends when the
   * gateway ends it for good (lifetime/duration over, deleted: the reconnect answers 404).
   */
  envelopeStream<P = unknown>(eventSource: string, handlers: EventStreamHandlers<EventEnvelope<P>>, opts: EventStreamOptions = {}): EventStream {
    return this.events(eventSource, (m) => parseEnvelope<P>(m), handlers, opts);
  }

  /**
   * `GET /x-medkit-watch` (docs/api.md "Watching resources"): one stream of the answers of up to 64 GET paths
   * (relative to the API base), each sent with its first answer and whenever it changes.
   */
  watchStream(paths: readonly string[], handlers: EventStreamHandlers<WatchChange>, opts: EventStreamOptions = {}): EventStream {
    const query = paths.map((p) => `path=${encodeURIComponent(p)}`).join('&');
    return this.events(`/x-medkit-watch?${query}`, parseWatchChange, handlers, opts);
  }

  /**
   * A topic's live stream (docs/api.md "Topic streams"): pass the data item's path (`/apps/{id}/data/{topic}`,
   * the topic URL-encoded as for a read). `sample` events carry the newest message, `stats` events the figures.
   */
  topicStream(dataItemPath: string, handlers: EventStreamHandlers<TopicStreamEvent>, opts: EventStreamOptions = {}): EventStream {
    return this.events(`${dataItemPath}/stream`, parseTopicStreamEvent, handlers, opts);
  }

  /** A fleet's robots (`medkit fleet`: `GET /components`, docs/fleet.md). */
  async fleetRobots(opts: CallOptions = {}): Promise<FleetRobot[]> {
    return (await this.read<{ items: FleetRobot[] }>('/components', opts)).items;
  }

  /** One page of a fleet's faults across every robot, filtered (`GET /faults` of a fleet). */
  async fleetFaults(query: FleetFaultQuery = {}, opts: CallOptions = {}): Promise<FleetFaultPage> {
    return this.read<FleetFaultPage>('/faults', { ...opts, query: fleetFaultParams(query) });
  }

  /** One robot's faults as a fleet stores them (`GET /components/{robot}/faults`, the same filters as `fleetFaults` but `robot`). */
  async fleetRobotFaults(robot: string, query: Omit<FleetFaultQuery, 'robot'> = {}, opts: CallOptions = {}): Promise<FleetFaultPage> {
    return this.read<FleetFaultPage>(`/components/${encodeURIComponent(robot)}/faults`, { ...opts, query: fleetFaultParams(query) });
  }

  /** A fleet's fault codes across every robot, with the robots holding each and its reports per hour (`GET /x-medkit-fault-codes`). */
  async fleetFaultCodes(query: FleetFaultCodeQuery = {}, opts: CallOptions = {}): Promise<FleetFaultCodePage> {
    return this.read<FleetFaultCodePage>('/x-medkit-fault-codes', { ...opts, query: fleetFaultCodeParams(query) });
  }

  /** One robot's entities of a collection as the fleet holds them (the robot's last snapshot). */
  async fleetRobotEntities(robot: string, collection: EntityCollection, opts: CallOptions = {}): Promise<FleetRobotEntity[]> {
    return (await this.read<{ items: FleetRobotEntity[] }>(`/components/${encodeURIComponent(robot)}/${collection}`, opts)).items;
  }

  /**
   * A robot entity's resource read live from the robot through the fleet's forwarding
   * (`/components/{robot}/{collection}/{entity}/{resource}`): typed as the robot gateway's own route, which answers it.
   * `entityId` is the fleet's id (`<robot>__<id>`).
   */
  async fleetRobotEntityGet<C extends EntityCollection, S extends EntityResource<C>>(robot: string, collection: C, entityId: string, resource: S, ...init: EntityGetArg<C, S>): Promise<EntityResponse<C, S>> {
    const { path, query, ...call } = init[0] ?? {};
    const own: Record<string, string> = path ?? {};
    return this.read<EntityResponse<C, S>>(`/components/${encodeURIComponent(robot)}/${collection}/${encodeURIComponent(entityId)}${filledResource(resource, own)}`, { ...call, ...(query ? { query: query as RequestOptions['query'] } : {}) });
  }

  /** One robot's fault on a fleet: stored state plus the robot's freeze frames and recordings when it is reachable. */
  async fleetRobotFault(robot: string, code: string, opts: CallOptions = {}): Promise<FleetRobotFaultDetail> {
    return this.read<FleetRobotFaultDetail>(`/components/${encodeURIComponent(robot)}/faults/${encodeURIComponent(code)}`, opts);
  }

  /**
   * A fleet's live fault stream with resume. Besides fault events it delivers `{kind: 'resync'}` when the
   * fleet cannot resume after the last id: the caller lists again (`fleetFaults`) and keeps the stream. Each fault
   * event comes once, each robot's in order (`order` remembers what came; pass one to share it across streams).
   */
  fleetFaultStream(handlers: EventStreamHandlers<FleetStreamEvent>, opts: EventStreamOptions = {}, order = new FleetEventOrder()): EventStream {
    // Repeats and events older than one already delivered from the same robot are skipped (docs/fleet.md, "Event ids").
    return this.events('/faults/stream', (m) => {
      const ev = parseFleetStreamEvent(m);
      return ev?.kind === 'fault' && !order.accept(ev.event) ? undefined : ev;
    }, handlers, opts);
  }

  /**
   * Any SSE route of the gateway with the client's headers, resume and reconnects; `parse` turns
   * each message into an event (undefined skips it, a throw is reported through onError).
   */
  events<T>(path: string, parse: (message: SseMessage) => T | undefined, handlers: EventStreamHandlers<T>, opts: EventStreamOptions = {}): EventStream {
    return openEventStream<T>(this.url(path), { ...opts, parse, headers: () => this.authHeaders(false), fetch: this.fetchImpl }, handlers);
  }

  /** Headers for a request: bearer token, X-Client-Id. Exposed for streams and downloads. */
  async authHeaders(identify: boolean): Promise<Record<string, string>> {
    const h: Record<string, string> = {};
    const token = typeof this.token === 'function' ? await this.token() : this.token;
    if (token) h.authorization = `Bearer ${token}`;
    if (identify && this.clientId) h['x-client-id'] = this.clientId;
    return h;
  }

  private async authorize(request: Request): Promise<Request> {
    const h = await this.authHeaders(false);
    if (h.authorization && !request.headers.has('authorization')) request.headers.set('authorization', h.authorization);
    return request;
  }

  /** Accept, X-Client-Id (every mutating call, a GET when asked) and the caller's own headers. */
  private headersFor(method: string, call: CallOptions): Record<string, string> {
    const identify = method !== 'get' || call.identify === true;
    return { accept: 'application/json', ...(identify && this.clientId ? { 'x-client-id': this.clientId } : {}), ...call.headers };
  }

  /** The per-call middleware that caps the answer's body (boundedResponse). */
  private cap(maxBytes: number | undefined, label: string): Middleware {
    // A HEAD's Content-Length is the size of the GET's body, not of this answer: nothing to cap.
    return { onResponse: ({ request, response }) => (request.method === 'HEAD' ? response : boundedResponse(response, maxBytes ?? this.maxResponseBytes, label)) };
  }

  private async send(method: string, path: string, call: CallOptions, typed: Record<string, unknown>, label = `${method.toUpperCase()} ${path}`): Promise<CallResult<unknown>> {
    const d = deadline(call.timeoutMs ?? this.timeoutMs, call.signal);
    const headers = this.headersFor(method, call);
    try {
      const r = await this.api.request(method as 'get', path as PathOf<'get'>, { ...typed, headers, signal: d.signal, parseAs: 'text', middleware: [this.cap(call.maxResponseBytes, label)] } as never);
      const res = r.response;
      // openapi-fetch hands error bodies over already JSON-parsed when they parse; success bodies as text (parseAs).
      const raw: unknown = r.error ?? r.data ?? '';
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      const body = typeof raw === 'string' ? parseBody(raw, res.headers.get('content-type')) : raw;
      if (!res.ok) throw errorFromBody(res.status, body, `${label} failed with HTTP ${res.status}`);
      if (body instanceof SyntaxError) throw new SovdClientError(res.status, 'invalid-response', `${label}: the answer is not valid JSON`, undefined, undefined, text);
      return { data: text === '' ? undefined : body, status: res.status, headers: res.headers, location: res.headers.get('location') ?? undefined };
    } catch (err) {
      if (err instanceof SovdClientError || err instanceof MedkitResponseTooLargeError) throw err;
      throw d.failure(err, `${label} to ${this.baseUrl || 'this origin'}`);
    } finally {
      d.clear();
    }
  }
}

/** Creates a client for one gateway. */
export function createMedkitClient(opts: MedkitClientOptions): MedkitClient {
  return new MedkitClient(opts);
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** JSON when the answer says so (a SyntaxError value when it lies), otherwise the text. */
function parseBody(text: string, contentType: string | null): unknown {
  if (text === '' || !(contentType ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    return err;
  }
}
