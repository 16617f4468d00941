// Bulk-data downloads keep every answer within the output limit, as the reference MCP server does with its
// output_dir: a file that fits the answer comes inline (base64), a longer one, or any file with
// output_dir, is saved into the server's download directory and answered with its path. output_dir never
// leads out of that directory (a path or a link), an existing file is never overwritten, and a file
// over max_bytes leaves nothing behind. The gateway is a recording fetch.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pair, type Seen } from './support/recording-gateway.js';

const MAX = 5000;
const root = mkdtempSync(join(tmpdir(), 'medkit-mcp-dl-'));
const base = join(root, 'downloads');
const outside = join(root, 'outside');
mkdirSync(outside);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const small = Buffer.from('k: 1\n');
const big = Buffer.alloc(200_000, 7);

function answer(req: Seen): Response {
  const file = req.url.includes('/big') ? big : small;
  const name = req.url.includes('/evil') ? '../../evil.mcap' : req.url.includes('/big') ? 'rec.mcap' : 'c.yaml';
  return new Response(file, { headers: { 'content-type': 'application/x-mcap', 'content-length': String(file.length), 'content-disposition': `attachment; filename="${name}"` } });
}

/** The fields of a download's answer (a saved file, an inline one) or of its error that the tests read. */
interface Answer {
  path: string;
  data: string;
  encoding?: string;
  error_code?: string;
  message: string;
}

type Result = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
const where = { entity_type: 'apps', entity_id: 'lidar', category: 'rosbags' };

/** `downloadDir` false: the server is given none (the OS temp dir's defaults). */
async function download(args: Record<string, unknown>, downloadDir: string | null | false = base) {
  const { client, seen } = await pair(answer, { maxOutputChars: MAX, ...(downloadDir === false ? {} : { downloadDir }) });
  const r = (await client.callTool({ name: 'sovd_bulk_data_download', arguments: { ...where, ...args } })) as Result;
  expect(r.content[0].text.length).toBeLessThanOrEqual(MAX);
  return { r, body: JSON.parse(r.content[0].text) as Answer, seen };
}

describe('bulk-data downloads', () => {
  it('answer a file that fits inline, and save a longer one, answering its path', async () => {
    const inline = await download({ file_id: 'small' });
    expect(inline.body).toMatchObject({ filename: 'c.yaml', size: small.length, encoding: 'base64' });
    expect(Buffer.from(inline.body.data, 'base64').equals(small)).toBe(true);

    const saved = await download({ file_id: 'big' });
    expect(saved.body).toMatchObject({ filename: 'rec.mcap', mimetype: 'application/x-mcap', size: big.length, path: join(base, 'rec.mcap') });
    expect(saved.body.data).toBeUndefined();
    expect(readFileSync(saved.body.path).equals(big)).toBe(true);
  });

  it('save into output_dir (relative to the download directory, or absolute inside it), never overwriting', async () => {
    const first = (await download({ file_id: 'small', output_dir: 'fault-1' })).body;
    expect(first.path).toBe(join(base, 'fault-1', 'c.yaml'));
    const second = (await download({ file_id: 'small', output_dir: join(base, 'fault-1') })).body;
    expect(second.path).toBe(join(base, 'fault-1', 'c-1.yaml'));
    expect(readdirSync(join(base, 'fault-1')).sort()).toEqual(['c-1.yaml', 'c.yaml']);
    // The reference's argument name under its tool name does the same.
    const { client } = await pair(answer, { maxOutputChars: MAX, downloadDir: base });
    const ref = (await client.callTool({ name: 'ros2_medkit_bulkdata_download', arguments: { bulk_data_uri: '/apps/lidar/bulk-data/rosbags/big', output_dir: 'ref' } })) as Result;
    expect(JSON.parse(ref.content[0].text).path).toBe(join(base, 'ref', 'rec.mcap'));
  });

  it("without a configured directory, take any output_dir in the OS temp dir (as the reference's clients pass)", async () => {
    const { body } = await download({ file_id: 'small', output_dir: join(root, 'from-tmp') }, false);
    expect(body.path).toBe(join(root, 'from-tmp', 'c.yaml'));
    expect((await download({ file_id: 'small', output_dir: '/etc' }, false)).body.error_code).toBe('invalid-parameter');
  });

  it('keep a name from the gateway a plain file name', async () => {
    const { body } = await download({ file_id: 'evil', output_dir: 'names' });
    expect(body.path).toBe(join(base, 'names', 'evil.mcap'));
  });

  it('refuse an output_dir that leads out of the download directory, before any request', async () => {
    for (const dir of ['..', '../outside', outside, '/etc']) {
      const { r, body, seen } = await download({ file_id: 'big', output_dir: dir });
      expect(r.isError, dir).toBe(true);
      expect(body).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
      expect(seen).toEqual([]);
    }
    symlinkSync(outside, join(base, 'link'));
    const linked = await download({ file_id: 'big', output_dir: 'link' });
    expect(linked.body).toMatchObject({ error_code: 'x-medkit-download-dir-unusable' });
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuse a file that must be saved when there is no download directory, with a clear message', async () => {
    const { r, body } = await download({ file_id: 'big' }, null);
    expect(r.isError).toBe(true);
    expect(body.error_code).toBe('x-medkit-download-dir-unusable');
    expect(body.message).toMatch(/no download directory/);
    expect((await download({ file_id: 'small' }, null)).body.encoding).toBe('base64');
  });

  it('refuse a file over max_bytes with its URL and leave no partial file', async () => {
    const { r, body } = await download({ file_id: 'big', output_dir: 'capped', max_bytes: 1000 });
    expect(r.isError).toBe(true);
    expect(body).toMatchObject({ error_code: 'payload-too-large', details: { url: 'http://gw.test/api/v1/apps/lidar/bulk-data/rosbags/big' } });
    expect(readdirSync(join(base, 'capped'))).toEqual([]);
  });
});
