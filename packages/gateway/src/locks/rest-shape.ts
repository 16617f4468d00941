// The REST body of a lock (docs/locks.md), written once: the routes serve this schema and `lockView` returns its
// static type, so a field the view adds must be listed here (the response serialiser drops unlisted ones).
import { Type, type Static } from '@sinclair/typebox';

export const LockSchema = Type.Object(
  {
    id: Type.String({ description: 'lock_<n>' }),
    owned: Type.Boolean({ description: 'true when the X-Client-Id of this request holds the lock' }),
    scopes: Type.Optional(Type.Array(Type.String(), { description: 'omitted when the lock covers every collection' })),
    lock_expiration: Type.String({ description: 'ISO 8601 UTC expiry instant' }),
  },
  { $id: 'Lock', title: 'Lock', examples: [{ id: 'lock_1', owned: true, scopes: ['configurations'], lock_expiration: '2026-03-23T02:20:33.000Z' }] },
);

/** The Lock object of docs/locks.md. */
export type LockView = Static<typeof LockSchema>;
