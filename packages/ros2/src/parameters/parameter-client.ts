/**
 * Access to a remote node's parameters through its parameter services (docs/ros2.md).
 * Each call has a deadline and an AbortSignal; clients are created per service on first use.
 */
import { PARAMETER_SERVICES } from '../names/index.js';
import type { CallOptions } from '../client/deadline.js';
import type { NodeHost } from '../client/node-host.js';
import { QOS_PARAMETERS } from '../client/qos-profiles.js';
import type { ServiceClient } from '../services/service-client.js';
import { ScopedClients } from '../client/scoped-clients.js';
import type { ParameterDescriptorMsg } from './parameter-rules.js';
import type { SetParameterResult } from './parameter-server.js';
import { fromParameterValue, inferType, toParameterValue, type ParameterJsValue, type ParameterValueMsg } from './values.js';

/** One parameter read from a remote node. */
export interface RemoteParameter {
  name: string;
  /** ParameterType (0 = not set: the node does not have it). */
  type: number;
  value: ParameterJsValue;
}

/** What to set: a value, optionally with its ParameterType (else inferred). */
export type ParameterAssignment = { name: string; value: ParameterJsValue; type?: number };

type Key = keyof typeof PARAMETER_SERVICES;

export class ParameterClient {
  /** FQN of the node whose parameters this reads. */
  readonly target: string;
  readonly #clients: ScopedClients<Key>;

  /** @internal */
  constructor(node: NodeHost, target: string) {
    this.#clients = new ScopedClients(node, target, PARAMETER_SERVICES, QOS_PARAMETERS);
    this.target = this.#clients.target;
  }

  #client(key: Key): ServiceClient {
    return this.#clients.get(key);
  }

  /**
   * Resolves once the node's list and get services have a ready server (they are created here if need be, so
   * matching goes on between calls); rejects with RosUnavailableError at the deadline. Lets a caller tell
   * "not discovered yet" (nothing sent) from a call that failed.
   */
  async waitForReadServices(opts?: CallOptions): Promise<void> {
    await Promise.all((['listParameters', 'getParameters'] as const).map((k) => this.#client(k).waitForService(opts)));
  }

  /** Names (and prefixes) of the node's parameters; `depth` 0 = all levels. */
  async list(prefixes: string[] = [], depth = 0, opts?: CallOptions): Promise<{ names: string[]; prefixes: string[] }> {
    const r = (await this.#client('listParameters').call({ prefixes, depth }, opts)) as { result: { names: string[]; prefixes: string[] } };
    return r.result;
  }

  /** Values in request order; an unknown name comes back with type 0 and value null. */
  async get(names: string[], opts?: CallOptions): Promise<RemoteParameter[]> {
    const r = (await this.#client('getParameters').call({ names }, opts)) as { values: ParameterValueMsg[] };
    return names.map((name, i) => {
      const v = r.values[i];
      return v ? { name, type: v.type, value: fromParameterValue(v) } : { name, type: 0, value: null };
    });
  }

  /** ParameterType of each name (0 = not set). */
  async getTypes(names: string[], opts?: CallOptions): Promise<number[]> {
    const r = (await this.#client('getParameterTypes').call({ names }, opts)) as { types: number[] };
    return r.types;
  }

  /** Descriptors in request order. */
  async describe(names: string[], opts?: CallOptions): Promise<ParameterDescriptorMsg[]> {
    const r = (await this.#client('describeParameters').call({ names }, opts)) as { descriptors: ParameterDescriptorMsg[] };
    return r.descriptors;
  }

  /** Sets each parameter on its own; one result per parameter. */
  async set(params: ParameterAssignment[], opts?: CallOptions): Promise<SetParameterResult[]> {
    const r = (await this.#client('setParameters').call({ parameters: params.map(toMsg) }, opts)) as { results: SetParameterResult[] };
    return r.results;
  }

  /** Sets all or nothing. */
  async setAtomically(params: ParameterAssignment[], opts?: CallOptions): Promise<SetParameterResult> {
    const r = (await this.#client('setParametersAtomically').call({ parameters: params.map(toMsg) }, opts)) as { result: SetParameterResult };
    return r.result;
  }

  close(): void {
    this.#clients.close();
  }
}

function toMsg(p: ParameterAssignment): { name: string; value: ParameterValueMsg } {
  return { name: p.name, value: toParameterValue(p.value, p.type ?? inferType(p.value)) };
}
