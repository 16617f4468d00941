// Bulk data (docs/faults.md): categories, descriptors, download (inline when small, else saved as a file), upload, delete.
import { z } from 'zod';
import type { ArgumentAlias, ToolDeclaration } from './declaration.js';
import { anyEntity, appOrComponent, id, jsonObject, o } from './schemas.js';
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
/** The reference's bulk-data calls mean an app when entity_type is left out. */
const onApps = { entity_type: 'apps' };
/** Default and largest file a download takes (saved as a file past the answer's limit); bigger ones are refused with their URL. */
const DEFAULT_DOWNLOAD_BYTES = 64 * 1024 * 1024;
export const MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;
/** Where a download is saved, as the reference's `output_dir`: a directory under the server's download directory. */
const outputDir = z
  .string()
  .min(1)
  .max(4096)
  .describe("the directory to save the file in, inside this server's download directory (a relative path is taken from there); without it a file too long for the answer is saved in the download directory itself");
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
    description: `One file, at most max_bytes (default ${DEFAULT_DOWNLOAD_BYTES}, up to ${MAX_DOWNLOAD_BYTES}; a larger file is refused with its download URL). Saved into output_dir when given, answering its path; without output_dir a file whose base64 fits the answer comes as data, a longer one is saved in the server's download directory. An existing file is never overwritten (a new name is taken). In rosbags, a fault code as file_id is its newest recording.`,
    method: 'GET',
    path: `${BULK}/{category}/{file_id}`,
    input: { ...file, max_bytes: z.number().int().min(1).max(MAX_DOWNLOAD_BYTES).default(DEFAULT_DOWNLOAD_BYTES), output_dir: outputDir.optional() },
    output: { filename: o.str, mimetype: o.str, size: o.num, path: o.str, encoding: o.str, data: o.str },
    mutating: false,
    response: 'file',
    referenceNames: [
      { name: 'bulkdata_download', aliases: { bulk_data_uri: bulkDataUri } },
      // The gateway answers a fault code in rosbags with the fault's newest recording (the reference fetched every one).
      { name: 'bulkdata_download_for_fault', fixed: { category: 'rosbags' }, aliases: { fault_code: { to: 'file_id', schema: id('fault code'), convert: (v) => v } }, defaults: onApps },
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
