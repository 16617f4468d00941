/**
 * The ROS 2 graph as a discovery layer: asks a {@link RuntimeGraphSource} for a snapshot and converts it.
 * The ROS access layer only has to implement `RuntimeGraphSource.snapshot()`.
 */
import type { DiscoveryLayer, LayerOutput } from '../pipeline/layer.js';
import { entitiesFromGraph, type RuntimeDiscoveryOptions } from './from-graph.js';
import type { RuntimeGraphSource } from './graph-snapshot.js';

export class GraphRuntimeLayer implements DiscoveryLayer {
  readonly name = 'runtime';
  readonly kind = 'runtime' as const;
  /** Topic → types from the last pass (the topic → message type cache). */
  topicTypes = new Map<string, string[]>();
  /** Nodes the last pass could not turn into Apps, with the reason. */
  skipped: string[] = [];

  constructor(
    private readonly source: RuntimeGraphSource,
    private readonly opts: RuntimeDiscoveryOptions = {},
  ) {}

  async discover(): Promise<LayerOutput> {
    const r = entitiesFromGraph(await this.source.snapshot(), this.opts);
    this.topicTypes = r.topicTypes;
    this.skipped = r.skipped;
    return { apps: r.apps, functions: r.functions };
  }
}
