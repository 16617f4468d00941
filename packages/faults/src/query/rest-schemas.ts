// TypeBox schemas of the fault REST bodies (docs/faults.md; decision Q1): the one place their shape is written. The
// views of this package return `Static<>` of them, the gateway's routes serve them (response schemas strip unknown
// properties, so every field a view emits is listed here) and the client's types are generated from that document.
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';

export const SovdFaultStatusSchema = Type.Object(
  {
    aggregatedStatus: Type.Union([Type.Literal('active'), Type.Literal('passive'), Type.Literal('cleared')]),
    testFailed: Type.Union([Type.Literal('0'), Type.Literal('1')]),
    confirmedDTC: Type.Union([Type.Literal('0'), Type.Literal('1')]),
    pendingDTC: Type.Union([Type.Literal('0'), Type.Literal('1')]),
  },
  { $id: 'SovdFaultStatus', title: 'SovdFaultStatus', description: 'SOVD status object derived from the raw status (docs/faults.md)' },
);

/** One environment-data entry: a freeze frame (topic, compact, signal history) or a rosbag reference (docs/faults.md). */
export const FaultSnapshotSchema = Type.Object(
  {
    type: Type.String({ description: 'freeze_frame | rosbag' }),
    name: Type.String(),
    data: Type.Optional(Type.Unknown({ description: 'Primary value, whole message, {topic: message} or {signal: {value, history}}' })),
    bulk_data_uri: Type.Optional(Type.String({ description: 'rosbag: the download\'s path under the API base, as the reference writes it, e.g. /apps/x/bulk-data/rosbags/<recording_id>' })),
    size_bytes: Type.Optional(Type.Number()),
    duration_sec: Type.Optional(Type.Number()),
    format: Type.Optional(Type.String({ description: 'mcap | sqlite3' })),
    'x-medkit': Type.Optional(Opaque('captured_at (every entry); topic and signal frames: occurrence (the fault occurrence number whose confirmation took the capture; absent for captures stored before it was recorded); topic frames: topic, message_type, full_data, parse_error; signal frames: capture_id, history_epoch_ns (exact Unix-epoch ns, decimal string; history times are integer ns after it), signals {name: {topic, message_type}}; entity frames: capture_origin, connected, source_timestamp')),
  },
  { $id: 'FaultSnapshot', title: 'FaultSnapshot', additionalProperties: true },
);

/** The acknowledgement of a fault's current occurrence (docs/faults.md "Acknowledge"). */
export const FaultAcknowledgementSchema = Type.Object(
  {
    acknowledged_by: Type.String({ description: 'The client that acknowledged: the token subject with sign-in on, else its X-Client-Id, else "anonymous"' }),
    acknowledged_at: Type.String({ description: 'ISO 8601 time' }),
    occurrence: Type.Integer({ description: 'The occurrence acknowledged; a new occurrence (the fault heals and comes back, or is cleared and comes back) is not acknowledged' }),
    note: Type.Optional(Type.String({ description: 'The note given, at most 500 characters' })),
  },
  { $id: 'FaultAcknowledgement', title: 'FaultAcknowledgement' },
);

/** One stored status change (docs/faults.md "Status history"). */
export const FaultStatusChangeSchema = Type.Object({
  change: Type.String({ description: 'occurred | confirmed | healed | cleared | muted | unmuted | acknowledged' }),
  status: Type.String({ description: 'The raw status after the change' }),
  timestamp: Type.String({ description: 'ISO 8601 time' }),
  occurrence: Type.Integer({ description: 'The occurrence the change belongs to' }),
  source: Type.String({ description: 'Who or what: the reporting node, auto_heal, auto_confirm, the clearing or acknowledging client, clear_service, startup_reclassify, the root cause (muted), the offline peer (unmuted)' }),
  note: Type.Optional(Type.String()),
});

