// LifecycleService (unit): default status derivation, provider answers with transition URIs, and the
// provider error mapping of docs/plugins.md.
import { describe, expect, it } from 'vitest';
import { LifecycleService } from '../../src/lifecycle/service.js';
import { LifecycleProviderError, type LifecycleProvider } from '../../src/lifecycle/provider.js';
import { RosManagedNodeProvider, type LifecycleBackend } from '../../src/lifecycle/ros-provider.js';
import { newApp, newComponent } from '../../src/entities/model.js';
import { SovdError } from '@medkit/sovd';
import { EndpointRefusedError, RosTimeoutError } from '@medkit/ros2';

const online = newApp('a', 'runtime', { is_online: true, component_id: 'c' });
const offline = newApp('b', 'runtime', { is_online: false, component_id: 'c' });

function provider(fail?: LifecycleProviderError | Error): LifecycleProvider {
  return {
    name: 'fake',
    handles: (e) => e.entity.id === 'managed',
    status: async () => ({ status: 'ready', transitions: ['start', 'shutdown'], detail: { by: 'fake' } }),
    transition: async () => {
      if (fail) throw fail;
    },
  };
}

async function code(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (e) {
    const s = e as SovdError;
    return [s.status, s.vendorCode ?? s.code];
  }
  return [0, 'ok'];
}

describe('lifecycle service', () => {
  it('derives status without a provider: online apps, host component, components with all apps offline', async () => {
    const s = new LifecycleService({ hostedApps: (c) => (c.id === 'dead' ? [offline] : c.id === 'mixed' ? [online, offline] : []) });
    expect(await s.status({ type: 'app', entity: online })).toEqual({ status: 'ready' });
    expect(await s.status({ type: 'app', entity: offline })).toEqual({ status: 'notReady' });
    expect((await s.status({ type: 'component', entity: newComponent('dead', 'manifest') })).status).toBe('notReady');
    expect((await s.status({ type: 'component', entity: newComponent('mixed', 'manifest') })).status).toBe('ready');
    expect((await s.status({ type: 'component', entity: newComponent('empty', 'manifest') })).status).toBe('ready');
    const host = newComponent('dead', 'runtime', { host_metadata: { hostname: 'h', os: 'o', arch: 'x' } });
    expect((await s.status({ type: 'component', entity: host })).status).toBe('ready');
    expect(await code(s.transition({ type: 'app', entity: online }, 'start'))).toEqual([501, 'not-implemented']);
  });

  it('uses the provider answer and advertises only its transitions', async () => {
    const s = new LifecycleService({ hostedApps: () => [] });
    s.addProvider(provider());
    const body = await s.status({ type: 'app', entity: newApp('managed', 'runtime') });
    expect(body).toEqual({ status: 'ready', start: '/api/v1/apps/managed/status/start', shutdown: '/api/v1/apps/managed/status/shutdown', 'x-medkit': { by: 'fake' } });
  });

  it('maps provider refusals to 403, 409, 501 and the provider status', async () => {
    const managed = { type: 'app' as const, entity: newApp('managed', 'runtime') };
    const run = async (err: LifecycleProviderError | Error) => {
      const s = new LifecycleService({ hostedApps: () => [] });
      s.addProvider(provider(err));
      return code(s.transition(managed, 'start'));
    };
    expect(await run(new LifecycleProviderError('access-denied', 'no'))).toEqual([403, 'insufficient-access-rights']);
    expect(await run(new LifecycleProviderError('precondition-failed', 'no'))).toEqual([409, 'precondition-not-fulfilled']);
    expect(await run(new LifecycleProviderError('unsupported', 'no'))).toEqual([501, 'not-implemented']);
    expect(await run(new LifecycleProviderError('other', 'no', 418))).toEqual([418, 'x-medkit-plugin-error']);
    expect(await run(new LifecycleProviderError('other', 'no', 99))).toEqual([400, 'x-medkit-plugin-error']);
    expect(await run(new Error('boom'))).toEqual([500, 'internal-error']);
    expect(await run(new SovdError('x-medkit-ros2-permission-denied', 'denied'))).toEqual([403, 'x-medkit-ros2-permission-denied']);
  });

  it('the ROS provider answers 403 when SROS2 permissions deny the node\'s get_state, 503 when it fails otherwise', async () => {
    const managed = { type: 'app' as const, entity: newApp('managed', 'runtime', { is_online: true, component_id: 'c', bound_fqn: '/managed' }) };
    const run = async (err: Error) => {
      const backend: LifecycleBackend = { isManaged: () => true, getState: () => Promise.reject(err), changeState: () => Promise.resolve(true) };
      const s = new LifecycleService({ hostedApps: () => [] });
      s.addProvider(new RosManagedNodeProvider(backend, { stateTimeoutMs: 100, changeTimeoutMs: 100 }));
      return code(s.transition(managed, 'start'));
    };
    // Told apart by its code, as @medkit/rtps's EndpointRefusedError is from any copy of the package.
    const refused = new EndpointRefusedError('reader', 'rr/managed/get_stateReply', 'denied', 'deny rule');
    expect(await run(refused)).toEqual([403, 'x-medkit-ros2-permission-denied']);
    expect(await run(new RosTimeoutError('get_state', 1000))).toEqual([503, 'x-medkit-plugin-error']);
  });
});
