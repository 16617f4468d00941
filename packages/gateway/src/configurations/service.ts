// Configurations (docs/resources.md): the parameters of an entity's nodes. One node → ids are parameter names;
// an aggregating entity → every id is `<app_id>:<name>`. Nodes are asked in parallel; a node that fails
// makes the answer partial, never slower than its deadline.
import type { App, Entity, EntityType } from '../entities/model.js';
import { effectiveFqn } from '../entities/model.js';
import { SovdError, type VendorCode } from '@medkit/sovd';
import { isAggregating } from '../ros/members.js';
import { messageOf, securityRefusal } from '../ros/call-errors.js';
import type { ParamDescriptor } from './backend.js';
import { NodeParameters, NodeUnavailableError } from './node-params.js';
import { fromJsonValue, NOT_SET, PARAMETER_TYPE_STRINGS, toJsonValue } from './values.js';
import type { ConfigListBody, ConfigResetMultiStatusBody, ConfigValueBody, ResetResult } from './rest-shape.js';

export interface EntityRef {
  type: EntityType;
  entity: Entity;
}

export const MAX_CONFIG_ID = 512;

interface Target {
  app: App;
  fqn: string;
}

export type { ConfigValueBody, ResetResult };

const detailOf = (err: NodeUnavailableError) => (err.detail ? { detail: err.detail } : {});

/** SOVD error for a node failure: timeouts on writes are 504 (outcome unknown), the rest 503. */
function nodeError(err: unknown, entityId: string, write: boolean): SovdError {
  if (err instanceof NodeUnavailableError) {
    if (write && err.reason === 'timeout') {
      return new SovdError('not-responding', `${err.message}; the change may or may not have been applied`, { entity_id: entityId, node: err.node, reason: err.reason, ...detailOf(err) });
    }
    const headers = err.reason === 'cached' ? { 'Retry-After': String(Math.ceil(err.retryAfterMs / 1000)) } : undefined;
    return new SovdError('x-medkit-ros2-node-unavailable', err.message, { entity_id: entityId, node: err.node, reason: err.reason, ...detailOf(err) }, { headers });
  }
  if (err instanceof SovdError) return err;
  return securityRefusal(err, { entity_id: entityId }) ?? new SovdError('internal-error', `Parameter access failed: ${messageOf(err)}`, { entity_id: entityId });
}

export class ConfigurationsService {
  constructor(
    private readonly params: NodeParameters,
    private readonly members: (type: EntityType, entity: Entity) => App[],
  ) {}

  private targets(ref: EntityRef): Target[] {
    return this.members(ref.type, ref.entity)
      .map((app) => ({ app, fqn: effectiveFqn(app) }))
      .filter((t) => t.fqn !== '' && !t.app.external);
  }

  /** `GET /{entity}/configurations` body. */
  async list(ref: EntityRef, signal?: AbortSignal): Promise<ConfigListBody> {
    const aggregate = isAggregating(ref.type);
    const targets = this.targets(ref);
    const results = await Promise.all(targets.map(async (t) => ({ t, r: await this.params.snapshot(t.fqn, signal).then((s) => ({ ok: s }), (err: unknown) => ({ err })) })));
    const items: ConfigListBody['items'] = [];
    const parameters: Record<string, unknown>[] = [];
    const queried: string[] = [];
    const unavailable: string[] = [];
    const failed: string[] = [];
    let worst: SovdError | undefined;
    for (const { t, r } of results) {
      if ('err' in r) {
        const e = nodeError(r.err, ref.entity.id, false);
        (r.err instanceof NodeUnavailableError ? unavailable : failed).push(t.fqn);
        if (!worst || (e.status === 503 && worst.status !== 503)) worst = e;
        continue;
      }
      queried.push(t.fqn);
      for (const v of r.ok.values) {
        const id = aggregate ? `${t.app.id}:${v.name}` : v.name;
        items.push(aggregate ? { id, name: v.name, type: 'parameter', 'x-medkit': { source: t.app.id } } : { id, name: v.name, type: 'parameter' });
        // What the node declared (issue 56): a client shows the description and offers no edit of a read-only one.
        const d = r.ok.descriptors.get(v.name);
        const declared = { ...(d?.read_only ? { read_only: true } : {}), ...(d?.description ? { description: d.description } : {}) };
        parameters.push({ name: v.name, value: toJsonValue(v.value), type: PARAMETER_TYPE_STRINGS[v.type], ...declared, 'x-medkit': { source: t.app.id, node: t.fqn } });
      }
    }
    if (targets.length > 0 && queried.length === 0 && worst) {
      // The parameter calls fail with codes of the gateway's table (no plugin declares them).
      throw new SovdError((worst.vendorCode as VendorCode | undefined) ?? 'internal-error', worst.message, { ...worst.parameters, unavailable_nodes: unavailable, failed_nodes: failed }, { headers: worst.headers });
    }
    const xm: Record<string, unknown> = { entity_id: ref.entity.id, source: 'runtime', is_aggregated: aggregate, parameters, queried_nodes: queried };
    if (aggregate) Object.assign(xm, { aggregation_level: ref.type, source_ids: targets.map((t) => t.app.id) });
    if (unavailable.length > 0) xm.unavailable_nodes = unavailable;
    if (failed.length > 0) xm.failed_nodes = failed;
    if (unavailable.length + failed.length > 0) xm.partial = true;
    return { items, 'x-medkit': xm };
  }

