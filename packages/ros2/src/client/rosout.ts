/**
 * The /rosout reader of a context: decoded rcl_interfaces/msg/Log from every node, emitted as `log`
 * events. The reader (reliable, transient local, so a late joiner gets the recent history within
 * the writers' 10 s lifespan) is created on the first listener and lives on a hidden helper node.
 */
import { EventEmitter } from 'node:events';
import type { Subscription } from '../topics/subscription.js';
import type { ContextServices } from './context-services.js';
import { LOG_TYPE } from './logger.js';
import { QOS_ROSOUT } from './qos-profiles.js';
import type { RosTime } from './time.js';

/** One /rosout entry. */
export interface RosLogEntry {
  stamp: RosTime;
  /** 10 DEBUG, 20 INFO, 30 WARN, 40 ERROR, 50 FATAL. */
  level: number;
  /** Logger name (usually the node name, `ns.node`). */
  name: string;
  msg: string;
  file: string;
  function: string;
  line: number;
  /** Writer GUID of the publishing node's /rosout publisher. */
  publisherGuid: string;
  /** Fully qualified name of the publishing node, when the graph knows it. */
  node?: string;
}

interface RosoutEvents {
  log: [RosLogEntry];
}

/** Emits `log` for every /rosout message on the domain. */
export class RosoutReader extends EventEmitter<RosoutEvents> {
  #sub: Subscription | undefined;
  #closed = false;

  /** @internal */
  constructor(private readonly context: ContextServices) {
    super();
    (this as unknown as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'log') this.start();
    });
  }

  /** Starts reading (done automatically by the first `log` listener). */
  start(): void {
    if (this.#sub || this.#closed) return;
    const node = this.context.internalNode();
    this.#sub = node.createSubscription(
      '/rosout',
      LOG_TYPE,
      (m, info) => {
        const owner = this.context.graph.nodeOfEndpoint(info.publisherGuid);
        this.emit('log', { ...(m as unknown as Omit<RosLogEntry, 'publisherGuid' | 'node'>), publisherGuid: info.publisherGuid, node: owner?.fqn });
      },
      QOS_ROSOUT,
    );
  }

  /** @internal */
  close(): void {
    this.#closed = true;
    this.#sub?.close();
    this.#sub = undefined;
    this.removeAllListeners();
  }
}
