// The simulated OpenPLC tank of examples/opcua (tank-plc.mjs) as a real child process, and an independent
// OPC-UA client to read its tags, for the tests that need a PLC process of its own (a crash, a SIGSTOP).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import clientLib from 'node-opcua-client';
import type { FlatConfig } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';

const { OPCUAClient, AttributeIds } = clientLib;
export const EXAMPLE = fileURLToPath(new URL('../../../examples/opcua/', import.meta.url));

export interface Plc {
  child: ChildProcess;
  endpoint: string;
  exited: Promise<void>;
}

/** Starts tank-plc.mjs (`--port 0`: a free port) and resolves once it prints its endpoint. */
export function startPlc(port: number): Promise<Plc> {
  // --speed 4: the simulation runs 4× faster than real time, so pressure follows within a second.
  const child = spawn(process.execPath, [`${EXAMPLE}tank-plc.mjs`, '--port', String(port), '--speed', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tank-plc did not start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /tank-plc: listening on (opc\.tcp:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, endpoint: m[1], exited });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tank-plc exited during start-up:\n${out}`));
    });
  });
}

/** Reads a tag straight from the PLC with a client of its own (not through the gateway). */
export async function readTag(endpoint: string, name: string): Promise<unknown> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await client.connect(endpoint);
  try {
    const session = await client.createSession();
    const dv = await session.read({ nodeId: `ns=1;s=${name}`, attributeId: AttributeIds.Value });
    await session.close();
    return dv.value.value;
  } finally {
    await client.disconnect();
  }
}


/** A gateway with the example's own gateway.yaml and node map, pointed at `plc`; `flags` add or override keys. */
export function startTankGateway(plc: Plc, flags: FlatConfig = {}): Promise<TestGateway> {
  return startTestGateway({
    defaults: true,
    configFiles: [`${EXAMPLE}gateway.yaml`],
    flags: {
      // What run.mjs sets: the PLC's endpoint and the node map's absolute path.
      'plugins.opcua.endpoint_url': plc.endpoint,
      'plugins.opcua.node_map_path': `${EXAMPLE}node-map.yaml`,
      'plugins.opcua.connect_timeout_ms': 20000, // a loaded 2-core machine
      ...flags,
    },
  });
}

/** Ends the PLC process if it still runs. */
export async function stopPlc(plc: Plc | undefined): Promise<void> {
  if (plc && plc.child.exitCode === null && plc.child.signalCode === null) {
    plc.child.kill('SIGTERM');
    await plc.exited;
  }
}
