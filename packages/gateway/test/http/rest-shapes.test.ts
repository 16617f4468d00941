// The gateway features' REST bodies against their schemas (issue 58, "a REST body's shape is written once"): each
// view, fed by its real service where one is cheap to build, must pass the schema its routes serve and carry no
// field the schema does not list (the response serialiser would drop it silently).
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulkDataDescriptorSchema } from '@medkit/faults';
import { BulkUploadStore } from '../../src/faults/bulk-data/upload-store.js';
import { afterEach, describe, expect, it } from 'vitest';
import { LockManager } from '../../src/locks/manager.js';
import { lockView } from '../../src/locks/model.js';
import { LockSchema } from '../../src/locks/rest-shape.js';
import { CollectionSamplerRegistry } from '../../src/sampling/registry.js';
import { SubscriptionManager } from '../../src/subscriptions/manager.js';
import { subscriptionView } from '../../src/subscriptions/model.js';
import { SubscriptionSchema } from '../../src/subscriptions/rest-shape.js';
import { triggerView, type Trigger } from '../../src/triggers/model.js';
import { TriggerSchema } from '../../src/triggers/rest-shape.js';
import { newApp } from '../../src/entities/model.js';
import { ExecutionTracker, executionView, type GoalHandleLike } from '../../src/operations/executions.js';
import { OperationsService } from '../../src/operations/service.js';
import { ExecutionListSchema, ExecutionSchema, OperationItemSchema, OperationListSchema } from '../../src/operations/rest-shape.js';
import { DataService } from '../../src/data/service.js';
import { dataCategories, dataGroups } from '../../src/data/categories.js';
import { DataCategoryListSchema, DataGroupListSchema, DataListSchema } from '../../src/data/rest-shape.js';
import { ConfigurationsService } from '../../src/configurations/service.js';
import { NodeParameters } from '../../src/configurations/node-params.js';
import type { ParameterBackend } from '../../src/configurations/backend.js';
import { ConfigListSchema, ConfigResetMultiStatusSchema, ConfigValueSchema } from '../../src/configurations/rest-shape.js';
import { LifecycleService } from '../../src/lifecycle/service.js';
import { StatusSchema } from '../../src/lifecycle/rest-shape.js';
import { ModesService } from '../../src/modes/service.js';
import { ModeListSchema, ModeSchema } from '../../src/modes/rest-shape.js';
import { entryBody, rosoutBody, type StoredLog } from '../../src/logs/model.js';
import { DEFAULT_LOG_CONFIG } from '../../src/logs/manager.js';
import { LogConfigSchema, LogListSchema, RosoutListSchema } from '../../src/logs/rest-shape.js';
import { MigrationRegistry, openStore } from '@medkit/kit';
import { UPDATES_MIGRATIONS, UpdateStore } from '../../src/updates/store.js';
import { UpdateManager } from '../../src/updates/manager.js';
import { UpdateStatusSchema } from '../../src/updates/rest-shape.js';
import { scriptView } from '../../src/scripts/script-view.js';
import { ScriptMetadata } from '../../src/scripts/schemas.js';
import { shapeProblems } from '../../../../test-support/rest-shape.js';


const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

/** An action goal that is executing and never finishes. */
class PendingGoal extends EventEmitter implements GoalHandleLike {
  status = 2;
  constructor(readonly id: string) {
    super();
  }
  result(): Promise<{ status: number; result: Record<string, unknown> }> {
    return new Promise(() => undefined);
  }
  async cancel() {
    return { returnCode: 0 };
  }
}