  /** Splits a configuration id into its node and parameter name (docs/resources.md id rules). */
  private resolveId(ref: EntityRef, id: string, requirePrefix: boolean): { target?: Target; name: string; candidates: Target[] } {
    if (id.length === 0 || id.length > MAX_CONFIG_ID) throw new SovdError('invalid-parameter', 'Invalid configuration id', { details: `ids are 1–${MAX_CONFIG_ID} characters`, config_id: id.slice(0, 64) });
    const targets = this.targets(ref);
    if (!isAggregating(ref.type)) {
      if (targets.length === 0) throw new SovdError('resource-not-found', 'No nodes available', { entity_id: ref.entity.id, config_id: id });
      return { target: targets[0], name: id, candidates: targets };
    }
    const colon = id.indexOf(':');
    if (colon > 0) {
      const memberId = id.slice(0, colon);
      const member = this.members(ref.type, ref.entity).find((a) => a.id === memberId);
      if (member) {
        const target = targets.find((t) => t.app.id === memberId);
        if (!target) throw new SovdError('resource-not-found', 'Source app not found in entity', { entity_id: ref.entity.id, app_id: memberId });
        const name = id.slice(colon + 1);
        if (name === '') throw new SovdError('resource-not-found', 'Parameter not found', { entity_id: ref.entity.id, config_id: id });
        return { target, name, candidates: [target] };
      }
    }
    if (requirePrefix) throw new SovdError('invalid-request', 'Aggregated configuration requires app_id prefix', { entity_id: ref.entity.id, config_id: id });
    if (targets.length === 0) throw new SovdError('resource-not-found', 'No nodes available', { entity_id: ref.entity.id, config_id: id });
    return { name: id, candidates: targets };
  }

  private body(ref: EntityRef, id: string, t: Target, name: string, type: number, value: unknown, d: ParamDescriptor | undefined): ConfigValueBody {
    const parameter: Record<string, unknown> = { name, value, type: PARAMETER_TYPE_STRINGS[type] ?? String(type), read_only: d?.read_only ?? false };
    if (d?.description) parameter.description = d.description;
    if (d?.additional_constraints) parameter.additional_constraints = d.additional_constraints;
    const xm: Record<string, unknown> = { ros2: { node: t.fqn }, entity_id: ref.entity.id, source: 'runtime', parameter };
    if (isAggregating(ref.type)) xm.source_app = t.app.id;
    return { id, data: value, 'x-medkit': xm };
  }

  /** `GET /{entity}/configurations/{config_id}` body. */
  async get(ref: EntityRef, id: string, signal?: AbortSignal): Promise<ConfigValueBody> {
    const { target, name, candidates } = this.resolveId(ref, id, false);
    const order = target ? [target] : candidates;
    // A bare id on an aggregate: ask every node at once, answer with the first (member order) that has it.
    const found = await Promise.all(order.map((t) => this.params.read(t.fqn, name, signal).then((r) => ({ t, r }), (err: unknown) => ({ t, err }))));
    let firstErr: unknown;
    for (const f of found) {
      if ('err' in f) {
        firstErr ??= f.err;
        continue;
      }
      if (f.r.value.type === NOT_SET) continue;
      return this.body(ref, id, f.t, name, f.r.value.type, toJsonValue(f.r.value.value), f.r.descriptor);
    }
    if (firstErr !== undefined) throw nodeError(firstErr, ref.entity.id, false);
    throw new SovdError('resource-not-found', 'Parameter not found', { entity_id: ref.entity.id, config_id: id });
  }

