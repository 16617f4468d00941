// NodeParameters with a fake backend (unit): one deadline per operation, negative cache and its
// recovery when the service reappears, first-seen values kept for resets.
import { describe, expect, it } from 'vitest';
import { RosTimeoutError } from '@medkit/ros2';
import { NodeParameters, NodeUnavailableError } from '../../src/configurations/node-params.js';
import type { ParameterBackend } from '../../src/configurations/backend.js';

function backend(state: { serves: boolean; hang: boolean; values: Map<string, number> }): ParameterBackend & { calls: number } {
  const b = {
    calls: 0,
    serves: () => state.serves,
    list: async () => {
      b.calls++;
      if (state.hang) throw new RosTimeoutError('get_parameters', 1000);
      return [...state.values.keys()];
    },
    get: async (_f: string, names: string[]) => names.map((name) => ({ name, type: state.values.has(name) ? 3 : 0, value: state.values.get(name) ?? null })),
    describe: async (_f: string, names: string[]) => names.map((name) => ({ name, type: 3, description: '', read_only: false, additional_constraints: '' })),
    set: async (_f: string, ps: { name: string; value: unknown }[]) => ps.map((p) => (state.values.set(p.name, p.value as number), { successful: true, reason: '' })),
    close() {},
  };
  return b;
}

describe('node parameters', () => {
  it('caches a timed-out node as unavailable for the negative-cache time', async () => {
    let now = 0;
    const state = { serves: true, hang: true, values: new Map([['x', 1]]) };
    const b = backend(state);
    const p = new NodeParameters(b, { timeoutMs: 100, negativeCacheMs: 60_000, now: () => now });
    const first = await p.snapshot('/n').catch((e: NodeUnavailableError) => e);
    expect(first).toMatchObject({ reason: 'timeout', detail: expect.stringContaining('get_parameters') });
    const calls = b.calls;
    const cached = await p.snapshot('/n').catch((e: NodeUnavailableError) => e);
    // The remembered failure says what it was, so a client polling the cache still learns why.
    expect(cached).toMatchObject({ reason: 'cached', retryAfterMs: 60_000, detail: (first as NodeUnavailableError).detail });
    expect((cached as Error).message).toContain((first as NodeUnavailableError).detail);
    expect(b.calls).toBe(calls);
    state.hang = false;
    now = 61_000;
    expect((await p.snapshot('/n')).values.map((v) => v.name)).toEqual(['x']);
  });

  it('answers at once when the graph shows no service, and forgets that once the service appears', async () => {
    const state = { serves: false, hang: false, values: new Map([['x', 1]]) };
    const b = backend(state);
    const p = new NodeParameters(b, { timeoutMs: 100, negativeCacheMs: 60_000 });
    await expect(p.snapshot('/n')).rejects.toMatchObject({ reason: 'unavailable' });
    expect(b.calls).toBe(0);
    state.serves = true;
    p.graphChanged();
    expect(p.isNegative('/n')).toBe(false);
    await p.snapshot('/n');
  });

  it('keeps the first value seen of each parameter for resets', async () => {
    const state = { serves: true, hang: false, values: new Map([['x', 1]]) };
    const p = new NodeParameters(backend(state), { timeoutMs: 100, negativeCacheMs: 0 });
    await p.set('/n', [{ name: 'x', type: 3, value: 5 }]);
    await p.snapshot('/n');
    expect(p.initialValues('/n')?.get('x')?.value).toBe(1);
  });
});
