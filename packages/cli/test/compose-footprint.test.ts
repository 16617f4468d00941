// Composing `medkit gateway` costs no broker client while the fleet tier is off: the fleet link, the VDA 5050
// bridge and the fleet server's keys are composed, but NATS, MQTT, pg and the fleet server's code load only
// when turned on (issue 28; the footprint work of #32 builds on it). Runs the compiled packages in a child
// whose resolve hook prints every module it loads.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, REPO_ROOT } from '../../../test-support/medkit-cli.js';

const HOOK = `export async function resolve(s, c, next) { const r = await next(s, c); process._rawDebug('LOADED ' + r.url); return r; }`;
const CHILD = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
const { defaultFeatures, FEATURE_KEYS, loadFleetServer } = await import('@medkit/cli');
const { loadConfig } = await import('@medkit/gateway');
const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: {} });
console.log('FEATURES ' + defaultFeatures(config).map((f) => f.name).join(' '));
if (process.argv[1] === 'server') await loadFleetServer();
`;
const HEAVY = /\/node_modules\/(@nats-io|mqtt|pg)\/|\/packages\/fleet\/dist\/(?!keys\.js)/;

function compose(mode: 'gateway' | 'server'): { features: string; heavy: string[] } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, mode], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed: ${r.stdout}${r.stderr}`);
  const urls = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  return { features: /FEATURES (.*)/.exec(r.stdout)?.[1] ?? '', heavy: [...new Set(urls.filter((u) => HEAVY.test(u)))] };
}

describe('what composing medkit loads', () => {
  beforeAll(() => buildGateway(), 240_000);

  it('composes the fleet link and the VDA 5050 bridge without loading NATS, MQTT, pg or the fleet server', () => {
    const { features, heavy } = compose('gateway');
    expect(features.split(' ')).toEqual(expect.arrayContaining(['faults', 'fleet-link', 'vda5050']));
    expect(heavy).toEqual([]);
  });

  it('loads the fleet server (and pg) when a fleet replica asks for it', () => {
    const { heavy } = compose('server');
    expect(heavy.some((u) => u.includes('/packages/fleet/dist/feature.js'))).toBe(true);
    expect(heavy.some((u) => u.includes('/node_modules/pg/'))).toBe(true);
  });
});
