// Roles hold for aggregated routes too (docs/aggregation.md, docs/security.md): a request to an entity a peer owns is
// judged on this gateway before it is forwarded, and the peer receives the authenticated subject as
// X-Client-Id (and the token only with aggregation.forward_auth).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPeer, type TestPeer } from '../aggregation/support.js';
import { authFlags, CLIENTS, tokensOf, type TestRole } from '../../../../test-support/gateway/auth.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';

let arm: TestPeer;
let main: TestPeer;
let relay: TestPeer;
const tokens = {} as Record<TestRole, string>;

async function forwarded(on: TestPeer, token: string | undefined, clientId = 'self-declared') {
  const r = await fetch(`${on.url}/api/v1/apps/arm__camera/operations/snap/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-id': clientId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{}',
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  arm = await startPeer({ name: 'arm', manifest: 'arm.yaml' });
  const peers = [{ name: 'arm', url: arm.url }];
  main = await startPeer({ name: 'main', manifest: 'main.yaml', peers, flags: authFlags() });
  relay = await startPeer({ name: 'relay', manifest: 'main.yaml', peers, flags: authFlags({ 'aggregation.forward_auth': true }) });
  // The peer's app is merged in once its first health check and refresh are through (bounded wait).
  for (const g of [main, relay]) {
    await eventually(async () => {
      await g.aggregation!.checkNow();
      const apps = (await (await fetch(`${g.url}/api/v1/apps`)).json()) as { items: { id: string }[] };
      return apps.items.some((a) => a.id === 'arm__camera');
    }, 400);
  }
  const asGateway = { url: main.url } as TestGateway;
  for (const role of ['viewer', 'admin'] as const) tokens[role] = (await tokensOf(asGateway, role)).access_token;
});
afterAll(async () => {
  await main?.close();
  await relay?.close();
  await arm?.close();
});

describe('forwarded requests', () => {
  it('are refused before forwarding without a token (401) or with too low a role (403)', async () => {
    expect((await forwarded(main, undefined)).status).toBe(401);
    expect((await forwarded(main, tokens.viewer)).status).toBe(403);
  });

  it('carry the token subject as X-Client-Id, not the self-declared one, and no token by default', async () => {
    const r = await forwarded(main, tokens.admin);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ gateway: 'arm', client_id: CLIENTS.admin.id, authorization: null });
  });

  it('carry the token itself with forward_auth', async () => {
    const r = await forwarded(relay, tokens.admin);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ gateway: 'arm', client_id: CLIENTS.admin.id, authorization: `Bearer ${tokens.admin}` });
  });
});
