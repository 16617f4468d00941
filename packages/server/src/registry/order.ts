// Orders features from what they provide and need (the Fastify-plugin "dependencies" idea, with typed
// tokens): a feature runs after every feature that provides a token it needs or uses. A needed token
// nobody provides, two providers of one token, or a cycle stops start-up with a named error.
import type { AnyToken } from './token.js';

/** What the ordering reads of a feature. */
export interface FeatureDeclaration {
  name: string;
  /** Tokens this feature may publish (it may decide at init not to, e.g. ROS when disabled). */
  provides?: readonly AnyToken[];
  /** Tokens that must have a provider among the features; the provider runs first. */
  needs?: readonly AnyToken[];
  /** Tokens used when present; their provider, if any, runs first. */
  uses?: readonly AnyToken[];
}

export class FeatureGraphError extends Error {
  readonly code: string = 'feature-graph-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'FeatureGraphError';
  }
}

/**
 * The features in dependency order. Among features whose dependencies are met, the given order wins,
 * so independent features keep the order they were listed in.
 */
export function orderFeatures<F extends FeatureDeclaration>(features: readonly F[]): F[] {
  const providerOf = new Map<AnyToken, number>();
  features.forEach((f, i) => {
    for (const t of f.provides ?? []) {
      const other = providerOf.get(t);
      if (other !== undefined) throw new FeatureGraphError(`service '${t.name}' is provided by both '${features[other].name}' and '${f.name}'`);
      providerOf.set(t, i);
    }
  });
  const deps = features.map((f) => {
    const d = new Set<number>();
    for (const t of f.needs ?? []) {
      const p = providerOf.get(t);
      if (p === undefined) throw new FeatureGraphError(`feature '${f.name}' needs service '${t.name}', which no enabled feature provides`);
      d.add(p);
    }
    for (const t of f.uses ?? []) {
      const p = providerOf.get(t);
      if (p !== undefined) d.add(p);
    }
    d.delete(features.indexOf(f));
    return d;
  });
  const done = new Set<number>();
  const out: F[] = [];
  while (out.length < features.length) {
    const next = features.findIndex((_f, i) => !done.has(i) && [...deps[i]].every((d) => done.has(d)));
    if (next < 0) throw new FeatureGraphError(`feature dependency cycle: ${describeCycle(features, deps, done)}`);
    done.add(next);
    out.push(features[next]);
  }
  return out;
}

/** One cycle among the unplaced features, as `a → b → a`. */
function describeCycle(features: readonly FeatureDeclaration[], deps: Set<number>[], done: Set<number>): string {
  let i = features.findIndex((_f, k) => !done.has(k));
  const path: number[] = [];
  while (!path.includes(i)) {
    path.push(i);
    i = [...deps[i]].find((d) => !done.has(d))!;
  }
  return [...path.slice(path.indexOf(i)), i].map((k) => features[k].name).join(' → ');
}
