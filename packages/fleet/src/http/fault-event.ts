// A fault event of the fleet stream as the live feed and the Last-Event-ID replay both read it: one decoder
// for both, so a resumed client and a live one see the same event for the same stream message.
import { parseEnvelopeOn, subjectFor, type FaultEventBody } from '@medkit/fleet-protocol';

export interface FleetFaultEvent {
  /** Stream sequence; undefined for an event the fast path brought (it has none until its JetStream copy arrives). */
  id?: number;
  /** `<robot>:<seq>`, the same on both paths. */
  event_id: string;
  robot_id: string;
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
  return { id: seq, event_id: p.envelope.event_id, robot_id: p.envelope.robot_id, time: p.envelope.time, body: p.envelope.body as FaultEventBody };
}
