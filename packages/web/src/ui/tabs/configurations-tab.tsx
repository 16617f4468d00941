// Configurations (ROS parameters, docs/resources.md): values with their types, inline edit checked
// against the parameter type before the PUT, reset one, reset all (with the 207 per-node report).
import { useState } from 'preact/hooks';
import { changeText, formatParam, lockedReason, normalizeConfigurations, paramChange, parseParam, withDetail, type ParamView } from '../../model/config-params';
import { isObj, obj, str } from '../../model/json';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote, errorText } from '../errors';
import { Confirm } from '../dialog';
import { TableHead } from '../table-head';

/** Config ids may contain '/' and '.'; encode the whole id as one segment. */
const cfgPath = (base: string, id: string) => `${base}/configurations/${encodeURIComponent(id)}`;

export function ConfigurationsTab({ entity }: { entity: EntityKey }) {
  const path = entityPath(entity);
  const { client, auth } = useApp();
  const resetAllDenied = auth.refusal('config.reset');
  const list = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/configurations', { signal }), [client, path], 10_000);
  const [resetAll, setResetAll] = useState<{ open: boolean; busy?: boolean; error?: string }>({ open: false });
  const [report, setReport] = useState<string[]>();

  if (list.error && !list.data) return <ErrorNote error={list.error} what="Configurations" />;
  if (!list.data) return <p class="muted">Loading configurations…</p>;
  const rows = normalizeConfigurations(list.data);
  const x = obj(obj(list.data)['x-medkit']);
  const unavailable = Array.isArray(x.unavailable_nodes) ? x.unavailable_nodes.map(String) : [];

  const doResetAll = async () => {
    setResetAll({ open: true, busy: true });
    try {
      const res = await client.request('DELETE', `${path}/configurations`);
      setResetAll({ open: false });
      if (res.status === 207) {
        const results = Array.isArray(obj(res.data).results) ? (obj(res.data).results as unknown[]) : [];
        setReport(results.filter(isObj).map((r) => `${str(r.app_id) ?? str(r.node) ?? '?'}: ${r.success ? 'reset' : (str(r.error) ?? 'not reset')}`));
      } else setReport(['All parameters reset to their initial values.']);
      list.reload();
    } catch (err) {
      setResetAll({ open: true, error: errorText(err) });
    }
  };

  return (
    <div class="stack">
      {x.partial === true && <p class="note">Some nodes did not answer{unavailable.length ? `: ${unavailable.join(', ')}` : ''}.</p>}
      {report && (
        <ul class="report" role="status">
          {report.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {rows.length === 0 ? (
        <p class="muted">This entity has no configurations.</p>
      ) : (
        <table class="grid config-table">
          <TableHead caption="Parameters" columns={['Parameter', 'Type', 'Value', '']} />
          <tbody>
            {rows.map((r) => (
              <ParamRow key={r.id} entity={entity} row={r} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      )}
      {rows.length > 0 && (
        <div>
          <button type="button" class="danger" onClick={() => setResetAll({ open: true })} disabled={!!resetAllDenied} title={resetAllDenied}>
            Reset all…
          </button>
        </div>
      )}
      <Confirm
        title="Reset all parameters?"
        open={resetAll.open}
        message="Every parameter of this entity goes back to the value the gateway saw when it first found the node."
        confirmLabel="Reset all"
        danger
        busy={resetAll.busy}
        error={resetAll.error}
        onConfirm={doResetAll}
        onClose={() => setResetAll({ open: false })}
      />
    </div>
  );
}

function ParamRow({ entity, row, onChanged }: { entity: EntityKey; row: ParamView; onChanged: () => void }) {
  const path = entityPath(entity);
  const { client, auth } = useApp();
  const writeDenied = auth.refusal('config.write');
  const resetDenied = auth.refusal('config.reset');
  // `confirm`: the parsed value waiting for the user's yes (a parameter write is confirmed like a topic write).
  const [edit, setEdit] = useState<{ text: string; error?: string; busy?: boolean; param: ParamView; confirm?: { value: unknown } }>();
  const [note, setNote] = useState<string>();
  const inputId = `cfg-${row.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const locked = lockedReason(row);

  const startEdit = async () => {
    setNote(undefined);
    let param = row;
    try {
      param = withDetail(row, await client.entityGet(SEGMENT[entity.type], entity.id, '/configurations/{config_id}', { path: { config_id: row.id } }));
    } catch {
      // The list's value and type are enough to edit; read-only is then checked by the gateway.
    }
    setEdit({ text: formatParam(param.type, param.value), param });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!edit) return;
    const parsed = parseParam(edit.param.type, edit.text);
    if (!parsed.ok) {
      setEdit({ ...edit, error: `${edit.param.type}: ${parsed.error}` });
      return;
    }
    setEdit({ ...edit, error: undefined, confirm: { value: parsed.value } });
  };

  const confirmed = async () => {
    if (!edit?.confirm) return;
    const before = edit.param;
    setEdit({ ...edit, busy: true, error: undefined });
    try {
      const res = await client.request('PUT', cfgPath(path, row.id), { body: { data: edit.confirm.value } });
      // What the node now holds, as the gateway answered it.
      const after = withDetail(before, res.data);
      setEdit(undefined);
      setNote(`Set ${changeText(paramChange(before, after.value, entity.id))}`);
      onChanged();
    } catch (err) {
      setEdit({ ...edit, busy: false, error: errorText(err), confirm: undefined });
    }
  };

  const reset = async () => {
    try {
      await client.request('DELETE', cfgPath(path, row.id));
      setNote('Reset to the initial value.');
      onChanged();
    } catch (err) {
      setNote(errorText(err));
    }
  };

  return (
    <tr data-param={row.id}>
      <th scope="row">
        <code>{row.name}</code>
        {row.source && <span class="muted small"> ({row.source})</span>}
        {row.description && (
          <div class="help" data-testid="param-description">
            {row.description}
          </div>
        )}
      </th>
      <td>
        <code class="small">{row.type}</code>
      </td>
      <td>
        {edit ? (
          <form class="inline-form" onSubmit={save}>
            <label for={inputId} class="visually-hidden">
              New value of {row.name} ({edit.param.type})
            </label>
            <input
              id={inputId}
              value={edit.text}
              autofocus
              aria-invalid={edit.error ? true : undefined}
              onInput={(e) => setEdit({ ...edit, text: (e.target as HTMLInputElement).value, error: undefined, confirm: undefined })}
              onKeyDown={(e) => e.key === 'Escape' && setEdit(undefined)}
            />
            <button type="submit" class="primary" disabled={edit.busy || edit.param.readOnly || !!edit.confirm}>
              Save
            </button>
            <button type="button" onClick={() => setEdit(undefined)}>
              Cancel
            </button>
            {edit.param.readOnly && <span class="note small">read-only</span>}
            {edit.param.description && <span class="help">{edit.param.description}</span>}
            {edit.error && (
              <span class="field-error" role="alert">
                {edit.error}
              </span>
            )}
            {edit.confirm && (
              <span class="note small" role="alertdialog" aria-label={`Set ${row.name}?`} data-testid="param-confirm">
                Set {changeText(paramChange(edit.param, edit.confirm.value, entity.id))}? The node applies it at once.{' '}
                <button type="button" class="primary" autofocus onClick={confirmed} disabled={edit.busy}>
                  Set
                </button>{' '}
                <button type="button" onClick={() => setEdit({ ...edit, confirm: undefined })} disabled={edit.busy}>
                  Back
                </button>
              </span>
            )}
          </form>
        ) : (
          <code class="value">{formatParam(row.type, row.value)}</code>
        )}
        {note && (
          <span class="small muted" role="status">
            {' '}
            {note}
          </span>
        )}
      </td>
      <td class="actions">
        {!edit && locked && (
          <span class="note small" title={locked} data-testid="param-locked">
            read-only
          </span>
        )}
        {!edit && !locked && (
          <>
            <button type="button" onClick={startEdit} disabled={!!writeDenied} title={writeDenied}>
              Edit
            </button>
            <button type="button" onClick={reset} disabled={!!resetDenied} title={resetDenied}>
              Reset
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
