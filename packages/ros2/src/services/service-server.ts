/**
 * Service server accepting both request shapes (docs/ros2.md, last paragraph): a request with a
 * related sample identity in inline QoS gets a plain reply carrying (reply target, request SN); a
 * request from a Cyclone client has the 16-byte header stripped and echoed. Before replying the
 * server waits (bounded) until its reply writer matched the client's reply reader, as both rmw do,
 * because a reply sent earlier would be lost.
 */
import { vendorName, type Guid, type Reader, type Sample, type Writer } from '@medkit/rtps';
import type { EndpointHost } from '../client/endpoint-host.js';
import type { QosInput } from '../client/qos-profiles.js';
import { formatUserData, parseUserData } from '../graph/user-data.js';
import { serviceWiring } from './service-topics.js';
import { part } from '../client/all-or-none.js';
import { conventionForVendor, isReaderGuid, isUnknownGuid, readCycloneHeader, withCycloneHeader, type ServiceConvention } from './conventions.js';

/** What a handler learns about a request besides its content. */
export interface RequestInfo {
  /** GUID of the client's request writer. */
  clientWriter: Guid;
  /** Cyclone header sequence, or the request's writer SN. */
  sequence: bigint;
  vendorId: number;
  vendor: string;
  convention: ServiceConvention;
}

/** Handles one request: returns (or resolves to) the JSON-form response. */
export type ServiceHandler = (request: Record<string, unknown>, info: RequestInfo) => unknown;

/** Options of a service server. */
export interface ServiceServerOptions {
  qos?: QosInput;
  /** How long to wait for the client's reply reader to match before giving up on a reply (default 2000 ms). */
  replyMatchTimeoutMs?: number;
  /**
   * The response to a request whose payload does not decode (`reason` says why). Without it such a request gets
   * no reply, and its client waits for its own timeout; a service whose response has an error field can say so.
   */
  badRequestResponse?: (reason: string) => unknown;
}

/** Counters of what the server did. */
export interface ServiceServerStats {
  requests: number;
  replies: number;
  /** Requests that did not decode. */
  badRequests: number;
  /** Handlers that threw or returned a value that does not serialize. */
  handlerErrors: number;
  /** Replies dropped because the client's reply reader never matched. */
  droppedReplies: number;
}

/** A server of one ROS service. */
export class ServiceServer {
  readonly service: string;
  readonly type: string;
  readonly requestReader: Reader;
  readonly replyWriter: Writer;
  readonly stats: ServiceServerStats = { requests: 0, replies: 0, badRequests: 0, handlerErrors: 0, droppedReplies: 0 };
  /** The last handler error (diagnostics). */
  lastError?: unknown;
  readonly #host: EndpointHost;
  readonly #handler: ServiceHandler;
  readonly #replyWaitMs: number;
  readonly #badRequestResponse?: (reason: string) => unknown;
  #closed = false;

