// A client generated from our OpenAPI document the way reference-gateway users generate theirs
// (openapi-typescript), compiled with tsc against a small typed-fetch client and then run
// against the live gateway: paths relative to servers[0].url, reference parameter names,
// named component bodies and stable operationIds are all needed for it to compile and work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';

const CLIENT = `
import type { components, operations, paths } from './generated';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type GetBody<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } } ? JsonOf<R> : never;

/** Typed GET relative to the server URL (servers[0].url). */
async function get<P extends keyof paths>(server: string, path: P, params: Record<string, string> = {}): Promise<GetBody<P>> {
  let url: string = path;
  for (const [k, v] of Object.entries(params)) url = url.replace('{' + k + '}', encodeURIComponent(v));
  const res = await fetch(server + url);
  if (!res.ok) throw new Error(path + ': ' + res.status);
  return (await res.json()) as GetBody<P>;
}

export async function run(origin: string, serverUrl: string) {
  const server = origin + serverUrl;
  const info: components['schemas']['VersionInfo'] = await get(server, '/version-info');
  const sovd: string = info.items[0].version;
  const apps = await get(server, '/apps');
  const appId: string = apps.items[0].id;
  const data = await get(server, '/apps/{app_id}/data', { app_id: appId });
  const dataIds: string[] = data.items.map((d) => d.id);
  const categories: string[] = (await get(server, '/apps/{app_id}/bulk-data', { app_id: appId })).items;
  const rosbags = await get(server, '/apps/{app_id}/bulk-data/{category_id}', { app_id: appId, category_id: categories[0] });
  const sizes: number[] = rosbags.items.map((d) => d.size);
  // Bodies the client would send, typed by their component names.
  const lock: components['schemas']['AcquireAppLockRequest'] = { lock_expiration: 60 };
  const upload: components['schemas']['BulkDataUpload'] = { file: 'bytes', description: 'calibration' };
  type Prepared = JsonOf<operations['prepareUpdate']['responses'][202]>;
  const prepared: Prepared | undefined = undefined;
  const error: components['schemas']['GenericError'] = { error_code: 'x', message: 'y' };
  return { sovd, appId, dataIds, categories, sizes, lock, upload, prepared, error };
}
`;

/** A client still written for the old document: absolute /api/v1 paths and `{category}`. */
const STALE_CLIENT = `
import type { paths } from './generated';
export type Old = paths['/api/v1/apps/{app_id}/bulk-data/{category}'];
`;

/** Type-checks the files together (one pass over the big generated file); diagnostics as `file: message`. */
function compile(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], skipLibCheck: true, types: [] },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.fileName.slice(dir.length + 1) : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('a client generated with openapi-typescript', () => {
  let g: TestGateway;
  let dir: string;
  beforeAll(async () => {
    g = await startTestGateway({ defaults: true, flags: { 'discovery.manifest_path': new URL('../../../../examples/amr/manifest.yaml', import.meta.url).pathname, 'discovery.mode': 'manifest_only' } });
    dir = mkdtempSync(join(tmpdir(), 'medkit-openapi-client-'));
  });
  afterAll(async () => {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles against the generated types and talks to the gateway through servers[0].url', async () => {
    const doc = await (await fetch(`${g.url}/api/v1/docs`)).json();
    writeFileSync(join(dir, 'generated.ts'), astToString(await openapiTS(doc)));
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    writeFileSync(join(dir, 'stale.ts'), STALE_CLIENT);
    const diagnostics = compile(dir, ['generated.ts', 'client.ts', 'stale.ts']);
    expect(diagnostics.filter((d) => !d.startsWith('stale.ts:'))).toEqual([]);
    // The check can fail: a client of the old document shape does not compile.
    expect(diagnostics.filter((d) => d.startsWith('stale.ts:')).length).toBeGreaterThan(0);

    writeFileSync(join(dir, 'client.mjs'), ts.transpileModule(CLIENT, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText);
    const client = (await import(pathToFileURL(join(dir, 'client.mjs')).href)) as { run(origin: string, server: string): Promise<{ sovd: string; appId: string; categories: string[] }> };
    const out = await client.run(g.url, doc.servers[0].url);
    expect(out.sovd).toMatch(/^\d+\.\d+/);
    expect(out.appId).toBeTruthy();
    expect(out.categories[0]).toBe('rosbags');
  });
});
