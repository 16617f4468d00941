/**
 * CSV asset inventory (docs/manifest.md): rows become inventory Components appended after the manifest.
 */
import { readFile, stat } from 'node:fs/promises';
import { isValidEntityId } from '../ids.js';
import { mergeIdentity } from '../identity.js';
import type { Component } from '../model.js';
import { assetToComponent } from './assets.js';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { RULE, type IssueSink } from './issues.js';

/** Per-file cap. */
const MAX_INVENTORY_BYTES = 1024 * 1024;

/** Ids already taken, by type, so rows can fold in or be skipped. */
interface InventoryContext {
  components: Map<string, Component>;
  /** Ids of areas. */
  areas: Set<string>;
  /** Ids used by apps, functions or areas (a row colliding with another type is skipped). */
  otherTypes: Set<string>;
}

/**
 * Reads the CSV at `path` and applies its rows to `ctx.components` (new ones appended, existing ones get
 * identity gap-fill). A missing file is advisory; an unreadable or malformed file is an error.
 */
export async function applyInventoryCsv(path: string, ctx: InventoryContext, issues: IssueSink): Promise<void> {
  const file = { file: path, line: 0 };
  let text: string;
  try {
    const st = await stat(path);
    if (st.size > MAX_INVENTORY_BYTES) {
      issues.error(file, RULE.inventory, `inventory is ${st.size} bytes, over the ${MAX_INVENTORY_BYTES} byte cap`);
      return;
    }
    text = await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') issues.advisory(file, RULE.inventory, 'inventory file not found; no assets added');
    else issues.error(file, RULE.inventory, `inventory unreadable: ${err.message}`);
    return;
  }
  applyInventoryText(path, text, ctx, issues);
}

/** Same as {@link applyInventoryCsv} on text already read. */
export function applyInventoryText(path: string, text: string, ctx: InventoryContext, issues: IssueSink): void {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    issues.error({ file: path, line: e.line }, RULE.inventory, e.message);
    return;
  }
  const header = rows.shift();
  const columns = (header?.fields ?? []).map((h) => h.trim().toLowerCase());
  const idCol = columns.indexOf('id');
  if (!header || idCol < 0) {
    issues.error({ file: path, line: header?.line ?? 1 }, RULE.inventory, "inventory has no 'id' column");
    return;
  }
  const seen = new Set<string>();
  for (const row of rows) {
    const at = { file: path, line: row.line };
    const id = (row.fields[idCol] ?? '').trim();
    if (!id) continue;
    if (!isValidEntityId(id)) {
      issues.advisory(at, RULE.idFormat, `inventory row id '${id}' is not a valid entity id; row skipped`);
      continue;
    }
    if (seen.has(id)) {
      issues.advisory(at, RULE.inventory, `duplicate inventory id '${id}'; the first row wins`);
      continue;
    }
    seen.add(id);
    if (ctx.otherTypes.has(id)) {
      issues.advisory(at, RULE.inventory, `inventory id '${id}' is already used by another entity type; row skipped`);
      continue;
    }
    const scalars: Record<string, string> = {};
    columns.forEach((col, i) => {
      const v = row.fields[i];
      if (col && v !== undefined && v !== '' && scalars[col] === undefined) scalars[col] = v;
    });
    if (scalars.area !== undefined && !ctx.areas.has(scalars.area)) {
      issues.advisory(at, RULE.inventory, `inventory row '${id}' names unknown area '${scalars.area}'; area dropped`);
      delete scalars.area;
    }
    const asset = assetToComponent({ id, scalars });
    const existing = ctx.components.get(id);
    if (existing) existing.identity = mergeIdentity(existing.identity, asset.identity);
    else ctx.components.set(id, asset);
  }
}

