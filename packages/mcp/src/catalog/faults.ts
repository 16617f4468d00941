// Faults (docs/faults.md): list (robot-wide or per entity), explain one, its snapshots, clear one or all.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { ENTITY_TYPES, id, o } from './schemas.js';

const status = z.enum(['pending', 'confirmed', 'cleared', 'healed', 'all']);
const optionalEntity = { entity_type: z.enum(ENTITY_TYPES).optional().describe('with entity_id: one entity (default: the whole robot)'), entity_id: id('entity id').optional() };
const oneFault = { entity_type: z.enum(ENTITY_TYPES), entity_id: id('entity id'), fault_code: id('fault code') };

export const FAULT_TOOLS: ToolDeclaration[] = [
  {
    name: 'faults_list',
    title: 'List faults',
    description: 'Faults across the robot (and federated gateways), or of one entity. status: pending | confirmed | cleared | healed | all (default: active = pending + confirmed). severity: minimum (info, warn, error, critical). Robot-wide only: include_muted (also the faults muted by correlation), include_clusters (the correlation clusters).',
    method: 'GET',
    path: ['/{entity_type}/{entity_id}/faults', '/faults'],
    input: {
      ...optionalEntity,
      status: status.optional(),
      severity: z.enum(['info', 'warn', 'error', 'critical']).optional(),
      // GET /faults takes them (docs/faults.md, correlation); an entity's list has no correlation view.
      include_muted: z.boolean().optional().describe('robot-wide list: also list faults muted by correlation (and x-medkit.muted_faults)'),
      include_clusters: z.boolean().optional().describe('robot-wide list: add the correlation clusters (x-medkit.clusters)'),
    },
    query: { status: 'status', severity: 'severity', include_muted: 'include_muted', include_clusters: 'include_clusters' },
    output: { items: o.items, count: o.num },
    mutating: false,
    // The reference's robot-wide list: this tool without an entity.
    referenceNames: [{ name: 'all_faults_list' }],
  },
  {
    name: 'faults_get',
    title: 'Explain a fault',
    description: 'One fault in full: status, occurrences, reporting sources, the freeze frame (signal values and their history at the moment of the fault) and the black-box recording, with absolute download links.',
    method: 'GET',
    path: '/{entity_type}/{entity_id}/faults/{fault_code}',
    input: oneFault,
    aliases: { fault_id: 'fault_code' },
    output: { item: o.obj, environment_data: o.obj },
    mutating: false,
    links: true,
  },
  {
    name: 'faults_snapshots',
    title: 'Fault snapshots',
    description: 'The snapshots (freeze frames) captured for a fault, robot-wide or of one entity; topic narrows to one captured topic.',
    method: 'GET',
    path: ['/{entity_type}/{entity_id}/faults/{fault_code}/snapshots', '/faults/{fault_code}/snapshots'],
    input: { ...optionalEntity, fault_code: id('fault code'), topic: z.string().min(1).max(256).optional().describe('only this topic') },
    query: { topic: 'topic' },
    output: { items: o.items },
    mutating: false,
    // The reference has one name per scope: of an entity, and robot-wide.
    referenceNames: [{ name: 'fault_snapshots', required: ['entity_id'] }, { name: 'system_fault_snapshots' }],
  },
  {
    name: 'faults_clear',
    title: 'Clear a fault',
    description: 'Clears one fault of an entity (it is raised again if its cause persists).',
    method: 'DELETE',
    path: '/{entity_type}/{entity_id}/faults/{fault_code}',
    input: oneFault,
    aliases: { fault_id: 'fault_code' },
    output: {},
    mutating: true,
  },
  {
    name: 'faults_clear_all',
    title: 'Clear all faults',
    description: 'Clears every fault of one entity, or of the whole robot without an entity; status narrows which.',
    method: 'DELETE',
    path: ['/{entity_type}/{entity_id}/faults', '/faults'],
    input: { ...optionalEntity, status: status.optional() },
    query: { status: 'status' },
    output: {},
    mutating: true,
    // The reference clears one entity's faults only: without entity_id its call is refused, not robot-wide.
    referenceNames: [{ name: 'clear_all_faults', required: ['entity_id'] }],
  },
];
