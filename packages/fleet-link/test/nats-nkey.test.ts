// NKEY authentication to NATS (docs/fleet.md "Credentials: … nkey"): a real nats-server that admits only one
// NKEY user, with keys generated now by @nats-io/nkeys. A robot gateway holding the user's seed (in a file)
// publishes its fault events; a gateway with another key is refused (events wait in its outbox, /health
// warns); a client with no credentials is refused; a malformed seed stops start-up.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER } from '../../../test-support/requirements.js';
import { startNatsCluster, type NatsCluster } from '../../../test-support/servers/nats.mjs';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';
import { describeConfigOrigins, loadConfig } from '@medkit/gateway';
import { FEATURE_KEYS } from '@medkit/cli';

describeWith(NATS_SERVER, 'fleet link: NATS with NKEY authentication', () => {
  const user = createUser();
  const stranger = createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  let dir: string;
  let nats: NatsCluster;
  const gateways: FaultGateway[] = [];
  const fleet = 'nkeytest';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-nkey-'));
    // The user lives in an account with JetStream, as a production fleet's would.
    nats = await startNatsCluster(1, { extraConfig: `accounts { FLEET: { jetstream: enabled, users: [ { nkey: "${user.getPublicKey()}" } ] } }` });
  });
  afterAll(async () => {
    for (const g of gateways) await g.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const robot = async (id: string, flags: Record<string, unknown>) => {
    const g = await startRobotGateway({ flags: { 'fleet.enabled': true, 'fleet.id': fleet, 'fleet.robot_id': id, 'fleet.nats.servers': nats.urls, 'fleet.publish.ack_timeout_ms': 1000, ...flags } });
    gateways.push(g);
    return g;
  };

  it('refuses a client without credentials', async () => {
    await expect(connect({ servers: nats.urls, timeout: 3000, reconnect: false })).rejects.toThrow(/authoriz/i);
  });

  it('publishes the fault events of a robot that holds the user seed (from a file)', async () => {
    const file = join(dir, 'robot.nk');
    writeFileSync(file, `${seed}\n`);
    chmodSync(file, 0o600);
    const g = await robot('nk-good', { 'fleet.nats.nkey_seed_file': file });
    g.fail('NKEY_FAULT', '/amr/motor', 2, 'over temperature');
    const nc = await connect({ servers: nats.urls, timeout: 5000, authenticator: nkeyAuthenticator(user.getSeed()), ignoreAuthErrorAbort: true });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = `MEDKIT_${fleet.toUpperCase()}`;
      let lastError = '';
      const msg = await until(async () => {
        try {
          return (await jsm.streams.getMessage(stream, { last_by_subj: `medkit.${fleet}.nk-good.faults` })) ?? undefined;
        } catch (err) {
          lastError = (err as Error).message;
          return undefined;
        }
      }, 'the fault event in the stream', 60_000).catch(async (err: Error) => {
        // Say why: the robot's own view of its link (connected, published, failures, last error) and the reader's.
        const fleetHealth = ((await (await fetch(`${g.url}/api/v1/health`)).json()) as Record<string, unknown>)['x-medkit-fleet'];
        const streams = await jsm.streams.names().next().catch((e: Error) => e.message);
        throw new Error(`${err.message}; last read error: ${lastError}; robot fleet health: ${JSON.stringify(fleetHealth)}; streams: ${JSON.stringify(streams)}\n${nats.logs()}`);
      });
      expect(msg.json<{ body: { fault_code: string } }>().body.fault_code).toBe('NKEY_FAULT');
    } finally {
      await nc.close();
    }
    await until(async () => ((await (await fetch(`${g.url}/api/v1/health`)).json()) as { 'x-medkit-fleet': { connected: boolean; outbox: { pending: number } } })['x-medkit-fleet'].connected || undefined, 'robot connected');
  }, 90_000);

  it('reconnects after its key was refused for a while (credentials rotated on the server), and delivers what waited', async () => {
    const file = join(dir, 'rotating.nk');
    writeFileSync(file, `${seed}\n`);
    chmodSync(file, 0o600);
    const g = await robot('nk-rotate', { 'fleet.nats.nkey_seed_file': file });
    const health = async () => ((await (await fetch(`${g.url}/api/v1/health`)).json()) as { 'x-medkit-fleet': { connected: boolean; published: number; outbox: { pending: number } } })['x-medkit-fleet'];
    await until(async () => ((await health()).connected ? true : undefined), 'robot connected', 30_000);
    // The server stops admitting the key (a rotation half done): the robot is disconnected and refused again and again.
    nats.reconfigure(`accounts { FLEET: { jetstream: enabled, users: [ { nkey: "${stranger.getPublicKey()}" } ] } }`);
    await until(async () => ((await health()).connected ? undefined : true), 'robot disconnected by the reload', 30_000);
    g.fail('AFTER_ROTATION', '/amr/motor', 2, 'waited in the outbox');
    await new Promise((r) => setTimeout(r, 3000));
    // The key is admitted again: the robot must come back by itself and publish what waited.
    nats.reconfigure(`accounts { FLEET: { jetstream: enabled, users: [ { nkey: "${user.getPublicKey()}" } ] } }`);
    await until(async () => {
      const h = await health();
      return h.connected && h.outbox.pending === 0 ? true : undefined;
    }, 'robot reconnected and its outbox drained', 60_000);
  }, 120_000);

  it('keeps the events of a robot with the wrong key in its outbox, with a health warning', async () => {
    const g = await robot('nk-bad', { 'fleet.nats.nkey_seed': new TextDecoder().decode(stranger.getSeed()) });
    g.fail('NEVER_SENT', '/amr/motor', 2, 'x');
    const health = await until(async () => {
      const h = (await (await fetch(`${g.url}/api/v1/health`)).json()) as { warnings?: { code: string }[]; 'x-medkit-fleet': { connected: boolean; outbox: { pending: number } } };
      return h.warnings?.some((w) => w.code === 'fleet_broker_unreachable') ? h : undefined;
    }, 'broker-unreachable warning', 20_000);
    expect(health['x-medkit-fleet'].connected).toBe(false);
    expect(health['x-medkit-fleet'].outbox.pending).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('stops start-up on a malformed seed without printing it', async () => {
    const bad = 'SUnot-a-seed-at-all';
    const err = await robot('nk-ugly', { 'fleet.nats.nkey_seed': bad }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/not a user seed/);
    expect(err?.message).not.toContain(bad);
    // The start-up list of settings hides the seed.
    const lines = describeConfigOrigins(loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'fleet.nats.nkey_seed': seed } })).join('\n');
    expect(lines).toContain('fleet.nats.nkey_seed = (hidden)');
    expect(lines).not.toContain(seed);
    const both = await robot('nk-both', { 'fleet.nats.nkey_seed': seed, 'fleet.nats.nkey_seed_file': '/nonexistent' }).then(() => undefined, (e: Error) => e);
    expect(both?.message).toMatch(/not both/);
  });
});
