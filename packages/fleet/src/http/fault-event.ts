// A fault event of the fleet stream as the live feed and the Last-Event-ID replay both read it: one decoder
// for both, so a resumed client and a live one see the same event for the same stream message.
import { parseEnvelopeOn, subjectFor, type FaultEventBody } from '@medkit/fleet-protocol';

export interface FleetFaultEvent {
  /** Stream sequence; undefined for an event the fast path brought (it has none until its JetStream copy arrives). */
  id?: number;
  /** `<robot>:<seq>`, the same on both paths. */
  event_id: string;
  robot_id: string;
  /** The robot's own sequence number (one counter over all its event kinds): rises with every event it sends. */
  seq: number;
  /** The robot's previous fault event's seq, when its link sends it (prev_seq): a fast-path gap shows. */
  prevSeq?: number;
  time: string;
  body: FaultEventBody;
  /**
   * The live feed's count of fast-path events when this one was delivered from the fast path (fast-path events), or,
   * on the JetStream copy of an event the fast path delivered first, that count (a client that was live then has it).
   */
  fastTick?: number;
}

/** The fault subjects of every robot of a fleet (one filter subject: a list needs nats-server ≥ 2.10). */
export function faultSubjects(fleet: string): string {
  return subjectFor(fleet, '*', 'faults');
}

/**
 * The fault event in a message on `subject` (stream sequence `seq`, none from the fast path); undefined for anything
 * else (other kinds, refused envelopes, an envelope of another robot than the subject's).
 */
export function decodeFaultEvent(seq: number | undefined, subject: string, data: Uint8Array): FleetFaultEvent | undefined {
  const p = parseEnvelopeOn(subject, data);
  if (!p.ok || p.envelope.kind !== 'faults') return undefined;
  return { id: seq, event_id: p.envelope.event_id, robot_id: p.envelope.robot_id, seq: p.envelope.seq, prevSeq: p.envelope.prev_seq, time: p.envelope.time, body: p.envelope.body as FaultEventBody };
}

/**
 * The SSE id of a fault event (docs/fleet.md, "Event ids"): `<stream seq>.<robot>.<robot seq>`. The first part is the
 * resume point (every fault event of the stream up to it was sent); the other two name the event, so a client tells a
 * repeat (a resume replays what the fast path brought first) and keeps each robot's events in order. A fast-path
 * event carries the resume point the client had when it was sent. Robot ids hold no `.` (FLEET_ID_PATTERN).
 */
export function sseEventId(resumePoint: number, e: Pick<FleetFaultEvent, 'robot_id' | 'seq'>): string {
  return `${resumePoint}.${e.robot_id}.${e.seq}`;
}

/** The resume point of a Last-Event-ID: a stream sequence alone (as older replicas sent it) or an sseEventId. */
export function resumePointOf(header: string): number | undefined {
  // At most 15 digits (exact in a double); the rest as sseEventId writes it.
  const m = /^(\d{1,15})(?:\.[A-Za-z0-9_-]{1,64}\.\d{1,15})?$/.exec(header.trim());
  return m ? Number(m[1]) : undefined;
}
