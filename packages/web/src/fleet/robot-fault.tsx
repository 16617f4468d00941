// One fault of one robot: the state the fleet stored, and what the robot itself keeps for it — freeze
// frames drawn as charts and black-box recordings downloaded through the fleet — using the robot UI's own
// fault-detail model and components, and the incident's recording decoded and plotted in the browser through the
// fleet's forwarding. When the robot cannot answer, the stored state is shown with why.
import type { MedkitClient } from '@medkit/client';
import { normalizeFaultDetail } from '../model/fault-detail';
import { toEpochMs } from '../model/json';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { FaultHead, FrameList, RecordingList, SourceList, StatusFacts, StatusHistory } from '../ui/faults/detail';
import { fleetRouteHash } from './model';
import { RecordingPanel } from '../incident/recording-panel';

export function RobotFaultPage({ client, robotId, code }: { client: MedkitClient; robotId: string; code: string }) {
  const detail = usePoll((signal) => client.fleetRobotFault(robotId, code, { signal }), [client, robotId, code], 10_000);
  if (detail.error && !detail.data) {
    return (
      <section class="panel">
        <h1>
          <code>{code}</code> on {robotId}
        </h1>
        <ErrorNote error={detail.error} />
        <p>
          <a href={fleetRouteHash({ view: 'robot', robot: robotId })}>Back to {robotId}</a>
        </p>
      </section>
    );
  }
  if (!detail.data) return <section class="panel"><h1>Loading {code}…</h1></section>;
  const body = detail.data;
  const x = body['x-medkit'];
  const d = normalizeFaultDetail(body, code);
  const entityId = x.robot_entity_id ?? undefined;

  return (
    <section class="panel fault-detail" data-testid="fault-detail">
      <p class="crumbs">
        <a href="#/">Robots</a> › <a href={fleetRouteHash({ view: 'robot', robot: robotId })}>{robotId}</a>
        {entityId && (
          <>
            {' '}› <a href={fleetRouteHash({ view: 'robot', robot: robotId, entity: entityId })}>{entityId.slice(robotId.length + 2)}</a>
          </>
        )}{' '}
        › {code}
      </p>
      <FaultHead detail={d}>
        <span>
          robot <a href={fleetRouteHash({ view: 'robot', robot: robotId })}>{robotId}</a>
        </span>
      </FaultHead>
      {x.environment_data === 'unavailable' && (
        <p class="note" role="status" data-testid="robot-unavailable">
          Freeze frames and recordings are kept on the robot, which cannot be asked now: {x.robot_error?.message ?? 'no answer'}. The state below is what the fleet stored.
        </p>
      )}
      <h2>Incident</h2>
      {x.environment_data === 'robot' ? (
        <RecordingPanel client={client} detail={d} body={body} />
      ) : (
        <p class="note" data-testid="incident-offline">
          The robot is offline or cannot be asked, so its black-box recording cannot be shown; it stays on the robot.
        </p>
      )}
      <div class="two-col">
        <section>
          <h2>Status</h2>
          <StatusFacts firstMs={d.firstMs ?? toEpochMs(x.first_occurred)} lastMs={d.lastMs ?? toEpochMs(x.last_occurred)} flags={d.statusFlags} />
          <h3>History</h3>
          {x.environment_data === 'robot' ? <StatusHistory history={d.history} /> : <p class="muted">Kept on the robot; not available while it cannot be asked.</p>}
        </section>
        <section>
          <h2>Reporting sources</h2>
          <SourceList sources={d.reportingSources} />
          <h2>Black-box recording</h2>
          {x.environment_data === 'robot' ? <RecordingList recordings={d.recordings} client={client} /> : <p class="muted">Not available while the robot cannot be asked.</p>}
        </section>
      </div>
      <h2>Freeze frames</h2>
      {x.environment_data === 'robot' ? <FrameList frames={d.frames} /> : <p class="muted">Not available while the robot cannot be asked.</p>}
    </section>
  );
}