const ListItemFields = {
  fault_code: Type.String({ minLength: 1, maxLength: 256 }),
  fault_name: Type.Optional(Type.String({ description: 'The description; omitted when empty' })),
  description: Type.String(),
  severity: Type.Integer({ description: '0 INFO, 1 WARN, 2 ERROR, 3 CRITICAL' }),
  severity_label: Type.String({ description: 'info | warning | error | critical | unknown (lower case, docs/faults.md decision Q1)' }),
  reporting_sources: Type.Array(Type.String(), { description: 'Reporter ids (node FQNs; external apps use bare ids)' }),
  entity_id: Type.Optional(Type.String({ description: 'Entity of the first reporting source, when the gateway can resolve it' })),
  first_occurred: Type.Number({ description: 'Epoch seconds' }),
  last_occurred: Type.Number({ description: 'Epoch seconds' }),
  last_passed: Type.Optional(Type.Number({ description: 'Epoch seconds; omitted if never passed' })),
  occurrence_count: Type.Integer(),
};

export const FaultListItemSchema = Type.Object(
  {
    ...ListItemFields,
    status: Type.String({ description: 'Raw status (docs/faults.md): PREFAILED, PREPASSED, CONFIRMED, HEALED, CLEARED. The SOVD status object is x-medkit.sovd_status' }),
    'x-medkit': Type.Object({
      status: Type.String({ description: 'Raw status again (kept for clients of the earlier shape)' }),
      sovd_status: Type.Ref(SovdFaultStatusSchema),
      environment_data_unavailable: Type.Optional(Type.Boolean({ description: 'true: the fault store could not read this fault\'s evidence (a corrupt file), so environment_data is left out' })),
      acknowledgement: Type.Optional(Type.Ref(FaultAcknowledgementSchema)),
    }),
    environment_data: Type.Optional(Type.Object({ snapshots: Type.Array(Type.Ref(FaultSnapshotSchema), { description: 'Summarised: no message bodies' }) })),
  },
  {
    $id: 'FaultListItem',
    title: 'FaultListItem',
    examples: [
      {
        fault_code: 'BATTERY_LOW', fault_name: 'Battery charge below 15 %', description: 'Battery charge below 15 %', severity: 1, severity_label: 'warning',
        status: 'CONFIRMED',
        reporting_sources: ['/base/battery_monitor'], entity_id: 'battery-monitor', first_occurred: 1774232073.512, last_occurred: 1774232391.004,
        occurrence_count: 4, 'x-medkit': { status: 'CONFIRMED', sovd_status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' } },
        environment_data: { snapshots: [] },
      },
    ],
  },
);

const MutedFaultSchema = Type.Object({ fault_code: Type.String(), root_cause_code: Type.String(), rule_id: Type.String(), delay_ms: Type.Integer() });
const ClusterSchema = Type.Object({
  cluster_id: Type.String(), rule_id: Type.String(), rule_name: Type.String(), label: Type.String(), representative_code: Type.String(),
  representative_severity: Type.String(), fault_codes: Type.Array(Type.String()), count: Type.Integer(), first_at: Type.Number(), last_at: Type.Number(),
});

export const FaultListSchema = Type.Object(
  {
    items: Type.Array(Type.Ref(FaultListItemSchema)),
    'x-medkit': Type.Object(
      {
        count: Type.Integer(),
        muted_count: Type.Integer(),
        cluster_count: Type.Integer(),
        muted_faults: Type.Optional(Type.Array(MutedFaultSchema)),
        clusters: Type.Optional(Type.Array(ClusterSchema)),
        entity_id: Type.Optional(Type.String()),
        source_id: Type.Optional(Type.String({ description: 'apps: the app FQN' })),
        aggregation_level: Type.Optional(Type.String({ description: 'component | function | area' })),
        aggregated: Type.Optional(Type.Boolean()),
        app_count: Type.Optional(Type.Integer()),
        component_count: Type.Optional(Type.Integer()),
        host_count: Type.Optional(Type.Integer()),
        aggregation_sources: Type.Optional(Type.Array(Type.String(), { description: 'Member app ids' })),
      },
      { additionalProperties: true, description: 'count, muted_count, cluster_count, per-entity aggregation fields, fan-out fields' },
    ),
  },
  { $id: 'FaultList', title: 'FaultList' },
);

export const FaultDetailSchema = Type.Object(
  {
    item: Type.Object({ code: Type.String(), ...ListItemFields, status: Type.Ref(SovdFaultStatusSchema) }),
    environment_data: Type.Object({
      extended_data_records: Type.Object({ first_occurrence: Type.String(), last_occurrence: Type.String() }),
      snapshots: Type.Array(Type.Ref(FaultSnapshotSchema)),
    }),
    'x-medkit': Type.Object({
      occurrence_count: Type.Integer(),
      reporting_sources: Type.Array(Type.String()),
      severity_label: Type.String(),
      status: Type.String(),
      status_raw: Type.String(),
      status_history: Type.Array(FaultStatusChangeSchema, { description: 'Stored status changes, oldest first, the newest faults.history.max_per_fault of them (docs/faults.md "Status history"); kept across restarts' }),
      acknowledgement: Type.Optional(Type.Ref(FaultAcknowledgementSchema)),
      gateway: Type.Optional(Type.String({ description: 'Aggregation: the peer gateway that holds the fault (robot-wide read answered by a peer); absent for local faults' })),
    }),
  },
  {
    $id: 'FaultDetail',
    title: 'FaultDetail',
    examples: [
      {
        item: {
          code: 'BATTERY_LOW', fault_code: 'BATTERY_LOW', fault_name: 'Battery charge below 15 %', description: 'Battery charge below 15 %', severity: 1,
          severity_label: 'warning', status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' },
          reporting_sources: ['/base/battery_monitor'], entity_id: 'battery-monitor', first_occurred: 1774232073.512, last_occurred: 1774232391.004, occurrence_count: 4,
        },
        environment_data: {
          extended_data_records: { first_occurrence: '2026-03-23T02:14:33.512Z', last_occurrence: '2026-03-23T02:19:51.004Z' },
          snapshots: [
            { type: 'freeze_frame', name: 'battery_state', data: 0.14, 'x-medkit': { topic: '/base/battery_state', message_type: 'sensor_msgs/msg/BatteryState', full_data: { percentage: 0.14 }, captured_at: '2026-03-23T02:14:33.640Z' } },
            { type: 'rosbag', name: 'rosbag_fault_BATTERY_LOW_1774232073512', bulk_data_uri: '/apps/battery-monitor/bulk-data/rosbags/fault_BATTERY_LOW_1774232073512', size_bytes: 2097152, duration_sec: 6, format: 'mcap', 'x-medkit': { captured_at: '2026-03-23T02:14:28.512Z' } },
          ],
        },
        'x-medkit': {
          occurrence_count: 4, reporting_sources: ['/base/battery_monitor'], severity_label: 'warning', status: 'CONFIRMED', status_raw: 'CONFIRMED',
          status_history: [
            { change: 'confirmed', status: 'CONFIRMED', timestamp: '2026-03-23T02:14:33.512Z', occurrence: 4, source: '/base/battery_monitor' },
            { change: 'acknowledged', status: 'CONFIRMED', timestamp: '2026-03-23T02:16:02.300Z', occurrence: 4, source: 'alice', note: 'swapping the pack' },
          ],
          acknowledgement: { acknowledged_by: 'alice', acknowledged_at: '2026-03-23T02:16:02.300Z', occurrence: 4, note: 'swapping the pack' },
        },
      },
    ],
  },
);

/** `GET …/faults/{fault_code}/snapshots` (the reference's snapshot document, docs/faults.md). */
export const FaultSnapshotsSchema = Type.Object(
  {
    fault_code: Type.String(),
    captured_at: Type.Optional(Type.Number({ description: 'Epoch seconds of the newest frame shown; omitted when none is' })),
    topics: Type.Record(Type.String(), Type.Object({ message_type: Type.String(), data: Type.Unknown({ description: 'The captured message (the stored text when it is not JSON)' }) }), {
      description: 'Topic → its frame in the newest capture set',
    }),
    rosbag: Type.Object({
      available: Type.Boolean(),
      duration_sec: Type.Optional(Type.Number()),
      size_bytes: Type.Optional(Type.Number()),
      format: Type.Optional(Type.String({ description: 'mcap | sqlite3' })),
      download_url: Type.Optional(Type.String({ description: 'Full path of the newest recording: /api/v1/<entity>/bulk-data/rosbags/<recording_id>' })),
    }),
    'x-medkit': Type.Optional(
      Type.Object({ gateway: Type.String({ description: 'The peer gateway that holds the fault (robot-wide read answered by a peer)' }) }, { description: 'Aggregation only; absent for local faults' }),
    ),
  },
  {
    $id: 'FaultSnapshots',
    title: 'FaultSnapshots',
    examples: [
      {
        fault_code: 'MOTOR_OVERHEAT', captured_at: 1735830000.123,
        topics: { '/joint_states': { message_type: 'sensor_msgs/msg/JointState', data: { name: ['joint1'], position: [1.57] } } },
        rosbag: { available: true, duration_sec: 6, size_bytes: 2097152, format: 'mcap', download_url: '/api/v1/apps/motor-controller/bulk-data/rosbags/fault_MOTOR_OVERHEAT_1735830000123' },
      },
    ],
  },
);

/** Bulk-data descriptor (docs/faults.md). */
export const BulkDataDescriptorSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    mimetype: Type.String(),
    size: Type.Number(),
    creation_date: Type.String(),
    description: Type.Optional(Type.String()),
    'x-medkit': Type.Optional(Opaque('rosbags: fault_codes, recording_id, duration_sec, format; uploads: the upload metadata')),
  },
  {
    $id: 'BulkDataDescriptor',
    title: 'BulkDataDescriptor',
    examples: [
      {
        id: 'fault_BATTERY_LOW_1774232073512', name: 'fault_BATTERY_LOW_1774232073512 recording 2026-03-23T02:14:33.512Z', mimetype: 'application/x-mcap',
        size: 2097152, creation_date: '2026-03-23T02:14:33.512Z',
        'x-medkit': { fault_codes: ['BATTERY_LOW'], duration_sec: 6, format: 'mcap', recording_id: 'fault_BATTERY_LOW_1774232073512' },
      },
    ],
  },
);

