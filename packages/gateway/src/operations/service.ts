// Operations (docs/resources.md): services run synchronously (200 with the response), actions run as
// executions (202 + Location; status, feedback, result, cancel). Requests are validated against the
// type's schema first; every ROS round trip has service_call_timeout_sec as its deadline.
import { effectiveFqn, splitFqn, type App, type Entity, type EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import { isAggregating } from '../ros/members.js';
import { messageOf, securityRefusal } from '../ros/call-errors.js';
import { rosFailure } from '@medkit/ros2/light';
import type { TypeInfoCache } from '../ros/type-info.js';
import type { OperationBackend } from './backend.js';
import { executionView, isTerminal, type ExecutionBody, type ExecutionTracker } from './executions.js';
import { findOperation, operationItems, type OperationItem } from './items.js';
import type { AsyncStartedBody, ExecutionListBody, OperationView, SyncResultBody } from './rest-shape.js';
import { ProviderChain } from '../entities/provider-chain.js';
import type { OperationProvider } from './providers.js';

export interface EntityRef {
  type: EntityType;
  entity: Entity;
}

export interface OperationsDeps {
  backend?: OperationBackend;
  tracker: ExecutionTracker;
  typeInfo?: TypeInfoCache;
  members(type: EntityType, entity: Entity): App[];
  /** service_call_timeout_sec in ms. */
  callTimeoutMs: number;
  /** Value of x-medkit.source (the gateway's name). */
  source: string;
  /** The other providers of entities' operations (operations/providers.ts); none when not given. */
  providers?: ProviderChain<OperationProvider>;
}

/** Extra wait of get-result and cancel on top of the call timeout (docs/hardening.md). */
const DISCOVERY_GRACE_MS = 2000;

export type { OperationView };

export interface ExecuteBody {
  parameters?: unknown;
  request?: unknown;
  goal?: unknown;
  type?: unknown;
}

/** A ROS interface type name as `type` may give it: `pkg/srv/Name` or `pkg/action/Name`. */
export const INTERFACE_TYPE_PATTERN = '^[A-Za-z][A-Za-z0-9_]*/(srv|action)/[A-Za-z][A-Za-z0-9_]*$';
const INTERFACE_TYPE = new RegExp(INTERFACE_TYPE_PATTERN);

/**
 * The client's `type` override, checked here too (plugins and the wildcard route may bypass the route
 * schema): a string naming an interface of the operation's kind, else 400 invalid-parameter.
 */
function overrideType(v: unknown, kind: 'service' | 'action'): string | undefined {
  if (v === undefined) return undefined;
  const ok = typeof v === 'string' && v.length <= 256 && INTERFACE_TYPE.test(v) && v.split('/')[1] === (kind === 'service' ? 'srv' : 'action');
  if (!ok) {
    throw new SovdError('invalid-parameter', `type must name a ROS ${kind} type (pkg/${kind === 'service' ? 'srv' : 'action'}/Name)`, { parameter: 'type' });
  }
  return v;
}

export type ExecuteOutcome = { kind: 'sync'; body: SyncResultBody } | { kind: 'async'; id: string; body: AsyncStartedBody };

/** The entity an execution belongs to (the reference's 0.7.0: reading it through another entity is 404). */
const ownerOf = (ref: EntityRef): string => `${ref.type}/${ref.entity.id}`;

export class OperationsService {
  /**
   * The other providers of entities' operations, consulted before the ROS services and actions: the first that
   * serves an entity answers for all of its operations (docs/plugins.md).
   */
  readonly providers: ProviderChain<OperationProvider>;

  constructor(private readonly deps: OperationsDeps) {
    this.providers = deps.providers ?? new ProviderChain();
  }

  private items(ref: EntityRef): { items: OperationItem[]; apps: App[] } {
    const apps = this.deps.members(ref.type, ref.entity);
    return { items: operationItems(apps, isAggregating(ref.type)), apps };
  }

  find(ref: EntityRef, id: string): OperationItem {
    const { items, apps } = this.items(ref);
    const namespaces = new Map(apps.filter((a) => effectiveFqn(a)).map((a) => [a.id, splitFqn(effectiveFqn(a)).namespace]));
    return findOperation(
      items,
      apps.map((a) => a.id),
      ref.entity.id,
      id,
      isAggregating(ref.type),
      namespaces,
    );
  }

  private view(ref: EntityRef, i: OperationItem): OperationView {
    const ros2 = { [i.kind]: i.path, type: i.type, kind: i.kind };
    const xm: Record<string, unknown> = { ros2, entity_id: ref.entity.id, source: this.deps.source };
    const schema = (t: string) => this.deps.typeInfo?.message(t)?.schema;
    const parts = i.kind === 'service' ? { request: schema(`${i.type}_Request`), response: schema(`${i.type}_Response`) } : { goal: schema(`${i.type}_Goal`), result: schema(`${i.type}_Result`), feedback: schema(`${i.type}_Feedback`) };
    if (Object.values(parts).every((p) => p !== undefined)) xm.type_info = parts;
    if (isAggregating(ref.type)) xm.member_ids = i.member_ids;
    return { id: i.id, name: i.name, proximity_proof_required: false, asynchronous_execution: i.kind === 'action', 'x-medkit': xm };
  }

  list(ref: EntityRef): { items: OperationView[] } {
    return { items: this.items(ref).items.map((i) => this.view(ref, i)) };
  }

  get(ref: EntityRef, id: string): { item: OperationView } {
    return { item: this.view(ref, this.find(ref, id)) };
  }

  /** `POST …/executions`. */
  async execute(ref: EntityRef, id: string, body: ExecuteBody, signal?: AbortSignal): Promise<ExecuteOutcome> {
    const op = this.find(ref, id);
    const backend = this.deps.backend;
    if (!backend) throw new SovdError('service-unavailable', 'Operations are not available (ROS access is off)', { entity_id: ref.entity.id });
    const type = overrideType(body.type, op.kind) ?? op.type;
    const input = body.parameters ?? (op.kind === 'service' ? body.request : body.goal) ?? {};
    const part = op.kind === 'service' ? `${type}_Request` : `${type}_Goal`;
    if (this.deps.typeInfo && !(await this.deps.typeInfo.ensure(part, { timeoutMs: this.deps.callTimeoutMs, signal }))) {
      // The client named a type nobody on the graph can describe: its mistake, not the gateway's.
      if (type !== op.type) throw new SovdError('invalid-parameter', `Interface type ${type} is not known on the ROS graph`, { parameter: 'type', value: type, advertised_type: op.type });
      throw new SovdError('x-medkit-ros2-type-introspection-failed', `Type ${type} could not be introspected`, { entity_id: ref.entity.id, operation_id: id, type });
    }
    const issues = backend.validate(part, input);
    if (issues && issues.length > 0) {
      throw new SovdError('invalid-request', `Invalid ${op.kind === 'service' ? 'request' : 'goal'}: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`, {
        details: `does not match ${part}`,
        field: issues[0].path,
        issues,
      });
    }
    const o = { timeoutMs: this.deps.callTimeoutMs, signal };
    if (op.kind === 'service') {
      try {
        return { kind: 'sync', body: { parameters: await backend.callService(op.path, type, input, o) } };
      } catch (err) {
        const reason = rosFailure(err);
        // The reference's 0.7.0: a call that ran out of its budget says so rather than failing generically.
        const why = reason === 'timeout' ? `no answer within service_call_timeout_sec (${this.deps.callTimeoutMs / 1000} s)` : messageOf(err);
        throw securityRefusal(err, { entity_id: ref.entity.id, service: op.path }) ?? new SovdError('x-medkit-ros2-service-unavailable', `Service call to ${op.path} failed: ${why}`, { entity_id: ref.entity.id, service: op.path, reason });
      }
    }
    let handle;
    try {
      handle = await backend.sendGoal(op.path, type, input, o);
    } catch (err) {
      throw securityRefusal(err, { entity_id: ref.entity.id, action: op.path }) ?? new SovdError('x-medkit-ros2-action-unavailable', `Sending the goal to ${op.path} failed: ${messageOf(err)}`, { entity_id: ref.entity.id, action: op.path, reason: rosFailure(err) });
    }
    if (!handle.accepted) throw new SovdError('x-medkit-ros2-action-rejected', `The action server rejected the goal`, { entity_id: ref.entity.id, action: op.path, goal_id: handle.id });
    // The result may take as long as the action runs; the tracker's cleanup bounds what is kept.
    this.deps.tracker.add(ownerOf(ref), op.path, type, handle, 24 * 3600_000);
    return { kind: 'async', id: handle.id, body: { id: handle.id, status: 'running' } };
  }

  listExecutions(ref: EntityRef, id: string): ExecutionListBody {
    const op = this.find(ref, id);
    if (op.kind === 'service') return { items: [] };
    return { items: this.deps.tracker.list(ownerOf(ref), op.path).map((e) => ({ id: e.id })) };
  }

  private execution(ref: EntityRef, id: string, execId: string) {
    const op = this.find(ref, id);
    const e = op.kind === 'action' ? this.deps.tracker.get(ownerOf(ref), op.path, execId) : undefined;
    if (!e) throw new SovdError('resource-not-found', 'Execution not found', { entity_id: ref.entity.id, operation_id: id, execution_id: execId });
    return e;
  }

  getExecution(ref: EntityRef, id: string, execId: string): ExecutionBody {
    return executionView(this.execution(ref, id, execId));
  }

  /** Cancels a goal (DELETE, or PUT capability stop); resolves once cancellation is under way. */
  async cancel(ref: EntityRef, id: string, execId: string, signal?: AbortSignal): Promise<ExecutionBody> {
    const e = this.execution(ref, id, execId);
    const params = { entity_id: ref.entity.id, operation_id: id, execution_id: e.id };
    if (isTerminal(e.status)) throw new SovdError('x-medkit-ros2-action-rejected', 'The goal already finished', { ...params, return_code: 3 });
    let code: number;
    try {
      code = (await e.handle.cancel({ timeoutMs: this.deps.callTimeoutMs + DISCOVERY_GRACE_MS, signal })).returnCode;
    } catch (err) {
      const kind = rosFailure(err);
      if (kind === 'timeout') {
        if (e.status === 3 || isTerminal(e.status)) return executionView(e);
        throw new SovdError('not-responding', 'No answer to the cancel request; poll ros2_status', params);
      }
      if (kind === 'unavailable') throw new SovdError('x-medkit-ros2-action-unavailable', `Cancel service unavailable: ${messageOf(err)}`, params, { status: 503 });
      throw new SovdError('x-medkit-ros2-action-unavailable', `Cancel failed: ${messageOf(err)}`, params);
    }
    if (code !== 0) {
      const why = code === 1 ? 'rejected' : code === 2 ? 'unknown goal' : 'goal already terminated';
      throw new SovdError('x-medkit-ros2-action-rejected', `The action server refused to cancel: ${why}`, { ...params, return_code: code });
    }
    if (!isTerminal(e.status)) e.status = 3;
    return executionView(e);
  }

  /** PUT control (docs/resources.md). */
  async control(ref: EntityRef, id: string, execId: string, capability: unknown, signal?: AbortSignal): Promise<ExecutionBody> {
    this.execution(ref, id, execId);
    switch (capability) {
      case 'stop':
        return this.cancel(ref, id, execId, signal);
      case 'execute':
        throw new SovdError('precondition-not-fulfilled', 'The execution is already running', { execution_id: execId });
      case 'freeze':
      case 'reset':
        throw new SovdError('invalid-parameter', `'${capability}' is not supported for ROS 2 actions`, { parameter: 'capability', value: capability, allowed_values: ['stop', 'execute'] });
      default:
        throw new SovdError('invalid-parameter', 'Unknown capability', { parameter: 'capability', value: capability, allowed_values: ['stop', 'execute', 'freeze', 'reset'] });
    }
  }
}
