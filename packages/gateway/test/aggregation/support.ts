// Test harness for aggregation: real gateways on 127.0.0.1 (entities from a manifest, real HTTP), plus small
// fake collection routes standing in for the data/faults features, and a TCP proxy that can black-hole a peer.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import type { GatewayFeature } from '../../src/feature.js';
import { createEntitiesFeature } from '../../src/entities/http/feature.js';
import { API_BASE } from '@medkit/server';
import { Opaque } from '@medkit/server';
import { ENTITY_SEGMENTS, ID_PARAM } from '../../src/entity-scope/collections.js';
import { AGGREGATION_SERVICE, createAggregationFeature, PEER_FAULT_EVENTS_SERVICE, type AggregationService } from '../../src/aggregation/index.js';
import type { SseMessage } from '@medkit/sovd';
import { peerStreamParser } from '../../src/aggregation/sse-client.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

type Json = Record<string, unknown>;

/** Stand-in for the faults feature: a fault list and a /faults/stream that also carries relayed peer events. */
export class FakeFaults {
  readonly items: Json[] = [];
  private readonly events = new EventEmitter();
  private nextId = 1;

  /** Adds a fault to the list and announces it on the stream. */
  report(fault: Json): void {
    this.items.push(fault);
    this.events.emit('event', { event: 'fault_confirmed', data: { event_type: 'fault_confirmed', fault, timestamp: fault.last_occurred } });
  }

  feature(gatewayName: string): GatewayFeature {
    return {
      name: 'fake-collections',
      routes: (ctx) => (app) => {
        const list = Type.Object({ items: Type.Array(Opaque()), 'x-medkit': Type.Optional(Opaque()) });
        app.get(`${API_BASE}/faults`, { schema: { operationId: 'fakeListFaults', summary: 'test', tags: ['test'], response: { 200: list } } }, async () => ({
          items: this.items,
          'x-medkit': { count: this.items.length },
        }));
        app.get(`${API_BASE}/faults/stream`, { schema: { operationId: 'fakeFaultStream', summary: 'test', tags: ['test'] } }, async (request, reply) => {
          const stream = ctx.sse.start(request, reply, 30000);
          // Local and relayed events share one id sequence, as the real stream must.
          const send = (e: { event: string; data: unknown }) => stream.send({ id: this.nextId++, event: e.event, data: e.data });
          this.events.on('event', send);
          const hub = ctx.services.find(PEER_FAULT_EVENTS_SERVICE);
          const off = hub?.subscribe((e) => send({ event: e.event, data: e.data }));
          await stream.done;
          this.events.off('event', send);
          off?.();
        });
        for (const segment of ENTITY_SEGMENTS) {
          const p = ID_PARAM[segment];
          app.get(
            `${API_BASE}/${segment}/:${p}/data`,
            { schema: { operationId: `fakeData_${segment}`, summary: 'test', tags: ['test'], response: { 200: list } } },
            async (request) => {
              const id = (request.params as Record<string, string>)[p];
              ctx.resolver.resolve(segment, id, { collection: 'data' });
              const items = [{ id: `/${gatewayName}/${id}/status`, name: 'status', category: 'currentData' }];
              return { items, 'x-medkit': { total_count: items.length } };
            },
          );
        }
        // An entity-scoped event stream (shaped like a trigger's): one event per second-long tick, first at once.
        app.get(`${API_BASE}/apps/:app_id/triggers/:trigger_id/events`, { schema: { operationId: 'fakeTriggerEvents', summary: 'test', tags: ['test'] } }, async (request, reply) => {
          const { app_id, trigger_id } = request.params as Record<string, string>;
          ctx.resolver.resolve('apps', app_id, { collection: 'triggers' });
          const stream = ctx.sse.start(request, reply, 15000);
          let n = 0;
          const tick = () => stream.send({ id: ++n, data: { gateway: gatewayName, app_id, trigger_id, n } });
          tick();
          const timer = setInterval(tick, 1000);
          await stream.done;
          clearInterval(timer);
        });
        app.post(
          `${API_BASE}/apps/:app_id/operations/:op/executions`,
          { schema: { operationId: 'fakeExecute', summary: 'test', tags: ['test'], body: Type.Object({}, { additionalProperties: true }), response: { 202: Opaque() } } },
          async (request, reply) => {
            const { app_id, op } = request.params as Record<string, string>;
            ctx.resolver.resolve('apps', app_id, { collection: 'operations' });
            reply.code(202).header('location', `${API_BASE}/apps/${app_id}/operations/${op}/executions/exec_1`);
            return {
              gateway: gatewayName,
              app_id,
              received: request.body,
              client_id: request.headers['x-client-id'] ?? null,
              authorization: request.headers.authorization ?? null,
            };
          },
        );
      },
    };
  }
}

