// The publish form of a data item, in two steps (issue 56, writes are deliberate): the message generated from
// the item's type schema, then a confirmation naming the topic and the nodes that publish it now. Only the
// confirmed write is sent, with `confirm` naming the topic (docs/resources.md "Writes are deliberate").
import { useState } from 'preact/hooks';
import { SovdClientError } from '@medkit/client';
import { isObj, items, str, xm } from '../../model/json';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { errorText } from '../errors';
import { Dialog } from '../dialog';
import { SchemaForm } from '../schema-form';
import { itemPath } from './data-write';

export interface WritableItem {
  id: string;
  name: string;
  type?: string;
  /** The ROS topic the item is (its id may be member-qualified on aggregates). */
  topic: string;
  /** Nodes publishing the topic as the list last said (the gateway not counted). */
  publisherNames?: string[];
  schema?: unknown;
  defaultValue?: unknown;
}

interface Pending {
  value: unknown;
  /** Publishing nodes looked up when the step opened; undefined while looking. */
  publishers?: string[];
}

/** The publishers of `item` from a fresh data list (the one polled may be 15 s old); the polled ones when that fails. */
async function currentPublishers(readList: () => Promise<unknown>, item: WritableItem): Promise<string[]> {
  try {
    const fresh = items(await readList()).filter(isObj).find((i) => i.id === item.id);
    const names = xm(fresh).publishers;
    if (Array.isArray(names)) return names.map(String);
  } catch {
    // The list could not be read: say what the page last knew.
  }
  return item.publisherNames ?? [];
}

/** One line for a refused or failed write; the gateway's own message names the key or the publishers. */
function writeError(err: unknown): string {
  // The gateway's allowlist, not the caller's role: said as such (errorText would blame the role).
  if (err instanceof SovdClientError && err.status === 403 && typeof err.parameters?.key === 'string') {
    return `Not allowed on this gateway (${err.parameters.key}): ${err.describe()}`;
  }
  if (err instanceof SovdClientError && err.status === 409) return `Not published: ${err.describe()}`;
  return errorText(err);
}

export function WriteDialog({ entity, item, onClose }: { entity: EntityKey; item?: WritableItem; onClose: () => void }) {
  const { client } = useApp();
  const path = entityPath(entity);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>();
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  const review = async (value: unknown) => {
    if (!item) return;
    setResult(undefined);
    setPending({ value });
    const publishers = await currentPublishers(() => client.entityGet(SEGMENT[entity.type], entity.id, '/data'), item);
    setPending((p) => (p && p.value === value ? { value, publishers } : p));
  };

  const send = async () => {
    if (!item || !pending) return;
    setBusy(true);
    try {
      const res = await client.request('PUT', itemPath(path, item.id), { body: { type: item.type, data: pending.value, confirm: item.topic } });
      setResult({ ok: true, text: `Published on ${item.topic} (${str(xm(res.data).status) ?? res.status}).` });
    } catch (err) {
      setResult({ ok: false, text: writeError(err) });
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  const close = () => {
    setResult(undefined);
    setPending(undefined);
    onClose();
  };

  return (
    <Dialog title={item ? `Write ${item.name}` : 'Write'} open={!!item} onClose={close}>
      {item && !pending && (
        <>
          <p class="muted small">
            Publishes one <code>{item.type}</code> message on <code>{item.topic}</code>, after you confirm it.
          </p>
          <SchemaForm schema={item.schema ?? {}} initial={item.defaultValue ?? {}} submitLabel="Review…" busy={busy} idPrefix="write" onSubmit={review} onCancel={close} />
        </>
      )}
      {item && pending && (
        <div data-testid="write-confirm" data-topic={item.topic}>
          <p class="dialog-message">
            Publish this message on <strong><code>{item.topic}</code></strong>?
          </p>
          {pending.publishers === undefined ? (
            <p class="muted small">Looking up who publishes {item.topic}…</p>
          ) : pending.publishers.length > 0 ? (
            <p class="note" data-testid="write-publishers">
              Published now by {pending.publishers.join(', ')}: your message goes out beside theirs, and every subscriber acts on it as if it came
              from them.
            </p>
          ) : (
            <p class="muted small" data-testid="write-publishers">
              No other node publishes {item.topic} now.
            </p>
          )}
          <pre class="json small">{JSON.stringify(pending.value, null, 1).slice(0, 4000)}</pre>
          <div class="dialog-actions">
            <button type="button" onClick={() => setPending(undefined)} disabled={busy}>
              Back
            </button>
            <button type="button" class="danger" onClick={send} disabled={busy || pending.publishers === undefined}>
              {busy ? 'Publishing…' : `Publish on ${item.topic}`}
            </button>
          </div>
        </div>
      )}
      {result && (
        <p class={result.ok ? 'success' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="write-result">
          {result.text}
        </p>
      )}
    </Dialog>
  );
}
