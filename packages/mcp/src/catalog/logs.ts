// Logs (api.md §11): recent /rosout lines of an entity and its log configuration.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, o } from './schemas.js';

const level = z.enum(['debug', 'info', 'warning', 'error', 'fatal']);

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
  },
  { name: 'logs_get_configuration', title: 'Log configuration', description: 'The severity filter and entry cap of an entity\'s logs.', method: 'GET', path: '/{entity_type}/{entity_id}/logs/configuration', input: anyEntity, output: { severity_filter: o.str, max_entries: o.num }, mutating: false },
  {
    name: 'logs_set_configuration',
    title: 'Set the log configuration',
    description: 'Sets the minimum severity kept and/or how many entries are kept for an entity.',
    method: 'PUT',
    path: '/{entity_type}/{entity_id}/logs/configuration',
    input: { ...anyEntity, severity_filter: level.optional(), max_entries: z.number().int().min(1).max(10_000).optional() },
    body: { kind: 'json', fields: { severity_filter: 'severity_filter', max_entries: 'max_entries' } },
    output: {},
    mutating: true,
  },
];
