// Triggers (docs/triggers.md): condition watches on an entity resource; events stream from event_source.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, bodyObject, id, jsonObject, o } from './schemas.js';

const TRIGGERS = '/{entity_type}/{entity_id}/triggers';
const one = { ...anyEntity, trigger_id: id('trigger id') };
const lifetime = z.number().int().min(1).max(31_536_000).describe('seconds');
const trigger = { id: o.str, resource: o.str, trigger_condition: o.obj, event_source: o.str, status: o.str };

export const TRIGGER_TOOLS: ToolDeclaration[] = [
  {
    name: 'triggers_create',
    title: 'Create a trigger',
    description: 'Creates a condition trigger on an entity resource (docs/triggers.md body: resource, trigger_condition, path, multishot, persistent, lifetime, log_settings); its events stream from the returned event_source.',
    method: 'POST',
    path: TRIGGERS,
    input: { ...anyEntity, trigger: jsonObject.describe('the trigger body as the REST API takes it') },
    body: { kind: 'arg', arg: 'trigger' },
    output: trigger,
    mutating: true,
    referenceNames: [{ name: 'create_trigger', aliases: { trigger_config: 'trigger' } }],
  },
  { name: 'triggers_list', title: 'List triggers', description: 'The triggers of an entity.', method: 'GET', path: TRIGGERS, input: anyEntity, output: { items: o.items }, mutating: false, referenceNames: [{ name: 'list_triggers' }] },
  { name: 'triggers_get', title: 'Trigger detail', description: 'One trigger.', method: 'GET', path: `${TRIGGERS}/{trigger_id}`, input: one, output: trigger, mutating: false, referenceNames: [{ name: 'get_trigger' }] },
  {
    name: 'triggers_update',
    title: 'Update a trigger',
    description: 'Gives a trigger a new lifetime, counted from now.',
    method: 'PUT',
    path: `${TRIGGERS}/{trigger_id}`,
    input: { ...one, lifetime },
    body: { kind: 'json', fields: { lifetime: 'lifetime' } },
    output: trigger,
    mutating: true,
    // The reference's trigger_config is the update body; lifetime is all a trigger update changes.
    referenceNames: [{ name: 'update_trigger', aliases: { trigger_config: bodyObject(['lifetime'], { lifetime }, '{lifetime}: a new lifetime in seconds (the condition cannot change: delete and create)') } }],
  },
  { name: 'triggers_delete', title: 'Delete a trigger', description: 'Deletes a trigger (its event stream closes).', method: 'DELETE', path: `${TRIGGERS}/{trigger_id}`, input: one, output: {}, mutating: true, referenceNames: [{ name: 'delete_trigger' }] },
];
