// The sample configurations the Debian package installs as /etc/medkit/{gateway,fleet}.yaml (packaging/):
// every key is one medkit knows (an unknown key would be ignored or refuse the start, on a machine where
// nobody reads the warning), and they say what the units and docs/deploy.md promise.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_KEYS } from '@medkit/cli';
import { loadConfig } from '@medkit/gateway';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';

const load = (name: string) => loadConfig({ configFile: join(REPO_ROOT, 'packaging', name), env: {}, extraKeys: FEATURE_KEYS });

describe('the packaged sample configurations', () => {
  it('gateway.yaml: known keys only; loopback, port 8080, the store under /var/lib/medkit, authentication with first-start credentials', () => {
    const config = load('gateway.yaml');
    expect(config.adjustments).toEqual([]);
    expect(config.effective('server.host')).toBe('127.0.0.1');
    expect(config.effective('server.port')).toBe(8080);
    expect(config.effective('data_dir')).toBe('/var/lib/medkit/gateway');
    // Secure by default (issue 68): authenticated, credentials made on first start under the data dir.
    expect(config.effective('auth.enabled')).toBe(true);
    expect(config.effective('auth.credentials_file')).toBe('credentials.yaml');
  });

  it('fleet.yaml: known keys only; port 8090, its own directory under /var/lib/medkit, NATS and PostgreSQL on this machine', () => {
    const config = load('fleet.yaml');
    expect(config.adjustments).toEqual([]);
    expect(config.effective('server.port')).toBe(8090);
    expect(config.effective('data_dir')).toBe('/var/lib/medkit/fleet');
    expect(config.effective('fleet.nats.servers')).toEqual(['nats://127.0.0.1:4222']);
    expect(config.effective('fleet.database.url')).toBe('postgres://medkit@127.0.0.1:5432/medkit');
    expect(config.effective('auth.enabled')).toBe(true);
    expect(config.effective('auth.credentials_file')).toBe('credentials.yaml');
  });
});
