// The shipped 3-node NATS cluster (examples/fleet/nats-cluster/n{1,2,3}.conf) started from those files, with
// only their loopback ports and store directories swapped for free ports and a temp dir: the three nodes
// form one cluster, the fleet stream the fleet creates gets three replicas (R3) and publishing goes on with
// one node killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER } from '../../../test-support/requirements.js';
import { freePort, waitForPort } from '../../../test-support/servers/ports.mjs';
import { ensureFleetStream } from '@medkit/fleet-protocol';
import { until } from '../../../test-support/gateway/faults-gateway.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/fleet/nats-cluster/', import.meta.url));
const NODES = ['n1', 'n2', 'n3'];

describeWith(NATS_SERVER, 'the example 3-node NATS JetStream cluster', () => {
  let dir: string;
  const procs: ChildProcess[] = [];
  const clientPorts: number[] = [];
  let nc: NatsConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-nats-example-'));
    // Every 127.0.0.1 port the files use, mapped to a free one (the same mapping in all three files, so the
    // routes still name the nodes' cluster listeners).
    const texts = NODES.map((n) => readFileSync(join(EXAMPLE, `${n}.conf`), 'utf8'));
    const ports = new Map<string, number>();
    for (const t of texts) for (const m of t.matchAll(/127\.0\.0\.1:(\d+)/g)) if (!ports.has(m[1])) ports.set(m[1], await freePort());
    NODES.forEach((n, i) => {
      const text = texts[i].replace(/127\.0\.0\.1:(\d+)/g, (_all, p: string) => `127.0.0.1:${ports.get(p)}`).replace(/store_dir: "[^"]*"/, `store_dir: "${join(dir, n)}"`);
      writeFileSync(join(dir, `${n}.conf`), text);
      clientPorts.push(Number(/^listen: "127\.0\.0\.1:(\d+)"/m.exec(text)![1]));
    });
    expect(ports.size).toBe(9); // 3 client, 3 cluster, 3 monitoring
    for (const n of NODES) procs.push(spawn('nats-server', ['-c', join(dir, `${n}.conf`)], { stdio: 'ignore' }));
    await Promise.all(clientPorts.map((p) => waitForPort(p)));
    nc = await connect({ servers: clientPorts.map((p) => `nats://127.0.0.1:${p}`), timeout: 5000 });
  });

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('forms one cluster whose fleet stream gets three replicas, and keeps taking events with a node down', async () => {
    // JetStream needs its meta leader elected across the three routes before a stream can be placed.
    const name = await until(async () => {
      try {
        return await ensureFleetStream(nc, 'example', { maxAgeSec: 3600, maxBytes: 64 * 1024 * 1024, duplicateWindowSec: 120, replicas: 0 });
      } catch {
        return undefined;
      }
    }, 'the fleet stream created on the cluster', 30_000);
    const jsm = await jetstreamManager(nc);
    const info = await until(async () => {
      const i = await jsm.streams.info(name);
      return i.cluster?.leader && (i.cluster.replicas ?? []).length === 2 && (i.cluster.replicas ?? []).every((r) => r.current) ? i : undefined;
    }, 'three current replicas', 30_000);
    expect(info.config.num_replicas).toBe(3);
    expect(new Set([info.cluster!.leader, ...info.cluster!.replicas!.map((r) => r.name)])).toEqual(new Set(NODES));
    expect(info.cluster!.name).toBe('medkit-fleet');

    const js = jetstream(nc);
    await js.publish('medkit.example.amr-01.faults', '{"before":true}', { msgID: 'before' });
    // Kill the stream's leader: the two others elect a new one and go on storing.
    const leader = NODES.indexOf(info.cluster!.leader!);
    procs[leader].kill('SIGKILL');
    await until(async () => {
      try {
        return (await js.publish('medkit.example.amr-01.faults', '{"after":true}', { msgID: 'after', timeout: 2000 })).seq >= 2 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 'a publish acknowledged with one node down', 30_000);
    expect((await jsm.streams.info(name)).state.messages).toBe(2);
  });
});
