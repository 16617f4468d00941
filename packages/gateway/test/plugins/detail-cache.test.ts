// What plugins contribute to entity details is cached (issue 40) and invalidated whenever it may change: a
// plugin's notifyDetailsChanged() (its hasData()/hasOperations() answers), a capability registered after start,
// an introspection pass (ownership, metadata). Each case checks the cache is used (the plugin is not asked
// again) and that the request right after an invalidation already shows the new answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginContext, type PluginEntityRef, type PluginModule } from '@medkit/plugin-api';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';
import { startPluginGateway } from '../support/plugin-gateway.js';
import { http } from '../../../../test-support/gateway/ros-robot.js';

/** A hub whose data and operations come and go (a bus device that appears or loses its writable points). */
class Hub implements MedkitPlugin {
  ctx?: PluginContext;
  withData = true;
  withOperations = false;
  firmware = '1.0';
  hasDataCalls = 0;
  name() {
    return 'hub';
  }
  configure() {}
  setContext(ctx: PluginContext) {
    this.ctx = ctx;
  }
  introspect() {
    return { new_entities: { components: [{ id: 'bus_hub', name: 'Bus hub' }] }, metadata: { bus_hub: { firmware: this.firmware } } };
  }
  listData() {
    return { items: [] };
  }
  readData() {
    return {};
  }
  writeData() {
    return {};
  }
  hasData(_e: PluginEntityRef) {
    this.hasDataCalls++;
    return this.withData;
  }
  listOperations() {
    return { items: [] };
  }
  executeOperation() {
    return {};
  }
  hasOperations() {
    return this.withOperations;
  }
}

const hub = new Hub();
const module: PluginModule = {
  pluginApiVersion: PLUGIN_API_VERSION,
  createPlugin: () => hub,
  getIntrospectionProvider: () => hub,
  getDataProvider: () => hub,
  getOperationProvider: () => hub,
};

let g: TestGateway;
beforeAll(async () => {
  g = await startPluginGateway('hub', module);
}, 60_000);
afterAll(async () => {
  await g?.close();
});

const detail = async () => {
  const r = await http(`${g.url}/api/v1/components/bus_hub`);
  expect(r.status).toBe(200);
  return { caps: (r.body.capabilities as { name: string }[]).map((c) => c.name), body: r.body };
};

describe('the entity detail with a plugin loaded', () => {
  it('asks the plugin once and serves the cached detail until something changes', async () => {
    const first = await detail();
    expect(first.caps).toContain('data');
    expect(first.caps).not.toContain('operations');
    const calls = hub.hasDataCalls;
    for (let i = 0; i < 5; i++) expect((await detail()).body).toEqual(first.body);
    expect(hub.hasDataCalls).toBe(calls);
  });

  it("shows a changed hasData()/hasOperations() answer on the very next request after notifyDetailsChanged()", async () => {
    for (let round = 0; round < 6; round++) {
      hub.withData = round % 2 === 1;
      hub.withOperations = round % 3 === 0;
      hub.ctx!.notifyDetailsChanged!();
      const { caps, body } = await detail();
      expect(caps.includes('data'), `round ${round}: data`).toBe(hub.withData);
      expect(caps.includes('operations'), `round ${round}: operations`).toBe(hub.withOperations);
      expect(body.data === undefined, `round ${round}: the data link`).toBe(!hub.withData);
    }
  });

  it('shows a capability registered after start on the next request', async () => {
    expect((await detail()).caps).not.toContain('x-hub-trace');
    hub.ctx!.registerEntityCapability('bus_hub', 'x-hub-trace');
    expect((await detail()).caps).toContain('x-hub-trace');
    expect((await http(`${g.url}/api/v1/apps`)).status).toBe(200);
    hub.ctx!.registerCapability('component', 'x-hub-all');
    expect((await detail()).caps).toContain('x-hub-all');
  });

  it("shows new introspection metadata after the pass that brought it", async () => {
    expect((await detail()).body['x-medkit'].plugins).toEqual({ hub: { firmware: '1.0' } });
    hub.firmware = '2.0';
    await hub.ctx!.notifyEntitiesChanged();
    expect((await detail()).body['x-medkit'].plugins).toEqual({ hub: { firmware: '2.0' } });
  });
});
