// A real gateway with the entities feature (example AMR manifest, manifest_only) and the faults feature,
// plus helpers to report faults the way a node would and to call the REST API.
import { fileURLToPath } from 'node:url';
import { createFaultsFeature, type FaultsFeatureOptions } from '../../src/faults/feature.js';
import type { FaultsService } from '../../src/faults/gateway/service.js';
import type { ReportOutcome } from '../../src/faults/manager.js';
import type { FlatConfig } from '../../src/config/index.js';
import type { GatewayFeature } from '../../src/feature.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

export const AMR_MANIFEST = fileURLToPath(new URL('../../../../examples/amr/manifest.yaml', import.meta.url));

export interface FaultGateway extends TestGateway {
  faults: FaultsService;
  /** FAILED report from `source` (ReportFault semantics). */
  fail(code: string, source: string, severity?: number, description?: string): ReportOutcome;
  pass(code: string, source: string): ReportOutcome;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  api(method: string, path: string, opts?: { headers?: Record<string, string>; body?: unknown }): Promise<{ status: number; headers: Headers; body: any }>;
}

/** `before`: features that must run before the faults feature (the ROS connection); `extra`: after it. */
export async function startFaultGateway(opts: { flags?: FlatConfig; feature?: FaultsFeatureOptions; extra?: GatewayFeature[]; before?: GatewayFeature[] } = {}): Promise<FaultGateway> {
  const g = await startTestGateway({
    defaults: true,
    features: [...(opts.before ?? []), createFaultsFeature(undefined, opts.feature), ...(opts.extra ?? [])],
    flags: { 'discovery.mode': 'manifest_only', 'discovery.manifest_path': AMR_MANIFEST, ...opts.flags },
  });
  const faults = g.gateway.ctx.services.get('faults') as FaultsService;
  return {
    ...g,
    faults,
    fail: (code, source, severity = 2, description = '') => faults.report({ fault_code: code, event_type: 0, severity, description, source_id: source }),
    pass: (code, source) => faults.report({ fault_code: code, event_type: 1, severity: 0, description: '', source_id: source }),
    async api(method, path, o = {}) {
      const res = await fetch(`${g.url}/api/v1${path}`, {
        method,
        headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
        body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, headers: res.headers, body };
    },
  };
}
