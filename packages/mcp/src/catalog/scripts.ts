// Diagnostic scripts (docs/scripts.md, apps and components): upload, list, run, follow and control runs.
import { z } from 'zod';
import type { ArgumentAlias, ToolDeclaration } from './declaration.js';
import { appOrComponent, id, jsonObject, o } from './schemas.js';

const SCRIPTS = '/{entity_type}/{entity_id}/scripts';
const one = { ...appOrComponent, script_id: id('script id') };
const run = { ...one, execution_id: id('execution id') };
const execution = { id: o.str, status: o.str, progress: o.numOrNull, started_at: o.str, completed_at: o.any, parameters: o.any, error: o.any };
/** Largest script text accepted (the gateway's own cap is larger; an agent's script is small). */
const MAX_SCRIPT_CHARS = 256 * 1024;
const control = z.enum(['stop', 'forced_termination']);
const START_FIELDS = ['execution_type', 'parameters', 'proximity_response'] as const;

/**
 * The reference's `params`: it sends the object as the start request's body, while its description calls
 * it the script's parameters. An object of the body's fields only is taken as the body, any other as parameters.
 */
const startParams: ArgumentAlias = {
  spread: START_FIELDS,
  schema: jsonObject.describe("the script's parameters, or the start body {execution_type, parameters, proximity_response}"),
  convert: (v) => {
    const keys = Object.keys(v as object);
    return keys.length > 0 && keys.every((k) => (START_FIELDS as readonly string[]).includes(k)) ? (v as Record<string, unknown>) : { parameters: v };
  },
};
/** The reference's `action` is the control body ({"action": "stop"}); our plain value is taken too. */
const controlBody: ArgumentAlias = { to: 'action', schema: z.union([control, z.strictObject({ action: control })], { error: 'expected {"action": "stop" | "forced_termination"} or the value alone' }).describe('{"action": "stop" | "forced_termination"} or the value alone'), convert: (v) => (typeof v === 'string' ? v : (v as { action: string }).action) };

export const SCRIPT_TOOLS: ToolDeclaration[] = [
  {
    name: 'scripts_upload',
    title: 'Upload a diagnostic script',
    description: 'Uploads a script to an app or component. The filename extension picks the interpreter (.py python3, .bash bash, else sh); metadata may carry name, description and parameters_schema.',
    method: 'POST',
    path: SCRIPTS,
    input: {
      ...appOrComponent,
      filename: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, 'a plain file name').describe('e.g. disk_check.py'),
      content: z.string().min(1).max(MAX_SCRIPT_CHARS).describe('the script text'),
      metadata: jsonObject.optional().describe('{name, description, parameters_schema}'),
    },
    body: { kind: 'multipart', file: { arg: 'content', encoding: 'utf8', filenameArg: 'filename' }, fields: { metadata: 'metadata' } },
    output: { id: o.str, name: o.str },
    mutating: true,
    // The reference uploads every script as script.py (Python); its id is then `script` unless filename or metadata names another.
    referenceNames: [{ name: 'upload_script', aliases: { script_content: 'content' }, defaults: { filename: 'script.py' } }],
  },
  { name: 'scripts_list', title: 'List scripts', description: 'The diagnostic scripts of an app or component.', method: 'GET', path: SCRIPTS, input: appOrComponent, output: { items: o.items }, mutating: false, referenceNames: [{ name: 'list_scripts' }] },
  { name: 'scripts_get', title: 'Script detail', description: 'One script with its parameters schema.', method: 'GET', path: `${SCRIPTS}/{script_id}`, input: one, output: { id: o.str, name: o.str, parameters_schema: o.any }, mutating: false, referenceNames: [{ name: 'get_script' }] },
  { name: 'scripts_delete', title: 'Delete a script', description: 'Deletes an uploaded script (scripts from the manifest cannot be deleted).', method: 'DELETE', path: `${SCRIPTS}/{script_id}`, input: one, output: {}, mutating: true, referenceNames: [{ name: 'delete_script' }] },
  {
    name: 'scripts_execute',
    title: 'Run a diagnostic script',
    description: 'Starts a script; follow it with scripts_execution_status (x-medkit-mcp.location is its status URL).',
    method: 'POST',
    path: `${SCRIPTS}/{script_id}/executions`,
    input: { ...one, execution_type: z.enum(['now', 'on_restart', 'now_and_on_restart', 'once_on_restart']).default('now'), parameters: jsonObject.optional(), proximity_response: z.string().max(1024).optional() },
    body: { kind: 'json', fields: { execution_type: 'execution_type', parameters: 'parameters', proximity_response: 'proximity_response' } },
    output: execution,
    mutating: true,
    referenceNames: [{ name: 'execute_script', aliases: { params: startParams } }],
  },
  { name: 'scripts_execution_status', title: 'Script run status', description: 'Status, output and error of one script run.', method: 'GET', path: `${SCRIPTS}/{script_id}/executions/{execution_id}`, input: run, output: execution, mutating: false, referenceNames: [{ name: 'get_script_execution' }] },
  {
    name: 'scripts_execution_control',
    title: 'Stop a script run',
    description: 'stop sends SIGTERM to the run, forced_termination SIGKILL.',
    method: 'PUT',
    path: `${SCRIPTS}/{script_id}/executions/{execution_id}`,
    input: { ...run, action: control },
    body: { kind: 'json', fields: { action: 'action' } },
    output: execution,
    mutating: true,
    referenceNames: [{ name: 'control_script_execution', aliases: { action: controlBody } }],
  },
  { name: 'scripts_execution_delete', title: 'Delete a script run', description: 'Removes the record of a finished run.', method: 'DELETE', path: `${SCRIPTS}/{script_id}/executions/{execution_id}`, input: run, output: {}, mutating: true },
];
