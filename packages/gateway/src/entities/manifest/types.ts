/**
 * The loaded manifest (docs/manifest.md) and the result of a load.
 */
import type { App, Area, Component, SovdFunction } from '../model.js';
import type { ManifestIssue, SourceLoc } from './issues.js';

/** Policy for running nodes no manifest App binds to. */
export type UnmanifestedPolicy = 'ignore' | 'warn' | 'error' | 'include_as_orphan';
export const UNMANIFESTED_POLICIES: readonly UnmanifestedPolicy[] = ['ignore', 'warn', 'error', 'include_as_orphan'];

/** The manifest `config` block with defaults applied (only meaningful in hybrid mode). */
export interface ManifestConfig {
  unmanifested_nodes: UnmanifestedPolicy;
  inherit_runtime_resources: boolean;
  allow_manifest_override: boolean;
}

export const DEFAULT_MANIFEST_CONFIG: ManifestConfig = {
  unmanifested_nodes: 'warn',
  inherit_runtime_resources: true,
  allow_manifest_override: true,
};

export interface ManifestMetadata {
  name?: string;
  version?: string;
  description?: string;
  created_at?: string;
}

// A script the manifest declares is the scripts package's type (it runs them).
import type { ManifestScript } from '@medkit/scripts';
export type { ManifestScript, ManifestScriptArg } from '@medkit/scripts';

/** A manifest that loaded and validated. */
export interface Manifest {
  /** Base file first, then fragments in load order, then the CSV inventory. */
  files: string[];
  metadata: ManifestMetadata;
  config: ManifestConfig;
  areas: Area[];
  /** Manifest components plus assets and inventory rows (`source = "inventory"`). */
  components: Component[];
  apps: App[];
  functions: SovdFunction[];
  scripts: ManifestScript[];
  /** Opaque map keyed by entity id (reserved for vendor extensions). */
  capabilities: Record<string, unknown>;
}

export interface ManifestLoadResult {
  ok: boolean;
  /** Present when `ok`. */
  manifest?: Manifest;
  /** Problems that stop the load (including warnings promoted by strict validation). */
  errors: ManifestIssue[];
  /** Everything else: warnings and advisories, for the log. */
  warnings: ManifestIssue[];
}

/** An entity with the place it was declared and a per-key location lookup. */
export interface Located<T> {
  value: T;
  loc: SourceLoc;
  at(key: string): SourceLoc;
}

/** What one YAML file (base or fragment) contributes before validation. */
export interface ManifestDraft {
  areas: Located<Area>[];
  components: Located<Component>[];
  assets: Located<Component>[];
  apps: Located<App>[];
  functions: Located<SovdFunction>[];
  scripts: Located<ManifestScript>[];
  capabilities: Record<string, unknown>;
  metadata: ManifestMetadata;
  config: ManifestConfig;
}

export function emptyDraft(): ManifestDraft {
  return {
    areas: [],
    components: [],
    assets: [],
    apps: [],
    functions: [],
    scripts: [],
    capabilities: {},
    metadata: {},
    config: { ...DEFAULT_MANIFEST_CONFIG },
  };
}
