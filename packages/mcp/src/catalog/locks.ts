// Locks (docs/locks.md, apps and components): held under the caller's X-Client-Id.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { appOrComponent, bodyObject, id, o, unusedArg } from './schemas.js';

const LOCKS = '/{entity_type}/{entity_id}/locks';
const one = { ...appOrComponent, lock_id: id('lock id') };
const seconds = z.number().int().min(1).max(86_400).describe('seconds from now until the lock expires');
const SCOPES = ['data', 'operations', 'configurations', 'faults', 'bulk-data', 'modes', 'scripts', 'logs', 'cyclic-subscriptions'] as const;
const scopes = z.array(z.enum(SCOPES)).min(1).max(SCOPES.length);
// The reference sends its client_id as X-Client-Id; here a lock is always held under the connection's own
// client id (--client-id, or the caller's X-Client-Id through /mcp), so an argument cannot act for another client.
const clientId = { client_id: unusedArg(z.string().min(1).max(256), "locks are held under this MCP connection's client id") };

export const LOCK_TOOLS: ToolDeclaration[] = [
  {
    name: 'locks_acquire',
    title: 'Acquire a lock',
    description: "Locks an entity for this agent's client id so no other client can change it; scopes narrows the lock to some collections (default: all). break_lock replaces another client's lock where allowed.",
    method: 'POST',
    path: LOCKS,
    input: { ...appOrComponent, lock_expiration: seconds, scopes: scopes.optional(), break_lock: z.boolean().optional() },
    body: { kind: 'json', fields: { lock_expiration: 'lock_expiration', scopes: 'scopes', break_lock: 'break_lock' } },
    output: { id: o.str, owned: o.bool, scopes: o.list, lock_expiration: o.str },
    mutating: true,
    referenceNames: [{ name: 'acquire_lock', aliases: { lock_config: bodyObject(['lock_expiration', 'scopes', 'break_lock'], { lock_expiration: seconds, scopes: scopes.optional(), break_lock: z.boolean().optional() }, '{lock_expiration, scopes?, break_lock?}') }, unused: clientId }],
  },
  { name: 'locks_list', title: 'List locks', description: 'The live lock of an entity, if any (owned tells whether this agent holds it).', method: 'GET', path: LOCKS, input: appOrComponent, output: { items: o.items }, mutating: false, referenceNames: [{ name: 'list_locks' }] },
  { name: 'locks_get', title: 'Lock detail', description: 'One lock.', method: 'GET', path: `${LOCKS}/{lock_id}`, input: one, output: { id: o.str, owned: o.bool, lock_expiration: o.str }, mutating: false, referenceNames: [{ name: 'get_lock' }] },
  {
    name: 'locks_extend',
    title: 'Extend a lock',
    description: 'Sets a held lock to expire lock_expiration seconds from now.',
    method: 'PUT',
    path: `${LOCKS}/{lock_id}`,
    input: { ...one, lock_expiration: seconds },
    body: { kind: 'json', fields: { lock_expiration: 'lock_expiration' } },
    output: {},
    mutating: true,
    referenceNames: [{ name: 'extend_lock', aliases: { lock_config: bodyObject(['lock_expiration'], { lock_expiration: seconds }, '{lock_expiration}') }, unused: clientId }],
  },
  { name: 'locks_release', title: 'Release a lock', description: 'Releases a lock this agent holds.', method: 'DELETE', path: `${LOCKS}/{lock_id}`, input: one, output: {}, mutating: true, referenceNames: [{ name: 'release_lock', unused: clientId }] },
];
