// Operations (services and actions, docs/resources.md): a form from the request/goal schema, the
// service response, or for actions the execution's status, feedback and result, with cancel.
import { useState } from 'preact/hooks';
import { isObj, items, obj, str, xm } from '../../model/json';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote, errorText } from '../errors';
import { SchemaForm } from '../schema-form';

interface OperationItem {
  id: string;
  name: string;
  kind: 'service' | 'action' | 'other';
  rosPath?: string;
  type?: string;
  inputSchema?: unknown;
}

function normalizeOperations(body: unknown): OperationItem[] {
  return items(body)
    .filter(isObj)
    .map((o): OperationItem => {
      const x = xm(o);
      const ros2 = obj(x.ros2);
      const ti = obj(x.type_info);
      const async = o.asynchronous_execution === true || ros2.kind === 'action';
      return {
        id: str(o.id) ?? '',
        name: str(o.name) ?? str(o.id) ?? '',
        kind: ros2.kind === 'service' || ros2.kind === 'action' ? (ros2.kind as 'service' | 'action') : async ? 'action' : 'other',
        rosPath: str(ros2.service) ?? str(ros2.action),
        type: str(ros2.type),
        inputSchema: async ? ti.goal : ti.request,
      };
    })
    .filter((o) => o.id !== '');
}

// The id as one segment (`/` as %2F), as the typed client's reads send it: every request names the operation alike.
const opPath = (base: string, id: string) => `${base}/operations/${encodeURIComponent(id)}`;

export function OperationsTab({ entity }: { entity: EntityKey }) {
  const { client } = useApp();
  const path = entityPath(entity);
  const list = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/operations', { signal }), [client, path], 30_000);
  if (list.error && !list.data) return <ErrorNote error={list.error} what="Operations" />;
  if (!list.data) return <p class="muted">Loading operations…</p>;
  const ops = normalizeOperations(list.data);
  if (ops.length === 0) return <p class="muted">This entity has no operations.</p>;
  return (
    <div class="stack">
      {ops.map((op) => (
        <OperationCard key={op.id} entity={entity} op={op} />
      ))}
    </div>
  );
}

function OperationCard({ entity, op }: { entity: EntityKey; op: OperationItem }) {
  const { client, auth } = useApp();
  const path = entityPath(entity);
  const executeDenied = auth.refusal('operation.execute');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; body?: unknown; text?: string }>();
  const [execution, setExecution] = useState<string>();

  const run = async (value: unknown) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const res = await client.request<Record<string, unknown> | undefined>('POST', `${opPath(path, op.id)}/executions`, { body: { parameters: value ?? {} }, timeoutMs: 30_000 });
      if (res.status === 202) setExecution(str(res.data?.id) ?? (res.location ?? '').split('/').pop());
      else setOutcome({ ok: true, body: res.data?.parameters ?? res.data });
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="card operation" data-operation={op.id}>
      <header class="card-head">
        <h2>{op.name}</h2>
        <span class="tag">{op.kind}</span>
        {op.type && <code class="small">{op.type}</code>}
        {op.rosPath && <code class="small muted">{op.rosPath}</code>}
        <button type="button" class="push-right" aria-expanded={open} onClick={() => setOpen(!open)} disabled={!!executeDenied && !open} title={executeDenied}>
          {open ? 'Hide' : 'Execute…'}
        </button>
      </header>
      {open && (
        <SchemaForm schema={op.inputSchema ?? {}} initial={{}} submitLabel={op.kind === 'action' ? 'Send goal' : 'Call'} busy={busy} idPrefix={`op-${op.id}`} onSubmit={run} />
      )}
      {outcome && (
        <div class={outcome.ok ? 'result' : 'error'} role="status">
          {outcome.ok ? (
            <>
              <strong>Response</strong>
              <pre class="json">{JSON.stringify(outcome.body, null, 2)}</pre>
            </>
          ) : (
            outcome.text
          )}
        </div>
      )}
      {execution && <ExecutionView entity={entity} path={`${opPath(path, op.id)}/executions/${encodeURIComponent(execution)}`} operation={op.id} id={execution} />}
    </article>
  );
}

const FINAL = new Set(['completed', 'failed']);

function ExecutionView({ entity, path, operation, id }: { entity: EntityKey; path: string; operation: string; id: string }) {
  const { client, auth } = useApp();
  const cancelDenied = auth.refusal('operation.cancel');
  const [done, setDone] = useState(false);
  const [cancel, setCancel] = useState<{ busy: boolean; text?: string }>({ busy: false });
  const exec = usePoll(
    async (signal) => {
      const body = await client.entityGet(SEGMENT[entity.type], entity.id, '/operations/{operation_id}/executions/{execution_id}', { signal, path: { operation_id: operation, execution_id: id } });
      if (FINAL.has(str(obj(body).status) ?? '')) setDone(true);
      return body;
    },
    [client, path],
    1000,
    !done,
  );
  const b = obj(exec.data);
  const x = xm(exec.data);
  const status = str(b.status) ?? '…';
  const doCancel = async () => {
    setCancel({ busy: true });
    try {
      await client.request('DELETE', path);
      setCancel({ busy: false, text: 'Cancel requested.' });
    } catch (err) {
      setCancel({ busy: false, text: errorText(err) });
    }
  };
  return (
    <div class="execution" data-testid="execution">
      <p>
        Execution <code>{id}</code>: <strong class={`exec-${status}`}>{status}</strong>
        {str(x.ros2_status) && <span class="muted"> (ROS: {str(x.ros2_status)})</span>}{' '}
        {!FINAL.has(status) && (
          <button type="button" class="danger" disabled={cancel.busy || !!cancelDenied} title={cancelDenied} onClick={doCancel}>
            Cancel
          </button>
        )}
      </p>
      {cancel.text && <p role="status">{cancel.text}</p>}
      {exec.error && <ErrorNote error={exec.error} />}
      {b.parameters !== undefined && !FINAL.has(status) && (
        <>
          <strong>Feedback</strong>
          <pre class="json">{JSON.stringify(b.parameters, null, 2)}</pre>
        </>
      )}
      {/* A finished execution's parameters are its result; x-medkit.result says so explicitly. */}
      {FINAL.has(status) && (x.result ?? b.parameters) !== undefined && (
        <>
          <strong>Result</strong>
          <pre class="json" data-testid="execution-result">
            {JSON.stringify(x.result ?? b.parameters, null, 2)}
          </pre>
        </>
      )}
    </div>
  );
}
