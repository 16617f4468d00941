// Bulk data (docs/faults.md): categories (rosbags first) and their files as download links.
import { isObj, items, num, str, xm } from '../../model/json';
import { formatBytes } from '../../model/freeze-frame';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote } from '../errors';
import { DownloadLink } from '../download-link';

export function BulkDataTab({ entity }: { entity: EntityKey }) {
  const path = entityPath(entity);
  const { client } = useApp();
  const cats = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/bulk-data', { signal }), [client, path], 15_000);
  if (cats.error && !cats.data) return <ErrorNote error={cats.error} what="Bulk data" />;
  if (!cats.data) return <p class="muted">Loading…</p>;
  const names = items(cats.data).filter((c): c is string => typeof c === 'string');
  if (names.length === 0) return <p class="muted">No bulk-data categories.</p>;
  return (
    <div class="stack">
      {names.map((c) => (
        <Category key={c} entity={entity} category={c} />
      ))}
    </div>
  );
}

function Category({ entity, category }: { entity: EntityKey; category: string }) {
  const path = entityPath(entity);
  const { client } = useApp();
  const base = `${path}/bulk-data/${encodeURIComponent(category)}`;
  const files = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/bulk-data/{category_id}', { signal, path: { category_id: category } }), [client, base], 15_000);
  const list = items(files.data).filter(isObj);
  return (
    <section>
      <h2>{category}</h2>
      {files.error && <ErrorNote error={files.error} />}
      {files.data !== undefined && list.length === 0 && <p class="muted">Empty.</p>}
      <ul class="files">
        {list.map((f) => {
          const id = str(f.id) ?? '';
          const codes = xm(f).fault_codes;
          return (
            <li key={id}>
              <DownloadLink client={client} path={`${base}/${encodeURIComponent(id)}`}>
                {str(f.name) ?? id}
              </DownloadLink>{' '}
              <span class="muted small">
                {formatBytes(num(f.size))} {str(f.creation_date) ?? ''} {Array.isArray(codes) && codes.length ? `· faults: ${codes.join(', ')}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
