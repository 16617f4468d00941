// Scripts end to end: a real gateway, real uploads over HTTP, real child processes, real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createScriptsFeature } from '../../src/scripts/index.js';
import { SovdError } from '@medkit/sovd';
import { ScriptExecutionSchema } from '@medkit/scripts';
import { SCRIPTS_SERVICE } from '../../src/scripts/feature.js';
import { shapeProblems } from '../../../../test-support/rest-shape.js';
import { CLIENT, json, pidAlive, liveGroupMembers, startExecution, uploadOk, uploadScript, waitFinished, waitFor } from './helpers.js';

const APP = 'apps/battery-monitor';
const COMP = 'components/main-computer';

describe('scripts', () => {
  let g: TestGateway;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medkit-scripts-'));
    writeFileSync(join(work, 'managed.sh'), 'echo managed\n');
    g = await startTestGateway({
      features: [
        fixtureEntitiesFeature(),
        createScriptsFeature(undefined, {
          managedScripts: [
            { id: 'self-test', name: 'Self test', path: 'managed.sh', format: 'sh', timeout_sec: 30, entity_filter: ['components/*'], env: {}, args: [], managed: true },
          ],
        }),
      ],
      // These tests talk to their scripts through files in a private temp dir and host PIDs, so they run
      // without the sandbox (the process-group fallback); sandbox.test.ts covers the sandbox.
      flags: { 'scripts.scripts_dir': work, 'scripts.max_file_size_mb': 1, 'scripts.kill_grace_sec': 0.5, 'scripts.sandbox.mode': 'off' },
    });
  });
  afterAll(async () => {
    await g?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('turns the scripts capability on', async () => {
    const root = await json(await fetch(`${g.url}/api/v1`));
    expect(root.capabilities.scripts).toBe(true);
  });

  it('uploads a script, runs it with parameters, shows progress while it runs and parses the JSON result', async () => {
    const gate = join(work, 'gate-1');
    const script = [
      '#!/bin/sh',
      'echo "MEDKIT_PROGRESS 30 checking disks"',
      'while [ ! -f "$2" ]; do sleep 0.05; done',
      'echo "MEDKIT_PROGRESS 90"',
      'printf \'{"threshold": %s, "mode": "%s", "ok": true}\\n\' "$1" "$MODE"',
    ].join('\n');
    const id = await uploadOk(g.url, COMP, 'disk_check.sh', script, {
      name: 'Disk check',
      description: 'Checks disk usage',
      parameters_schema: { type: 'object', properties: { threshold: { type: 'integer', maximum: 100 }, gate: { type: 'string' } }, required: ['threshold'] },
      args: [
        { name: 'threshold', type: 'positional' },
        { name: 'gate', type: 'positional' },
      ],
      env: { MODE: 'full' },
      timeout_sec: 60,
    });
    expect(id).toBe('disk_check');

    const info = await json(await fetch(`${g.url}/api/v1/${COMP}/scripts/${id}`));
    expect(info).toMatchObject({ id, name: 'Disk check', description: 'Checks disk usage', managed: false, 'x-medkit': { format: 'sh', timeout_sec: 60 } });
    expect(info.parameters_schema.required).toEqual(['threshold']);
    const list = await json(await fetch(`${g.url}/api/v1/${COMP}/scripts`));
    expect(list.items.map((s: { id: string }) => s.id)).toEqual(['self-test', id]);
    expect(list._links).toEqual({ self: `/api/v1/${COMP}/scripts`, parent: `/api/v1/${COMP}` });

    // The parameters_schema is enforced before anything runs.
    const bad = await startExecution(g.url, COMP, id, { execution_type: 'now', parameters: { threshold: 101 } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error_code).toBe('invalid-parameter');

    const res = await startExecution(g.url, COMP, id, { execution_type: 'now', parameters: { threshold: 85, gate } });
    expect(res.status).toBe(202);
    const started = await json(res);
    const location = res.headers.get('location')!;
    expect(location).toBe(`/api/v1/${COMP}/scripts/${id}/executions/${started.id}`);
    expect(started).toMatchObject({ status: 'running', progress: null, completed_at: null, parameters: null, error: null });
    expect(started.id).toMatch(/^exec_\d+_\d+$/);

    const running = await waitFor(async () => {
      const b = await json(await fetch(`${g.url}${location}`));
      return b.progress === 30 ? b : undefined;
    }, 'progress 30');
    expect(running.status).toBe('running');
    expect(running['x-medkit'].progress_message).toBe('checking disks');

    writeFileSync(gate, '');
    const done = await waitFinished(g.url, location);
    expect(done.status).toBe('completed');
    expect(done.parameters).toEqual({ threshold: 85, mode: 'full', ok: true });
    expect(done.progress).toBe(100);
    expect(done.completed_at).toEqual(expect.any(String));
    expect(done.error).toBeNull();
  });

  it('passes parameters as JSON on stdin to a python script and keeps non-JSON output as {stdout}', async () => {
    const py = ['import json, sys', 'p = json.load(sys.stdin)', 'print("MEDKIT_PROGRESS 50 halfway")', 'print("hello", p["who"])'].join('\n');
    const id = await uploadOk(g.url, APP, 'greet.py', py);
    const info = await json(await fetch(`${g.url}/api/v1/${APP}/scripts/${id}`));
    expect(info['x-medkit'].format).toBe('python');
    const res = await startExecution(g.url, APP, id, { execution_type: 'now', parameters: { who: 'robot' } });
    const done = await waitFinished(g.url, res.headers.get('location')!);
    expect(done.status).toBe('completed');
    // The progress line is removed from the captured stdout.
    expect(done.parameters).toEqual({ stdout: 'hello robot\n' });
  });

  it('reports a failing script with the first part of stderr and the exit code, and shows its stdout and stderr like a successful one', async () => {
    const id = await uploadOk(g.url, APP, 'fail.bash', 'echo "checked /dev/sda0: ok"\necho "disk /dev/sda1 missing" >&2\nexit 3\n');
    expect((await json(await fetch(`${g.url}/api/v1/${APP}/scripts/${id}`)))['x-medkit'].format).toBe('bash');
    const res = await startExecution(g.url, APP, id);
    const done = await waitFinished(g.url, res.headers.get('location')!);
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({ message: 'disk /dev/sda1 missing', exit_code: 3 });
    expect(done.parameters).toEqual({ stdout: 'checked /dev/sda0: ok\n' });
    expect(done['x-medkit']).toMatchObject({ stderr: 'disk /dev/sda1 missing\n', stdout_truncated: false, stderr_truncated: false });
  });

  it("builds a finished execution, completed or failed, exactly as its route's schema (issue 58)", async () => {
    const services = g.gateway.ctx.services;
    const ref = { segment: 'apps' as const, id: 'battery-monitor' };
    for (const [file, body, status] of [['shape_ok.sh', 'echo "MEDKIT_PROGRESS 50"\necho \'{"ok": true}\'\n', 'completed'], ['shape_fail.sh', 'echo oops >&2\nexit 4\n', 'failed']]) {
      const id = await uploadOk(g.url, APP, file, body);
      const res = await startExecution(g.url, APP, id);
      const location = res.headers.get('location')!;
      expect((await waitFinished(g.url, location)).status).toBe(status);
      const view = services.get(SCRIPTS_SERVICE).execution(ref, id, location.split('/').pop()!);
      expect(view.status).toBe(status);
      expect(shapeProblems(ScriptExecutionSchema, [], view)).toEqual([]);
    }
  });

  it('names an uploaded script after its file (the product example runs check_lidar_health after uploading check_lidar_health.sh)', async () => {
    const up = await uploadScript(g.url, APP, 'check_lidar_health.sh', 'echo \'{"lidar": "ok"}\'\n');
    expect(up.status).toBe(201);
    expect(up.headers.get('location')).toBe(`/api/v1/${APP}/scripts/check_lidar_health`);
    expect(await json(up)).toEqual({ id: 'check_lidar_health', name: 'check_lidar_health.sh' });
    const res = await startExecution(g.url, APP, 'check_lidar_health');
    expect(res.status).toBe(202);
    expect(await waitFinished(g.url, res.headers.get('location')!)).toMatchObject({ status: 'completed', parameters: { lidar: 'ok' } });
    // The name is taken now: 409, unless the upload asks for another id.
    const again = await uploadScript(g.url, APP, 'check_lidar_health.sh', 'echo again\n');
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-script-already-exists', parameters: { script_id: 'check_lidar_health' } });
    expect(await json(await uploadScript(g.url, APP, 'check_lidar_health.sh', 'echo v2\n', { id: 'check_lidar_health_v2' }))).toMatchObject({ id: 'check_lidar_health_v2' });
    expect((await uploadScript(g.url, APP, 'other.sh', 'echo\n', { id: 'check_lidar_health' })).status).toBe(409);
    expect((await json(await uploadScript(g.url, APP, 'other.sh', 'echo\n', { id: '../x' }))).parameters).toMatchObject({ parameter: 'id' });
    // A stem that is no valid id gets a generated one.
    expect((await json(await uploadScript(g.url, APP, 'v1.2.sh', 'echo\n'))).id).toMatch(/^script_\d+_\d+$/);
  });

  it('kills a timed-out script together with the children it started (SIGTERM ignored → SIGKILL after the grace period)', async () => {
    const pidFile = join(work, 'child.pid');
    // Both the shell and its child ignore SIGTERM, so only the SIGKILL of the whole group ends them.
    const script = `trap '' TERM\nsleep 1000 &\necho $! > "${pidFile}"\nwait\n`;
    const id = await uploadOk(g.url, COMP, 'hang.sh', script, { timeout_sec: 1.5 });
    const res = await startExecution(g.url, COMP, id);
    const started = await json(res);
    const pgid = started['x-medkit'].pid as number;
    expect(pgid).toBeGreaterThan(0);
    const childPid = await waitFor(() => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? Number(readFileSync(pidFile, 'utf8')) : undefined), 'child pid');
    const done = await waitFinished(g.url, res.headers.get('location')!);
    expect(done.status).toBe('terminated');
    expect(done.error.message).toBe('Script execution timed out');
    await waitFor(() => (liveGroupMembers(pgid).length === 0 && !pidAlive(childPid) ? true : undefined), 'process group to be gone', 10000);
    expect(pidAlive(childPid)).toBe(false);
    expect(liveGroupMembers(pgid)).toEqual([]);
  });

  it('terminates background children a script leaves behind when it exits', async () => {
    const pidFile = join(work, 'orphan.pid');
    const id = await uploadOk(g.url, COMP, 'leaky.sh', `sleep 1000 > /dev/null 2>&1 &\necho $! > "${pidFile}"\necho done\n`);
    const res = await startExecution(g.url, COMP, id);
    const done = await waitFinished(g.url, res.headers.get('location')!);
    expect(done.status).toBe('completed');
    const orphan = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => (pidAlive(orphan) ? undefined : true), 'leftover child to be terminated', 10000);
  });

  it('limits concurrent executions: the sixth gets 429 x-medkit-concurrency-limit; cancel stops them', async () => {
    const id = await uploadOk(g.url, APP, 'sleepy.sh', 'sleep 1000\n');
    const locations: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await startExecution(g.url, APP, id);
      expect(res.status).toBe(202);
      locations.push(res.headers.get('location')!);
    }
    const sixth = await startExecution(g.url, APP, id);
    expect(sixth.status).toBe(429);
    expect(await json(sixth)).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-concurrency-limit' });

    // A script with a running execution cannot be deleted; neither can a running execution record.
    const del = await fetch(`${g.url}/api/v1/${APP}/scripts/${id}`, { method: 'DELETE', headers: { 'x-client-id': CLIENT } });
    expect(del.status).toBe(409);
    expect((await json(del)).vendor_code).toBe('x-medkit-script-running');
    const delExec = await fetch(`${g.url}${locations[0]}`, { method: 'DELETE' });
    expect(delExec.status).toBe(409);

    for (const [i, loc] of locations.entries()) {
      const res = await fetch(`${g.url}${loc}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-client-id': CLIENT },
        body: JSON.stringify({ action: i % 2 ? 'stop' : 'forced_termination' }),
      });
      expect(res.status).toBe(200);
    }
    for (const loc of locations) {
      const done = await waitFinished(g.url, loc);
      expect(done.status).toBe('terminated');
      expect(done.error.message).toMatch(/^Script killed by signal (9|15)$/);
    }
    // Finished: control → 409 not-running; the record can be deleted, then it is gone.
    const again = await fetch(`${g.url}${locations[0]}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'stop' }) });
    expect(again.status).toBe(409);
    expect((await json(again)).vendor_code).toBe('x-medkit-script-not-running');
    expect((await fetch(`${g.url}${locations[0]}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${g.url}${locations[0]}`)).status).toBe(404);
    // With the slots free a new execution starts again.
    const next = await startExecution(g.url, APP, id);
    expect(next.status).toBe(202);
    await fetch(`${g.url}${next.headers.get('location')}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'forced_termination' }) });
    await waitFinished(g.url, next.headers.get('location')!);
  });

  it('rejects oversize uploads with 413 x-medkit-script-too-large', async () => {
    const big = `# ${'x'.repeat(1024 * 1024 + 10)}\n`;
    const res = await uploadScript(g.url, APP, 'big.sh', big);
    expect(res.status).toBe(413);
    expect((await json(res)).vendor_code).toBe('x-medkit-script-too-large');
  });

  it('rejects path traversal in file names and ids with 400', async () => {
    for (const name of ['../../evil.sh', 'dir/evil.sh', '..']) {
      const res = await uploadScript(g.url, APP, name, 'echo hi\n');
      expect(res.status, name).toBe(400);
    }
    for (const path of [`${APP}/scripts/..%2F..%2Fetc`, `${APP}/scripts/a.b`, `${APP}/scripts/x/executions/..%2Fy`]) {
      const res = await fetch(`${g.url}/api/v1/${path}`);
      expect(res.status, path).toBe(400);
      expect((await json(res)).error_code).toBe('invalid-parameter');
    }
  });

  it('rejects bad uploads: missing file, binary content, bad metadata, bad timeouts', async () => {
    const form = new FormData();
    form.append('metadata', '{}');
    const noFile = await fetch(`${g.url}/api/v1/${APP}/scripts`, { method: 'POST', body: form });
    expect(noFile.status).toBe(400);
    expect((await uploadScript(g.url, APP, 'bin.sh', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]))).status).toBe(400);
    expect((await json(await uploadScript(g.url, APP, 'a.sh', 'echo\n', '{not json'))).error_code).toBe('invalid-request');
    for (const timeout of [-1, 0, 'ten', 1e9]) {
      const res = await uploadScript(g.url, APP, 'a.sh', 'echo\n', { timeout_sec: timeout });
      expect(res.status, String(timeout)).toBe(400);
      expect((await json(res)).parameters.parameter).toBe('timeout_sec');
    }
    expect((await uploadScript(g.url, APP, 'a.sh', 'echo\n', { parameters_schema: { type: 'no-such-type' } })).status).toBe(400);
    const json1 = await fetch(`${g.url}/api/v1/${APP}/scripts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json1.status).toBe(400);
  });

  it('answers 404 for unknown scripts and executions, and for unknown entities', async () => {
    const unknown = await fetch(`${g.url}/api/v1/${APP}/scripts/script_1_1`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error_code).toBe('resource-not-found');
    expect((await startExecution(g.url, APP, 'script_1_1')).status).toBe(404);
    expect((await fetch(`${g.url}/api/v1/${COMP}/scripts/self-test/executions/exec_1_1`)).status).toBe(404);
    const noEntity = await fetch(`${g.url}/api/v1/apps/nobody/scripts`);
    expect(noEntity.status).toBe(404);
    expect((await json(noEntity)).error_code).toBe('entity-not-found');
    // Scripts of one entity are not reachable through another.
    const id = await uploadOk(g.url, APP, 'mine.sh', 'echo\n');
    expect((await fetch(`${g.url}/api/v1/apps/motor-controller/scripts/${id}`)).status).toBe(404);
    // Areas and functions have no scripts collection: the generic 404.
    expect((await fetch(`${g.url}/api/v1/areas/base/scripts`)).status).toBe(404);
  });

  it('runs manifest scripts but refuses to delete them (409 x-medkit-managed-script); only matching entities list them', async () => {
    const res = await startExecution(g.url, COMP, 'self-test');
    const done = await waitFinished(g.url, res.headers.get('location')!);
    expect(done.parameters).toEqual({ stdout: 'managed\n' });
    const del = await fetch(`${g.url}/api/v1/${COMP}/scripts/self-test`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect((await json(del)).vendor_code).toBe('x-medkit-managed-script');
    expect((await fetch(`${g.url}/api/v1/${APP}/scripts/self-test`)).status).toBe(404);
  });

  it('deletes an uploaded script with its files', async () => {
    const id = await uploadOk(g.url, APP, 'tmp.sh', 'echo\n');
    expect(existsSync(join(work, 'battery-monitor', id, 'script.sh'))).toBe(true);
    expect(existsSync(join(work, 'battery-monitor', id, 'metadata.json'))).toBe(true);
    const del = await fetch(`${g.url}/api/v1/${APP}/scripts/${id}`, { method: 'DELETE', headers: { 'x-client-id': CLIENT } });
    expect(del.status).toBe(204);
    expect(existsSync(join(work, 'battery-monitor', id))).toBe(false);
    expect((await fetch(`${g.url}/api/v1/${APP}/scripts/${id}`)).status).toBe(404);
  });

  it('rejects execution types the built-in backend does not support', async () => {
    const res = await startExecution(g.url, COMP, 'self-test', { execution_type: 'on_restart' });
    expect(res.status).toBe(400);
    expect((await json(res)).error_code).toBe('invalid-parameter');
    expect((await startExecution(g.url, COMP, 'self-test', {})).status).toBe(400);
  });

  it('keeps an audit trail of who ran what, with parameters, outcome and duration', async () => {
    const id = await uploadOk(g.url, APP, 'audited.sh', 'cat > /dev/null; exit 2\n');
    const res = await startExecution(g.url, APP, id, { execution_type: 'now', parameters: { level: 'deep' } });
    const exec = await json(res);
    await waitFinished(g.url, res.headers.get('location')!);
    const trail = await waitFor(async () => {
      const body = await json(await fetch(`${g.url}/api/v1/${APP}/x-medkit-script-audit?script_id=${id}`));
      return body.items.length === 3 ? body.items : undefined;
    }, 'three audit records');
    expect(trail.map((r: { action: string }) => r.action)).toEqual(['finish', 'start', 'upload']);
    const [finish, start, upload] = trail;
    expect(upload).toMatchObject({ client_id: CLIENT, entity_id: 'battery-monitor', script_id: id, remote_ip: '127.0.0.1' });
    expect(upload.parameters).toMatchObject({ filename: 'audited.sh', format: 'sh' });
    expect(start).toMatchObject({ client_id: CLIENT, execution_id: exec.id, parameters: { level: 'deep' }, status: 'running' });
    expect(finish).toMatchObject({ execution_id: exec.id, status: 'failed', exit_code: 2 });
    expect(finish.duration_ms).toBeGreaterThanOrEqual(0);
    // The global route filters by client and action; the JSON-lines file has the same records.
    const global = await json(await fetch(`${g.url}/api/v1/x-medkit-script-audit?client_id=${CLIENT}&action=start&entity_id=battery-monitor`));
    expect(global.items.some((r: { execution_id: string }) => r.execution_id === exec.id)).toBe(true);
    expect(global.items.every((r: { action: string; client_id: string }) => r.action === 'start' && r.client_id === CLIENT)).toBe(true);
    const lines = readFileSync(join(g.dataDir, 'audit', 'scripts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.action === 'finish' && l.execution_id === exec.id && l.status === 'failed')).toBe(true);
    expect((await fetch(`${g.url}/api/v1/x-medkit-script-audit?since=yesterday-ish`)).status).toBe(400);
  });
});

describe('scripts disabled', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ features: [fixtureEntitiesFeature(), createScriptsFeature()] });
  });
  afterAll(async () => g?.close());

  it('answers 501 on every script route and leaves the capability off without scripts.scripts_dir', async () => {
    expect((await json(await fetch(`${g.url}/api/v1`))).capabilities.scripts).toBe(false);
    const list = await fetch(`${g.url}/api/v1/${APP}/scripts`);
    expect(list.status).toBe(501);
    expect((await json(list)).error_code).toBe('not-implemented');
    expect((await uploadScript(g.url, APP, 'a.sh', 'echo\n')).status).toBe(501);
    expect((await startExecution(g.url, APP, 'x')).status).toBe(501);
  });
});

describe('scripts with uploads off', () => {
  let g: TestGateway;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medkit-scripts-'));
    g = await startTestGateway({ features: [fixtureEntitiesFeature(), createScriptsFeature()], flags: { 'scripts.scripts_dir': work, 'scripts.allow_uploads': false } });
  });
  afterAll(async () => {
    await g?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses uploads with 400', async () => {
    const res = await uploadScript(g.url, APP, 'a.sh', 'echo\n');
    expect(res.status).toBe(400);
    expect((await json(res)).error_code).toBe('invalid-request');
  });
});

describe('scripts: lock check, history retention, OpenAPI', () => {
  let g: TestGateway;
  let work: string;
  const lockedBy = 'holder';
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medkit-scripts-'));
    // A lock guard like the locks feature installs: another client holds a lock on the motor controller.
    const guard = {
      name: 'test-lock-guard',
      init(ctx: import('../../src/feature.js').GatewayContext) {
        ctx.resolver.setLockGuard({
          check(_type, id, collection, clientId) {
            if (id === 'motor-controller' && clientId !== lockedBy) {
              throw new SovdError('lock-broken', 'Entity is locked by another client', { entity_id: id, collection, lock_id: 'lock_1' });
            }
          },
        });
      },
    };
    g = await startTestGateway({
      features: [fixtureEntitiesFeature(), guard, createScriptsFeature()],
      flags: { 'scripts.scripts_dir': work, 'scripts.max_execution_history': 2 },
    });
  });
  afterAll(async () => {
    await g?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('checks the scripts lock scope on upload and start but not on reads', async () => {
    const other = await uploadScript(g.url, 'apps/motor-controller', 'a.sh', 'echo\n');
    expect(other.status).toBe(409);
    expect((await json(other)).error_code).toBe('lock-broken');
    const res = await uploadScript(g.url, 'apps/motor-controller', 'a.sh', 'echo\n', undefined, { 'x-client-id': lockedBy });
    expect(res.status).toBe(201);
    const id = (await json(res)).id as string;
    expect((await fetch(`${g.url}/api/v1/apps/motor-controller/scripts/${id}`)).status).toBe(200);
    expect((await startExecution(g.url, 'apps/motor-controller', id)).status).toBe(409);
    const del = await fetch(`${g.url}/api/v1/apps/motor-controller/scripts/${id}`, { method: 'DELETE', headers: { 'x-client-id': 'someone' } });
    expect(del.status).toBe(409);
  });

  it('keeps only the newest finished executions (scripts.max_execution_history)', async () => {
    const id = await uploadOk(g.url, APP, 'quick.sh', 'echo hi\n');
    const locations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await startExecution(g.url, APP, id);
      locations.push(res.headers.get('location')!);
      await waitFinished(g.url, locations[i]);
    }
    expect((await fetch(`${g.url}${locations[0]}`)).status).toBe(404);
    expect((await fetch(`${g.url}${locations[1]}`)).status).toBe(200);
    expect((await fetch(`${g.url}${locations[2]}`)).status).toBe(200);
  });

  it('documents the script routes in the OpenAPI document', async () => {
    const doc = await json(await fetch(`${g.url}/api/v1/docs`));
    for (const path of [
      '/apps/{app_id}/scripts',
      '/components/{component_id}/scripts/{script_id}/executions/{execution_id}',
      '/x-medkit-script-audit',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/apps/{app_id}/scripts'].post.operationId).toBe('uploadScriptApp');
  });
});
