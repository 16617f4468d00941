// Lifecycle and modes (docs/resources.md, docs/sovd-resources.md [ours]) and clearing an entity's stored data, for apps and components.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { appOrComponent, id, o } from './schemas.js';

const mode = { id: o.str, name: o.str, value: o.any };

export const LIFECYCLE_TOOLS: ToolDeclaration[] = [
  { name: 'lifecycle_status', title: 'Lifecycle status', description: 'Whether an app or component is ready, and the transitions it offers.', method: 'GET', path: '/{entity_type}/{entity_id}/status', input: appOrComponent, output: { status: o.str }, mutating: false },
  {
    name: 'lifecycle_transition',
    title: 'Start, restart or shut down',
    description: 'Requests a lifecycle transition; asynchronous (poll lifecycle_status). shutdown and force-shutdown need a higher role than start and restart.',
    method: 'PUT',
    path: '/{entity_type}/{entity_id}/status/{transition}',
    input: { ...appOrComponent, transition: z.enum(['start', 'restart', 'force-restart', 'shutdown', 'force-shutdown']) },
    output: {},
    mutating: true,
  },
  { name: 'modes_list', title: 'List modes', description: 'The modes of an app or component (its lifecycle state and manifest modes) with their values.', method: 'GET', path: '/{entity_type}/{entity_id}/modes', input: appOrComponent, output: { items: o.items }, mutating: false },
  { name: 'modes_get', title: 'Read a mode', description: 'One mode and its current value.', method: 'GET', path: '/{entity_type}/{entity_id}/modes/{mode_id}', input: { ...appOrComponent, mode_id: id('mode id') }, output: mode, mutating: false },
  {
    name: 'modes_set',
    title: 'Set a mode',
    description: 'Sets a mode to one of its values (lifecycle: active or finalized); mode_expiration returns a manifest mode to its default after that many seconds.',
    method: 'PUT',
    path: '/{entity_type}/{entity_id}/modes/{mode_id}',
    input: { ...appOrComponent, mode_id: id('mode id'), value: z.string().min(1).max(64), mode_expiration: z.number().int().min(1).max(86_400).optional() },
    body: { kind: 'json', fields: { value: 'value', mode_expiration: 'mode_expiration' } },
    output: mode,
    mutating: true,
  },
  {
    name: 'clear_data',
    title: 'Clear stored data',
    description: "Clears an entity's cached data, learned data or client-defined resources (default: all three).",
    method: 'PUT',
    path: ['/{entity_type}/{entity_id}/clear-data/{kind}', '/{entity_type}/{entity_id}/clear-data'],
    input: { ...appOrComponent, kind: z.enum(['cached-data', 'learned-data', 'client-defined-resources']).optional() },
    output: { status: o.any },
    mutating: true,
  },
  { name: 'clear_data_status', title: 'Clear status', description: 'Outcome of the last clear on the entity.', method: 'GET', path: '/{entity_type}/{entity_id}/clear-data/status', input: appOrComponent, output: { status: o.any }, mutating: false },
];