  /** `PUT /{entity}/configurations/{config_id}`: type-checked set; returns the new value. */
  async set(ref: EntityRef, id: string, body: { data?: unknown; value?: unknown }, signal?: AbortSignal): Promise<ConfigValueBody> {
    const value = body.data !== undefined ? body.data : body.value;
    if (value === undefined) throw new SovdError('invalid-request', "Missing 'data' (or legacy 'value')", { details: 'body must be {"data": <value>}' });
    const { target, name } = this.resolveId(ref, id, true);
    const t = target!;
    try {
      const cur = await this.params.read(t.fqn, name, signal);
      if (cur.value.type === NOT_SET) throw new SovdError('resource-not-found', 'Parameter not found', { entity_id: ref.entity.id, config_id: id });
      if (cur.descriptor?.read_only) throw new SovdError('x-medkit-ros2-parameter-read-only', `Parameter '${name}' is read-only`, { entity_id: ref.entity.id, config_id: id, node: t.fqn });
      const conv = fromJsonValue(value, cur.value.type);
      if (!conv.ok) {
        throw new SovdError('invalid-parameter', `Invalid value for '${name}': ${conv.problem}`, {
          details: conv.problem,
          config_id: id,
          expected_type: PARAMETER_TYPE_STRINGS[cur.value.type],
          value,
        });
      }
      const [res] = await this.params.set(t.fqn, [{ name, type: cur.value.type, value: conv.value }], signal);
      if (!res?.successful) {
        const reason = res?.reason ?? 'rejected';
        if (/read-only/i.test(reason)) throw new SovdError('x-medkit-ros2-parameter-read-only', reason, { entity_id: ref.entity.id, config_id: id, node: t.fqn });
        throw new SovdError('invalid-parameter', `Node refused the value: ${reason}`, { details: reason, config_id: id, value });
      }
      return this.body(ref, id, t, name, cur.value.type, toJsonValue(conv.value), cur.descriptor);
    } catch (err) {
      throw nodeError(err, ref.entity.id, true);
    }
  }

  /** `DELETE /{entity}/configurations/{config_id}`: back to the first value the gateway saw. */
  async reset(ref: EntityRef, id: string, signal?: AbortSignal): Promise<void> {
    const { target, name } = this.resolveId(ref, id, true);
    const t = target!;
    const init = this.params.initialValues(t.fqn)?.get(name);
    if (!init) throw new SovdError('resource-not-found', 'No initial value known for this parameter', { entity_id: ref.entity.id, config_id: id });
    try {
      const [res] = await this.params.set(t.fqn, [{ name, type: init.type, value: init.value }], signal);
      if (!res?.successful) throw new SovdError('invalid-parameter', `Node refused the reset: ${res?.reason ?? 'rejected'}`, { config_id: id });
    } catch (err) {
      throw nodeError(err, ref.entity.id, true);
    }
  }

  /** `DELETE /{entity}/configurations`: undefined when everything was reset (204), else the 207 body. */
  async resetAll(ref: EntityRef, signal?: AbortSignal): Promise<ConfigResetMultiStatusBody | undefined> {
    const targets = this.targets(ref);
    const results = await Promise.all(
      targets.map(async (t): Promise<ResetResult> => {
        try {
          // Reading first also records the initial values of a node never seen before.
          if (!this.params.initialValues(t.fqn)) await this.params.snapshot(t.fqn, signal);
          const init = [...(this.params.initialValues(t.fqn) ?? new Map())].filter(([, v]) => !v.read_only);
          const res = init.length > 0 ? await this.params.set(t.fqn, init.map(([name, v]) => ({ name, type: v.type, value: v.value })), signal) : [];
          const ok = res.filter((r) => r.successful).length;
          const failedNames = init.filter((_, i) => !res[i]?.successful).map(([n]) => n);
          const r: ResetResult = { node: t.fqn, app_id: t.app.id, success: failedNames.length === 0, details: { reset_count: ok, failed_count: failedNames.length } };
          if (failedNames.length > 0) r.error = `could not reset ${failedNames.join(', ')}`;
          return r;
        } catch (err) {
          return { node: t.fqn, app_id: t.app.id, success: false, error: nodeError(err, ref.entity.id, true).message };
        }
      }),
    );
    return results.every((r) => r.success) ? undefined : { entity_id: ref.entity.id, results };
  }
}
