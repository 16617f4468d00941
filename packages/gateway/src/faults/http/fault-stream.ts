// The `/faults/stream` side of the fault system: the timeline (local and relayed peer events on one id
// sequence, framed as SSE) and the fan-out to connected clients. Built by the faults feature next to the
// domain service, so the domain (faults/gateway/service.ts) never imports SSE framing.
import type { FaultsService } from '../gateway/service.js';
import type { FaultRecord } from '@medkit/faults';
import { FaultSseFanout } from './sse-fanout.js';
import { FaultStreamTimeline } from './stream-timeline.js';

export class FaultStream {
  /** What /faults/stream carries: local events and relayed peer events on one id sequence. */
  readonly timeline: FaultStreamTimeline;
  readonly fanout: FaultSseFanout;

  /**
   * `replayCapacity`: events kept for `Last-Event-ID` replay (`faults.event_replay_buffer`); `flushMs`: the
   * window whose events each client gets in one write (`faults.stream_flush_ms`).
   */
  constructor(service: FaultsService, replayCapacity = 100, flushMs = 0) {
    const entityOf = (e: { fault: FaultRecord }) => (e.fault.reporting_sources.length > 0 ? service.entities.entityOf(e.fault.reporting_sources[0]) : undefined);
    this.timeline = new FaultStreamTimeline(service.manager.events, entityOf, replayCapacity);
    this.fanout = new FaultSseFanout(this.timeline, flushMs);
  }

  close(): void {
    this.fanout.close();
    this.timeline.close();
  }
}
