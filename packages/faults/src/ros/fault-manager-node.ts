// The fault manager on the ROS graph (docs/faults.md): node `fault_manager` in `fault_manager.namespace`
// serving report_fault, list_faults, get_fault, clear_fault, get_snapshots, get_rosbag, list_rosbags and
// list_faults_for_entity, and publishing ~/events (reliable, keep-last 100, volatile). Served through
// @medkit/ros2, which answers both vendors' request-id conventions, so an unchanged C++ reporter can report.
import type { Publisher, RosNode } from '@medkit/ros2';
import { nodeFqnProblem } from '@medkit/ros2/light';
import { getRosbag } from '../blackbox/recordings.js';
import type { FaultLogger } from '../log.js';
import type { FaultManager } from '../manager.js';
import type { FaultRecord } from '../model.js';
import { listFaultsForEntity, listFaultsRos } from '../query/list.js';
import { getFaultService, getSnapshotsService, listRosbagsService, type FaultEntityPath } from '../query/ros-services.js';
import { clusterMsg, environmentDataMsg, faultEventMsg, faultMsg, int64 } from './messages.js';

const PKG = 'ros2_medkit_msgs';
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** A ROS reporter names itself by its node's fully qualified name: anything else (a homoglyph, a `~`) is refused. */
function notANodeName(sourceId: string): string | undefined {
  const problem = nodeFqnProblem(sourceId);
  return problem && `is not a ROS node name: ${problem}`;
}

/** QoS of ~/events: subscribers must be reliable with depth 100 to match (docs/faults.md). */
export const FAULT_EVENTS_QOS = { reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 100 } } as const;

const EMPTY_FAULT: FaultRecord = {
  fault_code: '', severity: 0, description: '', first_occurred_ns: 0n, last_occurred_ns: 0n, last_passed_ns: 0n, occurrence_count: 0,
  status: 'PREFAILED', reporting_sources: [], debounce_counter: 0, last_failed_ns: 0n, confirmed_at_ns: 0n,
};

export interface FaultManagerNode {
  readonly node: RosNode;
  readonly events: Publisher;
  /** Reports handled over ROS so far (accepted + rejected). */
  readonly stats: { reports: number; rejected: number };
  close(): void;
}

interface ServeFaultManagerOptions {
  /** Entity path of a fault's bulk data, for get_snapshots' `download_url` (none without the entity tree). */
  entityPathOf?: FaultEntityPath;
}

/** Serves `mgr` on `node` (already created with its name and namespace). */
export function serveFaultManager(node: RosNode, mgr: FaultManager, log: FaultLogger, opts: ServeFaultManagerOptions = {}): FaultManagerNode {
  const stats = { reports: 0, rejected: 0 };
  // `failed` answers a request the handler could not serve (the store is down): a reply that says so, never
  // silence. Without it (ListFaults has no error field) no reply is sent rather than an empty list that would
  // read as "no faults".
  const serve = (name: string, type: string, handler: (req: Record<string, unknown>) => unknown, failed?: (message: string) => unknown) =>
    node.createService(`~/${name}`, `${PKG}/srv/${type}`, (req) => {
      try {
        return handler(req);
      } catch (err) {
        log.error(`fault manager service ${name} failed: ${(err as Error).message}`);
        if (failed) return failed((err as Error).message);
        throw err;
      }
    });
  const failure = (message: string) => ({ success: false, error_message: message });

  serve('report_fault', 'ReportFault', (req) => {
    stats.reports++;
    const out = mgr.report({ fault_code: str(req.fault_code), event_type: num(req.event_type), severity: num(req.severity), description: str(req.description), source_id: str(req.source_id) }, notANodeName);
    if (!out.accepted) stats.rejected++;
    // ReportFault's reply is only `accepted` (the reference's interface); the reason goes to the log and /health.
    return { accepted: out.accepted };
  }, () => {
    stats.rejected++;
    return { accepted: false };
  });
  serve('list_faults', 'ListFaults', (req) => {
    const r = listFaultsRos(mgr, {
      filter_by_severity: Boolean(req.filter_by_severity), severity: num(req.severity),
      statuses: Array.isArray(req.statuses) ? req.statuses.map(String) : [], include_muted: Boolean(req.include_muted), include_clusters: Boolean(req.include_clusters),
    });
    return { faults: r.faults.map(faultMsg), muted_count: r.muted_count, muted_faults: r.muted_faults, cluster_count: r.cluster_count, clusters: r.clusters.map(clusterMsg) };
  });
  serve('get_fault', 'GetFault', (req) => {
    const r = getFaultService(mgr, str(req.fault_code));
    return { success: r.success, error_message: r.error_message, fault: faultMsg(r.fault ?? EMPTY_FAULT), environment_data: environmentDataMsg(r.environment_data) };
  }, (m) => ({ ...failure(m), fault: faultMsg(EMPTY_FAULT), environment_data: environmentDataMsg(undefined) }));
  serve('clear_fault', 'ClearFault', (req) => mgr.clear(str(req.fault_code), { skipCorrelationAutoClear: Boolean(req.skip_correlation_auto_clear) }),
    (message) => ({ success: false, message, auto_cleared_codes: [] }));
  serve('get_snapshots', 'GetSnapshots', (req) => getSnapshotsService(mgr, str(req.fault_code), str(req.topic), opts.entityPathOf), (m) => ({ ...failure(m), data: '' }));
  serve('get_rosbag', 'GetRosbag', (req) => {
    const r = getRosbag(mgr.repository, str(req.fault_code), str(req.recording_id));
    return { ...r, size_bytes: Math.max(0, Math.trunc(r.size_bytes)) };
  }, failure);
  serve('list_rosbags', 'ListRosbags', (req) => {
    const r = listRosbagsService(mgr, str(req.entity_fqn));
    return {
      success: r.success, error_message: r.error_message,
      fault_codes: r.rows.map((x) => x.fault_code), recording_ids: r.rows.map((x) => x.recording_id), file_paths: r.rows.map((x) => x.file_path),
      formats: r.rows.map((x) => x.format), durations_sec: r.rows.map((x) => x.duration_sec), sizes_bytes: r.rows.map((x) => Math.max(0, Math.trunc(x.size_bytes))),
      created_at_ns: r.rows.map((x) => int64(x.created_at_ns)),
    };
  }, failure);
  serve('list_faults_for_entity', 'ListFaultsForEntity', (req) => {
    const r = listFaultsForEntity(mgr, str(req.entity_id));
    return { success: r.success, error_message: r.error_message, faults: r.faults.map(faultMsg) };
  }, failure);

  const events = node.createPublisher('~/events', `${PKG}/msg/FaultEvent`, FAULT_EVENTS_QOS);
  const off = mgr.events.subscribe((e) => {
    try {
      events.publish(faultEventMsg(e));
    } catch (err) {
      log.error(`fault event not published on ~/events: ${(err as Error).message}`);
    }
  });
  return {
    node, events, stats,
    close() {
      off();
      node.destroy();
    },
  };
}
