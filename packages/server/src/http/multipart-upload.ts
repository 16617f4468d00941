// Reading a file upload from a multipart/form-data body, shared by the routes that take one (bulk data,
// scripts): the `file` part is streamed to disk under a size limit, named text fields are kept, and the
// parser's failures become SOVD errors. Each route keeps its own size-limit error (docs/api.md lists
// `payload-too-large` for bulk data and `x-medkit-script-too-large` for scripts).
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import multipart, { type FastifyMultipartOptions } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { SovdError } from '@medkit/sovd';
import type { HttpApp } from './app-types.js';

/** The uploaded file, already on disk at `path` (the caller moves or removes it). */
interface UploadedFile {
  path: string;
  filename: string;
  mimetype: string;
  size: number;
}

interface MultipartUpload {
  file: UploadedFile;
  /** The text fields asked for that were present. */
  fields: Record<string, string>;
}

interface UploadReadOptions {
  /** A fresh path for the incoming file. */
  incomingPath(): string;
  /** Text fields to keep; other fields and extra file parts are ignored. */
  fields: readonly string[];
  /** The route's error for a file over the parser's `fileSize` limit. */
  tooLarge(): SovdError;
}

/**
 * Registers `routes` in a child scope with the multipart parser, so that only upload routes accept
 * multipart bodies. `limits.fileSize` is the size limit that {@link readMultipartUpload} reports.
 */
export async function withMultipart(app: HttpApp, options: FastifyMultipartOptions, routes: (scope: HttpApp) => void): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, options);
    routes(scope as unknown as HttpApp);
  });
}

/** Reads the body: `file` to disk, the named fields as text. Throws a SovdError; no file is left behind on failure. */
export async function readMultipartUpload(request: FastifyRequest, opts: UploadReadOptions): Promise<MultipartUpload> {
  if (!request.isMultipart()) throw new SovdError('invalid-request', 'Upload must be multipart/form-data with a "file" part');
  let file: UploadedFile | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // Only the first `file` part counts; the rest is drained so the parser can go on.
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          continue;
        }
        const current: UploadedFile = { path: opts.incomingPath(), filename: part.filename ?? '', mimetype: part.mimetype, size: 0 };
        file = current;
        part.file.on('data', (c: Buffer) => (current.size += c.length));
        await pipeline(part.file, createWriteStream(current.path, { mode: 0o600 }));
        if (part.file.truncated) throw opts.tooLarge();
      } else if (opts.fields.includes(part.fieldname)) {
        // A field sent as application/json arrives parsed; keep its JSON text.
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      }
    }
  } catch (err) {
    if (file) await discardUpload(file);
    throw translate(err, opts);
  }
  if (!file) throw new SovdError('invalid-request', 'Missing "file" part in the multipart body');
  return { file, fields };
}

/** Removes an uploaded file the route will not keep (e.g. its other fields were refused). */
export async function discardUpload(file: UploadedFile): Promise<void> {
  await rm(file.path, { force: true });
}

function translate(err: unknown, opts: UploadReadOptions): SovdError {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return opts.tooLarge();
  if (err instanceof SovdError) return err;
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new SovdError('invalid-request', 'Too many parts in the multipart body', { details: (err as Error).message });
  }
  return new SovdError('invalid-request', 'Malformed multipart body', { details: (err as Error).message });
}
