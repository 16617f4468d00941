// Cyclic subscriptions (docs/subscriptions.md): a resource pushed periodically over SSE from event_source.
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { bodyObject, id, o, subscribable } from './schemas.js';

const SUBS = '/{entity_type}/{entity_id}/cyclic-subscriptions';
const one = { ...subscribable, subscription_id: id('subscription id') };
const interval = z.enum(['fast', 'normal', 'slow']).describe('fast = 50 ms, normal = 200 ms, slow = 500 ms');
const duration = z.number().int().min(1).max(86_400).describe('seconds the subscription lives');
const resource = z.string().min(1).max(1024).describe('full resource URI, /api/v1/{type}/{id}/{collection}[/{path}]');
const subscription = { id: o.str, observed_resource: o.str, event_source: o.str, protocol: o.str, interval: o.str };
// The reference's sub_config is the REST body; protocol can only be sse, so it is checked and not passed on.
const createConfig = bodyObject(['resource', 'interval', 'duration'], { resource, interval, duration, protocol: z.literal('sse').optional() }, '{resource, interval, duration, protocol?: "sse"}', ({ protocol: _sse, ...rest }) => rest);
const updateConfig = bodyObject(['interval', 'duration'], { interval: interval.optional(), duration: duration.optional() }, '{interval?, duration?}');

export const SUBSCRIPTION_TOOLS: ToolDeclaration[] = [
  {
    name: 'subscriptions_create',
    title: 'Create a cyclic subscription',
    description: 'Subscribes to a resource of the entity (e.g. /api/v1/apps/lidar/data/scan), pushed every interval over SSE from the returned event_source.',
    method: 'POST',
    path: SUBS,
    input: { ...subscribable, resource, interval, duration },
    body: { kind: 'json', fields: { resource: 'resource', interval: 'interval', duration: 'duration' } },
    output: subscription,
    mutating: true,
    referenceNames: [{ name: 'create_cyclic_sub', aliases: { sub_config: createConfig } }],
  },
  { name: 'subscriptions_list', title: 'List cyclic subscriptions', description: 'The cyclic subscriptions of an entity.', method: 'GET', path: SUBS, input: subscribable, output: { items: o.items }, mutating: false, referenceNames: [{ name: 'list_cyclic_subs' }] },
  { name: 'subscriptions_get', title: 'Cyclic subscription detail', description: 'One cyclic subscription.', method: 'GET', path: `${SUBS}/{subscription_id}`, input: one, output: subscription, mutating: false, referenceNames: [{ name: 'get_cyclic_sub' }] },
  {
    name: 'subscriptions_update',
    title: 'Update a cyclic subscription',
    description: 'Changes the interval and/or duration (a new duration counts from now).',
    method: 'PUT',
    path: `${SUBS}/{subscription_id}`,
    input: { ...one, interval: interval.optional(), duration: duration.optional() },
    body: { kind: 'json', fields: { interval: 'interval', duration: 'duration' } },
    output: subscription,
    mutating: true,
    referenceNames: [{ name: 'update_cyclic_sub', aliases: { sub_config: updateConfig } }],
  },
  { name: 'subscriptions_delete', title: 'Delete a cyclic subscription', description: 'Ends a cyclic subscription.', method: 'DELETE', path: `${SUBS}/{subscription_id}`, input: one, output: {}, mutating: true, referenceNames: [{ name: 'delete_cyclic_sub' }] },
];
