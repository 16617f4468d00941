// Where scripts live: uploaded and pre-deployed scripts as files under
// `<scripts_dir>/<entity_id>/<script_id>/script.<ext>` + `metadata.json` (docs/scripts.md) with
// one SQLite row each (the index the routes read), and manifest scripts kept in memory. metadata.json alone
// holds the script's env values (often credentials; the row keeps their names, env-secrets.ts): scripts_dir and
// everything the store makes in it are the gateway user's alone (0700 directories, 0600 files), since executions
// run as another user that must not read another script's secrets.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Logger } from '@medkit/kit';
import type { ManifestScript } from './model.js';
import type { Migration, SqliteDatabase } from '@medkit/kit';
import { EXTENSION } from './format.js';
import { isSafeId } from './ids.js';
import { envNamesColumn, metadataPath, moveEnvValuesOut, readEnvValues } from './env-secrets.js';
import { SCRIPT_FORMATS, type EntityRef, type ScriptArg, type ScriptDefinition, type ScriptFormat } from './model.js';

export const STORE_MIGRATIONS: Migration[] = [
  {
    id: 'scripts-001-scripts',
    up(db) {
      db.exec(`CREATE TABLE scripts (
        id TEXT PRIMARY KEY,
        entity_id TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        format TEXT NOT NULL,
        rel_path TEXT NOT NULL,
        source TEXT NOT NULL,
        timeout_sec REAL,
        env TEXT NOT NULL,
        args TEXT NOT NULL,
        parameters_schema TEXT,
        proximity_proof_required INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE INDEX scripts_entity ON scripts(entity_id, created_at);`);
    },
  },
];

interface Row {
  id: string;
  entity_id: string;
  name: string;
  description: string | null;
  format: string;
  rel_path: string;
  source: string;
  timeout_sec: number | null;
  /** The env variables' names (a JSON array); rows of older versions: their values (a JSON object) until moved. */
  env: string;
  args: string;
  parameters_schema: string | null;
  proximity_proof_required: number;
  created_at: string;
}

/** What metadata.json holds (the same fields the upload metadata accepts). */
interface MetadataFile {
  id?: string;
  name?: string;
  description?: string;
  format?: string;
  parameters_schema?: Record<string, unknown>;
  timeout_sec?: number;
  args?: ScriptArg[];
  env?: Record<string, string>;
  proximity_proof_required?: boolean;
  created_at?: string;
}

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Takes group and other access away from `path` (made by an older version, or by hand); says when it cannot. */
function restrict(path: string, mode: number, log?: Logger): void {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.warn({ path, err }, 'cannot make a scripts_dir entry private to the gateway user; script executions may read it');
  }
}

/** A glob like `components/*` or `apps/battery-*` against `<segment>/<id>`. */
function globMatch(glob: string, text: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(text);
}

export class ScriptStore {
  private managed: ScriptDefinition[] = [];
  /** Parsed rows by id (rows never change after insert), so compiled parameter schemas are reused. */
  private readonly parsed = new Map<string, ScriptDefinition>();

