// The REST bodies of data (docs/resources.md), written once: the routes serve these schemas and the service and
// the category views return their static types, so a field a view adds must be listed here (`x-medkit` is open).
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';
import { Collection } from '@medkit/server';

export const DataListItemSchema = Type.Object(
  {
    id: Type.String({ description: 'Topic path (or member-qualified id)' }),
    name: Type.String(),
    category: Type.String({ description: 'Always currentData' }),
    value: Type.Optional(Type.Unknown({ description: 'The latest message the gateway holds for the topic (a list never samples); omitted when none is held or it is too large (x-medkit.value_omitted)' })),
    publisher_count: Type.Optional(Type.Integer({ minimum: 0, description: 'Publishers on the ROS graph (the gateway not counted); omitted without ROS' })),
    subscriber_count: Type.Optional(Type.Integer({ minimum: 0, description: 'Subscribers on the ROS graph (the gateway not counted); omitted without ROS' })),
    'x-medkit': Type.Optional(Opaque('ros2 {topic, direction, type}, type_info {schema, default_value}, member_ids, publishers (names of the nodes publishing the topic, the gateway not counted; with ROS); with a value: timestamp (ns), age_sec, stale; value_omitted: too_large')),
  },
  {
    examples: [
      {
        id: '/battery/voltage', name: '/battery/voltage', category: 'currentData', value: { data: 23.8 }, publisher_count: 1, subscriber_count: 2,
        'x-medkit': { ros2: { topic: '/battery/voltage', direction: 'publish', type: 'std_msgs/msg/Float64' }, timestamp: 1774232073000000000, age_sec: 0.2, stale: false },
      },
    ],
  },
);

export const DataValueSchema = Type.Object(
  {
    id: Type.String(),
    data: Type.Unknown({ description: 'The message in JSON form ({} when nothing arrived)' }),
    'x-medkit': Type.Optional(Opaque('ros2, entity_id, type_info, timestamp (ns), publisher_count, subscriber_count, publishers (node names), status (data | metadata_only | published), age_sec and stale (reads of a sample), rate_hz (measured rate of the topic: 1 / the moving average of its arrival gaps, every message counted by the gateway subscription; left off until two messages came and while stale)')),
  },
  { examples: [{ id: '/battery/voltage', data: { data: 23.8 }, 'x-medkit': { ros2: { topic: '/battery/voltage', type: 'std_msgs/msg/Float64' }, status: 'data', timestamp: 1774232073000000000 } }] },
);

export const DataCategoryListSchema = Type.Object(
  { items: Type.Array(Type.Object({ item: Type.String({ description: 'Category, e.g. currentData' }), 'x-medkit': Type.Object({ item_count: Type.Integer({ minimum: 0 }) }) })) },
  { title: 'DataCategoryList', examples: [{ items: [{ item: 'currentData', 'x-medkit': { item_count: 3 } }] }] },
);

export const DataGroupListSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        id: Type.String({ description: 'The ROS namespace the items share (/ for top-level topics)' }),
        category: Type.String(),
        'x-medkit': Type.Object({ data_ids: Type.Array(Type.String(), { description: 'Ids of the data items in the group' }) }),
      }),
    ),
  },
  { title: 'DataGroupList', examples: [{ items: [{ id: '/battery', category: 'currentData', 'x-medkit': { data_ids: ['/battery/voltage', '/battery/current'] } }] }] },
);

/** `GET /{entity}/data`: the collection envelope of data list items. */
export const DataListSchema = Collection(DataListItemSchema);

/** One data list item (a topic, not sampled). */
export type DataListItemBody = Static<typeof DataListItemSchema>;
/** `GET /{entity}/data` body. */
export type DataListBody = Static<typeof DataListSchema>;
/** Body of a data read or write. */
export type DataValueBody = Static<typeof DataValueSchema>;
/** `GET /{entity}/data-categories` body. */
export type DataCategoryListBody = Static<typeof DataCategoryListSchema>;
/** `GET /{entity}/data-groups` body. */
export type DataGroupListBody = Static<typeof DataGroupListSchema>;
