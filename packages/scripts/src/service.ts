// The scripts service: what the routes (and the updates feature) call. It ties the store, the
// executions and the audit together and owns the upload checks.
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { SovdError } from '@medkit/sovd';
import type { ScriptAudit } from './audit.js';
import type { ScriptsSettings } from './config.js';
import type { ExecutionManager, StartRequest } from './executions.js';
import { detectFormat, fileNameProblem, looksBinary } from './format.js';
import { IdGenerator, isSafeId } from './ids.js';
import { parseUploadMetadata, withoutEnvValues } from './metadata.js';
import type { Actor, EntityRef, ScriptDefinition, ScriptExecution } from './model.js';
import type { ScriptRunner } from './runner.js';
import type { ScriptStore } from './store.js';

/** A file the HTTP layer received into the store's incoming directory. */
interface ReceivedFile {
  path: string;
  filename: string;
  size: number;
}

function readHead(path: string, bytes = 8192): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export class ScriptsService {
  private readonly ids = new IdGenerator('script');

  constructor(
    readonly settings: ScriptsSettings,
    readonly store: ScriptStore,
    readonly executions: ExecutionManager,
    readonly audit: ScriptAudit,
    readonly runner: ScriptRunner,
  ) {}

  list(ref: EntityRef): ScriptDefinition[] {
    return this.store.list(ref);
  }

  get(ref: EntityRef, scriptId: string): ScriptDefinition {
    const s = this.store.get(ref, scriptId);
    if (!s) throw new SovdError('resource-not-found', 'Script not found', { entity_id: ref.id, script_id: scriptId });
    return s;
  }

  /** Refuses uploads early, before the body is read, when they are switched off. */
  assertUploadsAllowed(): void {
    if (!this.settings.allowUploads) throw new SovdError('invalid-request', 'Script uploads are disabled on this gateway (scripts.allow_uploads: false)');
  }

  /** Checks and stores an upload; the received file is consumed (moved or deleted). */
  upload(ref: EntityRef, file: ReceivedFile, metadataText: string | undefined, actor: Actor): ScriptDefinition {
    try {
      this.assertUploadsAllowed();
      const problem = fileNameProblem(file.filename);
      if (problem) throw new SovdError('invalid-parameter', `Invalid script file name: ${problem}`, { parameter: 'file', filename: file.filename });
      if (file.size === 0) throw new SovdError('invalid-request', 'The script file is empty');
      const head = readHead(file.path);
      if (looksBinary(head)) throw new SovdError('invalid-request', 'The script file is binary; scripts must be text (sh, bash or python)');
      const meta = parseUploadMetadata(metadataText);
      const id = this.chooseId(meta.id, file.filename);
      const def = this.store.add(
        {
          id,
          entityId: ref.id,
          name: meta.name ?? file.filename,
          ...(meta.description !== undefined ? { description: meta.description } : {}),
          format: meta.format ?? detectFormat(file.filename, head),
          proximityProofRequired: false,
          ...(meta.timeoutSec !== undefined ? { timeoutSec: meta.timeoutSec } : {}),
          env: meta.env,
          args: meta.args,
          ...(meta.parametersSchema ? { parametersSchema: meta.parametersSchema } : {}),
          createdAt: new Date().toISOString(),
        },
        file.path,
      );
      this.audit.record({
        action: 'upload',
        entity_id: ref.id,
        script_id: id,
        execution_id: null,
        actor,
        // The env values are the script's secrets (API keys): recorded by name only.
        parameters: { filename: file.filename, size: file.size, format: def.format, ...(metadataText ? { metadata: withoutEnvValues(safeJson(metadataText)) } : {}) },
        status: null,
        exit_code: null,
        duration_ms: null,
        message: null,
      });
      return def;
    } finally {
      rmSync(file.path, { force: true });
    }
  }

  /**
   * The id of an upload: the one its metadata asks for, else the file stem (`check_lidar_health.sh` →
   * `check_lidar_health`), so the script runs by the name it was uploaded as. Either one taken → 409.
   * A stem that is no valid id (`a.b.sh`, `.sh`) gets a generated `script_<ms>_<n>`.
   */
  private chooseId(requested: string | undefined, filename: string): string {
    const dot = filename.lastIndexOf('.');
    const stem = dot > 0 ? filename.slice(0, dot) : filename;
    const id = requested ?? (isSafeId(stem) ? stem : undefined);
    if (id === undefined) {
      let generated = this.ids.next();
      while (this.store.has(generated)) generated = this.ids.next();
      return generated;
    }
    if (this.store.has(id)) {
      throw new SovdError('x-medkit-script-already-exists', `A script with id '${id}' already exists; delete it or choose another id with metadata {"id": "..."}`, {
        script_id: id,
        ...(requested === undefined ? { derived_from: filename } : {}),
      });
    }
    return id;
  }

  remove(ref: EntityRef, scriptId: string, actor: Actor): void {
    const s = this.get(ref, scriptId);
    if (s.managed) throw new SovdError('x-medkit-managed-script', `Script ${scriptId} is managed by the manifest and cannot be deleted`, { script_id: scriptId });
    if (this.executions.isRunning(scriptId)) throw new SovdError('x-medkit-script-running', `Script ${scriptId} has a running execution`, { script_id: scriptId });
    this.store.remove(s);
    this.audit.record({ action: 'delete', entity_id: ref.id, script_id: scriptId, execution_id: null, actor, parameters: null, status: null, exit_code: null, duration_ms: null, message: null });
  }

  start(ref: EntityRef, scriptId: string, req: StartRequest, actor: Actor): ScriptExecution {
    return this.executions.start(ref.id, this.get(ref, scriptId), req, actor);
  }

  execution(ref: EntityRef, scriptId: string, executionId: string): ScriptExecution {
    this.get(ref, scriptId);
    return this.executions.get(ref.id, scriptId, executionId);
  }

  control(ref: EntityRef, scriptId: string, executionId: string, action: 'stop' | 'forced_termination', actor: Actor): ScriptExecution {
    this.get(ref, scriptId);
    return this.executions.control(ref.id, scriptId, executionId, action, actor);
  }

  removeExecution(ref: EntityRef, scriptId: string, executionId: string, actor: Actor): void {
    this.get(ref, scriptId);
    this.executions.remove(ref.id, scriptId, executionId, actor);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 256);
  }
}
