// Bulk data (api.md §10): categories, descriptors, download (base64 within a cap), upload, delete.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, appOrComponent, id, jsonObject, o } from './schemas.js';

const BULK = '/{entity_type}/{entity_id}/bulk-data';
/** Default and largest download answered inline; bigger files are refused with their URL. */
export const DEFAULT_DOWNLOAD_BYTES = 256 * 1024;
export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024;
/** Largest upload taken inline, in base64 characters (~576 KiB of file): the whole JSON-RPC request must stay under the 1 MiB body cap of /mcp. */
export const MAX_UPLOAD_BASE64 = 768 * 1024;

export const BULK_DATA_TOOLS: ToolDeclaration[] = [
  { name: 'bulk_data_categories', title: 'Bulk-data categories', description: 'The bulk-data categories of an entity (rosbags = fault recordings, plus configured ones).', method: 'GET', path: BULK, input: anyEntity, output: { items: o.items }, mutating: false },
  {
    name: 'bulk_data_list',
    title: 'List bulk data',
    description: 'The files of one category (id, name, mimetype, size, creation date).',
    method: 'GET',
    path: `${BULK}/{category}`,
    input: { ...anyEntity, category: id('category') },
    output: { items: o.items },
    mutating: false,
    links: true,
  },
  {
    name: 'bulk_data_download',
    title: 'Download bulk data',
    description: `One file as base64, at most max_bytes (default ${DEFAULT_DOWNLOAD_BYTES}, up to ${MAX_DOWNLOAD_BYTES}); a larger file is refused with its download URL.`,
    method: 'GET',
    path: `${BULK}/{category}/{file_id}`,
    input: { ...anyEntity, category: id('category'), file_id: id('file id'), max_bytes: z.number().int().min(1).max(MAX_DOWNLOAD_BYTES).default(DEFAULT_DOWNLOAD_BYTES) },
    output: { filename: o.str, mimetype: o.str, size: o.num, encoding: o.str, data: o.str },
    mutating: false,
    response: 'base64',
  },
  {
    name: 'bulk_data_upload',
    title: 'Upload bulk data',
    description: 'Uploads a file (base64) into a category of an app or component (not rosbags), with an optional description and metadata object.',
    method: 'POST',
    path: `${BULK}/{category}`,
    input: {
      ...appOrComponent,
      category: id('category'),
      filename: z.string().min(1).max(255).regex(/^[\w .()+,=@-]+$/, 'a plain file name (letters, digits, space and _ . ( ) + , = @ -)'),
      content_base64: z.string().min(1).max(MAX_UPLOAD_BASE64).base64().describe('the file, base64-encoded'),
      mimetype: z.string().min(3).max(128).regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type').optional(),
      description: z.string().max(1024).optional(),
      metadata: jsonObject.optional(),
    },
    body: { kind: 'multipart', file: { arg: 'content_base64', encoding: 'base64', filenameArg: 'filename', typeArg: 'mimetype' }, fields: { description: 'description', metadata: 'metadata' } },
    output: { id: o.str, name: o.str, mimetype: o.str, size: o.num },
    mutating: true,
  },
  {
    name: 'bulk_data_delete',
    title: 'Delete bulk data',
    description: 'Deletes an uploaded file (recordings are managed by the fault manager).',
    method: 'DELETE',
    path: `${BULK}/{category}/{file_id}`,
    input: { ...appOrComponent, category: id('category'), file_id: id('file id') },
    output: {},
    mutating: true,
  },
];
