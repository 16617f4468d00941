// The typed feature registry: features are ordered from provides/needs/uses, a missing or cyclic need
// stops start-up with a named error, and services are read back by token with their type.
import { describe, expect, it } from 'vitest';
import { FeatureGraphError, MissingServiceError, orderFeatures, ServiceRegistry, token } from '@medkit/server';
import type { GatewayFeature } from '../../src/feature.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { loadConfig } from '../../src/config/index.js';
import { startTestGateway } from '../../../../test-support/gateway/gateway.js';

const A = token<{ a: number }>('a');
const B = token<string>('b');
const C = token<string>('c');

describe('orderFeatures', () => {
  it('puts providers before their users and otherwise keeps the listed order', () => {
    const order = orderFeatures([
      { name: 'uses-b', uses: [B] },
      { name: 'plain' },
      { name: 'needs-a-provides-b', needs: [A], provides: [B] },
      { name: 'provides-a', provides: [A] },
    ]).map((f) => f.name);
    expect(order).toEqual(['plain', 'provides-a', 'needs-a-provides-b', 'uses-b']);
  });

  it('ignores a used token nobody provides, but fails on a needed one with the names in the message', () => {
    expect(orderFeatures([{ name: 'x', uses: [A] }]).map((f) => f.name)).toEqual(['x']);
    expect(() => orderFeatures([{ name: 'x', needs: [A] }])).toThrow(FeatureGraphError);
    expect(() => orderFeatures([{ name: 'x', needs: [A] }])).toThrow("feature 'x' needs service 'a', which no enabled feature provides");
  });

  it('names the cycle', () => {
    const features = [
      { name: 'p', provides: [A], needs: [C] },
      { name: 'q', provides: [B], needs: [A] },
      { name: 'r', provides: [C], uses: [B] },
    ];
    expect(() => orderFeatures(features)).toThrow(/feature dependency cycle: (p → r → q → p|r → q → p → r|q → p → r → q)/);
  });

  it('rejects two providers of one token', () => {
    expect(() => orderFeatures([{ name: 'x', provides: [A] }, { name: 'y', provides: [A] }])).toThrow("service 'a' is provided by both 'x' and 'y'");
  });

  it('orders the default gateway without errors, whatever order the features are given in', () => {
    const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'ros.enabled': false } });
    const given = defaultFeatures(config);
    const names = orderFeatures([...given].reverse()).map((f) => f.name);
    for (const [before, after] of [['ros', 'entities'], ['entities', 'aggregation'], ['locks', 'data'], ['scripts', 'updates'], ['entities', 'faults']]) {
      expect(names.indexOf(before), `${before} before ${after}`).toBeLessThan(names.indexOf(after));
    }
  });
});

describe('ServiceRegistry', () => {
  it('returns what was provided under the same token, and tells a missing needed service from an absent optional one', () => {
    const r = new ServiceRegistry();
    r.provide(A, { a: 1 });
    expect(r.get(A).a).toBe(1);
    expect(r.find(B)).toBeUndefined();
    expect(() => r.get(B)).toThrow(MissingServiceError);
    // Same name, different token: no collision.
    const otherA = token<{ a: number }>('a');
    expect(r.find(otherA)).toBeUndefined();
    expect(() => r.provide(A, { a: 2 })).toThrow(/already provided/);
  });
});

describe('gateway start-up', () => {
  it('refuses to start with a feature whose need is not provided, naming both', async () => {
    const lonely: GatewayFeature = { name: 'lonely', needs: [A] };
    await expect(startTestGateway({ features: [lonely] })).rejects.toThrow("feature 'lonely' needs service 'a'");
  });

  it('starts a provider and a consumer given in reverse order, and the consumer reads the typed service', async () => {
    let seen: { a: number } | undefined;
    const consumer: GatewayFeature = { name: 'consumer', needs: [A], init: (ctx) => void (seen = ctx.services.get(A)) };
    const provider: GatewayFeature = { name: 'provider', provides: [A], init: (ctx) => ctx.services.provide(A, { a: 42 }) };
    const g = await startTestGateway({ features: [consumer, provider] });
    try {
      expect(seen).toEqual({ a: 42 });
    } finally {
      await g.close();
    }
  });
});
