// Uploaded bulk data (docs/faults.md): files of the configured categories of an app or component, kept
// under `<data_dir>/bulk-data/<segment>/<entity>/<category>/` as `<id>.bin` plus a `<id>.json` descriptor.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BulkDataDescriptorBody } from '@medkit/faults';

/** Descriptor of one uploaded item (docs/faults.md): the body the bulk-data routes serve, written once. */
type UploadDescriptor = BulkDataDescriptorBody;

const ID = /^[A-Za-z0-9_-]{1,200}$/;

export class BulkUploadStore {
  private seq = 0;

  constructor(private readonly root: string) {}

  private dir(segment: string, entityId: string, category: string): string {
    return join(this.root, segment, entityId, category);
  }

  /** Newest first. */
  list(segment: string, entityId: string, category: string): UploadDescriptor[] {
    const dir = this.dir(segment, entityId, category);
    if (!existsSync(dir)) return [];
    const out: UploadDescriptor[] = [];
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.json')) continue;
      const d = this.read(dir, f.slice(0, -5));
      if (d) out.push(d);
    }
    return out.sort((a, b) => (a.creation_date < b.creation_date ? 1 : a.creation_date > b.creation_date ? -1 : a.id < b.id ? 1 : -1));
  }

  private read(dir: string, id: string): UploadDescriptor | undefined {
    try {
      return JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as UploadDescriptor;
    } catch {
      return undefined;
    }
  }

  get(segment: string, entityId: string, category: string, id: string): { descriptor: UploadDescriptor; path: string } | undefined {
    if (!ID.test(id)) return undefined;
    const dir = this.dir(segment, entityId, category);
    const descriptor = this.read(dir, id);
    const path = join(dir, `${id}.bin`);
    return descriptor && existsSync(path) ? { descriptor, path } : undefined;
  }

  /** A path to receive an upload into before `commit` (same file system, so commit is a rename). */
  incomingPath(): string {
    const dir = join(this.root, '.incoming');
    mkdirSync(dir, { recursive: true });
    return join(dir, `${Date.now()}_${randomBytes(6).toString('hex')}`);
  }

  /** Moves a received file into place and writes its descriptor. */
  commit(segment: string, entityId: string, category: string, file: { path: string; filename: string; mimetype: string; size: number }, description?: string, metadata?: Record<string, unknown>): UploadDescriptor {
    const now = Date.now();
    const id = `${category}_${BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)}_${randomBytes(4).toString('hex')}`;
    const dir = this.dir(segment, entityId, category);
    mkdirSync(dir, { recursive: true });
    renameSync(file.path, join(dir, `${id}.bin`));
    const d: UploadDescriptor = {
      id, name: file.filename || id, mimetype: file.mimetype || 'application/octet-stream', size: file.size, creation_date: new Date(now).toISOString(),
      ...(description !== undefined ? { description } : {}),
      ...(metadata !== undefined ? { 'x-medkit': metadata } : {}),
    };
    writeFileSync(join(dir, `${id}.json`), JSON.stringify(d));
    return d;
  }

  /** Removes an item; false when it does not exist. */
  delete(segment: string, entityId: string, category: string, id: string): boolean {
    const hit = this.get(segment, entityId, category, id);
    if (!hit) return false;
    const dir = this.dir(segment, entityId, category);
    rmSync(join(dir, `${id}.json`), { force: true });
    rmSync(hit.path, { force: true });
    return true;
  }
}
