// With auth on, the script audit trail and executions record who the token says is calling (subject and
// role), not the self-declared X-Client-Id (issue #15 point 2).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { fixtureEntitiesFeature } from '../support/entities.js';
import { createScriptsFeature } from '../../src/scripts/index.js';
import { json, uploadScript, waitFinished, waitFor } from '../scripts/helpers.js';
import { CLIENTS, startAuthGateway, tokensOf } from '../../../../test-support/gateway/auth.js';

const APP = 'apps/battery-monitor';
let g: TestGateway;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'medkit-auth-scripts-'));
  g = await startAuthGateway({
    features: [fixtureEntitiesFeature(), createScriptsFeature(undefined, { managedScripts: [] })],
    flags: { 'scripts.scripts_dir': work, 'scripts.sandbox.mode': 'off' },
  });
});
afterAll(async () => {
  await g?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('script audit with auth', () => {
  it('records the token subject and role for upload and start, whatever X-Client-Id says', async () => {
    const cfg = await tokensOf(g, 'configurator');
    const op = await tokensOf(g, 'operator');
    // An operator may not upload (configurator and up).
    expect((await uploadScript(g.url, APP, 'x.sh', 'exit 0\n', undefined, { authorization: `Bearer ${op.access_token}` })).status).toBe(403);
    const up = await uploadScript(g.url, APP, 'audited.sh', 'exit 0\n', undefined, { authorization: `Bearer ${cfg.access_token}`, 'x-client-id': 'pretender' });
    expect(up.status).toBe(201);
    const id = (await json(up)).id as string;
    const res = await fetch(`${g.url}/api/v1/${APP}/scripts/${id}/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${op.access_token}`, 'x-client-id': 'pretender' },
      body: JSON.stringify({ execution_type: 'now' }),
    });
    expect(res.status).toBe(202);
    await waitFinished(g.url, res.headers.get('location')!);
    const trail = await waitFor(async () => {
      const body = await json(await fetch(`${g.url}/api/v1/${APP}/x-medkit-script-audit?script_id=${id}`, { headers: { authorization: `Bearer ${op.access_token}` } }));
      return body.items?.length === 3 ? body.items : undefined;
    }, 'three audit records');
    const byAction = Object.fromEntries(trail.map((r: { action: string }) => [r.action, r]));
    expect(byAction.upload).toMatchObject({ client_id: CLIENTS.configurator.id, subject: CLIENTS.configurator.id, role: 'configurator' });
    expect(byAction.start).toMatchObject({ client_id: CLIENTS.operator.id, subject: CLIENTS.operator.id, role: 'operator' });
  });
});
