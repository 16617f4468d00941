// Data (docs/resources.md): list, read, publish, categories and groups, and saved data lists (docs/sovd-resources.md [ours]).
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, dataId, id, jsonValue, o } from './schemas.js';

/** The message type of the data item `data_id` in a data list answer (matched by id or topic). */
function topicType(body: unknown, args: Record<string, unknown>): unknown {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return undefined;
  const item = items.find((i: { id?: unknown; 'x-medkit'?: { ros2?: { topic?: unknown } } } | null) => i?.id === args.data_id || i?.['x-medkit']?.ros2?.topic === args.data_id) as { 'x-medkit'?: { ros2?: { type?: unknown } } } | undefined;
  const type = item?.['x-medkit']?.ros2?.type;
  return typeof type === 'string' ? type : undefined;
}

export const DATA_TOOLS: ToolDeclaration[] = [
  { name: 'entity_data', title: 'List data', description: 'The data items (ROS topics) of an entity, with their types.', method: 'GET', path: '/{entity_type}/{entity_id}/data', input: anyEntity, output: { items: o.items }, mutating: false },
  {
    name: 'entity_topic_data',
    title: 'Read data',
    description: 'The current value of one data item (the latest message on its topic), with its age.',
    method: 'GET',
    path: '/{entity_type}/{entity_id}/data/{data_id}',
    input: { ...anyEntity, data_id: dataId },
    aliases: { topic_name: 'data_id' },
    output: { id: o.str, data: o.any },
    mutating: false,
  },
  {
    name: 'publish_topic',
    title: 'Publish data',
    description:
      "Publishes one message on a data item's topic. type is the ROS message type (pkg/msg/Type; default: the type the entity's data list gives the topic); data is the message as a JSON value of that type. " +
      'Writes are deliberate: a topic other nodes publish, or a command topic (cmd_vel and the like), is refused (409, naming the topic and its publishers) unless confirm names the topic; ' +
      'ask the user before calling again with confirm. A topic outside the gateway\'s data.write.allow is refused (403).',
    method: 'PUT',
    path: '/{entity_type}/{entity_id}/data/{data_id}',
    input: {
      ...anyEntity,
      data_id: dataId,
      type: z.string().min(1).max(256).optional().describe('ROS message type, e.g. geometry_msgs/msg/Twist (default: the topic\'s type)'),
      data: jsonValue,
      confirm: z.string().min(1).max(256).optional().describe('The topic name again (e.g. /cmd_vel), confirming a deliberate write on a topic other nodes publish or a command topic; only after the user agreed'),
    },
    aliases: { topic_name: 'data_id' },
    // The reference's publish call names no type: the one the data list gives the topic is used.
    lookup: { arg: 'type', path: '/{entity_type}/{entity_id}/data', find: topicType },
    body: { kind: 'json', fields: { type: 'type', data: 'data', confirm: 'confirm' } },
    output: { id: o.str, data: o.any },
    mutating: true,
  },
  { name: 'data_categories', title: 'Data categories', description: 'The categories the data items of an entity fall in.', method: 'GET', path: '/{entity_type}/{entity_id}/data-categories', input: anyEntity, output: { items: o.items }, mutating: false },
  { name: 'data_groups', title: 'Data groups', description: 'The groups the data items of an entity are organised in.', method: 'GET', path: '/{entity_type}/{entity_id}/data-groups', input: anyEntity, output: { items: o.items }, mutating: false },
  { name: 'data_lists_list', title: 'List data lists', description: 'The saved data lists of an entity (named sets of data items read together).', method: 'GET', path: '/{entity_type}/{entity_id}/data-lists', input: anyEntity, output: { items: o.items }, mutating: false },
  {
    name: 'data_lists_create',
    title: 'Create a data list',
    description: 'Saves a named set of data items of the entity, to read them all in one call.',
    method: 'POST',
    path: '/{entity_type}/{entity_id}/data-lists',
    input: { ...anyEntity, items: z.array(dataId).min(1).max(100).describe('data item ids'), name: z.string().min(1).max(128).optional() },
    body: { kind: 'json', fields: { items: 'items', name: 'name' } },
    output: { id: o.str, items: o.items },
    mutating: true,
  },
  {
    name: 'data_lists_get',
    title: 'Read a data list',
    description: 'Reads every item of a data list at once (an item that fails carries its own error).',
    method: 'GET',
    path: '/{entity_type}/{entity_id}/data-lists/{data_list_id}',
    input: { ...anyEntity, data_list_id: id('data list id') },
    output: { id: o.str, items: o.items },
    mutating: false,
  },
  {
    name: 'data_lists_delete',
    title: 'Delete a data list',
    description: 'Deletes a saved data list.',
    method: 'DELETE',
    path: '/{entity_type}/{entity_id}/data-lists/{data_list_id}',
    input: { ...anyEntity, data_list_id: id('data list id') },
    output: {},
    mutating: true,
  },
];
