// A bridged PLC for the opcua tests: a real OPC-UA server (plc-server.ts), a node map file and a real gateway
// with the opcua plugin pointed at both; `close` stops all three and removes the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlatConfig } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { PlcServer } from './plc-server.js';

export interface Bridge {
  plc: PlcServer;
  g: TestGateway;
  close(): Promise<void>;
}

/** `nodeMap`: the node map YAML; `flags`: more gateway flags (`plugins.opcua.*`, `ros.*`). */
export async function startBridge(nodeMap: string, flags: FlatConfig = {}): Promise<Bridge> {
  const plc = await PlcServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-'));
  writeFileSync(join(dir, 'plc.yaml'), nodeMap);
  const g = await startTestGateway({
    defaults: true,
    flags: { plugins: ['opcua'], 'plugins.opcua.endpoint_url': plc.endpoint, 'plugins.opcua.node_map_path': join(dir, 'plc.yaml'), ...flags },
  });
  return {
    plc,
    g,
    close: async () => {
      await g.close();
      await plc.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
