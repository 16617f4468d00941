// docs/api.md is the error contract users read: every code of the one error table (@medkit/sovd's errors.ts)
// and every code a built-in plugin declares (PluginModule.errorCodes) is listed there with the status it is sent
// with, and the page lists no code that neither has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, VENDOR_STATUS } from '@medkit/sovd';
import { errorCodes as opcuaCodes } from '@medkit/plugin-opcua';
import { parameterBeaconModule, topicBeaconModule } from '@medkit/plugin-beacons';

/** The codes the built-in plugins declare, with their status. */
const PLUGIN_CODES = Object.fromEntries([...(opcuaCodes ?? []), ...(parameterBeaconModule().errorCodes ?? []), ...(topicBeaconModule().errorCodes ?? [])].map((d) => [d.code, d.status]));

const doc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
/** The `code` → status rows of the page's tables. */
const rows = new Map([...doc.matchAll(/^\| `([a-z0-9-]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));

describe('docs/api.md', () => {
  it('lists every standard and vendor code with the status the gateway sends', () => {
    const table = { ...ERROR_STATUS, ...VENDOR_STATUS, ...PLUGIN_CODES } as Record<string, number>;
    expect(Object.keys(table).length).toBeGreaterThan(40);
    for (const [code, status] of Object.entries(table)) expect({ code, status: rows.get(code) }).toEqual({ code, status });
  });

  it('lists no code the error table does not have', () => {
    const table = { ...ERROR_STATUS, ...VENDOR_STATUS, ...PLUGIN_CODES } as Record<string, number>;
    expect([...rows.keys()].filter((c) => !(c in table))).toEqual([]);
  });
});
