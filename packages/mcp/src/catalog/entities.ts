// The entity tree: every collection, one entity, and the relations between entities (docs/api.md).
import type { ReferenceName, ToolDeclaration } from './declaration.js';
import { anyEntity, ENTITY_TYPES, id, o } from './schemas.js';
import { z } from 'zod';

const listOf = (type: (typeof ENTITY_TYPES)[number], what: string): ToolDeclaration => ({
  name: `${type}_list`,
  title: `List ${type}`,
  description: `Every ${what} of the robot (GET /${type}).`,
  method: 'GET',
  path: `/${type}`,
  input: {},
  output: { items: o.items },
  mutating: false,
});

const relation = (name: string, type: string, param: string, rel: string, what: string): ToolDeclaration => ({
  name,
  title: what,
  description: `${what} (GET /${type}/{id}/${rel}).`,
  method: 'GET',
  path: `/${type}/{${param}}/${rel}`,
  input: { [param]: id(`${type.slice(0, -1)} id`) },
  output: { items: o.items },
  mutating: false,
});

/**
 * Dependencies: the reference asks them with entity_id + entity_type (components | apps); here each
 * collection has its tool, which takes entity_id for its own id and entity_type only when it names it.
 */
const dependencies = (type: 'components' | 'apps', param: string, what: string): ToolDeclaration => ({
  ...relation(`${type.slice(0, -1)}_depends_on`, type, param, 'depends-on', what),
  input: { [param]: id(`${type.slice(0, -1)} id`), entity_type: z.literal(type).optional().describe(`${type} (the only collection this tool serves)`) },
  aliases: { entity_id: param },
});

/** The reference's one-collection getter (`apps_get {app_id}`): entities_get with the collection implied. */
const getterOf = (name: string, type: (typeof ENTITY_TYPES)[number], param: string): ReferenceName => ({ name, fixed: { entity_type: type }, aliases: { [param]: 'entity_id' } });

export const ENTITY_TOOLS: ToolDeclaration[] = [
  {
    name: 'entities_list',
    title: 'List entities',
    description: "Lists the robot's entities (areas, components, apps = ROS nodes, functions) with ids, names and online state. Without entity_type, lists all four collections.",
    method: 'GET',
    path: '/{entity_type}',
    input: {
      entity_type: z.enum(ENTITY_TYPES).optional().describe('one collection (default: all four)'),
      filter: z.string().min(1).max(256).optional().describe('only entities whose id or name contains this text (case-insensitive)'),
    },
    output: { areas: o.list, components: o.list, apps: o.list, functions: o.list },
    mutating: false,
    gather: { arg: 'entity_type', values: ENTITY_TYPES, pick: 'items' },
    filter: { arg: 'filter', fields: ['id', 'name'] },
  },
  listOf('areas', 'area'),
  listOf('components', 'top-level component'),
  listOf('apps', 'app (ROS node)'),
  listOf('functions', 'function'),
  {
    name: 'entities_get',
    title: 'Entity detail',
    description: 'One entity: its metadata, relationships and which resource collections (data, operations, configurations, faults, logs, bulk-data) it offers. Without entity_type, the first collection holding entity_id answers (components, apps, areas, functions).',
    method: 'GET',
    path: '/{entity_type}/{entity_id}',
    input: { ...anyEntity, entity_type: anyEntity.entity_type.optional() },
    firstFound: { arg: 'entity_type', values: ['components', 'apps', 'areas', 'functions'] },
    output: { id: o.str, name: o.str },
    mutating: false,
    referenceNames: [getterOf('area_get', 'areas', 'area_id'), getterOf('component_get', 'components', 'component_id'), getterOf('apps_get', 'apps', 'app_id'), getterOf('functions_get', 'functions', 'function_id')],
  },
  relation('area_components', 'areas', 'area_id', 'components', 'Components placed directly in an area'),
  relation('area_subareas', 'areas', 'area_id', 'subareas', 'Subareas of an area'),
  relation('area_contains', 'areas', 'area_id', 'contains', 'Components in an area and all its subareas'),
  relation('component_subcomponents', 'components', 'component_id', 'subcomponents', 'Subcomponents of a component'),
  relation('component_hosts', 'components', 'component_id', 'hosts', 'Apps hosted on a component'),
  { ...dependencies('components', 'component_id', 'Components a component depends on'), referenceNames: [{ name: 'component_dependencies' }] },
  relation('app_is_located_on', 'apps', 'app_id', 'is-located-on', 'The component an app runs on'),
  relation('app_belongs_to', 'apps', 'app_id', 'belongs-to', 'The area an app belongs to'),
  { ...dependencies('apps', 'app_id', 'Apps an app depends on'), referenceNames: [{ name: 'apps_dependencies' }] },
  { ...relation('function_hosts', 'functions', 'function_id', 'hosts', 'Apps that implement a function'), referenceNames: [{ name: 'functions_hosts' }] },
];
