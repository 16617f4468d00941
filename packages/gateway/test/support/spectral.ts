// Lints an OpenAPI document with Spectral's `oas` ruleset (the recommended rules, as `extends: spectral:oas`
// in a .spectral.yaml), as third-party tooling would. Returns the errors and warnings as readable lines
// (severity, rule, where, what), so a failing test prints them.
import spectralCore from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';

const { Spectral } = spectralCore;
/** Spectral severities: 0 error, 1 warning, 2 information, 3 hint. */
const SEVERITY = ['error', 'warning'] as const;

export async function lintOpenApi(doc: unknown): Promise<string[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [oas] } as never);
  const results = await spectral.run(JSON.stringify(doc));
  return results
    .filter((r) => r.severity <= 1)
    .map((r) => `${SEVERITY[r.severity as 0 | 1]} ${r.code} at ${r.path.join('.')}: ${r.message}`);
}
