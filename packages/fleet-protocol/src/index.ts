// @medkit/fleet-protocol: the robot-to-fleet wire contract both tiers build on (docs/fleet.md–3): ids,
// subjects, the JSON envelope and its bodies, the per-fleet JetStream stream, and the NATS connection loop.
// Imports no medkit package; the NATS clients are loaded on first use.
export {
  EVENT_KINDS,
  ENVELOPE_VERSION,
  FAST_PATH_MAX_BYTES,
  FAST_PATH_PREFIX,
  FLEET_ID_PATTERN,
  MAX_ENVELOPE_BYTES,
  MAX_SNAPSHOT_ENTITIES,
  eventId,
  fastSubjectFor,
  fastSubjects,
  fleetSubjects,
  isFleetId,
  parseEnvelope,
  parseEnvelopeOn,
  streamName,
  subjectFor,
  subjectMismatch,
  type EntitiesBody,
  type EntityNode,
  type EventKind,
  type FaultEventBody,
  type FaultAcknowledgementBody,
  type FleetEnvelope,
  type HealthBody,
  type LogsBody,
  type ParseResult,
} from './envelope.js';
export { ensureFleetStream, intendedReplicas, streamReplicas, type ServerFacts, type StreamLimits, type StreamReplicas } from './stream.js';
export { connectWithRetry, type NatsSettings } from './connect.js';
export { WakeableSleep } from './wake-sleep.js';
