/** A node's logger: publishes rcl_interfaces/msg/Log on /rosout (rosout QoS profile) like rcl does. */
import type { Publisher } from '../topics/publisher.js';
import type { NodeHost } from './node-host.js';
import { QOS_ROSOUT } from './qos-profiles.js';
import { rosNow } from './time.js';

/** Log levels of rcl_interfaces/msg/Log. */
export const LogLevel = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 } as const;
export type LogLevelName = keyof typeof LogLevel;

/** Type of /rosout messages. */
export const LOG_TYPE = 'rcl_interfaces/msg/Log';

/** Logger of one node; a no-op when the node was created with `rosout: false`. */
export class NodeLogger {
  /** Logger name: the node FQN without the leading `/`, dots for slashes (rcl's convention). */
  readonly name: string;
  #pub: Publisher | undefined;

  /** @internal */
  constructor(node: NodeHost, enabled: boolean) {
    this.name = node.fqn.slice(1).replace(/\//g, '.');
    if (enabled) this.#pub = node.createPublisher('/rosout', LOG_TYPE, QOS_ROSOUT);
  }

  /** Publishes one log message at `level` (10..50). */
  log(level: number, msg: string, where: { file?: string; function?: string; line?: number } = {}): void {
    this.#pub?.publish({ stamp: rosNow(), level, name: this.name, msg, file: where.file ?? '', function: where.function ?? '', line: where.line ?? 0 });
  }

  debug(msg: string): void {
    this.log(LogLevel.DEBUG, msg);
  }
  info(msg: string): void {
    this.log(LogLevel.INFO, msg);
  }
  warn(msg: string): void {
    this.log(LogLevel.WARN, msg);
  }
  error(msg: string): void {
    this.log(LogLevel.ERROR, msg);
  }
  fatal(msg: string): void {
    this.log(LogLevel.FATAL, msg);
  }

  /** @internal */
  close(): void {
    this.#pub = undefined;
  }
}