  constructor(
    private readonly db: SqliteDatabase,
    /** Absolute scripts_dir. */
    readonly dir: string,
    private readonly log?: Logger,
  ) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    restrict(dir, PRIVATE_DIR, log);
  }

  /** Replaces the manifest scripts (relative `path`s are resolved against scripts_dir). */
  setManaged(scripts: ManifestScript[]): void {
    this.managed = scripts.map((s) => ({
      id: s.id,
      name: s.name,
      ...(s.description ? { description: s.description } : {}),
      format: s.format,
      file: isAbsolute(s.path) ? s.path : resolve(this.dir, s.path),
      source: 'manifest',
      managed: true,
      proximityProofRequired: false,
      timeoutSec: s.timeout_sec,
      env: s.env,
      args: s.args,
      ...(s.parameters_schema && typeof s.parameters_schema === 'object' ? { parametersSchema: s.parameters_schema as Record<string, unknown> } : {}),
      entityFilter: s.entity_filter,
    }));
  }

  /** Scripts an entity lists: manifest scripts whose filter matches, then its own, oldest first. */
  list(ref: EntityRef): ScriptDefinition[] {
    const key = `${ref.segment}/${ref.id}`;
    const managed = this.managed.filter((s) => !s.entityFilter?.length || s.entityFilter.some((g) => globMatch(g, key)));
    const own = (this.db.prepare('SELECT * FROM scripts WHERE entity_id = ? ORDER BY created_at, id').all(ref.id) as Row[]).map((r) => this.fromRow(r));
    return [...managed, ...own];
  }

  get(ref: EntityRef, scriptId: string): ScriptDefinition | undefined {
    return this.list(ref).find((s) => s.id === scriptId);
  }

  /** Any script with this id, whatever entity lists it (update packages refer to scripts by id). */
  findById(scriptId: string): ScriptDefinition | undefined {
    const managed = this.managed.find((s) => s.id === scriptId);
    if (managed) return managed;
    const row = this.db.prepare('SELECT * FROM scripts WHERE id = ?').get(scriptId) as Row | undefined;
    return row ? this.fromRow(row) : undefined;
  }

  has(scriptId: string): boolean {
    return this.findById(scriptId) !== undefined;
  }

  /** Directory for files being received; removed entries are cleaned at start-up. */
  incomingDir(): string {
    const d = join(this.dir, '.incoming');
    mkdirSync(d, { recursive: true, mode: PRIVATE_DIR });
    return d;
  }

  /** Moves a received file into place and records it. */
  add(def: Omit<ScriptDefinition, 'file' | 'source' | 'managed'> & { entityId: string; createdAt: string }, receivedFile: string): ScriptDefinition {
    const scriptDir = join(this.dir, def.entityId, def.id);
    mkdirSync(scriptDir, { recursive: true, mode: PRIVATE_DIR });
    const file = join(scriptDir, `script.${EXTENSION[def.format]}`);
    renameSync(receivedFile, file);
    chmodSync(file, PRIVATE_FILE);
    const meta: MetadataFile = {
      id: def.id,
      name: def.name,
      ...(def.description !== undefined ? { description: def.description } : {}),
      format: def.format,
      ...(def.parametersSchema ? { parameters_schema: def.parametersSchema } : {}),
      ...(def.timeoutSec !== undefined ? { timeout_sec: def.timeoutSec } : {}),
      args: def.args,
      env: def.env,
      proximity_proof_required: def.proximityProofRequired,
      created_at: def.createdAt,
    };
    writeFileSync(join(scriptDir, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`, { mode: PRIVATE_FILE });
    this.insertRow(def.entityId, def.id, meta, relative(this.dir, file), 'upload');
    return this.findById(def.id)!;
  }

  /** Deletes an uploaded/deployed script's row and files. */
  remove(def: ScriptDefinition): void {
    this.db.prepare('DELETE FROM scripts WHERE id = ?').run(def.id);
    this.parsed.delete(def.id);
    if (def.entityId) rmSync(join(this.dir, def.entityId, def.id), { recursive: true, force: true });
  }

  /**
   * Start-up reconciliation: directories found in scripts_dir are listed (how demos pre-deploy
   * scripts), rows whose files vanished are dropped, half-received uploads are removed.
   */
  reconcile(): void {
    rmSync(join(this.dir, '.incoming'), { recursive: true, force: true });
    for (const row of this.db.prepare('SELECT id, rel_path FROM scripts').all() as Pick<Row, 'id' | 'rel_path'>[]) {
      if (!existsSync(join(this.dir, row.rel_path))) {
        this.log?.warn({ script_id: row.id }, 'script file missing from scripts_dir; dropping its record');
        this.db.prepare('DELETE FROM scripts WHERE id = ?').run(row.id);
        this.parsed.delete(row.id);
      }
    }
    for (const entityId of this.subdirs(this.dir)) {
      restrict(join(this.dir, entityId), PRIVATE_DIR, this.log);
      for (const scriptId of this.subdirs(join(this.dir, entityId))) {
        restrict(join(this.dir, entityId, scriptId), PRIVATE_DIR, this.log);
        restrict(join(this.dir, entityId, scriptId, 'metadata.json'), PRIVATE_FILE, this.log);
        if (this.db.prepare('SELECT 1 FROM scripts WHERE id = ?').get(scriptId)) continue;
        this.importDeployed(entityId, scriptId);
      }
    }
    if (moveEnvValuesOut(this.db, this.dir, this.log) > 0) this.parsed.clear();
  }

  private subdirs(dir: string): string[] {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && isSafeId(d.name))
        .map((d) => d.name);
    } catch {
      return [];
    }
  }

  private importDeployed(entityId: string, scriptId: string): void {
    const scriptDir = join(this.dir, entityId, scriptId);
    let meta: MetadataFile = {};
    try {
      if (existsSync(join(scriptDir, 'metadata.json'))) meta = JSON.parse(readFileSync(join(scriptDir, 'metadata.json'), 'utf8')) as MetadataFile;
    } catch (err) {
      this.log?.warn({ err, dir: scriptDir }, 'unreadable metadata.json; script skipped');
      return;
    }
    const file = readdirSync(scriptDir).find((f) => /^script\.[A-Za-z0-9]+$/.test(f) && statSync(join(scriptDir, f)).isFile());
    if (!file) return;
    const ext = file.slice('script.'.length);
    const format: ScriptFormat = SCRIPT_FORMATS.includes(meta.format as ScriptFormat)
      ? (meta.format as ScriptFormat)
      : ext === 'py'
        ? 'python'
        : ext === 'bash'
          ? 'bash'
          : 'sh';
    this.insertRow(entityId, scriptId, { ...meta, format }, relative(this.dir, join(scriptDir, file)), 'deployed');
    this.log?.info({ entity_id: entityId, script_id: scriptId }, 'pre-deployed script found in scripts_dir');
  }

  private insertRow(entityId: string, id: string, meta: MetadataFile, relPath: string, source: 'upload' | 'deployed'): void {
    this.db
      .prepare(
        `INSERT INTO scripts (id, entity_id, name, description, format, rel_path, source, timeout_sec, env, args, parameters_schema,
          proximity_proof_required, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        entityId,
        typeof meta.name === 'string' && meta.name ? meta.name : id,
        typeof meta.description === 'string' ? meta.description : null,
        meta.format ?? 'sh',
        relPath.split(sep).join('/'),
        source,
        typeof meta.timeout_sec === 'number' && meta.timeout_sec > 0 ? meta.timeout_sec : null,
        envNamesColumn(meta.env),
        JSON.stringify(Array.isArray(meta.args) ? meta.args : []),
        meta.parameters_schema && typeof meta.parameters_schema === 'object' ? JSON.stringify(meta.parameters_schema) : null,
        meta.proximity_proof_required ? 1 : 0,
        meta.created_at ?? new Date().toISOString(),
      );
  }

  private fromRow(r: Row): ScriptDefinition {
    const hit = this.parsed.get(r.id);
    if (hit) return hit;
    const def: ScriptDefinition = {
      id: r.id,
      name: r.name,
      ...(r.description !== null ? { description: r.description } : {}),
      format: r.format as ScriptFormat,
      file: join(this.dir, r.rel_path),
      source: r.source as ScriptDefinition['source'],
      managed: false,
      proximityProofRequired: r.proximity_proof_required === 1,
      ...(r.timeout_sec !== null ? { timeoutSec: r.timeout_sec } : {}),
      env: readEnvValues(metadataPath(join(this.dir, r.rel_path)), this.log),
      args: JSON.parse(r.args) as ScriptArg[],
      ...(r.parameters_schema !== null ? { parametersSchema: JSON.parse(r.parameters_schema) as Record<string, unknown> } : {}),
      entityId: r.entity_id,
      createdAt: r.created_at,
    };
    this.parsed.set(r.id, def);
    return def;
  }
}