export interface TestPeer {
  name: string;
  url: string;
  port: number;
  gateway: Gateway;
  faults: FakeFaults;
  aggregation?: AggregationService;
  close(): Promise<void>;
}

export interface PeerOptions {
  name: string;
  manifest: string;
  peers?: { name: string; url: string }[];
  port?: number;
  flags?: Record<string, unknown>;
  faults?: FakeFaults;
  /** Replaces the fake collection routes (e.g. with the real faults feature). */
  features?: GatewayFeature[];
}

/** A real gateway on 127.0.0.1 with the manifest's entities, the fake collections and aggregation. */
export async function startPeer(o: PeerOptions): Promise<TestPeer> {
  const dataDir = mkdtempSync(join(tmpdir(), `medkit-agg-${o.name}-`));
  const aggregation = createAggregationFeature();
  const faults = o.faults ?? new FakeFaults();
  const features = [createEntitiesFeature(), ...(o.features ?? [faults.feature(o.name)]), aggregation];
  const peers = o.peers ?? [];
  const config = loadConfig({
    env: {},
    extraKeys: Object.assign({}, ...features.map((f) => f.keys ?? {})),
    flags: {
      data_dir: dataDir,
      'logging.level': 'silent',
      'ros.enabled': false,
      'discovery.mode': 'manifest_only',
      'discovery.manifest_path': fixture(o.manifest),
      'aggregation.enabled': peers.length > 0,
      'aggregation.peer_names': peers.map((p) => p.name),
      'aggregation.peer_urls': peers.map((p) => p.url),
      'aggregation.timeout_ms': 2000,
      'aggregation.forward_timeout_ms': 2000,
      'aggregation.health_check_interval_ms': 600000,
      ...o.flags,
    },
  });
  const gateway = await createGateway({ config, features });
  const url = await gateway.listen(o.port ?? 0);
  return {
    name: o.name,
    url,
    port: Number(new URL(url).port),
    gateway,
    faults,
    aggregation: gateway.ctx.services.find(AGGREGATION_SERVICE),
    close: async () => {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A TCP relay in front of a peer that can black-hole it: connections are accepted and never answered. */
export class PausableProxy {
  private server?: Server;
  private paused = false;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => {});
      if (this.paused) return; // accepted, never answered
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}`;
  }

  /** From now on the peer hangs; pooled keep-alive connections are cut so clients reconnect into the hole. */
  pause(): void {
    this.paused = true;
    for (const s of this.sockets) s.destroy();
  }

  resume(): void {
    this.paused = false;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

/** Reads an SSE stream; `next(pred)` resolves with the first message matching `pred` (bounded by vitest's timeout). */
export class SseReader {
  private readonly ac = new AbortController();
  readonly messages: SseMessage[] = [];
  private waiters: { pred: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }[] = [];
  private readonly parser = peerStreamParser({
    message: (m) => {
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    },
  });
  opened!: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.opened = (async () => {
      const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.ac.signal });
      if (res.status !== 200 || !res.body) throw new Error(`SSE ${url} answered ${res.status}`);
      const reader = res.body.getReader();
      void (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            this.parser.push(value);
          }
        } catch {
          // aborted
        }
      })();
    })();
  }

  next(pred: (m: SseMessage) => boolean): Promise<SseMessage> {
    const hit = this.messages.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  close(): void {
    this.ac.abort();
  }
}

/** GET/POST helper returning status, headers and parsed JSON. */
export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Polls `fn` until it returns a truthy value (bounded by `tries`). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, tries = 100, everyMs = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error('condition not met in time');
}
