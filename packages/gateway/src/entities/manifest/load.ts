/**
 * Manifest loading: base file + fragments + CSV inventory → validated {@link Manifest} (docs/manifest.md).
 * A manifest is applied whole: any error (or, under strict validation, any warning) fails the load.
 */
import { readFile, stat } from 'node:fs/promises';
import { mergeIdentity } from '../identity.js';
import type { Component } from '../model.js';
import { readFragments, type FragmentFile } from './fragments.js';
import { applyInventoryCsv, applyInventoryText } from './inventory.js';
import { IssueSink, ManifestError, RULE } from './issues.js';
import { parseManifestText } from './parse.js';
import type { Manifest, ManifestDraft, ManifestLoadResult } from './types.js';
import { validateDraft } from './validate.js';

/** Cap on the base manifest file, like fragments. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface ManifestLoadOptions {
  /** `discovery.manifest_path`. */
  path: string;
  /** `discovery.manifest_strict_validation` (default true): warnings fail the load. */
  strict?: boolean;
  /** `discovery.manifest.fragments_dir` (empty/undefined = off). */
  fragmentsDir?: string;
  /** `discovery.inventory.csv_path` (empty/undefined = off). */
  inventoryCsv?: string;
}

/** Inputs already in memory (used by {@link loadManifest}; handy for tests). */
export interface ManifestSources {
  base: { file: string; text: string };
  fragments?: FragmentFile[];
  /** CSV inventory as text. */
  inventory?: { file: string; text: string };
  strict?: boolean;
}

/** Reads the files named in `opts` and loads them. Never throws for bad input; see the result. */
export async function loadManifest(opts: ManifestLoadOptions): Promise<ManifestLoadResult> {
  const issues = new IssueSink();
  let text: string | undefined;
  try {
    const st = await stat(opts.path);
    if (st.size > MAX_MANIFEST_BYTES) issues.error({ file: opts.path, line: 0 }, RULE.io, `manifest is ${st.size} bytes, over the cap`);
    else text = await readFile(opts.path, 'utf8');
  } catch (e) {
    issues.error({ file: opts.path, line: 0 }, RULE.io, `cannot read manifest: ${(e as Error).message}`);
  }
  const fragments = opts.fragmentsDir ? await readFragments(opts.fragmentsDir, issues) : [];
  if (text === undefined) return finish(issues, undefined, opts.strict ?? true);
  const draft = assemble(opts.path, text, fragments, issues);
  const components = draft ? foldComponents(draft) : undefined;
  if (draft && components && opts.inventoryCsv) {
    await applyInventoryCsv(opts.inventoryCsv, inventoryContext(draft, components), issues);
  }
  return finish(issues, draft && components ? toManifest(draft, components, opts, fragments) : undefined, opts.strict ?? true);
}

/** Loads from in-memory sources (same rules as {@link loadManifest}). */
export function loadManifestSources(src: ManifestSources): ManifestLoadResult {
  const issues = new IssueSink();
  const fragments = src.fragments ?? [];
  const draft = assemble(src.base.file, src.base.text, fragments, issues);
  const components = draft ? foldComponents(draft) : undefined;
  if (draft && components && src.inventory) {
    applyInventoryText(src.inventory.file, src.inventory.text, inventoryContext(draft, components), issues);
  }
  const manifest =
    draft && components
      ? toManifest(draft, components, { path: src.base.file, inventoryCsv: src.inventory?.file }, fragments)
      : undefined;
  return finish(issues, manifest, src.strict ?? true);
}

/** {@link loadManifest} that throws {@link ManifestError} on failure (for start-up). */
export async function loadManifestOrThrow(opts: ManifestLoadOptions): Promise<{ manifest: Manifest; warnings: ManifestLoadResult['warnings'] }> {
  const r = await loadManifest(opts);
  if (!r.ok || !r.manifest) throw new ManifestError(r.errors, r.warnings);
  return { manifest: r.manifest, warnings: r.warnings };
}

/** Base + fragments → one validated draft. */
function assemble(file: string, text: string, fragments: FragmentFile[], issues: IssueSink): ManifestDraft | undefined {
  const draft = parseManifestText(file, text, issues, 'base');
  for (const f of fragments) {
    const part = parseManifestText(f.file, f.text, issues, 'fragment');
    if (!part || !draft) continue;
    draft.components.push(...part.components);
    draft.apps.push(...part.apps);
    draft.functions.push(...part.functions);
  }
  if (draft) validateDraft(draft, issues);
  return draft;
}

/** Manifest components in order, then assets: new ones appended, existing ids get identity gap-fill. */
function foldComponents(d: ManifestDraft): Map<string, Component> {
  const out = new Map<string, Component>();
  for (const c of d.components) if (!out.has(c.value.id)) out.set(c.value.id, c.value);
  for (const a of d.assets) {
    const existing = out.get(a.value.id);
    if (!existing) out.set(a.value.id, a.value);
    else if (existing.source === 'manifest') existing.identity = mergeIdentity(existing.identity, a.value.identity);
  }
  return out;
}

function inventoryContext(d: ManifestDraft, components: Map<string, Component>) {
  const areas = new Set(d.areas.map((a) => a.value.id));
  const otherTypes = new Set([...areas, ...d.apps.map((a) => a.value.id), ...d.functions.map((f) => f.value.id)]);
  return { components, areas, otherTypes };
}

function firstById<T extends { id: string }>(list: { value: T }[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const { value } of list) {
    if (seen.has(value.id)) continue;
    seen.add(value.id);
    out.push(value);
  }
  return out;
}

function toManifest(d: ManifestDraft, components: Map<string, Component>, opts: ManifestLoadOptions, fragments: FragmentFile[]): Manifest {
  return {
    files: [opts.path, ...fragments.map((f) => f.file), ...(opts.inventoryCsv ? [opts.inventoryCsv] : [])],
    metadata: d.metadata,
    config: d.config,
    areas: firstById(d.areas),
    components: [...components.values()],
    apps: firstById(d.apps),
    functions: firstById(d.functions),
    scripts: firstById(d.scripts),
    capabilities: d.capabilities,
  };
}

function finish(issues: IssueSink, manifest: Manifest | undefined, strict: boolean): ManifestLoadResult {
  const fails = (sev: string) => sev === 'error' || (strict && sev === 'warning');
  const errors = issues.items.filter((i) => fails(i.severity));
  const warnings = issues.items.filter((i) => !fails(i.severity));
  const ok = errors.length === 0 && manifest !== undefined;
  return ok ? { ok, manifest, errors, warnings } : { ok: false, errors, warnings };
}
