/**
 * Parameters of one of our nodes: declare with descriptors, get and set with type, read-only and
 * range rules, served through the six parameter services (parameters QoS), and announced on
 * /parameter_events like rclcpp does.
 */
import { PARAMETER_SERVICES, nodeScopedName } from '../names/index.js';
import type { NodeHost } from '../client/node-host.js';
import { QOS_PARAMETER_EVENTS, QOS_PARAMETERS } from '../client/qos-profiles.js';
import { rosNow } from '../client/time.js';
import type { ServiceServer } from '../services/service-server.js';
import type { Publisher } from '../topics/publisher.js';
import { descriptorProblem, listNames, type ParameterDescriptorMsg } from './parameter-rules.js';
import { ParameterType, emptyValue, fromParameterValue, inferType, toParameterValue, type ParameterJsValue, type ParameterMsg, type ParameterValueMsg } from './values.js';

/** How a parameter may be used. */
export interface ParameterDescriptorInput {
  /** ParameterType value; default: the type of the default value. */
  type?: number;
  description?: string;
  additionalConstraints?: string;
  readOnly?: boolean;
  dynamicTyping?: boolean;
  floatingPointRange?: { from: number; to: number; step?: number };
  integerRange?: { from: number; to: number; step?: number };
}

/** Options of a node's parameters. */
export interface ParameterServerOptions {
  /** Values that replace the defaults of parameters when they are declared (like `--ros-args -p`). */
  parameterOverrides?: Record<string, ParameterJsValue>;
  /** Accept sets of parameters that were never declared (default false, like rclcpp). */
  allowUndeclaredParameters?: boolean;
  /** Publish /parameter_events (default true). */
  parameterEvents?: boolean;
}

/** Result of a set. */
export interface SetParameterResult {
  successful: boolean;
  reason: string;
}

/** Veto of a set: return a failed result to refuse the whole batch. */
export type SetParametersCallback = (params: Array<{ name: string; value: ParameterJsValue; type: number }>) => SetParameterResult | void;

interface Entry {
  value: ParameterValueMsg;
  descriptor: ParameterDescriptorMsg;
}

const PARAMETER_EVENT_TYPE = 'rcl_interfaces/msg/ParameterEvent';

export class ParameterServer {
  readonly #host: NodeHost;
  readonly #opts: ParameterServerOptions;
  readonly #params = new Map<string, Entry>();
  readonly #callbacks = new Set<SetParametersCallback>();
  readonly #servers: ServiceServer[] = [];
  #events: Publisher | undefined;

  /** @internal */
  constructor(host: NodeHost, opts: ParameterServerOptions) {
    this.#host = host;
    this.#opts = opts;
    if (opts.parameterEvents !== false) this.#events = host.createPublisher('/parameter_events', PARAMETER_EVENT_TYPE, QOS_PARAMETER_EVENTS);
  }