/** The SOVD status object of a fault. */
export type SovdFaultStatusBody = Static<typeof SovdFaultStatusSchema>;
/** One environment-data entry (freeze frame or rosbag reference). */
export type FaultSnapshotBody = Static<typeof FaultSnapshotSchema>;
/** A fault's acknowledgement as REST shows it. */
export type FaultAcknowledgementBody = Static<typeof FaultAcknowledgementSchema>;
/** One stored status change as REST shows it. */
export type FaultStatusChangeBody = Static<typeof FaultStatusChangeSchema>;
/** The fields a list item and a detail's `item` share (the detail's `status` is the SOVD object). */
export type FaultItemFields<S> = Static<TObject<typeof ListItemFields>> & { status: S };
/** A fault list item. */
export type FaultListItemBody = Static<typeof FaultListItemSchema>;
/** A fault list envelope. */
export type FaultListBody = Static<typeof FaultListSchema>;
/** A fault detail. */
export type FaultDetailBody = Static<typeof FaultDetailSchema>;
/** The reference's snapshot document of one fault. */
export type FaultSnapshotsBody = Static<typeof FaultSnapshotsSchema>;
/** A bulk-data descriptor (a recording or an upload). */
export type BulkDataDescriptorBody = Static<typeof BulkDataDescriptorSchema>;