  /** @internal */
  constructor(host: EndpointHost, service: string, type: string, handler: ServiceHandler, opts: ServiceServerOptions = {}) {
    this.#host = host;
    this.#handler = handler;
    this.#replyWaitMs = opts.replyMatchTimeoutMs ?? 2000;
    this.#badRequestResponse = opts.badRequestResponse;
    const w = serviceWiring(host, service, type, opts.qos);
    this.service = w.service;
    this.type = w.type;
    const userData = formatUserData({ serviceid: host.nextRmwId() });
    const made: { close(): void }[] = [];
    this.requestReader = part(made, () => host.createReader({ ...w.request, qos: w.qos, userData }));
    this.replyWriter = part(made, () => host.createWriter({ ...w.reply, qos: w.qos, userData }));
    this.requestReader.on('sample', (s) => {
      this.#onRequest(s).catch((err: unknown) => {
        this.stats.handlerErrors++;
        this.lastError = err;
      });
    });
  }

  async #onRequest(s: Sample): Promise<void> {
    this.stats.requests++;
    const clientWriter = this.requestReader.matches.get(s.writerGuid);
    const vendorId = clientWriter?.vendorId ?? 0;
    let convention: ServiceConvention;
    let body: Buffer;
    let sequence: bigint;
    let replyTo: Guid | undefined;
    let cycloneClient: bigint | undefined;
    if (s.relatedSampleIdentity) {
      convention = 'fastdds';
      body = s.payload;
      sequence = BigInt(s.sequenceNumber);
      const g = s.relatedSampleIdentity.writerGuid;
      replyTo = isUnknownGuid(g) ? s.writerGuid : g;
    } else if (conventionForVendor(vendorId) === 'cyclone') {
      const h = readCycloneHeader(s.payload);
      if (!h) {
        this.stats.badRequests++;
        return;
      }
      convention = 'cyclone';
      body = h.body;
      sequence = h.sequence;
      cycloneClient = h.clientId;
    } else {
      // No identity and not Cyclone: reply to the request writer, identified by its SN.
      convention = 'fastdds';
      body = s.payload;
      sequence = BigInt(s.sequenceNumber);
      replyTo = s.writerGuid;
    }
    let request: Record<string, unknown> | undefined;
    let badRequest: string | undefined;
    try {
      request = this.#host.types.deserialize(`${this.type}_Request`, body);
    } catch (err) {
      this.stats.badRequests++;
      this.lastError = err;
      if (!this.#badRequestResponse) return;
      badRequest = (err as Error).message;
    }
    let payload: Uint8Array;
    try {
      const response =
        badRequest !== undefined
          ? this.#badRequestResponse!(badRequest)
          : await this.#handler(request!, { clientWriter: s.writerGuid, sequence, vendorId, vendor: vendorName(vendorId), convention });
      payload = this.#host.types.serialize(`${this.type}_Response`, response ?? {});
    } catch (err) {
      this.stats.handlerErrors++;
      this.lastError = err;
      return;
    }
    if (this.#closed) return;
    if (convention === 'cyclone') {
      const clientId = clientWriter ? parseUserData(clientWriter.userData).clientid : undefined;
      const target = await this.#waitForReader(s.writerGuid.slice(0, 24), clientId);
      if (target === undefined) return this.#dropped();
      this.replyWriter.write(withCycloneHeader(payload, cycloneClient!, sequence), clientId ? { destination: target } : {});
    } else {
      const to = replyTo!;
      const target = isReaderGuid(to) ? await this.#waitForReader(to.slice(0, 24), undefined, to) : await this.#waitForReader(to.slice(0, 24));
      if (target === undefined) return this.#dropped();
      this.replyWriter.write(payload, {
        relatedSampleIdentity: { writerGuid: to, sequenceNumber: Number(sequence) },
        destination: isReaderGuid(to) ? to : undefined,
      });
    }
    this.stats.replies++;
  }

  #dropped(): void {
    this.stats.droppedReplies++;
  }

  /** Finds (waiting up to the reply timeout) a matched reply reader of the client: by GUID, by clientid, or any in its participant. */
  #waitForReader(prefix: string, clientId?: string, guid?: Guid): Promise<Guid | undefined> {
    const find = (): Guid | undefined => {
      if (guid) return this.replyWriter.matches.has(guid) ? guid : undefined;
      for (const [g, d] of this.replyWriter.matches) {
        if (!g.startsWith(prefix)) continue;
        if (clientId === undefined || parseUserData(d.userData).clientid === clientId) return g;
      }
      return undefined;
    };
    const now = find();
    if (now !== undefined || this.#closed) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = () => {
        const g = find();
        if (g === undefined) return;
        done();
        resolve(g);
      };
      const timer = setTimeout(() => {
        done();
        resolve(undefined);
      }, this.#replyWaitMs);
      const done = () => {
        clearTimeout(timer);
        this.replyWriter.off('matched', check);
      };
      this.replyWriter.on('matched', check);
    });
  }

  /** Removes the server. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.requestReader.close();
    this.replyWriter.close();
  }
}