  /** @internal Creates the six parameter services. */
  serve(): void {
    if (this.#servers.length > 0) return;
    const svc = (entry: { suffix: string; type: string }, fn: (r: never) => unknown) =>
      this.#servers.push(this.#host.createService(nodeScopedName(this.#host.fqn, entry.suffix), entry.type, fn as (r: Record<string, unknown>) => unknown, { qos: QOS_PARAMETERS }));
    svc(PARAMETER_SERVICES.listParameters, (r: { prefixes: string[]; depth: number | string }) => ({ result: listNames([...this.#params.keys()], r.prefixes, Number(r.depth)) }));
    svc(PARAMETER_SERVICES.getParameters, (r: { names: string[] }) => ({ values: r.names.map((n) => this.#params.get(n)?.value ?? emptyValue()) }));
    svc(PARAMETER_SERVICES.getParameterTypes, (r: { names: string[] }) => ({ types: r.names.map((n) => this.#params.get(n)?.value.type ?? 0) }));
    svc(PARAMETER_SERVICES.describeParameters, (r: { names: string[] }) => ({ descriptors: r.names.map((n) => this.#params.get(n)?.descriptor ?? descriptorOf(n, {}, 0)) }));
    svc(PARAMETER_SERVICES.setParameters, (r: { parameters: ParameterMsg[] }) => ({ results: r.parameters.map((p) => this.#apply([p])) }));
    svc(PARAMETER_SERVICES.setParametersAtomically, (r: { parameters: ParameterMsg[] }) => ({ result: this.#apply(r.parameters) }));
  }

  /**
   * Declares a parameter and returns its value (the override if one was given, else the default).
   * Throws when already declared or when the value breaks the descriptor.
   */
  declare(name: string, defaultValue: ParameterJsValue, descriptor: ParameterDescriptorInput = {}): ParameterJsValue {
    if (this.#params.has(name)) throw new Error(`parameter '${name}' is already declared`);
    const override = this.#opts.parameterOverrides?.[name];
    // A JS number cannot say "double" (1.0 === 1): a floating-point range or an explicit type can.
    const type = descriptor.type ?? (descriptor.floatingPointRange ? ParameterType.DOUBLE : inferType(defaultValue));
    const d = descriptorOf(name, descriptor, type);
    const raw = override !== undefined ? override : defaultValue;
    const value = raw === null ? emptyValue() : toParameterValue(raw, inferType(raw, type));
    const problem = value.type === 0 ? undefined : descriptorProblem(d, value, true);
    if (problem) throw new Error(problem);
    this.#params.set(name, { value, descriptor: d });
    this.#publishEvent([{ name, value }], [], []);
    return fromParameterValue(value);
  }

  /** Removes a declared parameter (not allowed for read-only ones). */
  undeclare(name: string): void {
    const e = this.#params.get(name);
    if (!e) throw new Error(`parameter '${name}' is not declared`);
    if (e.descriptor.read_only) throw new Error(`parameter '${name}' is read-only`);
    this.#params.delete(name);
    this.#publishEvent([], [], [{ name, value: e.value }]);
  }

  has(name: string): boolean {
    return this.#params.has(name);
  }

  /** The value, or undefined when not declared. */
  get(name: string): ParameterJsValue | undefined {
    const e = this.#params.get(name);
    return e ? fromParameterValue(e.value) : undefined;
  }

  /** Every parameter's value. */
  getAll(): Record<string, ParameterJsValue> {
    return Object.fromEntries([...this.#params].map(([n, e]) => [n, fromParameterValue(e.value)]));
  }

  /** Names, sorted. */
  names(): string[] {
    return [...this.#params.keys()].sort();
  }

  /** Descriptor in rcl_interfaces form. */
  describe(name: string): ParameterDescriptorMsg | undefined {
    return this.#params.get(name)?.descriptor;
  }

  /** Sets one parameter with the same rules as a remote set. */
  set(name: string, value: ParameterJsValue): SetParameterResult {
    const e = this.#params.get(name);
    return this.#apply([{ name, value: toParameterValue(value, inferType(value, e?.descriptor.type)) }]);
  }

  /** Adds a veto callback (like rclcpp's add_on_set_parameters_callback); returns a remover. */
  onSet(cb: SetParametersCallback): () => void {
    this.#callbacks.add(cb);
    return () => this.#callbacks.delete(cb);
  }

  /** Applies a batch atomically: all succeed or nothing changes. */
  #apply(batch: ParameterMsg[]): SetParameterResult {
    const created: ParameterMsg[] = [];
    const changed: ParameterMsg[] = [];
    const deleted: ParameterMsg[] = [];
    for (const p of batch) {
      const e = this.#params.get(p.name);
      if (!e) {
        if (!this.#opts.allowUndeclaredParameters) return { successful: false, reason: `parameter '${p.name}' is not declared` };
        if (p.value.type !== 0) created.push(p);
        continue;
      }
      if (p.value.type === 0) {
        if (e.descriptor.read_only) return { successful: false, reason: `parameter '${p.name}' is read-only` };
        if (!e.descriptor.dynamic_typing) return { successful: false, reason: `parameter '${p.name}' cannot be undeclared, it is statically typed` };
        deleted.push({ name: p.name, value: e.value });
        continue;
      }
      const problem = descriptorProblem(e.descriptor, p.value);
      if (problem) return { successful: false, reason: problem };
      changed.push(p);
    }
    for (const cb of this.#callbacks) {
      try {
        const r = cb([...created, ...changed].map((p) => ({ name: p.name, value: fromParameterValue(p.value), type: p.value.type })));
        if (r && !r.successful) return r;
      } catch (err) {
        return { successful: false, reason: (err as Error).message };
      }
    }
    for (const p of created) this.#params.set(p.name, { value: p.value, descriptor: { ...descriptorOf(p.name, {}, p.value.type), dynamic_typing: true } });
    for (const p of changed) this.#params.get(p.name)!.value = p.value;
    for (const p of deleted) this.#params.delete(p.name);
    this.#publishEvent(created, changed, deleted);
    return { successful: true, reason: '' };
  }

  #publishEvent(created: ParameterMsg[], changed: ParameterMsg[], deleted: ParameterMsg[]): void {
    if (!this.#events || created.length + changed.length + deleted.length === 0) return;
    try {
      this.#events.publish({ stamp: rosNow(), node: this.#host.fqn, new_parameters: created, changed_parameters: changed, deleted_parameters: deleted });
    } catch {
      // An event that does not serialize must not fail the set.
    }
  }

  /** @internal */
  close(): void {
    for (const s of this.#servers.splice(0)) s.close();
    this.#events = undefined;
  }
}

function descriptorOf(name: string, d: ParameterDescriptorInput, type: number): ParameterDescriptorMsg {
  return {
    name,
    type,
    description: d.description ?? '',
    additional_constraints: d.additionalConstraints ?? '',
    read_only: d.readOnly ?? false,
    dynamic_typing: d.dynamicTyping ?? false,
    floating_point_range: d.floatingPointRange ? [{ from_value: d.floatingPointRange.from, to_value: d.floatingPointRange.to, step: d.floatingPointRange.step ?? 0 }] : [],
    integer_range: d.integerRange ? [{ from_value: d.integerRange.from, to_value: d.integerRange.to, step: d.integerRange.step ?? 0 }] : [],
  };
}
