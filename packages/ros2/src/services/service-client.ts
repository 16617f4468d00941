/**
 * Service client speaking both vendors' conventions (docs/ros2.md). The server is picked among the
 * matched request readers; its vendor decides the convention; each request is addressed to that
 * server's reader only (INFO_DST + reader id). The first call waits for match evidence (docs/ros2.md):
 * an ACKNACK from the server's request reader and a HEARTBEAT from its reply writer (a server that has not
 * matched our reply reader yet would drop its answer). Replies meant
 * for other clients are ignored; every call has a deadline and an AbortSignal.
 */
import { randomBytes } from 'node:crypto';
import { SN_UNKNOWN, vendorName, type EndpointData, type Guid, type Reader, type Sample, type Writer } from '@medkit/rtps';
import { DEFAULT_TIMEOUT_MS, deadlineOf, withDeadline, type CallOptions } from '../client/deadline.js';
import { RosUnavailableError } from '../client/errors.js';
import { rosFailure } from '../client/failure.js';
import type { EndpointHost } from '../client/endpoint-host.js';
import type { QosInput } from '../client/qos-profiles.js';
import { formatUserData } from '../graph/user-data.js';
import { serviceWiring } from './service-topics.js';
import { part } from '../client/all-or-none.js';
import { conventionForVendor, readCycloneHeader, withCycloneHeader, type ServiceConvention } from './conventions.js';

/** The server a call goes to. */
export interface ChosenServer {
  /** GUID of the server's request reader. */
  requestReader: Guid;
  /** GUID of the server's reply writer. */
  replyWriter: Guid;
  vendorId: number;
  vendor: string;
  convention: ServiceConvention;
}

/** Options of {@link ServiceClient.call}. */
export interface ServiceCallOptions extends CallOptions {
  /** Only servers for which this returns true (e.g. to pick one node's server). */
  serverFilter?: (requestReader: EndpointData) => boolean;
}

/** Options of a service client. */
export interface ServiceClientOptions {
  qos?: QosInput;
}

interface Pending {
  resolve: (payload: Buffer) => void;
  reject: (e: unknown) => void;
  server: Guid;
}

/** A client of one ROS service. */
export class ServiceClient {
  /** Fully qualified service name. */
  readonly service: string;
  /** Service type (`example_interfaces/srv/AddTwoInts`). */
  readonly type: string;
  readonly requestWriter: Writer;
  readonly replyReader: Reader;
  /** Random 64-bit client id of the Cyclone convention. */
  readonly clientId: bigint;
  /** Replies seen that belonged to other clients (or to calls that already ended). */
  ignoredReplies = 0;
  #seq = 0n;
  readonly #pending = new Map<string, Pending>();
  readonly #host: EndpointHost;
  #closed = false;

