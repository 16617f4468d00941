// Public API of the cyclic-subscriptions feature.
export { createSubscriptionsFeature, SUBSCRIPTION_KEYS, SUBSCRIPTIONS_SERVICE, type SubscriptionsFeatureOptions } from './feature.js';
export { SubscriptionManager, type SubscriptionManagerOptions } from './manager.js';
export { INTERVALS, type IntervalName, type Subscription, type SubscriptionView } from './model.js';
