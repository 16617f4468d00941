// The `medkit` command runs a bundle (scripts/bundle-cli.mjs). What the bundle must keep: files a module
// finds next to itself are copied and their URLs rewritten (a wrong rewrite breaks the command only at run
// time, so the build refuses it), what outside plugins import stays one shared copy, and the bundled command
// serves the same things the compiled packages do (version, web UI, shipped profiles).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_DIR, chunkName, isExternal, requireCommonJs, rewriteAssetUrls, vendorEntry } from '../scripts/bundle-cli.mjs';
import { buildGateway, freePort, MEDKIT_BIN, REPO_ROOT, runMedkit } from '../test-support/medkit-cli.js';
import { waitFor } from '../test-support/processes.js';

const EXAMPLE_PLUGIN = join(REPO_ROOT, 'examples/plugin-acme-sensors/index.js');
const GATEWAY_MODULE = join(REPO_ROOT, 'packages/gateway/dist/transport/profiles.js');

describe('asset URLs in the bundle', () => {
  it('point under assets/<package>/ and name what to copy', () => {
    const assets = new Set<string>();
    const code = [
      "const a = new URL('../../config/', import.meta.url);",
      'const b = new URL(`../../config/${name}.yaml`, import.meta.url);',
      "const c = new URL('../../package.json', import.meta.url);",
    ].join('\n');
    const out = rewriteAssetUrls(code, GATEWAY_MODULE, assets) as string;
    expect(out).toContain("new URL('./assets/gateway/config/', import.meta.url)");
    expect(out).toContain('new URL(`./assets/gateway/config/${name}.yaml`, import.meta.url)');
    expect(out).toContain("new URL('./assets/gateway/package.json', import.meta.url)");
    expect([...assets].sort()).toEqual([join(REPO_ROOT, 'packages/gateway/config'), join(REPO_ROOT, 'packages/gateway/package.json')]);
  });

  it('refuse a URL that leaves packages/ or names nothing', () => {
    expect(() => rewriteAssetUrls("new URL('../../../../etc/passwd', import.meta.url)", GATEWAY_MODULE, new Set())).toThrow(/outside packages/);
    expect(() => rewriteAssetUrls("new URL('../../no-such-file.json', import.meta.url)", GATEWAY_MODULE, new Set())).toThrow(/does not exist/);
  });

  it('leave other code alone', () => {
    const code = "const u = new URL(href, import.meta.url); const v = new URL('https://example.org/');";
    expect(rewriteAssetUrls(code, GATEWAY_MODULE, new Set())).toBe(code);
  });
});

describe('what the bundle inlines', () => {
  it('the application packages and TypeBox; not what outside plugins import, nor other third-party code', () => {
    for (const id of ['@medkit/gateway', '@medkit/fleet', '@medkit/plugin-opcua', '@sinclair/typebox', '@sinclair/typebox/value', './x.js']) expect(isExternal(id), id).toBe(false);
    for (const id of ['@medkit/plugin-api', '@medkit/sovd', '@medkit/ros2', '@medkit/rtps', 'fastify', 'better-sqlite3', 'node-opcua', 'node:fs']) expect(isExternal(id), id).toBe(true);
  });
});

describe('CommonJS packages in the bundle', () => {
  it('are required, not imported (no export-name scan at start-up), with the same bindings; all but NOT_VENDORED from vendor.cjs', () => {
    const ids = new Set<string>();
    const out = requireCommonJs('import Fastify,{LogController as L, x}from"fastify";import{Ajv}from"ajv";import pino from"pino";import Db from"better-sqlite3";import{API_BASE}from"@medkit/sovd";', ids);
    expect(out).toContain('const Fastify=__medkitVendor("fastify"),{LogController:L,x}=Fastify;');
    expect(out).toContain('const {Ajv}=__medkitVendor("ajv");');
    expect(out).toContain('const pino=__medkitVendor("pino");');
    expect(out).toContain('const Db=__medkitRequire("better-sqlite3");');
    expect(out).toContain('import{API_BASE}from"@medkit/sovd";');
    expect(out.startsWith('import{createRequire as __medkitCreateRequire}from"node:module";const __medkitRequire=__medkitCreateRequire(import.meta.url);const __medkitVendor=__medkitRequire("./vendor-load.cjs");')).toBe(true);
    expect([...ids].sort()).toEqual(['ajv', 'fastify', 'pino']);
    expect(requireCommonJs('import{API_BASE}from"@medkit/sovd";')).toBe('import{API_BASE}from"@medkit/sovd";');
    expect(requireCommonJs('import Db from"better-sqlite3";')).not.toContain('vendor');
    // Node.js's modules too (no ES facade reading every export), never from vendor.cjs.
    const builtins = requireCommonJs('import{createServer as c}from"node:http";import fs,{readFileSync}from"node:fs";', ids);
    expect(builtins).toContain('const {createServer:c}=__medkitRequire("node:http");const fs=__medkitRequire("node:fs"),{readFileSync}=fs;');
    expect(builtins).not.toContain('vendor');
  });

  it('vendor.cjs requires a package only when asked for it', () => {
    const entry = vendorEntry(new Set(['yaml', 'fastify']));
    const required: string[] = [];
    const m = { exports: undefined as unknown as (id: string) => unknown };
    new Function('module', 'require', entry)(m, (id: string) => (required.push(id), { id }));
    expect(required).toEqual([]);
    expect(m.exports('yaml')).toEqual({ id: 'yaml' });
    expect(required).toEqual(['yaml']);
    expect(() => m.exports('pino')).toThrow(/no pino/);
    // What vendor-load.cjs shares with packages loaded from node_modules.
    const shared = { yaml: '2.9.1' };
    const withShared = { exports: undefined as unknown as { shared: unknown } };
    new Function('module', 'require', vendorEntry(new Set(['yaml']), shared))(withShared, () => ({}));
    expect(withShared.exports.shared).toEqual(shared);
  });
});