  /** @internal */
  constructor(host: EndpointHost, service: string, type: string, opts: ServiceClientOptions = {}) {
    this.#host = host;
    const w = serviceWiring(host, service, type, opts.qos);
    this.service = w.service;
    this.type = w.type;
    // The same clientid on request writer and reply reader lets a Cyclone server pair them (docs/ros2.md).
    const userData = formatUserData({ clientid: host.nextRmwId() });
    this.clientId = randomBytes(8).readBigUInt64LE(0);
    const made: { close(): void }[] = [];
    this.requestWriter = part(made, () => host.createWriter({ ...w.request, qos: w.qos, userData }));
    this.replyReader = part(made, () => host.createReader({ ...w.reply, qos: w.qos, userData }));
    this.replyReader.on('sample', (s) => this.#onReply(s));
    this.requestWriter.on('unmatched', (m) => this.#serverGone(m.remoteGuid));
  }

  /** The servers ready to take a call now (matched both ways, evidence seen, convention known). */
  readyServers(filter?: (r: EndpointData) => boolean): ChosenServer[] {
    const out: ChosenServer[] = [];
    for (const [guid, reader] of this.requestWriter.matches) {
      if (filter && !filter(reader)) continue;
      const convention = conventionForVendor(reader.vendorId);
      if (!convention) continue;
      const prefix = guid.slice(0, 24);
      for (const [wguid] of this.replyReader.matches) {
        if (!wguid.startsWith(prefix)) continue;
        if (!this.requestWriter.heardFrom(guid) || !this.replyReader.heardFrom(wguid)) continue;
        out.push({ requestReader: guid, replyWriter: wguid, vendorId: reader.vendorId, vendor: vendorName(reader.vendorId), convention });
        break;
      }
    }
    return out;
  }

  /** What the first discovered server still lacks to be ready (docs/ros2.md), for the error of a wait that ran out. */
  #whyNotReady(): string {
    const [guid, reader] = [...this.requestWriter.matches][0];
    if (!conventionForVendor(reader.vendorId)) return `its DDS vendor ${vendorName(reader.vendorId)} has no known request-id convention`;
    const replyWriter = [...this.replyReader.matches.keys()].find((w) => w.startsWith(guid.slice(0, 24)));
    if (!replyWriter) return 'its reply writer is not discovered';
    if (!this.requestWriter.heardFrom(guid)) return 'its request reader has not acknowledged our request writer';
    return 'its reply writer has not heartbeated our reply reader: it may not know where to answer yet';
  }

  /** True when some server can take a call now. */
  isServiceReady(): boolean {
    return this.readyServers().length > 0;
  }

  /** Resolves with a ready server; rejects with RosUnavailableError when none is ready by the deadline. */
  async waitForService(opts: ServiceCallOptions = {}): Promise<ChosenServer> {
    let check: (() => void) | undefined;
    const emitters = [this.requestWriter, this.replyReader] as const;
    try {
      return await withDeadline<ChosenServer>(
        `service ${this.service}`,
        opts,
        (resolve) => {
          check = () => {
            const s = this.readyServers(opts.serverFilter)[0];
            if (s) resolve(s);
          };
          for (const e of emitters) {
            e.on('matched', check);
            e.on('heard', check);
          }
          check();
        },
        () => {
          for (const e of emitters) {
            e.off('matched', check!);
            e.off('heard', check!);
          }
        },
      );
    } catch (err) {
      if (rosFailure(err) === 'timeout') {
        const matched = this.requestWriter.matches.size;
        throw new RosUnavailableError(`service ${this.service}`, matched === 0 ? 'no server discovered' : `${matched} server(s) discovered, none ready (${this.#whyNotReady()})`);
      }
      throw err;
    }
  }

  /**
   * Calls the service with a JSON-form request and resolves with the JSON-form response. Rejects with
   * RosUnavailableError (no server / server gone), RosTimeoutError (no reply by the deadline) or
   * RosAbortedError (signal); nothing stays pending afterwards.
   */
  async call(request: unknown, opts: ServiceCallOptions = {}): Promise<Record<string, unknown>> {
    const body = this.#host.types.serialize(`${this.type}_Request`, request);
    const { payload, convention } = await this.callRaw(body, opts);
    const plain = convention === 'cyclone' ? readCycloneHeader(payload)!.body : payload;
    return this.#host.types.deserialize(`${this.type}_Response`, plain);
  }

  /** Like {@link call} with a serialized request; resolves with the raw reply payload and the convention used. */
  async callRaw(body: Uint8Array, opts: ServiceCallOptions = {}): Promise<{ payload: Buffer; convention: ServiceConvention; server: ChosenServer }> {
    if (this.#closed) throw new RosUnavailableError(`service ${this.service}`, 'client closed');
    const deadline = deadlineOf(opts);
    const server = await this.waitForService({ ...opts, timeoutMs: Math.max(0, deadline - Date.now()) });
    let key = '';
    const sentAt = Date.now();
    const payload = await withDeadline<Buffer>(
      `service ${this.service}`,
      { signal: opts.signal, timeoutMs: Math.max(0, deadline - Date.now()), budgetMs: opts.budgetMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      (resolve, reject) => {
        if (server.convention === 'cyclone') {
          const seq = ++this.#seq;
          key = `c:${seq}`;
          this.#pending.set(key, { resolve, reject, server: server.requestReader });
          this.requestWriter.write(withCycloneHeader(body, this.clientId, seq), { destination: server.requestReader });
        } else {
          // The SN is known only after write(); register under it before any reply can arrive
          // (replies come from the socket, i.e. a later turn of the event loop).
          const id = this.requestWriter.write(body, {
            destination: server.requestReader,
            relatedSampleIdentity: { writerGuid: this.replyReader.guid, sequenceNumber: SN_UNKNOWN },
          });
          key = `f:${id.sequenceNumber}`;
          this.#pending.set(key, { resolve, reject, server: server.requestReader });
        }
      },
      () => this.#pending.delete(key),
    ).catch((err: unknown) => {
      // Sent to a ready server and not answered by the deadline: noted, so that /health can say so.
      if (rosFailure(err) === 'timeout') this.#host.unansweredCalls?.timedOut(this.service, server.requestReader, sentAt, Date.now());
      throw err;
    });
    this.#host.unansweredCalls?.answered(this.service, server.requestReader);
    return { payload, convention: server.convention, server };
  }

  #onReply(s: Sample): void {
    const vendor = this.replyReader.matches.get(s.writerGuid)?.vendorId;
    let key: string | undefined;
    if (vendor !== undefined && conventionForVendor(vendor) === 'cyclone') {
      const h = readCycloneHeader(s.payload);
      if (h && h.clientId === this.clientId) key = `c:${h.sequence}`;
    } else if (s.relatedSampleIdentity) {
      const g = s.relatedSampleIdentity.writerGuid;
      if (g === this.replyReader.guid || g === this.requestWriter.guid) key = `f:${s.relatedSampleIdentity.sequenceNumber}`;
    }
    const p = key === undefined ? undefined : this.#pending.get(key);
    if (!p) {
      this.ignoredReplies++;
      return;
    }
    this.#pending.delete(key!);
    p.resolve(s.payload);
  }

  #serverGone(requestReader: Guid): void {
    for (const [k, p] of this.#pending) {
      if (p.server !== requestReader) continue;
      this.#pending.delete(k);
      p.reject(new RosUnavailableError(`service ${this.service}`, 'server went away during the call'));
    }
  }

  /** Calls in flight. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Removes the client; pending calls fail with RosUnavailableError. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#pending.values()) p.reject(new RosUnavailableError(`service ${this.service}`, 'client closed'));
    this.#pending.clear();
    this.requestWriter.close();
    this.replyReader.close();
  }
}
