// examples/fleet/compose.yaml (docs/deploy.md): three NATS JetStream nodes, PostgreSQL and two fleet replicas
// from the image `npm run package` builds. Not started here (its NATS and PostgreSQL images come from a
// registry); checked for what would break it: the image name and tag, the replicas' command and environment
// against the services that exist, one cluster whose routes name every node, distinct ports and volumes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageName } from '../../scripts/package.mjs';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';

interface Service {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(REPO_ROOT, 'examples/fleet/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const names = Object.keys(services);
const nats = names.filter((n) => /^nats\d$/.test(n));
const fleet = names.filter((n) => /^fleet\d$/.test(n));

describe('examples/fleet/compose.yaml', () => {
  it('has three NATS nodes, PostgreSQL and two fleet replicas', () => {
    expect(nats).toHaveLength(3);
    expect(fleet).toHaveLength(2);
    expect(services.postgres.image).toMatch(/postgres:15/);
  });

  it('runs the replicas from the packaged image as `medkit fleet`', () => {
    for (const f of fleet) {
      expect(services[f].image).toBe(imageName());
      expect(services[f].command).toEqual(['fleet']);
    }
  });

  it('points the replicas at every NATS node and at the PostgreSQL service, and waits for them', () => {
    for (const f of fleet) {
      const env = services[f].environment!;
      const urls = env.MEDKIT_FLEET_NATS_SERVERS.split(',');
      expect(urls.map((u) => new URL(u).hostname).sort()).toEqual(nats);
      expect(urls.every((u) => new URL(u).port === '4222')).toBe(true);
      const db = env.MEDKIT_FLEET_DATABASE_URL.replace(/\$\{[^}]*\}/, 'secret');
      expect(new URL(db).hostname).toBe('postgres');
      expect(new URL(db).pathname).toBe(`/${services.postgres.environment!.POSTGRES_DB}`);
      expect(new URL(db).username).toBe(services.postgres.environment!.POSTGRES_USER);
      expect(Object.keys(services[f].depends_on!).sort()).toEqual([...nats, 'postgres'].sort());
      expect(services[f].volumes).toEqual([`${f}-data:/var/lib/medkit`]);
      // One signing secret and client list for every replica (a token of one is good at the other), from the
      // environment; no per-replica generated credentials (issue 68).
      expect(env.MEDKIT_AUTH_CREDENTIALS_FILE).toBe('');
      expect(env.MEDKIT_JWT_SECRET).toMatch(/^\$\{MEDKIT_JWT_SECRET:\?/);
      expect(env.MEDKIT_AUTH_CLIENTS).toMatch(/^\$\{MEDKIT_AUTH_CLIENTS:\?/);
    }
  });

  it('clusters the NATS nodes: one cluster name, distinct node names, routes to every node', () => {
    const arg = (cmd: string[], flag: string) => cmd[cmd.indexOf(flag) + 1];
    const clusters = new Set(nats.map((n) => arg(services[n].command!, '--cluster_name')));
    expect(clusters.size).toBe(1);
    expect(new Set(nats.map((n) => arg(services[n].command!, '--name'))).size).toBe(3);
    for (const n of nats) {
      const cmd = services[n].command!;
      expect(cmd).toContain('--jetstream');
      expect(arg(cmd, '--routes').split(',').map((r) => new URL(r).hostname).sort()).toEqual(nats);
    }
  });

  it('publishes distinct host ports and declares every named volume', () => {
    const hostPorts = names.flatMap((n) => services[n].ports ?? []).map((p) => p.split(':').slice(0, -1).join(':'));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    const used = names.flatMap((n) => services[n].volumes ?? []).map((v) => v.split(':')[0]);
    expect(used.sort()).toEqual(Object.keys(compose.volumes).sort());
  });
});
