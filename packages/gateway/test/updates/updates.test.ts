// Software updates end to end: a real gateway, the built-in script provider running real scripts,
// real SQLite (packages survive a restart on the same data dir).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createScriptsFeature } from '../../src/scripts/index.js';
import { createUpdatesFeature } from '../../src/updates/index.js';
import { json, uploadOk, waitFor, type Body } from '../scripts/helpers.js';

const H = { 'content-type': 'application/json' };

function register(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/v1/updates`, { method: 'POST', headers: H, body: JSON.stringify(body) });
}

function put(url: string, id: string, op: string): Promise<Response> {
  return fetch(`${url}/api/v1/updates/${id}/${op}`, { method: 'PUT' });
}

async function waitStatus(url: string, id: string, done: (s: Body) => boolean, seen?: Body[]): Promise<Body> {
  return waitFor(async () => {
    const s = await json(await fetch(`${url}/api/v1/updates/${id}/status`));
    seen?.push(s);
    return done(s) ? s : undefined;
  }, `update ${id} status`);
}

describe('software updates (built-in script provider)', () => {
  let work: string;
  let dataDir: string;
  let packages: string;
  let g: TestGateway;
  const features = () => [fixtureEntitiesFeature(), createScriptsFeature(), createUpdatesFeature()];
  // Update steps coordinate with the test through host files: no script sandbox here (see scripts/sandbox.test.ts).
  const flags = () => ({ 'scripts.scripts_dir': join(work, 'scripts'), 'updates.enabled': true, 'updates.packages_dir': packages, 'scripts.kill_grace_sec': 0.5, 'scripts.sandbox.mode': 'off' });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medkit-updates-'));
    dataDir = join(work, 'data');
    packages = join(work, 'packages');
    mkdirSync(join(packages, 'nav'), { recursive: true });
    // prepare waits for a gate file so the test can watch progress mid-way without timing.
    writeFileSync(join(packages, 'nav', 'prepare.sh'), 'echo "MEDKIT_PROGRESS 40 downloading"\nwhile [ ! -f "$GATE" ]; do sleep 0.05; done\necho "MEDKIT_PROGRESS 100 verified"\n');
    writeFileSync(join(packages, 'nav', 'install.sh'), 'echo "MEDKIT_PROGRESS 50 installing $MEDKIT_UPDATE_ID"\necho installed > "$OUT"\n');
    writeFileSync(join(packages, 'nav', 'broken.sh'), 'echo "checksum mismatch" >&2\nexit 1\n');
    writeFileSync(join(packages, 'nav', 'hang.sh'), 'echo "MEDKIT_PROGRESS 10"\nsleep 1000\n');
    writeFileSync(join(work, 'outside.sh'), 'echo outside\n');
    g = await startTestGateway({ dataDir, features: features(), flags: flags() });
  });
  afterAll(async () => {
    await g?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('turns the updates capability on', async () => {
    expect((await json(await fetch(`${g.url}/api/v1`))).capabilities.updates).toBe(true);
  });

  it('registers, prepares (202 + Location, progress while running), executes, and reports completed', async () => {
    const gate = join(work, 'gate');
    const out = join(work, 'installed');
    // GATE/OUT reach the scripts through the environment the steps' scripts get: pass them via a wrapper step.
    writeFileSync(join(packages, 'nav', 'prepare-env.sh'), `GATE="${gate}" . ./prepare.sh\n`);
    writeFileSync(join(packages, 'nav', 'install-env.sh'), `OUT="${out}" . ./install.sh\n`);
    const res = await register(g.url, {
      id: 'nav-1_4_2',
      update_name: 'Navigation 1.4.2',
      automated: false,
      origins: ['remote'],
      duration: 30,
      size: 1024,
      target_version: '1.4.2',
      updated_components: ['main-computer'],
      'x-medkit': { prepare: { path: 'nav/prepare-env.sh' }, execute: { path: 'nav/install-env.sh', timeout_sec: 60 } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v1/updates/nav-1_4_2');
    expect(await json(res)).toEqual({ id: 'nav-1_4_2' });
    expect(await json(await fetch(`${g.url}/api/v1/updates/nav-1_4_2/status`))).toMatchObject({ status: 'pending', 'x-medkit': { phase: 'none' } });
    expect((await json(await fetch(`${g.url}/api/v1/updates/nav-1_4_2`))).update_name).toBe('Navigation 1.4.2');

    // Execute before prepare.
    const early = await put(g.url, 'nav-1_4_2', 'execute');
    expect(early.status).toBe(400);
    expect((await json(early)).vendor_code).toBe('x-medkit-update-not-prepared');
    // Not automated.
    expect((await json(await put(g.url, 'nav-1_4_2', 'automated'))).vendor_code).toBe('x-medkit-update-not-automated');

    const prep = await put(g.url, 'nav-1_4_2', 'prepare');
    expect(prep.status).toBe(202);
    expect(prep.headers.get('location')).toBe('/api/v1/updates/nav-1_4_2/status');
    const mid = await waitStatus(g.url, 'nav-1_4_2', (s) => s.progress === 40);
    expect(mid).toMatchObject({ status: 'inProgress', sub_progress: [{ name: 'prepare', progress: 40 }], 'x-medkit': { phase: 'preparing', message: 'downloading' } });
    // Busy: a second operation and delete are refused.
    expect((await json(await put(g.url, 'nav-1_4_2', 'prepare'))).vendor_code).toBe('x-medkit-update-in-progress');
    expect((await fetch(`${g.url}/api/v1/updates/nav-1_4_2`, { method: 'DELETE' })).status).toBe(409);

    writeFileSync(gate, '');
    const prepared = await waitStatus(g.url, 'nav-1_4_2', (s) => s.status !== 'inProgress');
    expect(prepared).toMatchObject({ status: 'completed', progress: 100, 'x-medkit': { phase: 'prepared' } });

    const exec = await put(g.url, 'nav-1_4_2', 'execute');
    expect(exec.status).toBe(202);
    const executed = await waitStatus(g.url, 'nav-1_4_2', (s) => s.status !== 'inProgress');
    expect(executed).toMatchObject({ status: 'completed', progress: 100, sub_progress: [{ name: 'execute', progress: 100 }], 'x-medkit': { phase: 'executed' } });
    expect(executed['x-medkit'].message).toBe('installing nav-1_4_2');
  });

  it('runs an automated package (prepare + execute) and fails cleanly when a step fails', async () => {
    writeFileSync(join(packages, 'nav', 'ok.sh'), 'echo "MEDKIT_PROGRESS 100"\n');
    expect((await register(g.url, { id: 'auto-ok2', automated: true, 'x-medkit': { prepare: { path: 'nav/ok.sh' }, execute: { path: 'nav/ok.sh' } } })).status).toBe(201);
    expect((await put(g.url, 'auto-ok2', 'automated')).status).toBe(202);
    const ok = await waitStatus(g.url, 'auto-ok2', (s) => s.status !== 'inProgress');
    expect(ok).toMatchObject({ status: 'completed', 'x-medkit': { phase: 'executed' }, sub_progress: [{ name: 'prepare', progress: 100 }, { name: 'execute', progress: 100 }] });

    expect((await register(g.url, { id: 'broken', 'x-medkit': { prepare: { path: 'nav/broken.sh' }, execute: { path: 'nav/ok.sh' } } })).status).toBe(201);
    await put(g.url, 'broken', 'prepare');
    const failed = await waitStatus(g.url, 'broken', (s) => s.status !== 'inProgress');
    expect(failed).toMatchObject({ status: 'failed', 'x-medkit': { phase: 'failed' } });
    expect(failed.error).toContain('checksum mismatch');
    expect((await json(await put(g.url, 'broken', 'execute'))).vendor_code).toBe('x-medkit-update-not-prepared');
  });

  it('can use an uploaded script as a step', async () => {
    const scriptId = await uploadOk(g.url, 'components/main-computer', 'step.sh', 'echo "MEDKIT_PROGRESS 70 from uploaded script"\n');
    expect((await register(g.url, { id: 'by-script', 'x-medkit': { execute: { script_id: scriptId } } })).status).toBe(201);
    await put(g.url, 'by-script', 'prepare');
    await waitStatus(g.url, 'by-script', (s) => s['x-medkit'].phase === 'prepared');
    await put(g.url, 'by-script', 'execute');
    const s = await waitStatus(g.url, 'by-script', (x) => x.status !== 'inProgress');
    expect(s).toMatchObject({ status: 'completed', 'x-medkit': { phase: 'executed', message: 'from uploaded script' } });
    expect((await register(g.url, { id: 'by-missing', 'x-medkit': { execute: { script_id: 'script_0_0' } } })).status).toBe(400);
  });

  it('rejects bad registrations with 400', async () => {
    const cases: [unknown, string][] = [
      [{ 'x-medkit': { execute: { path: 'nav/ok.sh' } } }, 'invalid-request'], // no id
      [{ id: 'bad/id', 'x-medkit': { execute: { path: 'nav/ok.sh' } } }, 'invalid-parameter'],
      // Update ids follow the entity-id rules (docs/api.md): no dots, even though versions have them.
      [{ id: 'nav-1.4.2', 'x-medkit': { execute: { path: 'nav/ok.sh' } } }, 'invalid-parameter'],
      [{ id: 'neg', duration: -5, 'x-medkit': { execute: { path: 'nav/ok.sh' } } }, 'invalid-parameter'],
      [{ id: 'neg2', size: -1, 'x-medkit': { execute: { path: 'nav/ok.sh' } } }, 'invalid-parameter'],
      [{ id: 'orig', origins: ['space'], 'x-medkit': { execute: { path: 'nav/ok.sh' } } }, 'invalid-request'],
      [{ id: 'to', 'x-medkit': { execute: { path: 'nav/ok.sh', timeout_sec: -1 } } }, 'invalid-parameter'],
      [{ id: 'to2', 'x-medkit': { execute: { path: 'nav/ok.sh', timeout_sec: 0 } } }, 'invalid-parameter'],
      [{ id: 'trav', 'x-medkit': { execute: { path: '../outside.sh' } } }, 'invalid-parameter'],
      [{ id: 'abs', 'x-medkit': { execute: { path: join(work, 'outside.sh') } } }, 'invalid-parameter'],
      [{ id: 'nofile', 'x-medkit': { execute: { path: 'nav/none.sh' } } }, 'invalid-parameter'],
      [{ id: 'nosteps' }, 'invalid-request'],
      [{ id: 'both', 'x-medkit': { execute: { path: 'nav/ok.sh', script_id: 'x' } } }, 'invalid-parameter'],
    ];
    for (const [body, code] of cases) {
      const res = await register(g.url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json(res)).error_code, JSON.stringify(body)).toBe(code);
    }
    const dup = await register(g.url, { id: 'nav-1_4_2', 'x-medkit': { execute: { path: 'nav/ok.sh' } } });
    expect(dup.status).toBe(400);
    expect((await json(dup)).vendor_code).toBe('x-medkit-update-already-exists');
  });

  it('answers 404 x-medkit-update-not-found for unknown packages', async () => {
    for (const [method, path] of [
      ['GET', 'nope'],
      ['GET', 'nope/status'],
      ['DELETE', 'nope'],
      ['PUT', 'nope/prepare'],
      ['PUT', 'nope/execute'],
      ['PUT', 'nope/automated'],
    ]) {
      const res = await fetch(`${g.url}/api/v1/updates/${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await json(res)).vendor_code).toBe('x-medkit-update-not-found');
    }
  });

  it('filters the list by origin and target-version', async () => {
    expect((await register(g.url, { id: 'prox', origins: ['proximity'], target_version: '2.0', 'x-medkit': { execute: { path: 'nav/ok.sh' } } })).status).toBe(201);
    const all = (await json(await fetch(`${g.url}/api/v1/updates`))).items as string[];
    expect(all).toEqual(expect.arrayContaining(['nav-1_4_2', 'prox']));
    expect((await json(await fetch(`${g.url}/api/v1/updates?origin=proximity`))).items).toEqual(['prox']);
    expect((await json(await fetch(`${g.url}/api/v1/updates?origin=remote`))).items).toEqual(['nav-1_4_2']);
    expect((await json(await fetch(`${g.url}/api/v1/updates?target-version=1.4.2`))).items).toEqual(['nav-1_4_2']);
    expect((await fetch(`${g.url}/api/v1/updates?origin=mars`)).status).toBe(400);
  });

  it('keeps packages and their status across a restart on the same data dir, and deletes them', async () => {
    // One package prepared (to execute after the restart), one still preparing when the gateway stops.
    expect((await register(g.url, { id: 'later', 'x-medkit': { prepare: { path: 'nav/ok.sh' }, execute: { path: 'nav/ok.sh' } } })).status).toBe(201);
    await put(g.url, 'later', 'prepare');
    await waitStatus(g.url, 'later', (s) => s['x-medkit'].phase === 'prepared');
    expect((await register(g.url, { id: 'cut', 'x-medkit': { prepare: { path: 'nav/hang.sh' }, execute: { path: 'nav/ok.sh' } } })).status).toBe(201);
    await put(g.url, 'cut', 'prepare');
    await waitStatus(g.url, 'cut', (s) => s.progress === 10);
    await g.close();
    g = await startTestGateway({ dataDir, features: features(), flags: flags() });
    const s = await json(await fetch(`${g.url}/api/v1/updates/nav-1_4_2/status`));
    expect(s).toMatchObject({ status: 'completed', 'x-medkit': { phase: 'executed' } });
    expect((await json(await fetch(`${g.url}/api/v1/updates/nav-1_4_2`))).target_version).toBe('1.4.2');
    expect((await json(await fetch(`${g.url}/api/v1/updates/by-script/status`)))['x-medkit'].phase).toBe('executed');
    // The interrupted one is failed (not stuck in progress); the prepared one can be executed now.
    expect(await json(await fetch(`${g.url}/api/v1/updates/cut/status`))).toMatchObject({ status: 'failed', 'x-medkit': { phase: 'failed' } });
    expect((await put(g.url, 'later', 'execute')).status).toBe(202);
    expect(await waitStatus(g.url, 'later', (x) => x.status !== 'inProgress')).toMatchObject({ status: 'completed', 'x-medkit': { phase: 'executed' } });
    expect((await fetch(`${g.url}/api/v1/updates/prox`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${g.url}/api/v1/updates/prox`)).status).toBe(404);
    await g.close();
    g = await startTestGateway({ dataDir, features: features(), flags: flags() });
    expect((await fetch(`${g.url}/api/v1/updates/prox`)).status).toBe(404);
    expect((await fetch(`${g.url}/api/v1/updates/nav-1_4_2`)).status).toBe(200);
  });
});

describe('software updates disabled', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ features: [createUpdatesFeature()] });
  });
  afterAll(async () => g?.close());

  it('answers 501 on every update route', async () => {
    expect((await json(await fetch(`${g.url}/api/v1`))).capabilities.updates).toBe(false);
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/x'],
      ['GET', '/x/status'],
      ['PUT', '/x/prepare'],
      ['DELETE', '/x'],
    ]) {
      const res = await fetch(`${g.url}/api/v1/updates${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(501);
      expect((await json(res)).error_code).toBe('not-implemented');
    }
    const post = await register(g.url, { id: 'x' });
    expect(post.status).toBe(501);
  });
});
