// Software updates (docs/updates.md): a server-level collection driven by an update backend.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { id, jsonObject, o, unusedArg } from './schemas.js';

const one = { update_id: id('update id') };
// The reference takes a config object for each step and, like the gateway's body-less PUT, does not send it.
const stepConfig = { config: unusedArg(jsonObject, "an update step takes no options; the package's registered steps run") };
const step = (name: string, verb: string, what: string, referenceName: string): ToolDeclaration => ({
  name: `updates_${name}`,
  title: `${verb} an update`,
  description: `${what} Asynchronous: follow it with updates_status.`,
  method: 'PUT',
  path: `/updates/{update_id}/${name}`,
  input: one,
  output: {},
  mutating: true,
  referenceNames: [{ name: referenceName, unused: stepConfig }],
});

export const UPDATE_TOOLS: ToolDeclaration[] = [
  {
    name: 'updates_list',
    title: 'List updates',
    description: 'Ids of the registered software update packages; origin and target_version filter them.',
    method: 'GET',
    path: '/updates',
    input: { origin: z.enum(['remote', 'proximity']).optional(), target_version: z.string().min(1).max(128).optional() },
    query: { origin: 'origin', 'target-version': 'target_version' },
    output: { items: o.items },
    mutating: false,
    referenceNames: [{ name: 'list_updates' }],
  },
  { name: 'updates_get', title: 'Update detail', description: 'The metadata of one update package.', method: 'GET', path: '/updates/{update_id}', input: one, output: { id: o.str }, mutating: false, referenceNames: [{ name: 'get_update' }] },
  {
    name: 'updates_register',
    title: 'Register an update',
    description: 'Registers an update package: update is its metadata with an id (update_name, automated, origins, target_version, …).',
    method: 'POST',
    path: '/updates',
    input: { update: jsonObject.describe('the package metadata, id required') },
    body: { kind: 'arg', arg: 'update' },
    output: { id: o.str },
    mutating: true,
    referenceNames: [{ name: 'register_update', aliases: { update_config: 'update' } }],
  },
  step('prepare', 'Prepare', 'Downloads and verifies an update package.', 'prepare_update'),
  step('execute', 'Install', 'Installs a prepared update package.', 'execute_update'),
  step('automated', 'Prepare and install', 'Prepares and installs an update package in one step.', 'automate_update'),
  { name: 'updates_status', title: 'Update status', description: 'Status, progress and phase of an update.', method: 'GET', path: '/updates/{update_id}/status', input: one, output: { status: o.str, progress: o.numOrNull, 'x-medkit': o.obj }, mutating: false, referenceNames: [{ name: 'get_update_status' }] },
  { name: 'updates_delete', title: 'Delete an update', description: 'Removes an update package that is not busy.', method: 'DELETE', path: '/updates/{update_id}', input: one, output: {}, mutating: true, referenceNames: [{ name: 'delete_update' }] },
];