describe('gateway REST bodies match their schemas (issue 58)', () => {
  it('a lock, with and without scopes', () => {
    const locks = new LockManager({ policy: () => ({ requiredScopes: [], breakable: true, maxExpiration: 3600 }), ancestors: () => [] });
    stops.push(() => locks.stop());
    const scoped = locks.acquire('app', 'a', { clientId: 'alice', expiration: 60, scopes: ['configurations'] });
    const whole = locks.acquire('component', 'c', { clientId: 'bob', expiration: 60 });
    for (const view of [lockView(scoped, 'alice'), lockView(whole, undefined)]) expect(shapeProblems(LockSchema, [], view)).toEqual([]);
  });

  it('a cyclic subscription', () => {
    const subs = new SubscriptionManager({ samplers: new CollectionSamplerRegistry(), find: () => undefined, maxSubscriptions: 10 });
    stops.push(() => subs.stop());
    const s = subs.create('app', 'a', { resourceUri: '/api/v1/apps/a/data/x', collection: 'data', itemPath: 'x' }, 'fast', 60);
    expect(shapeProblems(SubscriptionSchema, [], subscriptionView(s, '/api/v1'))).toEqual([]);
  });

  it('a trigger, with every optional field', () => {
    const t: Trigger = {
      id: 'trig_1', entityType: 'app', entityId: 'a', resourceUri: '/api/v1/apps/a/data/x', collection: 'data', resourcePath: 'x', path: '/value',
      conditionType: 'EnterRange', conditionParams: { lower_bound: 0, upper_bound: 1 }, protocol: 'webhook', webhookUrl: 'https://example.test/hook',
      webhookSecret: 'never shown', multishot: true, persistent: false, lifetime: 60, logSettings: { severity: 'warning', marker: 'm' },
      createdAt: 0, expiresAt: 60_000, status: 'active', segment: 'apps', evaluator: { validate: () => undefined, evaluate: () => true },
      previous: undefined, dirty: false, eventCount: 2, pending: [], streams: new Set(), entitySeen: true, waitingFor: 'the topic',
      delivery: { url: 'https://example.test/hook', delivered: 1, failed: 0, pending: 0, attempts: 1, last_status: 200 },
    };
    const view = triggerView(t, '/api/v1');
    expect(view).not.toHaveProperty('webhook_secret');
    expect(shapeProblems(TriggerSchema, [], view)).toEqual([]);
  });

  it('operations (a service and an action) and an action goal\'s execution', () => {
    const tracker = new ExecutionTracker(() => 0);
    stops.push(() => tracker.stop());
    const app = newApp('base', 'runtime', {
      services: [{ full_path: '/base/reset', name: 'reset', type: 'std_srvs/srv/Trigger' }],
      actions: [{ full_path: '/base/dock', name: 'dock', type: 'nav2_msgs/action/DockRobot' }],
    });
    const ops = new OperationsService({ tracker, members: () => [app], callTimeoutMs: 10, source: 'medkit' });
    const ref = { type: 'app' as const, entity: app };
    const list = ops.list(ref);
    expect(list.items).toHaveLength(2);
    expect(shapeProblems(OperationListSchema, [], list)).toEqual([]);
    expect(shapeProblems(OperationItemSchema, [], ops.get(ref, 'dock').item)).toEqual([]);
    const goal = new PendingGoal('d'.repeat(32));
    const e = tracker.add('app/base', '/base/dock', 'nav2_msgs/action/DockRobot', goal, 1000);
    e.feedback = { progress: 0.5 };
    e.result = { ok: true };
    expect(shapeProblems(ExecutionSchema, [], executionView(e))).toEqual([]);
    expect(shapeProblems(ExecutionListSchema, [], ops.listExecutions(ref, 'dock'))).toEqual([]);
  });

  it('data: the list of an aggregating entity, its categories and groups', () => {
    const apps = [
      newApp('battery', 'runtime', { topics: { publishes: ['/battery/voltage', '/battery/current'], subscribes: ['/cmd'] } }),
      newApp('motor', 'runtime', { topics: { publishes: ['/cmd'], subscribes: [] } }),
    ];
    const data = new DataService({ members: () => apps, sampleTimeoutMs: 10 });
    const list = data.list({ type: 'component', entity: newApp('base', 'runtime') });
    expect(list.items).toHaveLength(3);
    expect(shapeProblems(DataListSchema, [], list)).toEqual([]);
    expect(shapeProblems(DataCategoryListSchema, [], dataCategories(list))).toEqual([]);
    expect(shapeProblems(DataGroupListSchema, [], dataGroups(list))).toEqual([]);
  });

  it('configurations: the list, a parameter, and a reset-all that partly failed', async () => {
    const values = new Map<string, number>([['rate', 10], ['gain', 2]]);
    const backend: ParameterBackend = {
      serves: () => true,
      list: async () => [...values.keys()],
      get: async (_f, names) => names.map((name) => ({ name, type: 3, value: values.get(name) ?? null })),
      describe: async (_f, names) => names.map((name) => ({ name, type: 3, description: `the ${name}`, read_only: name === 'gain', additional_constraints: '' })),
      set: async (_f, ps) => ps.map((p) => ({ successful: p.name !== 'rate', reason: p.name === 'rate' ? 'refused' : '' })),
      close() {},
    };
    const app = newApp('driver', 'runtime', { bound_fqn: '/base/driver' });
    const configs = new ConfigurationsService(new NodeParameters(backend, { timeoutMs: 100, negativeCacheMs: 0 }), () => [app]);
    for (const ref of [{ type: 'app' as const, entity: app }, { type: 'component' as const, entity: newApp('base', 'runtime') }]) {
      expect(shapeProblems(ConfigListSchema, [], await configs.list(ref))).toEqual([]);
    }
    const ref = { type: 'app' as const, entity: app };
    expect(shapeProblems(ConfigValueSchema, [], await configs.get(ref, 'rate'))).toEqual([]);
    values.set('rate', 20);
    values.set('gain', 3);
    const partial = await configs.resetAll(ref);
    expect(partial?.results[0]?.success).toBe(false);
    expect(shapeProblems(ConfigResetMultiStatusSchema, [], partial)).toEqual([]);
  });

  it('lifecycle status (default and a provider\'s) and modes (lifecycle and manifest)', async () => {
    const lifecycle = new LifecycleService({ hostedApps: () => [] });
    lifecycle.addProvider({
      name: 'fake',
      handles: (e) => e.entity.id === 'managed',
      status: async () => ({ status: 'ready', transitions: ['restart', 'shutdown'], detail: { provider: 'fake', lifecycle_state: 'active' } }),
      transition: async () => undefined,
    });
    const managed = { type: 'app' as const, entity: Object.assign(newApp('managed', 'runtime'), { modes: { drive: { name: 'Drive', values: ['manual', 'auto'] } } }) };
    const plain = { type: 'app' as const, entity: newApp('plain', 'runtime') };
    for (const ref of [managed, plain]) expect(shapeProblems(StatusSchema, [], await lifecycle.status(ref))).toEqual([]);
    const modes = new ModesService(() => lifecycle);
    stops.push(() => modes.close());
    expect(shapeProblems(ModeListSchema, [], modes.list(managed))).toEqual([]);
    expect(modes.list(managed).items).toHaveLength(2);
    expect(shapeProblems(ModeSchema, [], await modes.get(managed, 'lifecycle'))).toEqual([]);
    expect(shapeProblems(ModeSchema, [], await modes.set(managed, 'drive', 'auto', 60))).toEqual([]);
  });

  it('log entries (with and without their source location), the raw /rosout form and the log configuration', () => {
    const line: StoredLog = {
      n: 7, stampNs: 1_770_000_000_123_456_789n, level: 30, logger: 'nav2_planner', source: '/nav2_planner', message: 'Planning failed', function: 'computePlan', file: 'planner.cpp', line: 412,
    };
    const bare: StoredLog = { ...line, n: 8, function: '', file: '', line: 0 };
    expect(shapeProblems(LogListSchema, [], { items: [entryBody(line), entryBody(bare)], 'x-medkit': { entity_id: 'x' } })).toEqual([]);
    expect(shapeProblems(RosoutListSchema, [], { items: [rosoutBody(line), rosoutBody(bare)] })).toEqual([]);
    expect(shapeProblems(LogConfigSchema, [], DEFAULT_LOG_CONFIG)).toEqual([]);
  });

  it('an update package\'s status: registered, in progress with a message, and failed', async () => {
    const db = openStore(':memory:', new MigrationRegistry().register(...UPDATES_MIGRATIONS));
    stops.push(() => db.close());
    const updates = new UpdateManager(new UpdateStore(db), {
      name: 'fake', validate: () => undefined, supportsAutomated: () => true,
      prepare: async (_id, _m, reporter) => reporter.progress(50, 'verifying'),
      execute: async () => {
        throw new Error('disk full');
      },
    });
    await updates.register({ id: 'pkg', update_name: 'Pkg', automated: true });
    const seen = [updates.get('pkg').status];
    updates.onStatus((_id, s) => seen.push(structuredClone(s)));
    updates.start('pkg', 'automated');
    await updates.settled('pkg');
    expect(seen.at(-1)).toMatchObject({ status: 'failed', error: expect.any(String) });
    for (const s of seen) expect(shapeProblems(UpdateStatusSchema, [], s)).toEqual([]);
  });

  it('a script, uploaded with every optional field and from the manifest without them', () => {
    const full = {
      id: 'script_1', name: 'Disk check', description: 'df', format: 'sh' as const, file: '/x/script.sh', source: 'upload' as const, managed: false,
      proximityProofRequired: false, timeoutSec: 30, env: { KEY: 'never shown' }, args: [{ name: 'n', type: 'named' as const, flag: '--n' }],
      parametersSchema: { type: 'object' }, entityId: 'c', createdAt: '2026-01-15T10:25:00.000Z',
    };
    const bare = { id: 'm', name: 'M', format: 'bash' as const, file: '/m.sh', source: 'manifest' as const, managed: true, proximityProofRequired: true, env: {}, args: [] };
    for (const def of [full, bare]) {
      const view = scriptView({ segment: 'components', id: 'c' }, def, 300);
      expect(JSON.stringify(view)).not.toContain('never shown');
      expect(shapeProblems(ScriptMetadata, [], view)).toEqual([]);
    }
  });

  it('an uploaded bulk-data item, with and without description and metadata, as committed and as listed from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-bulk-shape-'));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = new BulkUploadStore(join(dir, 'bulk-data'));
    const receive = (name: string) => {
      const path = store.incomingPath();
      writeFileSync(path, name);
      return { path, filename: name, mimetype: 'text/plain', size: name.length };
    };
    const full = store.commit('apps', 'a', 'logs', receive('full.txt'), 'a note', { robot: 'r1' });
    const bare = store.commit('apps', 'a', 'logs', receive('bare.txt'));
    const listed = store.list('apps', 'a', 'logs');
    expect(listed).toHaveLength(2);
    for (const d of [full, bare, ...listed]) expect(shapeProblems(BulkDataDescriptorSchema, [], d)).toEqual([]);
  });
});
