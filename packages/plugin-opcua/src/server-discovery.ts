// What the bridge learns from the server at each connection (docs/opcua.md "Identity", "auto_browse"):
// the component's nameplate (every connection: firmware changes with a PLC update) and, at the first
// connection, the data items of `auto_browse`. Also the x-plc-status part about both, the chosen endpoint
// of `discovery.enabled` and the X509 user certificate in use.
import type { ClientSession } from 'node-opcua-client';
import type { PluginIdentity, PluginLogger } from '@medkit/plugin-api';
import type { NodeConfig, OpcuaConfig } from './config.js';
import { LIMITS } from './config.js';
import type { OpcuaConnection } from './connection.js';
import { autoBrowse, type BrowseOutcome } from './browse.js';
import type { Deadline, OpcuaLib } from './lib.js';
import { nameplateSource, readNameplate } from './nameplate.js';

interface DiscoveryHooks {
  /** New data items (auto_browse), before the monitored items are created. */
  addNodes(nodes: NodeConfig[]): void;
  /** The nameplate or the item set changed: re-run entity discovery. */
  changed(): void;
}

export class ServerDiscovery {
  /** The nameplate of the latest connection that could read one. */
  nameplate?: PluginIdentity;
  private browsed?: Omit<BrowseOutcome, 'nodes'> & { node_count: number };

  constructor(
    private readonly lib: OpcuaLib,
    private readonly cfg: OpcuaConfig,
    private readonly deadline: Deadline,
    private readonly log: PluginLogger,
    private readonly hooks: DiscoveryHooks,
  ) {}

  /**
   * Runs on every fresh session, before the monitored items are created. A failed auto_browse fails the
   * connection attempt (retried with backoff: the items are what the bridge is for); a failed nameplate
   * read is only logged (the data path does not depend on it).
   */
  async onConnected(session: ClientSession): Promise<void> {
    let changed = false;
    if (this.cfg.auto_browse && !this.browsed) {
      const known = new Set(this.cfg.nodes.map((n) => this.lib.resolveNodeId(n.node_id).toString()));
      const out = await autoBrowse(
        session,
        this.lib,
        {
          root: this.cfg.browse_root,
          maxDepth: this.cfg.browse_max_depth,
          // The node limit holds for configured and discovered items together.
          maxVariables: Math.max(0, Math.min(this.cfg.browse_max_variables, LIMITS.nodes - this.cfg.nodes.length)),
          knownNodeIds: known,
          takenNames: new Set(this.cfg.nodes.map((n) => n.data_name)),
        },
        this.deadline,
      );
      this.browsed = { node_count: out.nodes.length, truncated: out.truncated, objects: out.objects };
      if (out.truncated) this.log.warn(`auto_browse stopped at a bound (browse_max_depth ${this.cfg.browse_max_depth}, browse_max_variables ${this.cfg.browse_max_variables}): ${out.nodes.length} items`);
      this.hooks.addNodes(out.nodes);
      changed = true;
    }
    try {
      const plate = await readNameplate(session, this.lib, this.cfg, this.deadline, (err) => this.log.warn(`reading the DI nameplate failed: ${err.message}`));
      changed ||= JSON.stringify(plate) !== JSON.stringify(this.nameplate);
      this.nameplate = plate;
    } catch (err) {
      this.log.warn(`reading the server's BuildInfo failed: ${(err as Error).message}`);
    }
    if (changed) this.hooks.changed();
  }

  /** The x-plc-status part of identity, discovery and the user certificate (never the key). */
  status(conn: OpcuaConnection | undefined): Record<string, unknown> {
    const { cfg } = this;
    return {
      identity_source: nameplateSource(cfg),
      ...(cfg.auto_browse ? { auto_browse: { root: cfg.browse_root, done: this.browsed !== undefined, ...(this.browsed ?? {}) } } : {}),
      ...(cfg.discovery_enabled ? { discovery_enabled: true, ...(conn?.chosenEndpoint ? { chosen_endpoint: conn.chosenEndpoint } : {}) } : {}),
      ...(cfg.x509 ? { user_certificate: { subject: cfg.x509.subject, fingerprint256: cfg.x509.fingerprint256 } } : {}),
    };
  }
}
