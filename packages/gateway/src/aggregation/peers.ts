// Peer state (docs/aggregation.md): each peer is health-checked on an interval; a healthy peer's entity
// tree is re-read, and its last complete declaration is kept when a read fails. Changes are reported once
// per check round so discovery can re-merge.
import type { OutboundAgent } from '@medkit/kit';
import type { PeerConfig } from './config.js';
import { NO_FAN_OUT_HEADER, peerJson } from './peer-http.js';
import { readPeerTree, type PeerTree } from './peer-tree.js';

export type PeerStatus = 'online' | 'offline';

/** What this gateway knows about one peer. */
export interface PeerState {
  name: string;
  url: string;
  status: PeerStatus;
  /** ISO time of the last passing health check. */
  lastSeen?: string;
  /** The peer's process instance id (from its /health), used to detect gateways peering each other. */
  instanceId?: string;
  /** Names under which the peer knows this gateway (it lists us among its peers). */
  selfAliases: string[];
  /** Last complete entity declaration. */
  tree?: PeerTree;
  /** Why the last check or read failed. */
  lastError?: string;
}

export interface PeerLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

interface PeerRegistryOptions {
  peers: PeerConfig[];
  timeoutMs: number;
  /** TLS towards peers. */
  agent?: OutboundAgent;
  /** aggregation.peer_auth_header: sent to the peers of `peers` (configured), never to ones `add`ed later (mDNS). */
  peerAuthHeader?: string;
  intervalMs: number;
  /** This gateway's instance id. */
  instanceId: string;
  /** Called after a check round that changed a status or a declaration. */
  onChange: (changed: PeerState[]) => void;
  log: PeerLogger;
}

/** /health field naming this gateway's instance (peers read it to recognise themselves). */
export const INSTANCE_HEALTH_FIELD = 'x-medkit-aggregation';

type Json = Record<string, unknown>;

export class PeerRegistry {
  private readonly states: PeerState[];
  private readonly prints = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  /** Names of the configured peers: only they are given aggregation.peer_auth_header. */
  private readonly configured: ReadonlySet<string>;

  constructor(private readonly opts: PeerRegistryOptions) {
    this.states = opts.peers.map((p) => ({ name: p.name, url: p.url, status: 'offline', selfAliases: [] }));
    this.configured = new Set(opts.peers.map((p) => p.name));
  }

  /**
   * The credential this gateway presents to `name` on its own behalf (`{authorization}`), or nothing: none is
   * configured, or the peer was found by mDNS (anyone on the network can announce one).
   */
  credentialOf(name: string): Record<string, string> {
    const h = this.opts.peerAuthHeader;
    return h && this.configured.has(name) ? { authorization: h } : {};
  }

  /** Peers in configuration order (routing and rename order). */
  list(): readonly PeerState[] {
    return this.states;
  }

  get(name: string): PeerState | undefined {
    return this.states.find((s) => s.name === name);
  }

  /** Adds a peer found at run time (mDNS); false when the name is taken. */
  add(peer: PeerConfig): boolean {
    if (this.get(peer.name)) return false;
    this.states.push({ name: peer.name, url: peer.url, status: 'offline', selfAliases: [] });
    return true;
  }

  /** Removes a peer and forgets what was read from it. */
  remove(name: string): boolean {
    const i = this.states.findIndex((s) => s.name === name);
    if (i < 0) return false;
    this.states.splice(i, 1);
    this.prints.delete(name);
    this.aliasPrints.delete(name);
    return true;
  }

  /** First round now, then one round per interval. */
  async start(): Promise<void> {
    await this.checkAll();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.checkAll(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Checks every peer (or the named ones) in parallel and reports changes; resolves when done. */
  async checkAll(names?: string[]): Promise<void> {
    const targets = this.states.filter((s) => !names || names.includes(s.name));
    const changed = await Promise.all(targets.map((s) => this.check(s)));
    const which = targets.filter((_s, i) => changed[i]);
    if (which.length > 0 && !this.stopped) this.opts.onChange(which);
  }

  /** One peer: shares a check already running. Resolves true when status or declaration changed. */
  private check(s: PeerState): Promise<boolean> {
    const running = this.inFlight.get(s.name);
    if (running) return running;
    const p = this.checkOnce(s).finally(() => this.inFlight.delete(s.name));
    this.inFlight.set(s.name, p);
    return p;
  }

  private async checkOnce(s: PeerState): Promise<boolean> {
    const before = s.status;
    const h = await peerJson(`${s.url}/api/v1/health`, { headers: { ...this.credentialOf(s.name), [NO_FAN_OUT_HEADER]: '1' }, timeoutMs: this.opts.timeoutMs, agent: this.opts.agent });
    if (!h.ok || h.status !== 200 || typeof h.body !== 'object' || h.body === null) {
      s.status = 'offline';
      s.lastError = h.ok ? `health answered ${h.status}` : `${h.failure}: ${h.detail}`;
      if (before === 'online') this.opts.log.warn(`peer '${s.name}' is offline (${s.lastError})`);
      return before !== s.status;
    }
    s.status = 'online';
    s.lastSeen = new Date().toISOString();
    const body = h.body as Json;
    const inst = (body[INSTANCE_HEALTH_FIELD] as Json | undefined)?.instance_id;
    s.instanceId = typeof inst === 'string' ? inst : undefined;
    const peersOfPeer = Array.isArray(body.peers) ? (body.peers as Json[]) : [];
    s.selfAliases = peersOfPeer.filter((p) => p && p.instance_id === this.opts.instanceId && typeof p.name === 'string').map((p) => p.name as string);
    if (before !== 'online') this.opts.log.info(`peer '${s.name}' is online`);
    let treeChanged = false;
    try {
      const tree = await readPeerTree({ peer: s.name, baseUrl: s.url, timeoutMs: this.opts.timeoutMs, headers: this.credentialOf(s.name), agent: this.opts.agent });
      for (const n of tree.notes) this.opts.log.warn(`peer '${s.name}': ${n}`);
      const print = JSON.stringify(tree.snapshot);
      treeChanged = this.prints.get(s.name) !== print;
      this.prints.set(s.name, print);
      s.tree = tree;
      s.lastError = undefined;
    } catch (e) {
      // All-or-nothing: the last complete declaration stays.
      s.lastError = `entity read failed: ${(e as Error).message}`;
      this.opts.log.warn(`peer '${s.name}': ${s.lastError}; keeping its last complete declaration`);
    }
    return before !== s.status || treeChanged || this.aliasChanged(s);
  }

  private readonly aliasPrints = new Map<string, string>();
  private aliasChanged(s: PeerState): boolean {
    const p = s.selfAliases.join(',');
    const changed = (this.aliasPrints.get(s.name) ?? '') !== p;
    this.aliasPrints.set(s.name, p);
    return changed;
  }
}
