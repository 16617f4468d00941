// Bulk data (docs/faults.md): categories, descriptors, download (base64 within a cap), upload, delete.
import { z } from 'zod';
import type { ArgumentAlias, ToolDeclaration } from './declaration.js';
import { anyEntity, appOrComponent, id, jsonObject, o, unusedArg } from './schemas.js';
import { invalidCombination, ToolInputError } from '../tool-errors.js';

const BULK = '/{entity_type}/{entity_id}/bulk-data';
const file = { ...anyEntity, category: id('category'), file_id: id('file id') };

// A download path as fault details and bulk-data lists give it (/api/v1/apps/x/bulk-data/rosbags/<id>),
// or the reference's form without the API base. Only a path: like the reference, no URL of another host.
const BULK_PATH = /^(?:\/api\/v1)?\/([^/]+)\/([^/]+)\/bulk-data\/([^/]+)\/([^/]+)$/;

/** The reference's bulk_data_uri split into our arguments; each segment is then checked like the argument it becomes. */
const bulkDataUri: ArgumentAlias = {
  spread: ['entity_type', 'entity_id', 'category', 'file_id'],
  schema: z.string().max(2048).regex(BULK_PATH, 'a bulk-data path: [/api/v1]/{entity type}/{entity id}/bulk-data/{category}/{file id}').describe('the download path of a file, e.g. /api/v1/apps/x/bulk-data/rosbags/<id> from a fault'),
  convert: (v) => {
    const [entity_type, entity_id, category, file_id] = BULK_PATH.exec(v as string)!.slice(1).map((seg) => {
      try {
        return decodeURIComponent(seg);
      } catch {
        throw new ToolInputError(invalidCombination(`bulk_data_uri: '${seg}' is not valid percent-encoding`));
      }
    });
    return { entity_type, entity_id, category, file_id };
  },
};
/** The reference saves downloads in a directory of its host; this server answers the file instead (it may run inside the gateway). */
const outputDir = { output_dir: unusedArg(z.string().max(4096), 'this server writes no files; the file is in the answer (data, base64)') };
/** The reference's bulk-data calls mean an app when entity_type is left out. */
const onApps = { entity_type: 'apps' };
/** Default and largest download answered inline; bigger files are refused with their URL. */
export const DEFAULT_DOWNLOAD_BYTES = 256 * 1024;
export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024;
/** Largest upload taken inline, in base64 characters (~576 KiB of file): the whole JSON-RPC request must stay under the 1 MiB body cap of /mcp. */
export const MAX_UPLOAD_BASE64 = 768 * 1024;

export const BULK_DATA_TOOLS: ToolDeclaration[] = [
  { name: 'bulk_data_categories', title: 'Bulk-data categories', description: 'The bulk-data categories of an entity (rosbags = fault recordings, plus configured ones).', method: 'GET', path: BULK, input: anyEntity, output: { items: o.items }, mutating: false, referenceNames: [{ name: 'bulkdata_categories', defaults: onApps }] },
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
    referenceNames: [{ name: 'bulkdata_list', defaults: onApps }],
  },
  {
    name: 'bulk_data_info',
    title: 'Bulk-data file info',
    description: 'Name, MIME type and size of one file, without downloading it (HEAD).',
    method: 'HEAD',
    path: `${BULK}/{category}/{file_id}`,
    input: file,
    output: { filename: o.str, mimetype: o.str, size: o.num },
    mutating: false,
    response: 'headers',
    referenceNames: [{ name: 'bulkdata_info', aliases: { bulk_data_uri: bulkDataUri } }],
  },
  {
    name: 'bulk_data_download',
    title: 'Download bulk data',
    description: `One file as base64, at most max_bytes (default ${DEFAULT_DOWNLOAD_BYTES}, up to ${MAX_DOWNLOAD_BYTES}); a larger file is refused with its download URL. In rosbags, a fault code as file_id is its newest recording.`,
    method: 'GET',
    path: `${BULK}/{category}/{file_id}`,
    input: { ...file, max_bytes: z.number().int().min(1).max(MAX_DOWNLOAD_BYTES).default(DEFAULT_DOWNLOAD_BYTES) },
    output: { filename: o.str, mimetype: o.str, size: o.num, encoding: o.str, data: o.str },
    mutating: false,
    response: 'base64',
    referenceNames: [
      { name: 'bulkdata_download', aliases: { bulk_data_uri: bulkDataUri }, unused: outputDir },
      // The gateway answers a fault code in rosbags with the fault's newest recording (the reference fetched every one).
      { name: 'bulkdata_download_for_fault', fixed: { category: 'rosbags' }, aliases: { fault_code: { to: 'file_id', schema: id('fault code'), convert: (v) => v } }, defaults: onApps, unused: outputDir },
    ],
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
    referenceNames: [{ name: 'bulkdata_upload', aliases: { file_content: 'content_base64' }, defaults: onApps }],
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
    referenceNames: [{ name: 'bulkdata_delete', aliases: { item_id: 'file_id' }, defaults: onApps }],
  },
];
