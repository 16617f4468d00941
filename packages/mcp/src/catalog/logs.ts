// Logs (docs/resources.md): recent /rosout lines of an entity and its log configuration.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, bodyObject, o } from './schemas.js';
import { invalidCombination, ToolInputError } from '../tool-errors.js';

const level = z.enum(['debug', 'info', 'warning', 'error', 'fatal']);
const maxEntries = z.number().int().min(1).max(10_000);

/** The reference's `config` is the REST body; its own description names the level `level`, so both names are taken. */
const logConfig = bodyObject(['severity_filter', 'max_entries'], { severity_filter: level.optional(), level: level.optional(), max_entries: maxEntries.optional() }, '{severity_filter (or level), max_entries}', ({ severity_filter, level: lvl, max_entries }) => {
  if (severity_filter !== undefined && lvl !== undefined && severity_filter !== lvl) throw new ToolInputError(invalidCombination('config: severity_filter and level name the same setting but carry different values; give one of them'));
  return { severity_filter: severity_filter ?? lvl, max_entries };
});

export const LOG_TOOLS: ToolDeclaration[] = [
  {
    name: 'logs_query',
    title: 'Read logs',
    description: 'Recent log lines (/rosout) of an entity, newest last. severity is the minimum level; context filters by logger name.',
    method: 'GET',
    path: '/{entity_type}/{entity_id}/logs',
    input: { ...anyEntity, severity: level.optional(), context: z.string().max(256).optional() },
    query: { severity: 'severity', context: 'context' },
    output: { items: o.items },
    mutating: false,
    referenceNames: [{ name: 'list_logs' }],
  },
  { name: 'logs_get_configuration', title: 'Log configuration', description: 'The severity filter and entry cap of an entity\'s logs.', method: 'GET', path: '/{entity_type}/{entity_id}/logs/configuration', input: anyEntity, output: { severity_filter: o.str, max_entries: o.num }, mutating: false, referenceNames: [{ name: 'get_log_configuration' }] },
  {
    name: 'logs_set_configuration',
    title: 'Set the log configuration',
    description: 'Sets the minimum severity kept and/or how many entries are kept for an entity.',
    method: 'PUT',
    path: '/{entity_type}/{entity_id}/logs/configuration',
    input: { ...anyEntity, severity_filter: level.optional(), max_entries: maxEntries.optional() },
    body: { kind: 'json', fields: { severity_filter: 'severity_filter', max_entries: 'max_entries' } },
    output: {},
    mutating: true,
    referenceNames: [{ name: 'set_log_configuration', aliases: { config: logConfig } }],
  },
];
