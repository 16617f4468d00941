#!/usr/bin/env node
// Regenerates docs/roles.md from the routes a default gateway registers (needs `npm run build` first).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, createGateway } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { renderRoleTable, ROLE_TABLE_FLAGS } from '@medkit/server';

const dataDir = mkdtempSync(join(tmpdir(), 'medkit-roles-'));
try {
  const config = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { ...ROLE_TABLE_FLAGS, data_dir: dataDir } });
  const gateway = await createGateway({ config, features: defaultFeatures(config) });
  const out = new URL('../docs/roles.md', import.meta.url);
  writeFileSync(out, renderRoleTable(gateway.auth.table.list()));
  await gateway.close();
  console.log(`wrote ${out.pathname}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
