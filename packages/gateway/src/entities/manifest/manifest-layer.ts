/**
 * The manifest as a discovery layer: hands out a fresh copy of the current manifest's entities.
 */
import type { DiscoveryLayer, LayerOutput } from '../pipeline/layer.js';
import type { Manifest } from './types.js';

export class ManifestLayer implements DiscoveryLayer {
  readonly name = 'manifest';
  readonly kind = 'manifest' as const;

  /** `current` returns the active manifest (it changes on reload). */
  constructor(private readonly current: () => Manifest | undefined) {}

  discover(): LayerOutput {
    const m = this.current();
    if (!m) return {};
    return structuredClone({ areas: m.areas, components: m.components, apps: m.apps, functions: m.functions });
  }
}
