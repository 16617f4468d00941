// Shared by the identity, X509, discovery and auto_browse tests: a real gateway running only the opcua
// plugin with the given `plugins.opcua.*` flags, and waiting for a state of its x-plc-status.
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';

/** Starts a gateway with the opcua plugin: `plugin` holds its keys without the `plugins.opcua.` prefix, `gatewayFlags` any other keys. */
export async function opcuaGateway(gateways: TestGateway[], plugin: Record<string, unknown>, gatewayFlags: Record<string, unknown> = {}): Promise<TestGateway> {
  const flags: Record<string, unknown> = { ...gatewayFlags, plugins: ['opcua'], 'plugins.opcua.connect_timeout_ms': 20000 };
  for (const [k, v] of Object.entries(plugin)) flags[`plugins.opcua.${k}`] = v;
  const g = await startTestGateway({ defaults: true, flags: flags as never });
  gateways.push(g);
  return g;
}

/** The component's x-plc-status body once `ready` holds for it. */
export async function plcStatusWhen(g: TestGateway, component: string, ready: (body: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const s = await http(`${g.url}/api/v1/components/${component}/x-plc-status`);
    return s.body && ready(s.body) ? (s.body as Record<string, unknown>) : undefined;
  }, what, 60_000);
}
