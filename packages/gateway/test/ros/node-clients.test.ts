// The gateway's parameter and lifecycle clients (one per remote node, shared by every feature) stay
// bounded by the nodes in the graph (docs/configuration.md "Memory bounds"): a real connection on
// testDomain(188) asked about 30 nodes that are not there keeps the endpoints of one client of each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosConnection } from '../../src/ros/connection.js';
import { testDomain } from '../../../../test-support/domains.js';

let ros: RosConnection;
beforeAll(async () => {
  ros = await RosConnection.open({ domainId: testDomain(188), localhostOnly: true, initialPeers: [], interfaces: [] });
});
afterAll(async () => {
  await ros?.close();
});

const ownEndpoints = (suffix: string) => ros.graph.endpoints().filter((e) => e.local && e.rosName.endsWith(suffix)).length;

describe('per-node clients of the ROS connection', () => {
  it('30 absent nodes asked for parameters and lifecycle state leave one client of each open', async () => {
    for (let i = 0; i < 30; i++) {
      await expect(ros.parameterClient(`/gone/node_${i}`).list([], 0, { timeoutMs: 20 })).rejects.toThrow();
      await expect(ros.lifecycleClient(`/gone/node_${i}`).getState({ timeoutMs: 20 })).rejects.toThrow();
    }
    // Each call made one service client: a request writer and a reply reader.
    expect(ownEndpoints('/list_parameters')).toBe(2);
    expect(ownEndpoints('/get_state')).toBe(2);
  });

  it('the same node gets the same client every time', () => {
    expect(ros.parameterClient('/gone/node_29')).toBe(ros.parameterClient('/gone/node_29'));
  });
});
