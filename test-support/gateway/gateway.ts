// Starts a real gateway (real HTTP server on 127.0.0.1, real SQLite in a temp dir) for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type FlatConfig } from '@medkit/gateway';
import { createGateway, type Gateway } from '@medkit/gateway';
import type { GatewayFeature } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';

export interface TestGateway {
  url: string;
  gateway: Gateway;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * `features`: the features to run (none by default); `defaults: true` runs the default gateway's
 * features (as `medkit gateway` does) followed by `features`. `configFiles` are read as `--config` files
 * (the test's flags win over them). `deferRoutes`: only /health at first, the other routes on first use (as `medkit` runs).
 */
export async function startTestGateway(
  opts: { flags?: FlatConfig; configFiles?: string[]; features?: GatewayFeature[]; defaults?: boolean; dataDir?: string; logStream?: NodeJS.WritableStream; deferRoutes?: boolean | { idleBuildMs?: number } } = {},
): Promise<TestGateway> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'medkit-test-'));
  const config = loadConfig({
    env: {},
    configFiles: opts.configFiles,
    extraKeys: { ...FEATURE_KEYS, ...Object.assign({}, ...(opts.features ?? []).map((f) => f.keys ?? {})) },
    flags: { data_dir: dataDir, 'logging.level': 'silent', 'ros.enabled': false, ...opts.flags },
  });
  const gateway = await createGateway({ config, features: [...(opts.defaults ? defaultFeatures(config) : []), ...(opts.features ?? [])], logStream: opts.logStream, deferRoutes: opts.deferRoutes });
  const url = await gateway.listen(0);
  return {
    url,
    gateway,
    dataDir,
    close: async () => {
      await gateway.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
