export { createDataFeature, DATA_KEYS, DATA_SERVICE, rosTopicTransport } from './feature.js';
export { DataService, type DataServiceDeps, type DataValueBody, type EntityRef } from './service.js';
export { TopicPool, ColdWaitCapError, type TopicPoolOptions, type TopicPoolStats, type TopicSample, type TopicTransport, type TopicHandle } from './topic-pool.js';
export { PublisherCache, type PublisherHandle, type PublisherFactory } from './publishers.js';
export { dataItems, findDataItem, normalizeTopicId, type DataItem, type Direction } from './items.js';
