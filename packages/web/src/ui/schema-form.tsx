// Renders a form for a JSON-Schema-like type (model/schema-form.ts) with per-field errors, and an
// "edit as JSON" switch for messages the generated form cannot express well.
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { collectValue, initialState, inputCount, schemaToField, type Field, type FormState } from '../model/schema-form';

interface SchemaFormProps {
  schema: unknown;
  initial: unknown;
  submitLabel: string;
  busy?: boolean;
  idPrefix: string;
  onSubmit: (value: unknown) => void;
  onCancel?: () => void;
}

export function SchemaForm({ schema, initial, submitLabel, busy, idPrefix, onSubmit, onCancel }: SchemaFormProps) {
  const field = useMemo(() => schemaToField(schema), [schema]);
  const [state, setState] = useState<FormState>(() => initialState(field, initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [raw, setRaw] = useState<string | null>(null);
  const [rawError, setRawError] = useState<string>();

  const submit = (e: Event) => {
    e.preventDefault();
    if (raw !== null) {
      try {
        onSubmit(raw.trim() === '' ? {} : JSON.parse(raw));
        setRawError(undefined);
      } catch {
        setRawError('Not valid JSON');
      }
      return;
    }
    const r = collectValue(field, state);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    onSubmit(r.value);
  };

  const toggleRaw = () => {
    if (raw === null) {
      const r = collectValue(field, state);
      setRaw(JSON.stringify(r.ok ? r.value : initial ?? {}, null, 2));
    } else setRaw(null);
  };

  const render = (f: Field): ComponentChildren => {
    const id = `${idPrefix}-${f.path || 'value'}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const err = errors[f.path];
    if (f.kind === 'object') {
      if (f.path === '') return f.fields!.map(render);
      return (
        <fieldset key={f.path} class="subform">
          <legend>{f.label}</legend>
          {f.fields!.map(render)}
        </fieldset>
      );
    }
    const set = (v: string | boolean) => setState((s) => ({ ...s, [f.path]: v }));
    return (
      <div key={f.path} class={`form-row ${err ? 'invalid' : ''}`}>
        {f.kind === 'boolean' ? (
          <label class="check">
            <input id={id} type="checkbox" checked={state[f.path] === true} onChange={(e) => set((e.target as HTMLInputElement).checked)} /> {f.label}
          </label>
        ) : (
          <>
            <label for={id}>
              {f.label} <span class="type-hint">{f.kind === 'json' ? 'JSON' : f.kind}</span>
            </label>
            {f.enumValues ? (
              <select id={id} value={String(state[f.path] ?? '')} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
                {f.enumValues.map((v) => (
                  <option key={String(v)} value={String(v)}>
                    {String(v)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type="text"
                inputMode={f.kind === 'number' || f.kind === 'integer' ? 'decimal' : undefined}
                value={String(state[f.path] ?? '')}
                aria-invalid={err ? true : undefined}
                aria-describedby={err ? `${id}-err` : undefined}
                onInput={(e) => set((e.target as HTMLInputElement).value)}
              />
            )}
          </>
        )}
        {f.description && <span class="help">{f.description}</span>}
        {err && (
          <span id={`${id}-err`} class="field-error">
            {err}
          </span>
        )}
      </div>
    );
  };

  return (
    <form class="schema-form stack" onSubmit={submit} noValidate>
      {raw === null ? (
        inputCount(field) === 0 ? (
          <p class="muted">No input fields: the request is sent empty.</p>
        ) : (
          render(field)
        )
      ) : (
        <div class="form-row">
          <label for={`${idPrefix}-raw`}>JSON</label>
          <textarea id={`${idPrefix}-raw`} rows={8} value={raw} onInput={(e) => setRaw((e.target as HTMLTextAreaElement).value)} aria-invalid={rawError ? true : undefined} />
          {rawError && <span class="field-error">{rawError}</span>}
        </div>
      )}
      <div class="form-actions">
        <button type="button" class="link-button" onClick={toggleRaw}>
          {raw === null ? 'Edit as JSON' : 'Back to form'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
