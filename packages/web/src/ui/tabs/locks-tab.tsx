// Locks held on the entity (docs/locks.md): who holds which scopes until when.
import type { LockItem } from '../../api/contract';
import { isObj, items, str } from '../../model/json';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote } from '../errors';
import { TableHead } from '../table-head';

export function LocksTab({ entity }: { entity: EntityKey<'app' | 'component'> }) {
  const path = entityPath(entity);
  const { client } = useApp();
  const locks = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/locks', { signal, identify: true }), [client, path], 5000);
  if (locks.error && !locks.data) return <ErrorNote error={locks.error} what="Locks" />;
  if (!locks.data) return <p class="muted">Loading locks…</p>;
  // Typed by the gateway's Lock schema; peers may still send other shapes, so read tolerantly.
  const list = items(locks.data).filter(isObj) as Partial<LockItem & Record<string, unknown>>[];
  if (list.length === 0) return <p class="muted">No locks are held on this entity.</p>;
  return (
    <table class="grid">
      <TableHead caption="Locks" columns={['Lock', 'Owner', 'Scopes', 'Expires']} />
      <tbody>
        {list.map((l) => (
          <tr key={String(l.id)}>
            <th scope="row">
              <code>{str(l.id)}</code>
            </th>
            <td>{l.owned === true ? 'this browser' : (str(l.owner) ?? str(l.client_id) ?? (l.owned === false ? 'another client' : '—'))}</td>
            <td>{Array.isArray(l.scopes) ? l.scopes.join(', ') : (str(l.scope) ?? 'all')}</td>
            <td>{str(l.lock_expiration) ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
