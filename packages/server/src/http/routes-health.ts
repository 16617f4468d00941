// What /health says about a deferred server's routes (http/deferred-app.ts): nothing while they are fine or not
// yet built (a request for one waits for them); degraded, with the reason, when building them failed (then only the
// early routes answer).
import { warning, type HealthContribution } from '@medkit/kit';

/** A degrading warning (DEGRADING_WARNINGS). */
export const ROUTES_FAILED = 'api_routes_unavailable';

export function routesHealth(failure: Error | undefined): HealthContribution {
  if (!failure) return {};
  return { warnings: [warning(ROUTES_FAILED, `the gateway could not build its API routes (only /health answers): ${failure.message}`)] };
}
