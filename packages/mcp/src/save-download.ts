// A bulk-data download saved as a file, as the reference MCP server does (its `output_dir`), so a tool
// result stays a few lines (path, size, type) whatever the file weighs: an agent's context never holds
// a recording. The file goes into a directory under a base (configured, or one in the OS temp dir); an
// `output_dir` that leads out of the base is refused, and an existing file is never overwritten.
import { mkdir, open, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { MedkitClient } from '@medkit/client';
import { callError } from './gateway.js';
import { ToolInputError } from './tool-errors.js';

/**
 * Without a configured directory, output_dir may name any directory in the OS temp dir (the reference's
 * clients pass paths such as /tmp/downloads), and a file saved without one goes to this directory there.
 */
export const DEFAULT_DOWNLOAD_DIR = join(tmpdir(), 'medkit-mcp-downloads');

/** Most numbered names tried beside an existing file before giving up. */
const MAX_NAME_TRIES = 1000;

function unusable(dir: string, why: string): ToolInputError {
  return new ToolInputError({ error_code: 'x-medkit-download-dir-unusable', source: 'mcp', message: `cannot save the download: ${why} (${dir}); give output_dir inside ${dir}, or download the file over REST` });
}

/** Inside or equal to `base` (both resolved). */
function within(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The directory a download is saved in: `outputDir` (relative to `base`, or absolute inside it) created
 * when missing. Refused when it leads out of `base` (also through a symbolic link) or cannot be created;
 * `base` null means this server saves no files.
 */
export async function downloadDirectory(base: string | null, outputDir: string | undefined): Promise<string> {
  if (base === null) throw new ToolInputError({ error_code: 'x-medkit-download-dir-unusable', source: 'mcp', message: 'cannot save the download: this MCP server has no download directory; download the file over REST' });
  const root = resolve(base);
  const dir = resolve(root, outputDir ?? '.');
  if (!within(root, dir)) throw new ToolInputError({ error_code: 'invalid-parameter', source: 'mcp', message: `output_dir '${outputDir}' is outside the download directory ${root}` });
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const [realRoot, realDir] = await Promise.all([realpath(root), realpath(dir)]);
    if (!within(realRoot, realDir)) throw unusable(root, `output_dir '${outputDir}' leads out of the download directory through a link`);
    return realDir;
  } catch (err) {
    if (err instanceof ToolInputError) throw err;
    throw unusable(root, (err as Error).message);
  }
}

/** A plain file name from the gateway's Content-Disposition, else the file id: no directories, no leading dots. */
function safeFileName(disposition: string | null, fallback: string): string {
  const given = /filename="?([^";]+)"?/.exec(disposition ?? '')?.[1];
  for (const raw of [given, fallback, 'download']) {
    const name = (raw ?? '').split(/[/\\]/).pop()!.replace(/[^\w .()+,=@-]/g, '_').replace(/^[.\s]+/, '').slice(0, 200);
    if (name) return name;
  }
  return 'download';
}

/** Creates `name` in `dir`, or `stem-1.ext`, `stem-2.ext`… when it exists: never opens an existing file (O_EXCL). */
async function createNew(dir: string, name: string) {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; i < MAX_NAME_TRIES; i++) {
    const path = join(dir, i === 0 ? name : `${stem}-${i}${ext}`);
    try {
      return { path, file: await open(path, 'wx', 0o600) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(dir, (err as Error).message);
    }
  }
  throw unusable(dir, `${MAX_NAME_TRIES} files named like ${name} exist already`);
}

/** A download as the tool answers it: the bytes when they fit the answer, else the file they were saved in. */
type FetchedFile = { status: number; filename: string; mimetype: string } & ({ bytes: Buffer } | { path: string; size: number });

/** The stream's first chunks up to `limit` bytes; `rest` is the whole body again (those chunks, then the remainder) when it is longer. */
async function peek(body: ReadableStream<Uint8Array>, limit: number): Promise<{ whole: Buffer } | { rest: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size <= limit) {
    const { done, value } = await reader.read();
    if (done) return { whole: Buffer.concat(head) };
    head.push(value);
    size += value.byteLength;
  }
  const rest = new ReadableStream<Uint8Array>({
    start: (c) => head.forEach((chunk) => c.enqueue(chunk)),
    pull: async (c) => {
      const { done, value } = await reader.read();
      if (done) c.close();
      else c.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { rest };
}

/** `body` written into a new file of `dir`; a partial file is removed when the transfer fails. */
async function writeNew(body: ReadableStream<Uint8Array>, dir: string, filename: string): Promise<{ path: string; size: number }> {
  let target;
  try {
    target = await createNew(dir, filename);
  } catch (err) {
    await body.cancel().catch(() => undefined);
    throw err;
  }
  try {
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), target.file.createWriteStream());
  } catch (err) {
    await target.file.close().catch(() => undefined);
    await rm(target.path, { force: true });
    throw err;
  }
  return { path: target.path, size: (await stat(target.path)).size };
}

interface FetchOptions {
  /** Largest file taken at all (the transfer is refused past it). */
  maxBytes: number;
  /** Largest file answered inline; a longer one is saved. -1: always saved. */
  inlineBytes: number;
  /** The directory a saved file goes to, resolved only when one is saved. */
  directory: () => Promise<string>;
}

/** GETs `path`: up to `inlineBytes` answered as bytes, anything longer streamed into a new file. */
export async function fetchFile(client: MedkitClient, path: string, fileId: string, opts: FetchOptions): Promise<FetchedFile> {
  try {
    const download = await client.download(path, { identify: true, maxResponseBytes: opts.maxBytes });
    const meta = { status: download.status, mimetype: download.headers.get('content-type') ?? 'application/octet-stream' };
    const filename = safeFileName(download.headers.get('content-disposition'), fileId);
    const first = await peek(download.body, opts.inlineBytes);
    if ('whole' in first) return { ...meta, filename, bytes: first.whole };
    let dir;
    try {
      dir = await opts.directory();
    } catch (err) {
      await first.rest.cancel().catch(() => undefined);
      throw err;
    }
    const saved = await writeNew(first.rest, dir, filename);
    return { ...meta, filename: basename(saved.path), ...saved };
  } catch (err) {
    throw err instanceof ToolInputError ? err : callError(client, 'GET', path, err);
  }
}
