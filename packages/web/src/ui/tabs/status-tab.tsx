// Lifecycle status (docs/resources.md): ready / notReady and the transitions the provider offers.
import { useState } from 'preact/hooks';
import { obj, str } from '../../model/json';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { lifecycleControl } from '../../auth/permissions';
import { usePoll } from '../hooks';
import { ErrorNote, errorText } from '../errors';
import { Confirm } from '../dialog';

const TRANSITIONS = ['start', 'restart', 'force-restart', 'shutdown', 'force-shutdown'] as const;
const DESTRUCTIVE = new Set(['shutdown', 'force-shutdown', 'force-restart']);

export function StatusTab({ entity }: { entity: EntityKey<'app' | 'component'> }) {
  const { client, auth } = useApp();
  const path = entityPath(entity);
  const status = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/status', { signal }), [client, path], 3000);
  const [pending, setPending] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<string>();
  if (status.error && !status.data) return <ErrorNote error={status.error} what="Lifecycle status" />;
  if (!status.data) return <p class="muted">Loading status…</p>;
  const body = obj(status.data);
  const state = str(body.status) ?? 'unknown';
  // Managed ROS nodes: the lifecycle state behind ready/notReady, and the last transition's outcome.
  const x = obj(body['x-medkit']);
  const rosState = str(x.lifecycle_state);
  const last = obj(x.last_transition);
  const offered = TRANSITIONS.filter((t) => typeof body[t] === 'string');

  const run = async (t: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await client.request('PUT', `${path}/status/${t}`);
      setResult(`${t} accepted; status refreshes below.`);
      setPending(undefined);
      status.reload();
    } catch (err) {
      setError(errorText(err));
      if (!DESTRUCTIVE.has(t)) setPending(undefined);
      else setResult(undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <p>
        Status: <strong class={`lifecycle lifecycle-${state}`}>{state === 'ready' ? 'ready' : state === 'notReady' ? 'not ready' : state}</strong>
        {rosState && (
          <span class="muted">
            {' '}
            · ROS lifecycle state <code data-testid="lifecycle-state">{rosState}</code>
          </span>
        )}
      </p>
      {str(last.transition) && (
        <p class="muted small" data-testid="last-transition">
          Last transition: {str(last.transition)} {str(last.state) ?? ''}
          {Array.isArray(last.steps) && last.steps.length > 0 ? ` (${last.steps.map(String).join(' → ')})` : ''}
          {str(last.error) ? `: ${str(last.error)}` : ''}
        </p>
      )}
      {offered.length === 0 ? (
        <p class="muted">No lifecycle transitions are offered for this entity.</p>
      ) : (
        <div class="button-row">
          {offered.map((t) => (
            <button key={t} type="button" class={DESTRUCTIVE.has(t) ? 'danger' : ''} disabled={busy || !!auth.refusal(lifecycleControl(t))} title={auth.refusal(lifecycleControl(t))} onClick={() => (DESTRUCTIVE.has(t) ? setPending(t) : void run(t))}>
              {t}
            </button>
          ))}
        </div>
      )}
      {result && <p role="status">{result}</p>}
      {error && !pending && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <Confirm
        title={`${pending ?? ''}?`}
        open={!!pending}
        message={`Send the ${pending} transition to this entity?`}
        confirmLabel={pending ?? 'OK'}
        danger
        busy={busy}
        error={error}
        onConfirm={() => pending && void run(pending)}
        onClose={() => (setPending(undefined), setError(undefined))}
      />
    </div>
  );
}
