// No secret is ever printed or logged (issue 54): the real `medkit gateway` started with a distinct marker in every
// secret-bearing key of every key table (credentials by name; connection strings with a password), once with values
// it can start with and once with values it refuses, and every line of its output searched for every marker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_KEY_GROUPS } from '@medkit/gateway';
import { isSecretKey, redactUrlCredentials, shownConfigValue, type KeySpec } from '@medkit/kit';
import { FEATURE_KEY_GROUPS } from '../src/compose.js';
import { buildGateway, runMedkit } from '../../../test-support/medkit-cli.js';
import { freePort } from '../../../test-support/servers/ports.mjs';

const ALL: [string, KeySpec][] = [...CORE_KEY_GROUPS, ...FEATURE_KEY_GROUPS].flatMap(([, keys]) => Object.entries(keys));
/** Keys whose value may hold a password: text keys named for credentials, and connection strings (`…url`). */
const SECRET_BEARING = ALL.filter(([k, spec]) => (spec.type === 'string' || spec.type === 'list') && (isSecretKey(k) || /(^|[._])url$/.test(k)));

function schemeFor(key: string): string {
  if (/postgres|database/.test(key)) return 'postgres';
  if (/nats/.test(key)) return 'nats';
  if (/mqtt|vda/.test(key)) return 'mqtt';
  return 'https';
}

/** One marker per key, and a value carrying it in the key's form. */
function secretValues(valid: boolean): { values: Record<string, unknown>; markers: string[] } {
  const values: Record<string, unknown> = {};
  const markers: string[] = [];
  SECRET_BEARING.forEach(([key, spec], i) => {
    const marker = `Zq${i}Mark${'x'.repeat(28)}`;
    markers.push(marker);
    if (/(^|[._])url$/.test(key) && !isSecretKey(key)) values[key] = valid ? `${schemeFor(key)}://medkit:${marker}@127.0.0.1:9/db` : `${schemeFor(key)}://medkit:${marker}@`;
    else if (spec.type === 'list') values[key] = valid ? [`client_${i}:${marker}:viewer`] : [marker];
    else values[key] = valid ? marker : `${marker}\u0000`;
  });
  return { values, markers };
}

describe('secrets in values and messages', () => {
  it('hides secret keys and URL passwords, and leaves the rest as it is', () => {
    expect(shownConfigValue('auth.jwt_secret', 'abc')).toBe('(hidden)');
    expect(shownConfigValue('faults.postgresql.url', 'postgres://qa:secretpw@db:5432/x')).toBe('"postgres://qa:***@db:5432/x"');
    expect(shownConfigValue('faults.postgresql.url', 'postgres://qa@db/x')).toBe('"postgres://qa@db/x"');
    expect(redactUrlCredentials('connect nats://a:b@h:4222 and https://u:p%40ss@h/x failed')).toBe('connect nats://a:***@h:4222 and https://u:***@h/x failed');
    expect(redactUrlCredentials('plain text, 10:20 @ noon')).toBe('plain text, 10:20 @ noon');
    // Every key table has keys of the kinds the issue names.
    expect(SECRET_BEARING.map(([k]) => k)).toEqual(expect.arrayContaining(['faults.postgresql.url', 'fleet.database.url', 'auth.jwt_secret']));
  });
});

describe('the real gateway with a secret in every secret-bearing key', () => {
  let dir: string;
  beforeAll(() => {
    buildGateway();
    dir = mkdtempSync(join(tmpdir(), 'medkit-secrets-'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const valid of [true, false]) {
    it(`prints none of them (${valid ? 'values it starts with, PostgreSQL unreachable' : 'values it refuses'})`, async () => {
      const { values, markers } = secretValues(valid);
      const file = join(dir, `secrets-${valid}.json`);
      writeFileSync(file, JSON.stringify({ ...values, 'faults.storage_type': 'postgresql', 'logging.level': 'debug' }));
      const g = runMedkit(['gateway', '--no-ros', '--port', String(await freePort()), '--data-dir', join(dir, `data-${valid}`), '--config', file]);
      // Up (then give it time to try the unreachable servers and log about them), or refused at start-up.
      await Promise.race([g.waitFor(/listening|http:\/\/127\.0\.0\.1:\d+/, 45_000).catch(() => undefined), g.exited]);
      await Promise.race([new Promise((r) => setTimeout(r, 3000)), g.exited]);
      g.child.kill('SIGTERM');
      await g.exited;
      const out = `${g.stdout()}\n${g.stderr()}`;
      if (process.env.SECRETS_DEBUG) console.log(out);
      expect(out.length).toBeGreaterThan(0);
      const leaked = markers.filter((m) => out.includes(m));
      expect(leaked.map((m) => SECRET_BEARING[markers.indexOf(m)][0])).toEqual([]);
    }, 120_000);
  }
});
