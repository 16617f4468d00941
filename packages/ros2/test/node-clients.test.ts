// Per-node service clients stay bounded by the nodes in the graph however many nodes come and go
// (docs/configuration.md "Memory bounds"): the table alone, then the type lookup on a real context
// (testDomain(184)) asked about nodes that are not there.
import { afterAll, describe, expect, it } from 'vitest';
import { NodeClients, type RosContext } from '../src/index.js';
import { closeContexts, context, until } from './support/contexts.js';
import { testDomain } from '../../../test-support/domains.js';

afterAll(closeContexts);

describe('NodeClients', () => {
  it('10,000 nodes that each lived a while leave one client open, every other one closed', () => {
    const live = new Set<string>();
    let closed = 0;
    const clients = new NodeClients(() => live, (fqn) => ({ fqn, close: () => void closed++ }));
    for (let i = 0; i < 10_000; i++) {
      live.clear();
      live.add(`/churn/node_${i}`);
      expect(clients.get(`/churn/node_${i}`).fqn).toBe(`/churn/node_${i}`);
      expect(clients.size).toBeLessThanOrEqual(2);
    }
    expect(closed).toBe(9_999);
  });

  it('keeps the clients of nodes still in the graph, and one client per node however often it is asked', () => {
    const live = new Set(['/a', '/b']);
    let made = 0;
    const clients = new NodeClients(() => live, () => ({ close: () => {}, n: made++ }));
    const a = clients.get('/a');
    clients.get('b');
    for (let i = 0; i < 100; i++) expect(clients.get('/a')).toBe(a);
    clients.get('/c');
    expect(clients.size).toBe(3);
    expect(made).toBe(3);
  });
});

describe('type lookup clients', () => {
  let ctx: RosContext;
  const lookupEndpoints = () => ctx.graph.endpoints().filter((e) => e.local && e.rosName.endsWith('/get_type_description')).length;

  it('asking 40 nodes that are not in the graph leaves the endpoints of one client, not 40', async () => {
    ctx = await context(testDomain(184));
    for (let i = 0; i < 40; i++) {
      await expect(ctx.typeLookup.ensure('medkit_test/msg/Nowhere', { node: `/gone/node_${i}`, timeoutMs: 20 })).rejects.toThrow();
    }
    await until(() => lookupEndpoints() === 2, 'one client (request writer + reply reader)');
    expect(lookupEndpoints()).toBe(2);
  });
});
