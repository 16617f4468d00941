// Each fleet fault event once and each robot's events in order, at the client (docs/fleet.md, "Event ids"). A
// stream resumed after its replica died replays from its resume point, which lies before the events the fleet's fast
// path brought first; the event's id (`<resume point>.<robot>.<robot seq>`) or its `x-medkit` names the robot and
// its sequence number, which rises with every event the robot sends. So an event whose number is not above the
// highest one seen from its robot is a repeat (or older than one already shown) and is dropped.
import type { FleetFaultEvent } from './fleet.js';

/** Robots remembered at once; past it the one heard from least recently is forgotten. */
const MAX_ROBOTS = 100_000;

/** The robot and sequence number an event names, from its SSE id or its `x-medkit` (older fleets). */
export function fleetEventPosition(e: Pick<FleetFaultEvent, 'id' | 'robot_id' | 'x-medkit'>): { robot: string; seq: number } | undefined {
  // Bounded like the server writes it: robot ids of at most 64 characters, sequence numbers exact in a double.
  const m = e.id ? /^\d{1,15}\.([A-Za-z0-9_-]{1,64})\.(\d{1,15})$/.exec(e.id) : null;
  if (m) return { robot: m[1], seq: Number(m[2]) };
  const x = e['x-medkit'];
  const seq = x?.seq ?? (x?.event_id ? Number(x.event_id.slice(x.event_id.lastIndexOf(':') + 1)) : NaN);
  return Number.isSafeInteger(seq) && seq > 0 ? { robot: x?.robot_id ?? e.robot_id, seq } : undefined;
}

/** The highest sequence number seen per robot; `accept` says whether an event is new and in order. */
export class FleetEventOrder {
  private readonly last = new Map<string, number>();
  /** Events dropped as repeats or out of order. */
  dropped = 0;

  constructor(private readonly maxRobots = MAX_ROBOTS) {}

  /** True for an event to deliver; an event that names no position (an older fleet) is always delivered. */
  accept(e: Pick<FleetFaultEvent, 'id' | 'robot_id' | 'x-medkit'>): boolean {
    const p = fleetEventPosition(e);
    if (!p) return true;
    const seen = this.last.get(p.robot);
    if (seen !== undefined && p.seq <= seen) {
      this.dropped++;
      return false;
    }
    // Re-inserted so the map's order is least recently heard first.
    this.last.delete(p.robot);
    this.last.set(p.robot, p.seq);
    if (this.last.size > this.maxRobots) this.last.delete(this.last.keys().next().value!);
    return true;
  }
}
