// Parameter access per node with the "never block" rules (docs/architecture.md, docs/hardening.md): every
// operation has one deadline (parameter_service_timeout_sec) shared by its round trips; a node whose
// parameter service timed out or is missing is answered "unavailable" at once for
// parameter_service_negative_cache_sec; the first values seen of each node are kept for resets.
import { rosFailure } from '@medkit/ros2/light';
import type { ParamDescriptor, ParameterBackend, ParamValue } from './backend.js';
import { NOT_SET, type RosParameterValue } from './values.js';

export type UnavailableReason = 'timeout' | 'unavailable' | 'cached';

/** A failure's detail kept and answered, at most (it names a service and its endpoints' state). */
const MAX_DETAIL_CHARS = 300;

/** The node's parameter service did not answer (or is known not to). */
export class NodeUnavailableError extends Error {
  readonly code: string = 'ros-node-unavailable';
  constructor(
    readonly node: string,
    readonly reason: UnavailableReason,
    /** For `cached`: ms until the node is asked again. */
    readonly retryAfterMs = 0,
    /**
     * What the ROS side said (e.g. which of the service's endpoints showed no sign of a match): for `cached`, the
     * failure that is being remembered. Undefined when there is nothing more to say.
     */
    readonly detail?: string,
  ) {
    const why = detail ? ` (${detail})` : '';
    super(
      reason === 'timeout'
        ? `Parameter service of ${node} did not answer in time${why}`
        : reason === 'cached'
          ? `Parameter service of ${node} failed recently${why}; not asking again for ${Math.ceil(retryAfterMs / 1000)} s`
          : `Parameter service of ${node} is not available${why}`,
    );
    this.name = 'NodeUnavailableError';
  }
}

/** The first values the gateway saw of a node's parameters (reset targets). */
export interface InitialValue {
  type: number;
  value: RosParameterValue;
  read_only: boolean;
}

export interface NodeSnapshot {
  values: ParamValue[];
  descriptors: Map<string, ParamDescriptor>;
}

export interface NodeParametersOptions {
  timeoutMs: number;
  /** 0 = no negative cache. */
  negativeCacheMs: number;
  now?: () => number;
}

interface Negative {
  until: number;
  /** The graph showed no parameter service at the time: cleared as soon as one appears. */
  absent: boolean;
  /** The remembered failure's detail (NodeUnavailableError.detail). */
  detail?: string;
}

export class NodeParameters {
  private readonly negative = new Map<string, Negative>();
  private readonly initial = new Map<string, Map<string, InitialValue>>();
  private readonly now: () => number;

  constructor(
    private readonly backend: ParameterBackend,
    private readonly opts: NodeParametersOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Runs `fn` under one deadline; timeouts and missing services mark the node unavailable. */
  private async run<T>(fqn: string, signal: AbortSignal | undefined, fn: (o: () => { timeoutMs: number; signal?: AbortSignal }) => Promise<T>): Promise<T> {
    const neg = this.negative.get(fqn);
    if (neg) {
      const left = neg.until - this.now();
      if (left > 0) throw new NodeUnavailableError(fqn, 'cached', left, neg.detail);
      this.negative.delete(fqn);
    }
    if (!this.backend.serves(fqn)) {
      this.mark(fqn, true);
      throw new NodeUnavailableError(fqn, 'unavailable');
    }
    const deadline = this.now() + this.opts.timeoutMs;
    try {
      return await fn(() => ({ timeoutMs: Math.max(0, deadline - this.now()), signal }));
    } catch (err) {
      const kind = rosFailure(err);
      if (kind === 'timeout' || kind === 'unavailable') {
        const detail = err instanceof Error ? err.message.slice(0, MAX_DETAIL_CHARS) : undefined;
        this.mark(fqn, !this.backend.serves(fqn), detail);
        throw new NodeUnavailableError(fqn, kind, 0, detail);
      }
      throw err;
    }
  }

  private mark(fqn: string, absent: boolean, detail?: string): void {
    if (this.opts.negativeCacheMs > 0) this.negative.set(fqn, { until: this.now() + this.opts.negativeCacheMs, absent, detail });
  }

  /** Forget failures of nodes whose parameter service has (re)appeared in the graph. */
  graphChanged(): void {
    for (const [fqn, n] of this.negative) if (n.absent && this.backend.serves(fqn)) this.negative.delete(fqn);
  }

  /** True while the node is answered "unavailable" from the cache. */
  isNegative(fqn: string): boolean {
    const n = this.negative.get(fqn);
    return n !== undefined && n.until > this.now();
  }

  /** Every parameter of the node with its descriptor; records initial values the first time. */
  snapshot(fqn: string, signal?: AbortSignal): Promise<NodeSnapshot> {
    return this.run(fqn, signal, async (o) => {
      const names = await this.backend.list(fqn, o());
      const [values, descs] = await Promise.all([this.backend.get(fqn, names, o()), this.backend.describe(fqn, names, o())]);
      const descriptors = new Map(descs.map((d, i) => [names[i], d]));
      this.remember(fqn, values, descriptors);
      return { values: values.filter((v) => v.type !== NOT_SET), descriptors };
    });
  }

  /** One parameter with its descriptor (type NOT_SET when the node does not have it). */
  read(fqn: string, name: string, signal?: AbortSignal): Promise<{ value: ParamValue; descriptor?: ParamDescriptor }> {
    return this.run(fqn, signal, async (o) => {
      await this.ensureInitial(fqn, o);
      const [[value], [descriptor]] = await Promise.all([this.backend.get(fqn, [name], o()), this.backend.describe(fqn, [name], o())]);
      return { value: value ?? { name, type: NOT_SET, value: null }, descriptor };
    });
  }

  /** Sets parameters; one result per parameter. Initial values are captured before the first change. */
  set(fqn: string, params: { name: string; type: number; value: RosParameterValue }[], signal?: AbortSignal): Promise<{ successful: boolean; reason: string }[]> {
    return this.run(fqn, signal, async (o) => {
      await this.ensureInitial(fqn, o);
      return this.backend.set(fqn, params, o());
    });
  }

  /** The first values seen of the node (undefined when never read). */
  initialValues(fqn: string): ReadonlyMap<string, InitialValue> | undefined {
    return this.initial.get(fqn);
  }

  private async ensureInitial(fqn: string, o: () => { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    if (this.initial.has(fqn)) return;
    const names = await this.backend.list(fqn, o());
    const [values, descs] = await Promise.all([this.backend.get(fqn, names, o()), this.backend.describe(fqn, names, o())]);
    this.remember(fqn, values, new Map(descs.map((d, i) => [names[i], d])));
  }

  private remember(fqn: string, values: ParamValue[], descriptors: Map<string, ParamDescriptor>): void {
    let known = this.initial.get(fqn);
    if (!known) {
      known = new Map();
      this.initial.set(fqn, known);
    }
    for (const v of values) {
      // Only the first sighting counts; parameters declared later are added when first seen.
      if (v.type === NOT_SET || known.has(v.name)) continue;
      known.set(v.name, { type: v.type, value: v.value, read_only: descriptors.get(v.name)?.read_only ?? false });
    }
  }
}