describe('chunk names', () => {
  const pkg = (path: string) => join(REPO_ROOT, 'packages', path);
  it('name the package, and the folder of a module a dynamic import loads (a feature that is off stays unloaded)', () => {
    expect(chunkName({ facadeModuleId: pkg('plugin-opcua/dist/index.js'), moduleIds: [], isDynamicEntry: true, name: 'index' })).toBe('plugin-opcua-[hash].js');
    expect(chunkName({ facadeModuleId: pkg('gateway/dist/service-interface/serve.js'), moduleIds: [], isDynamicEntry: true, name: 'serve' })).toBe('gateway-service-interface-[hash].js');
    expect(chunkName({ facadeModuleId: pkg('cli/dist/mcp-command.js'), moduleIds: [], isDynamicEntry: true, name: 'mcp-command' })).toBe('cli-[hash].js');
    expect(chunkName({ facadeModuleId: null, moduleIds: [pkg('gateway/dist/entities/model.js')], isDynamicEntry: false, name: 'model' })).toBe('gateway-[hash].js');
  });
});

describe('the bundled command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-bundle-'));
  beforeAll(() => buildGateway(), 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is what bin/medkit.js runs, with its assets', () => {
    expect(readFileSync(MEDKIT_BIN, 'utf8')).toMatch(/from '\.\.\/bundle\/main\.js'/);
    for (const f of ['main.js', 'vendor.cjs', 'vendor-load.cjs', '.code-cache', 'assets/gateway/package.json', 'assets/gateway/config/secure.yaml', 'assets/web/dist/index.html']) expect(existsSync(join(BUNDLE_DIR, f)), f).toBe(true);
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/gateway/package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(process.execPath, [MEDKIT_BIN, '--version'], { encoding: 'utf8' }).split('\n')[0]).toBe(`medkit ${version}`);
  });

  /** Runs the bundled `medkit gateway --no-ros` with `extra` arguments until /health answers, then `check(base URL)`. */
  async function withGateway(extra: string[], check: (base: string) => Promise<void>): Promise<void> {
    const port = await freePort();
    const p = runMedkit(['gateway', '--no-ros', '--port', String(port), '--data-dir', join(dir, `data-${port}`), '--log-level', 'warn', ...extra]);
    try {
      const base = `http://127.0.0.1:${port}`;
      // Until /health answers (at most 15 s; the check then tells what is wrong).
      await waitFor(() => fetch(`${base}/api/v1/health`).then((r) => (r.ok ? true : undefined), () => undefined), '/health', 15_000).catch(() => undefined);
      await check(base);
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }

  it('serves the web UI and the API from the bundle', async () => {
    await withGateway([], async (base) => {
      const ui = await fetch(`${base}/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('<title>medkit');
      expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
      // The API description as YAML: @fastify/swagger's yaml is the copy vendored in vendor.cjs (SHARED_FROM_VENDOR).
      const yaml = await fetch(`${base}/api/v1/swagger-ui/yaml`);
      expect(yaml.status).toBe(200);
      expect(await yaml.text()).toMatch(/^openapi: 3\.\d+\.\d+\ninfo:\n {2}title: medkit/);
    });
  });

  it('loads an outside plugin by path; its errors keep their status and code', async () => {
    const config = join(dir, 'acme.yaml');
    writeFileSync(config, ['plugins: [acme]', `plugins.acme.path: ${JSON.stringify(EXAMPLE_PLUGIN)}`, 'plugins.acme.hub.id: acme_hub'].join('\n'));
    await withGateway(['--config', config], async (base) => {
      const read = await fetch(`${base}/api/v1/components/acme_hub/data/setpoint`);
      expect(read.status).toBe(200);
      const bad = await fetch(`${base}/api/v1/components/acme_hub/data/setpoint`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { celsius: 99 } }) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error_code?: string }).error_code).toBe('invalid-parameter');
    });
  });
});
