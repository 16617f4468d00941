// `x-medkit.type_info` of data items and operations: the JSON Schema of a ROS type's JSON form and
// its default value, from the type registry (cached per type). Types the registry does not know are
// looked up once from the node that uses them (`~/get_type_description`, Jazzy+), with a deadline.
import type { JsonSchema } from '@medkit/ros2';
import type { RosConnection } from './connection.js';

/** `{schema, default_value}` of one message-like type. */
interface MessageTypeInfo {
  schema: JsonSchema;
  default_value: Record<string, unknown>;
}

/** How long a failed remote type lookup is not retried. */
const LOOKUP_FAILURE_TTL_MS = 30_000;

export class TypeInfoCache {
  private readonly infos = new Map<string, MessageTypeInfo | null>();
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly ros: Pick<RosConnection, 'types' | 'context'>) {}

  /** Schema and default of a message-like type (`pkg/msg/X`, `pkg/srv/X_Request`, ...), or undefined when unknown. */
  message(type: string): MessageTypeInfo | undefined {
    const hit = this.infos.get(type);
    if (hit !== undefined) return hit ?? undefined;
    let info: MessageTypeInfo | null = null;
    try {
      info = { schema: stripDialect(this.ros.types.jsonSchema(type, { inline: true })), default_value: this.ros.types.defaultValue(type) };
    } catch {
      info = null;
    }
    // Unknown types are not cached as unknown forever: a lookup may register them later.
    if (info) this.infos.set(type, info);
    return info ?? undefined;
  }

  /** True when the registry can (de)serialize the type now. */
  known(type: string): boolean {
    return this.ros.types.has(type);
  }

  /**
   * Makes sure `type` is known, asking the network when needed (bounded by `timeoutMs`). Resolves false
   * when it stays unknown; failures are remembered for a while so a dead node is not asked on every read.
   */
  async ensure(type: string, opts: { timeoutMs: number; signal?: AbortSignal; node?: string }): Promise<boolean> {
    if (this.ros.types.has(type)) return true;
    const failed = this.failedAt.get(type);
    if (failed !== undefined && Date.now() - failed < LOOKUP_FAILURE_TTL_MS) return false;
    try {
      await this.ros.context.typeLookup.ensure(type, { timeoutMs: opts.timeoutMs, signal: opts.signal, node: opts.node });
      this.infos.delete(type);
      return this.ros.types.has(type);
    } catch {
      this.failedAt.set(type, Date.now());
      return false;
    }
  }
}

function stripDialect(s: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = s;
  return rest;
}
