// A real default gateway (example AMR manifest, manifest_only) whose faults feature takes test options,
// plus helpers to report faults the way a node would and to call the REST API.
import { fileURLToPath } from 'node:url';
import { createFaultsFeature, type FaultsFeatureOptions } from '@medkit/gateway';
import { FAULTS_SERVICE, type FaultsService } from '@medkit/gateway';
import type { ReportOutcome } from '@medkit/faults';
import type { SampledMessage, TopicSampler } from '@medkit/faults';
import { loadConfig, type FlatConfig, type GatewayConfig } from '@medkit/gateway';
import { type KeySpec } from '@medkit/kit';
import type { GatewayFeature } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { startTestGateway, type TestGateway } from './gateway.js';

export const AMR_MANIFEST = fileURLToPath(new URL('../../examples/amr/manifest.yaml', import.meta.url));

export interface FaultGateway extends TestGateway {
  faults: FaultsService;
  /** FAILED report from `source` (ReportFault semantics). */
  fail(code: string, source: string, severity?: number, description?: string): ReportOutcome;
  pass(code: string, source: string): ReportOutcome;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  api(method: string, path: string, opts?: { headers?: Record<string, string>; body?: unknown }): Promise<{ status: number; headers: Headers; body: any }>;
}

/** A composition of features other than the core's, e.g. @medkit/cli's (the core's plus the fleet link). */
export interface Composition {
  defaultFeatures(config: GatewayConfig): GatewayFeature[];
  keys: Record<string, KeySpec>;
}

/**
 * The default gateway's features in their order (`compose`, else the core's), the faults feature built with
 * `opts.feature`, then `extra`. The ROS connection is the default one: set `ros.enabled` (and a domain) in
 * `flags` to use it.
 */
export async function startFaultGateway(opts: { flags?: FlatConfig; feature?: FaultsFeatureOptions; extra?: GatewayFeature[]; compose?: Composition } = {}): Promise<FaultGateway> {
  const flags: FlatConfig = { 'discovery.mode': 'manifest_only', 'discovery.manifest_path': AMR_MANIFEST, ...opts.flags };
  const compose = opts.compose ?? { defaultFeatures, keys: FEATURE_KEYS };
  // The factories see the same settings as the gateway (startTestGateway applies the same flags).
  const config = loadConfig({ env: {}, extraKeys: compose.keys, flags: { 'logging.level': 'silent', 'ros.enabled': false, ...flags } });
  const features = compose.defaultFeatures(config).map((f) => (f.name === 'faults' ? createFaultsFeature(config, opts.feature) : f));
  const g = await startTestGateway({ features: [...features, ...(opts.extra ?? [])], flags });
  const faults = g.gateway.ctx.services.get(FAULTS_SERVICE);
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

/** Polls `fn` every 50 ms until it returns a value (not undefined); throws after `ms`. */
export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A topic sampler for freeze frames without ROS: each listed topic answers its fixed message. */
export class FixedSampler implements TopicSampler {
  constructor(private readonly messages: Record<string, { type: string; value: unknown }>) {}
  async sample(topic: string): Promise<SampledMessage | null> {
    const m = this.messages[topic];
    return m ? { ...m, timestamp_ns: BigInt(Date.now()) * 1_000_000n, size_bytes: 16 } : null;
  }
}
